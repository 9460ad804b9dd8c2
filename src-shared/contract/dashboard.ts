import { z } from 'zod';
import { channel } from './channel';
import type { ProfileStatus } from '../profile';
import type { ImportHistoryStatus, ImportMode } from '../import';

/** The days the activity chart covers, today included. */
export const DASHBOARD_DAYS = 30;

/** A pending invitation that ends within this many hours needs attention. */
export const EXPIRING_WITHIN_HOURS = 48;

/** Whether `value` names a time zone this runtime knows (an IANA name such as Europe/Brussels, or UTC). */
export function isTimeZone(value: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: value });
    return true;
  } catch {
    return false;
  }
}

/** One day of the activity chart. */
export interface DashboardDay {
  /** The calendar day in the time zone asked for, as YYYY-MM-DD. */
  date: string;
  /** Invitation emails sent that day (a re-invitation counts again). */
  sent: number;
  /** People who confirmed their account that day. */
  confirmed: number;
}

/** The most recent import made on this console, and what it did. */
export interface DashboardLastImport {
  id: string;
  fileName: string;
  status: ImportHistoryStatus;
  mode: ImportMode;
  rows: number;
  created: number;
  updated: number;
  skipped: number;
  startedAt: string;
  finishedAt: string | null;
}

/**
 * The directory at a glance, read from the local replica (so it answers
 * offline): the profiles by status, the invitations sent and confirmed per
 * day, and what needs attention.
 */
export interface DashboardSummary {
  /** The moment the figures describe. */
  at: string;
  /** Live profiles. */
  total: number;
  /** The same counts the Profiles list's status filter gives. */
  statuses: Record<ProfileStatus, number>;
  /** DASHBOARD_DAYS days, oldest first, the last one today. */
  days: DashboardDay[];
  /** Pending invitations that end between `at` and `until`. */
  expiring: {
    until: string;
    /** The ones no waiting batch re-sends yet: what "Invite again" covers. */
    ids: string[];
    /** The ones already in an invitation batch waiting to be sent. */
    queued: number;
    /** When the first of `ids` ends. */
    soonest: string | null;
  };
  /** What waits for a person's decision on the Conflicts page: profile conflicts, and catalogue and rule changes that did not go through. */
  openConflicts: number;
  /** Changes (outbox entries) waiting to be sent to the server. */
  waiting: number;
  lastImport: DashboardLastImport | null;
}

export const dashboardChannels = {
  'dashboard:summary': channel<DashboardSummary>()(
    z.strictObject({
      /** Where the days of the chart begin and end: the reader's time zone. */
      timeZone: z
        .string()
        .min(1, 'timeZone is required: an IANA time zone such as Europe/Brussels.')
        .max(100, 'timeZone is too long (at most 100 characters).')
        .refine(isTimeZone, 'timeZone must be a time zone such as Europe/Brussels or UTC.'),
    }),
  ),
};
