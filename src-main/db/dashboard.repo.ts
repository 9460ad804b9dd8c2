import { prepared } from './database';
import type { Db } from './database';
import { catalogueChangesRepo } from './catalogues.repo';
import { ruleChangesRepo } from './rules.repo';
import type { DashboardCounts, DashboardStorePort, DashboardWindow } from '../core/api/dashboard.handlers';
import type { DashboardLastImport } from '../../src-shared/contract/dashboard';
import type { ProfileStatus } from '../../src-shared/profile';

/**
 * The replica keeps only the latest invitation of a profile (a new one
 * replaces invited_at), so a re-invitation would move the earlier one off the
 * chart. Each invitation time and confirmation time a row is written with, by
 * a local write or a pull, is therefore also kept in `invitation_events`:
 * one row per (kind, moment, profile), times in one UTC form so they compare
 * as text, and kept when the profile is deleted (it was still sent).
 * A value SQLite cannot read as a time is left out rather than refuse the row.
 */
const utc = (column: string): string => `strftime('%Y-%m-%dT%H:%M:%fZ', ${column})`;
const event = (kind: 'sent' | 'confirmed', column: 'invited_at' | 'confirmed_at', when: string): string =>
  `INSERT OR IGNORE INTO invitation_events (kind, at, profile_id)
     SELECT '${kind}', ${utc(`new.${column}`)}, new.id WHERE ${when} AND ${utc(`new.${column}`)} IS NOT NULL;`;

export const INVITATION_EVENT_TRIGGERS = {
  invitation_events_insert: `CREATE TRIGGER invitation_events_insert AFTER INSERT ON profiles
    WHEN new.invited_at IS NOT NULL OR new.confirmed_at IS NOT NULL BEGIN
    ${event('sent', 'invited_at', 'new.invited_at IS NOT NULL')}
    ${event('confirmed', 'confirmed_at', 'new.confirmed_at IS NOT NULL')}
  END`,
  invitation_events_update: `CREATE TRIGGER invitation_events_update AFTER UPDATE OF invited_at, confirmed_at ON profiles
    WHEN (new.invited_at IS NOT NULL AND new.invited_at IS NOT old.invited_at) OR (new.confirmed_at IS NOT NULL AND new.confirmed_at IS NOT old.confirmed_at) BEGIN
    ${event('sent', 'invited_at', 'new.invited_at IS NOT NULL AND new.invited_at IS NOT old.invited_at')}
    ${event('confirmed', 'confirmed_at', 'new.confirmed_at IS NOT NULL AND new.confirmed_at IS NOT old.confirmed_at')}
  END`,
} as const;

/**
 * The events the rows tell as they are now (each profile's latest invitation
 * and its confirmation), set-wise; what is there already stays. Migration 8
 * starts the table with it, and the deferred build after bulk writes, which
 * leave the triggers off (a trigger per row costs a first sync about a
 * quarter more), catches up with it: nothing a bulk write stored is missed,
 * since each row still holds the invitation it came with.
 */
export function fillInvitationEvents(db: Db): void {
  db.exec(`
    INSERT OR IGNORE INTO invitation_events (kind, at, profile_id)
      SELECT 'sent', ${utc('invited_at')}, id FROM profiles WHERE ${utc('invited_at')} IS NOT NULL;
    INSERT OR IGNORE INTO invitation_events (kind, at, profile_id)
      SELECT 'confirmed', ${utc('confirmed_at')}, id FROM profiles WHERE ${utc('confirmed_at')} IS NOT NULL;
  `);
}

/**
 * Migration 8: the events table, the events the rows already tell, and the
 * triggers (left to the deferred build when bulk writes are pending, as the
 * search triggers are).
 */
export function createInvitationEvents(db: Db, withTriggers: boolean): void {
  db.exec(`
    CREATE TABLE invitation_events (
      kind TEXT NOT NULL CHECK (kind = 'sent' OR kind = 'confirmed'),
      at TEXT NOT NULL,
      profile_id TEXT NOT NULL,
      PRIMARY KEY (kind, at, profile_id)
    ) WITHOUT ROWID;
  `);
  fillInvitationEvents(db);
  if (withTriggers) for (const trigger of Object.values(INVITATION_EVENT_TRIGGERS)) db.exec(trigger);
}

