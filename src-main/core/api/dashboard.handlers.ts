import type { ChannelName } from '../../../src-shared/contract';
import { DASHBOARD_DAYS, EXPIRING_WITHIN_HOURS } from '../../../src-shared/contract/dashboard';
import type { DashboardLastImport, DashboardSummary } from '../../../src-shared/contract/dashboard';
import type { ProfileStatus } from '../../../src-shared/profile';
import type { Clock } from '../ports';
import type { DomainHandlers } from './dispatcher';

type DashboardChannel = Extract<ChannelName, `dashboard:${string}`>;

/** What the dashboard asks of the replica: the moment, the end of the "expiring soon" window, and where each day of the chart begins. */
export interface DashboardWindow {
  now: string;
  until: string;
  /** DASHBOARD_DAYS + 1 instants (ISO, UTC): day i runs from dayStarts[i] up to dayStarts[i + 1]. */
  dayStarts: string[];
}

/** The replica's answer, the per-day counts in the order of the window's days. */
export interface DashboardCounts {
  statuses: Record<ProfileStatus, number>;
  sent: number[];
  confirmed: number[];
  expiring: { ids: string[]; queued: number; soonest: string | null };
  openConflicts: number;
  waiting: number;
  lastImport: DashboardLastImport | null;
}

export interface DashboardStorePort {
  /** Every figure read in one transaction, so they describe the same moment. */
  read(window: DashboardWindow): DashboardCounts;
}

const HOUR_MS = 3_600_000;

/** Reads an instant's date and time on the wall clocks of a time zone. */
function wallClock(zone: Intl.DateTimeFormat, instant: number): number {
  const parts: Partial<Record<Intl.DateTimeFormatPartTypes, number>> = {};
  for (const part of zone.formatToParts(instant)) parts[part.type] = Number(part.value);
  return Date.UTC(parts.year ?? 1970, (parts.month ?? 1) - 1, parts.day ?? 1, (parts.hour ?? 0) % 24, parts.minute ?? 0, parts.second ?? 0);
}

/**
 * The first instant of a calendar day in a time zone. Local midnight is found
 * from the zone's offset, looked up twice for a day whose offset changes; where
 * midnight does not exist (clocks jump from 23:59 to 01:00), the day begins
 * at the jump, the first instant whose wall clock reads that day.
 */
function startOfDay(zone: Intl.DateTimeFormat, year: number, month: number, day: number): number {
  const midnight = Date.UTC(year, month, day);
  const first = midnight - (wallClock(zone, midnight) - midnight);
  const second = midnight - (wallClock(zone, first) - first);
  const onTheDay = [first, second].filter((t) => wallClock(zone, t) >= midnight);
  return onTheDay.length === 0 ? first : Math.min(...onTheDay);
}

// A formatter per time zone, made once: making one costs far more than using it (the first loads the zone data).
const zones = new Map<string, Intl.DateTimeFormat>();
function wallClockIn(timeZone: string): Intl.DateTimeFormat {
  let zone = zones.get(timeZone);
  if (zone === undefined) {
    zone = new Intl.DateTimeFormat('en-US', { timeZone, year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric', hourCycle: 'h23' });
    // A reader has one time zone; a handful covers every window open at once.
    if (zones.size >= 8) zones.clear();
    zones.set(timeZone, zone);
  }
  return zone;
}

const isoDate = (utcMidnight: number): string => new Date(utcMidnight).toISOString().slice(0, 10);

/**
 * The last `days` calendar days in a time zone, today the last: each day's
 * date (YYYY-MM-DD) and where it begins, plus where tomorrow begins.
 */
export function calendarDays(now: Date, timeZone: string, days: number): { dates: string[]; starts: string[] } {
  const zone = wallClockIn(timeZone);
  const today = new Date(wallClock(zone, now.getTime()));
  const dates: string[] = [];
  const starts: string[] = [];
  for (let i = 0; i <= days; i++) {
    const day = Date.UTC(today.getUTCFullYear(), today.getUTCMonth(), today.getUTCDate() - (days - 1) + i);
    const date = new Date(day);
    if (i < days) dates.push(isoDate(day));
    starts.push(new Date(startOfDay(zone, date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate())).toISOString());
  }
  return { dates, starts };
}

/** The directory at a glance, from the local replica: it answers offline. */
export function dashboardSummary(deps: { store: DashboardStorePort; clock: Clock }, timeZone: string): DashboardSummary {
  const now = deps.clock.now();
  const { dates, starts } = calendarDays(now, timeZone, DASHBOARD_DAYS);
  const until = new Date(now.getTime() + EXPIRING_WITHIN_HOURS * HOUR_MS).toISOString();
  const counts = deps.store.read({ now: now.toISOString(), until, dayStarts: starts });
  return {
    at: now.toISOString(),
    total: Object.values(counts.statuses).reduce((sum, n) => sum + n, 0),
    statuses: counts.statuses,
    days: dates.map((date, i) => ({ date, sent: counts.sent[i] ?? 0, confirmed: counts.confirmed[i] ?? 0 })),
    expiring: { until, ...counts.expiring },
    openConflicts: counts.openConflicts,
    waiting: counts.waiting,
    lastImport: counts.lastImport,
  };
}

export const dashboardHandlers = (deps: { store: DashboardStorePort; clock: Clock }): DomainHandlers<DashboardChannel> => ({
  'dashboard:summary': ({ timeZone }) => dashboardSummary(deps, timeZone),
});
