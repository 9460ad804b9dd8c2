/**
 * dashboard:summary on a real SQLite replica, through the real composition
 * root and dispatcher, with a fixed clock: counts by status, the per-day
 * series in a time zone, what expires within 48 hours, expired, the outbox,
 * open conflicts and the last import.
 */
import { join } from 'node:path';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openTestConsole } from '../../support/console';
import type { TestConsole } from '../../support/console';
import { storedProfile, insertPreAttributeProfile } from '../../support/stored';
import { createSyncStore } from '../../../src-main/db/sync.repo';
import { replicaIndexes } from '../../../src-main/db/replica-indexes';
import { openDatabase } from '../../../src-main/db/database';
import { migrate } from '../../../src-main/db/migrations';
import type { StoredProfile } from '../../../src-main/core/ports';
import { DASHBOARD_DAYS } from '../../../src-shared/contract/dashboard';
import type { DashboardSummary } from '../../../src-shared/contract/dashboard';
import { PROFILE_STATUSES } from '../../../src-shared/profile';

// A Sunday on which Brussels moves its clocks forward (01:00 UTC): its last day is 23 hours long.
const NOW = new Date('2026-03-29T10:00:00.000Z');
const HOUR = 3_600_000;
const at = (offsetHours: number): string => new Date(NOW.getTime() + offsetHours * HOUR).toISOString();

let c: TestConsole;
beforeEach(() => {
  let n = 0;
  c = openTestConsole({ clock: { now: () => NOW }, ids: { uuid: () => `10000000-0000-4000-8000-${String(++n).padStart(12, '0')}` } });
});
afterEach(() => {
  c.close();
});

/** Writes a row as a pull does (the sync store's put), so the replica is in the state sync leaves it. */
const put = (n: number, values: Partial<StoredProfile> = {}): StoredProfile => {
  const profile = storedProfile(n, values);
  createSyncStore(c.roster.db).putProfile(profile);
  return profile;
};
const invited = (invitedAt: string, expiresInHours: number): Partial<StoredProfile> => ({
  status: 'pending',
  invitedAt,
  invitationExpiresAt: new Date(Date.parse(invitedAt) + expiresInHours * HOUR).toISOString(),
});
const summary = (timeZone = 'Europe/Brussels'): Promise<DashboardSummary> => c.call('dashboard:summary', { timeZone });
const day = (s: DashboardSummary, date: string) => s.days.find((d) => d.date === date);