interface ImportRow {
  id: string;
  file_name: string;
  status: DashboardLastImport['status'];
  mode: DashboardLastImport['mode'];
  rows: number;
  created: number;
  updated: number;
  skipped: number;
  started_at: string;
  finished_at: string | null;
}

const count = (db: Db, sql: string, ...params: unknown[]): number => (prepared(db, sql).get(...params) as { n: number }).n;

/**
 * Each figure of the dashboard from one aggregate over an index, all read in
 * one transaction so they describe the same moment:
 * - statuses: profiles_by_status (deleted, status), then the expired part of
 *   pending from profiles_pending_by_expiry, the same rule as the list filter;
 * - days: two range counts per day on invitation_events' key (kind, at);
 * - expiring: a range of profiles_pending_by_expiry;
 * - conflicts: the partial index of open conflicts; last import: imports_by_started.
 */
function read(db: Db, window: DashboardWindow): DashboardCounts {
  const statuses: Record<ProfileStatus, number> = { not_invited: 0, pending: 0, expired: 0, confirmed: 0 };
  const byStatus = prepared(db, 'SELECT status, count(*) AS n FROM profiles WHERE deleted = 0 GROUP BY status').all() as {
    status: 'not_invited' | 'pending' | 'confirmed';
    n: number;
  }[];
  for (const row of byStatus) statuses[row.status] = row.n;
  statuses.expired = count(db, "SELECT count(*) AS n FROM profiles WHERE deleted = 0 AND status = 'pending' AND invitation_expires_at <= ?", window.now);
  statuses.pending -= statuses.expired;

  const sent: number[] = [];
  const confirmed: number[] = [];
  const inDay = 'SELECT count(*) AS n FROM invitation_events WHERE kind = ? AND at >= ? AND at < ?';
  for (let i = 0; i + 1 < window.dayStarts.length; i++) {
    const from = window.dayStarts[i];
    const to = window.dayStarts[i + 1];
    sent.push(count(db, inDay, 'sent', from, to));
    confirmed.push(count(db, inDay, 'confirmed', from, to));
  }

  const ending = prepared(
    db,
    `SELECT id, invitation_expires_at AS at FROM profiles
     WHERE deleted = 0 AND status = 'pending' AND invitation_expires_at > ? AND invitation_expires_at <= ?
     ORDER BY invitation_expires_at, rid`,
  ).all(window.now, window.until) as { id: string; at: string }[];
  // Profiles a batch not yet sent will invite again: "Invite again" leaves them out.
  const queuedIds =
    ending.length === 0
      ? new Set<string>()
      : new Set(
          (prepared(db, "SELECT DISTINCT j.value AS id FROM invite_batches b, json_each(b.profile_ids) j WHERE b.status = 'queued'").all() as { id: string }[]).map(
            (r) => r.id,
          ),
        );
  const toInvite = ending.filter((p) => !queuedIds.has(p.id));

  const last = prepared(
    db,
    'SELECT id, file_name, status, mode, rows, created, updated, skipped, started_at, finished_at FROM imports ORDER BY started_at DESC, rowid DESC LIMIT 1',
  ).get() as ImportRow | undefined;

  return {
    statuses,
    sent,
    confirmed,
    expiring: { ids: toInvite.map((p) => p.id), queued: ending.length - toInvite.length, soonest: toInvite[0]?.at ?? null },
    // What the Conflicts page asks a person to decide: profile conflicts, and catalogue and rule changes that did not go through.
    openConflicts: count(db, 'SELECT count(*) AS n FROM conflicts WHERE resolved_at IS NULL') + catalogueChangesRepo.decisionCount(db) + ruleChangesRepo.decisionCount(db),
    waiting: count(db, 'SELECT count(*) AS n FROM outbox'),
    lastImport:
      last === undefined
        ? null
        : {
            id: last.id,
            fileName: last.file_name,
            status: last.status,
            mode: last.mode,
            rows: last.rows,
            created: last.created,
            updated: last.updated,
            skipped: last.skipped,
            startedAt: last.started_at,
            finishedAt: last.finished_at,
          },
  };
}

/** The dashboard's reads of the replica, bound to one open database. */
export function createDashboardStore(db: Db): DashboardStorePort {
  return {
    read: (window) => (db.inTransaction ? read(db, window) : db.transaction(() => read(db, window))()),
  };
}