describe('dashboard:summary', () => {
  it('counts live profiles by status exactly as the Profiles list filters them; deleted ones are left out', async () => {
    put(1);
    put(2);
    put(3);
    put(4, invited(at(-24), 24 * 6)); // pending, five days left
    put(5, invited(at(-24), 24 * 7));
    put(6, invited(at(-100), 101)); // ends in one hour
    put(7, invited(at(-100), 147)); // ends in 47 hours
    put(8, invited(at(-100), 149)); // ends in 49 hours: pending, not yet urgent
    put(9, invited(at(-200), 199)); // ended an hour ago
    put(10, { ...invited(at(-200), 200) }); // ends right now: expired, as in the list
    put(11, { status: 'confirmed', invitedAt: at(-50), invitationExpiresAt: at(100), confirmedAt: at(-40) });
    put(12, invited(at(-100), 101));
    c.roster.db.prepare('UPDATE profiles SET deleted = 1 WHERE id = ?').run(storedProfile(12).id);

    const s = await summary();
    expect(s.at).toBe(NOW.toISOString());
    expect(s.statuses).toEqual({ not_invited: 3, pending: 5, expired: 2, confirmed: 1 });
    expect(s.total).toBe(11);
    // The same numbers the list's status filter shows, status by status.
    for (const status of PROFILE_STATUSES) {
      const page = await c.call('profiles:list', { query: { statuses: [status] }, offset: 0, limit: 1 });
      expect(page.total, status).toBe(s.statuses[status]);
    }
    // Ending within 48 hours, soonest first: not the one at 49 hours, not the expired or deleted ones.
    expect(s.expiring).toEqual({ until: at(48), ids: [storedProfile(6).id, storedProfile(7).id], queued: 0, soonest: at(1) });
  });

  it('counts invitations sent and confirmed per day over 30 days, in the reader’s time zone, a re-invitation on its own day too', async () => {
    // 23:30 UTC on 28 March is 00:30 on 29 March in Brussels (UTC+1 until 01:00 UTC that night).
    put(1, invited('2026-03-28T23:30:00.000Z', 168));
    put(2, invited('2026-03-28T22:30:00.000Z', 168));
    // Invited on 20 March, invited again on 27 March (the pull brings the new invitation): both days count one.
    const again = put(3, invited('2026-03-20T09:00:00.000Z', 168));
    put(3, { ...again, ...invited('2026-03-27T09:00:00.000Z', 168), version: 2 });
    // Confirmed a day after the invitation.
    put(4, { status: 'confirmed', invitedAt: '2026-03-10T08:00:00.000Z', invitationExpiresAt: '2026-03-17T08:00:00.000Z', confirmedAt: '2026-03-11T15:00:00.000Z' });
    // The first day is 28 February, from 23:00 UTC on the 27th; before it is outside the chart.
    put(5, invited('2026-02-27T22:59:59.000Z', 168));
    put(6, invited('2026-02-27T23:00:00.000Z', 168));
    // A profile deleted since: its invitation was still sent.
    put(7, invited('2026-03-15T12:00:00.000Z', 168));
    c.roster.db.prepare('UPDATE profiles SET deleted = 1 WHERE id = ?').run(storedProfile(7).id);
    // A server time with an offset lands on its UTC day: 00:30 +02:00 on 16 March is 22:30 UTC on the 15th (23:30 in Brussels).
    put(8, invited('2026-03-16T00:30:00+02:00', 168));

    const s = await summary();
    expect(s.days).toHaveLength(DASHBOARD_DAYS);
    expect(s.days[0]?.date).toBe('2026-02-28');
    expect(s.days.at(-1)?.date).toBe('2026-03-29');
    expect(day(s, '2026-03-29')).toEqual({ date: '2026-03-29', sent: 1, confirmed: 0 });
    expect(day(s, '2026-03-28')).toEqual({ date: '2026-03-28', sent: 1, confirmed: 0 });
    expect(day(s, '2026-03-20')?.sent).toBe(1);
    expect(day(s, '2026-03-27')?.sent).toBe(1);
    expect(day(s, '2026-03-10')).toEqual({ date: '2026-03-10', sent: 1, confirmed: 0 });
    expect(day(s, '2026-03-11')).toEqual({ date: '2026-03-11', sent: 0, confirmed: 1 });
    expect(day(s, '2026-02-28')?.sent).toBe(1);
    expect(day(s, '2026-03-15')?.sent).toBe(2);
    expect(s.days.reduce((sum, d) => sum + d.sent, 0)).toBe(8);
    expect(s.days.reduce((sum, d) => sum + d.confirmed, 0)).toBe(1);

    // In UTC the two late-evening invitations both fall on 28 March, and the one before the Brussels window is in.
    const utc = await summary('UTC');
    expect(utc.days[0]?.date).toBe('2026-02-28');
    expect(day(utc, '2026-03-28')?.sent).toBe(2);
    expect(day(utc, '2026-03-29')?.sent).toBe(0);
    expect(day(utc, '2026-02-28')?.sent).toBe(0);
    expect(day(utc, '2026-03-15')?.sent).toBe(2);
  });

  it('leaves profiles already in a batch waiting to be sent out of "Invite again", and counts them as queued', async () => {
    put(1, invited(at(-150), 151));
    put(2, invited(at(-150), 160));
    put(3, invited(at(-150), 170));
    const before = await summary();
    expect(before.expiring.ids).toEqual([storedProfile(1).id, storedProfile(2).id, storedProfile(3).id]);

    await c.call('invites:create', { selection: { kind: 'ids', ids: [storedProfile(2).id] } });
    const after = await summary();
    expect(after.expiring).toMatchObject({ ids: [storedProfile(1).id, storedProfile(3).id], queued: 1, soonest: at(1) });
    expect(after.waiting).toBe(1);

    // Cancelled, the batch no longer covers it.
    const [batch] = await c.call('invites:list', { limit: 5 });
    await c.call('invites:cancel', { id: batch?.id ?? '' });
    expect((await summary()).expiring).toMatchObject({ ids: before.expiring.ids, queued: 0 });
  });

  it('counts the changes waiting to sync, the open conflicts, and gives the last import with its result', async () => {
    const empty = await summary();
    expect(empty).toMatchObject({ total: 0, waiting: 0, openConflicts: 0, lastImport: null });
    expect(empty.days.every((d) => d.sent === 0 && d.confirmed === 0)).toBe(true);

    await c.call('profiles:create', { draft: { firstName: 'Ann', lastName: 'Peeters', email: 'ann@example.com' } });
    const csv = ['First name;Last name;Email', 'Bram;Maes;bram@example.com', 'Chloé;Dubois;chloe@example.com', 'Dirk;;dirk@example.com'].join('\r\n');
    const view = await c.call('import:open', { fileName: 'staff.csv', bytes: Buffer.from(csv) });
    const result = await c.call('import:commit', { importId: view.importId });
    const store = createSyncStore(c.roster.db);
    store.addConflict({ id: '20000000-0000-4000-8000-000000000001', entityId: storedProfile(1).id, kind: 'edit', code: null, message: 'x', cause: null, base: {}, mine: null, theirs: null, holderId: null, createdAt: at(0) });
    store.addConflict({ id: '20000000-0000-4000-8000-000000000002', entityId: storedProfile(2).id, kind: 'edit', code: null, message: 'x', cause: null, base: {}, mine: null, theirs: null, holderId: null, createdAt: at(0) });
    store.closeConflict('20000000-0000-4000-8000-000000000002', 'discard', at(0));

    const s = await summary();
    expect(s.waiting).toBe(3);
    expect(s.openConflicts).toBe(1);
    expect(s.lastImport).toEqual({
      id: result.historyId,
      fileName: 'staff.csv',
      status: 'completed',
      mode: 'create',
      rows: 3,
      created: 2,
      updated: 0,
      skipped: 1,
      startedAt: NOW.toISOString(),
      finishedAt: NOW.toISOString(),
    });

    await c.call('import:undo', { historyId: result.historyId });
    const undone = await summary();
    expect(undone.lastImport?.status).toBe('undone');
    expect(undone.waiting).toBe(1);
  });

  it('counts what a large pull stored without its triggers once the deferred build has caught up, a re-invitation during it too', async () => {
    const again = put(1, invited('2026-03-20T09:00:00.000Z', 168));
    const store = createSyncStore(c.roster.db);
    c.roster.db.transaction(() => {
      store.beginBulkWrites();
      store.putProfile(storedProfile(2, invited('2026-03-21T09:00:00.000Z', 168)));
      store.putProfile(storedProfile(3, { status: 'confirmed', invitedAt: '2026-03-22T09:00:00.000Z', invitationExpiresAt: '2026-03-29T09:00:00.000Z', confirmedAt: '2026-03-23T09:00:00.000Z' }));
      store.putProfile({ ...again, ...invited('2026-03-24T09:00:00.000Z', 168), version: 2 });
    })();
    store.endBulkWrites();
    expect(replicaIndexes.buildDeferred(c.roster.db).finished).toBe(true);

    const s = await summary();
    expect(['2026-03-20', '2026-03-21', '2026-03-22', '2026-03-24'].map((date) => day(s, date)?.sent)).toEqual([1, 1, 1, 1]);
    expect(day(s, '2026-03-23')?.confirmed).toBe(1);
    // And the triggers are back: the next pulled invitation counts at once.
    put(4, invited('2026-03-25T09:00:00.000Z', 168));
    expect(day(await summary(), '2026-03-25')?.sent).toBe(1);
  });

  it('refuses a time zone it does not know, naming the field', async () => {
    for (const timeZone of ['Mars/Olympus_Mons', '', 'Europe/Brussels'.repeat(10)]) {
      const result = await c.roster.dispatcher.dispatch('dashboard:summary', { timeZone });
      expect(result.ok).toBe(false);
      if (result.ok) continue;
      expect(result.error.code).toBe('VALIDATION_FAILED');
      expect(Object.keys(result.error.details?.fields ?? {})).toEqual(['timeZone']);
      expect(result.error.details?.fields?.timeZone).toMatch(/timeZone/);
    }
  });
});

describe('migration 8: invitation events', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'roster-migration-8-'));
  });
  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('fills the events from the invitations and confirmations a replica at version 7 already holds, and a console opened on it shows them', async () => {
    const db = openDatabase(join(dir, 'roster.sqlite'));
    migrate(db, 7);
    insertPreAttributeProfile(db, storedProfile(1, invited('2026-03-20T09:00:00.000Z', 168)));
    insertPreAttributeProfile(db, storedProfile(2, { status: 'confirmed', invitedAt: '2026-03-18T09:00:00.000Z', invitationExpiresAt: '2026-03-25T09:00:00.000Z', confirmedAt: '2026-03-19T09:00:00.000Z' }));
    insertPreAttributeProfile(db, storedProfile(3, { ...invited('2026-03-21T09:00:00.000Z', 168), invitedAt: 'not a time' }));
    insertPreAttributeProfile(db, storedProfile(4));
    db.close();

    c.close();
    c = openTestConsole({ dataDir: dir, clock: { now: () => NOW } });
    const s = await summary();
    expect(day(s, '2026-03-20')?.sent).toBe(1);
    expect(day(s, '2026-03-18')?.sent).toBe(1);
    expect(day(s, '2026-03-19')?.confirmed).toBe(1);
    // A value that is not a time is left out of the chart; the row itself is untouched.
    expect(s.days.reduce((sum, d) => sum + d.sent, 0)).toBe(2);
    expect(s.total).toBe(4);
  });
});
