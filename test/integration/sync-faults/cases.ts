/**
 * The fault cases of test/integration/sync-faults, by id: what goes wrong,
 * where, what kills a real process, and what the test asserts. Each test
 * registers itself with faultCase('<id>', …) (fault-case.ts); docs/FAULTS.md is
 * generated from this table and from those calls (scripts/fault-table.mjs),
 * and fault-table.test.ts fails when the committed table is stale or a case
 * has no test (or two).
 */
export type Kill = 'server' | 'console' | 'both' | 'none';

export interface FaultCaseInfo {
  /** What goes wrong. */
  fault: string;
  /** Where in the sync it hits. */
  where: string;
  /** Which real process gets SIGKILL. */
  kill: Kill;
  /** What the test asserts (every case also asserts 0 lost and 0 duplicated). */
  asserts: string;
}

const NOTHING_LOST = 'every mutation applied once (versions), no duplicate email';

export const FAULT_CASES = {
  'server-killed-mid-push': {
    fault: 'server process killed after a push committed and before its answer, then again while it works on the next push of 500',
    where: 'push (1,121 mutations in pages of 500)',
    kill: 'server',
    asserts: `${NOTHING_LOST}; 980 live profiles, 20 deleted, 100 edited once; 10 invitation emails, each once`,
  },
  'console-killed-after-server-commit': {
    fault: 'console host process killed after the server committed its push, before the answer',
    where: 'push (background sync right after sign-in)',
    kill: 'console',
    asserts: `${NOTHING_LOST}; the retry is a no-op; 5 invitation emails, each once`,
  },
  'console-killed-before-server-commit': {
    fault: 'console host process killed while its push is held before reaching the server',
    where: 'push',
    kill: 'console',
    asserts: `${NOTHING_LOST}; after a restart the outbox is sent once and emptied`,
  },
  'console-killed-mid-pull': {
    fault: 'console host process killed while the answer of its pull is on its way',
    where: 'pull',
    kill: 'console',
    asserts: 'after a restart the replica equals the server; the cursor did not skip anything',
  },
  'console-killed-idle-with-unsent-work': {
    fault: 'console host process killed while idle, with changes made offline',
    where: 'outbox at rest',
    kill: 'console',
    asserts: `${NOTHING_LOST}; every change made before the kill is sent after the restart`,
  },
  'console-killed-mid-import-between-batches': {
    fault: 'console host process killed once the first 500-row batch of a 1,200-row import is written',
    where: 'import commit (between batches)',
    kill: 'console',
    asserts: 'whole batches only, each profile with its one outbox entry; the server gets exactly those',
  },
  'console-killed-mid-import-inside-batch': {
    fault: 'console host process killed right after an import commit starts (inside its first batch)',
    where: 'import commit (inside a batch)',
    kill: 'console',
    asserts: 'whole batches only (0, 500 …), nothing half-written; what is there reaches the server once',
  },
  'console-killed-mid-first-sync': {
    fault: 'console host process killed while its first sync takes in 3,000 profiles',
    where: 'first pull',
    kill: 'console',
    asserts: 'after a restart the replica holds the 3,000 profiles once each, equal to the server',
  },
  'console-killed-mid-index-build': {
    fault: 'console host process killed while it builds the indexes a 3,000-row pull left out',
    where: 'deferred index build',
    kill: 'console',
    asserts: 'after a restart the build completes; search and the lists answer the same as the server holds',
  },
  'console-killed-mid-conflict-resolution': {
    fault: 'console host process killed while it resolves a conflict',
    where: 'conflict resolution',
    kill: 'console',
    asserts: 'the conflict is resolved or still open, never half-done; once resolved both replicas equal the server',
  },
  'server-killed-mid-pull': {
    fault: 'server process killed while a console pulls',
    where: 'pull',
    kill: 'server',
    asserts: 'after a restart the replica equals the server, each profile once',
  },
  'server-killed-mid-mail-send': {
    fault: 'server process killed in the middle of its mail worker\u2019s SMTP conversation (recipient named, before the data)',
    where: 'invitation mail',
    kill: 'server',
    asserts: 'after a restart (the dead worker\u2019s lease run out) every invited profile received exactly one email',
  },
  'server-killed-idle-console-keeps-work': {
    fault: 'server process killed and restarted on the same data dir and port while a console works',
    where: 'between syncs',
    kill: 'server',
    asserts: `${NOTHING_LOST}; the console says the server cannot be reached, keeps its work, sends it once`,
  },
  'both-killed-mid-push': {
    fault: 'server and console host processes killed at once, after the server committed a push',
    where: 'push',
    kill: 'both',
    asserts: `${NOTHING_LOST}; after both restart, 3 invitation emails, each once`,
  },
  'proxy-push-reset': { fault: 'connection reset before the push reaches the server', where: 'push', kill: 'none', asserts: `${NOTHING_LOST}; the next sync sends it` },
  'proxy-push-drop': { fault: 'push committed, then the connection reset before the answer', where: 'push', kill: 'none', asserts: `${NOTHING_LOST}; the retry is a no-op` },
  'proxy-push-truncate': { fault: 'push answer cut half-way', where: 'push', kill: 'none', asserts: `${NOTHING_LOST}; the retry is a no-op` },
  'proxy-push-truncate-early': { fault: 'push answer cut after 3 bytes', where: 'push', kill: 'none', asserts: `${NOTHING_LOST}; the retry is a no-op` },
  'proxy-push-slow': { fault: 'push answer later than the console waits', where: 'push', kill: 'none', asserts: `${NOTHING_LOST}; the retry is a no-op` },
  'proxy-push-lag': { fault: 'push answer 100 ms late (within the wait)', where: 'push', kill: 'none', asserts: `${NOTHING_LOST}; no error shown` },
  'proxy-push-garbage': { fault: 'push answered with a body that is not Roster\u2019s', where: 'push', kill: 'none', asserts: `${NOTHING_LOST}; the console says so and keeps its work` },
  'proxy-pull-reset': { fault: 'connection reset on pull', where: 'pull', kill: 'none', asserts: 'the next pull takes everything; replicas equal the server' },
  'proxy-pull-truncate': { fault: 'pull answer cut half-way', where: 'pull', kill: 'none', asserts: 'nothing half-applied; replicas equal the server' },
  'proxy-pull-drop': { fault: 'pull answer never delivered', where: 'pull', kill: 'none', asserts: 'the cursor does not move; replicas equal the server' },
  'proxy-check-drop': { fault: 'check answer never delivered', where: 'check', kill: 'none', asserts: `${NOTHING_LOST}; the next sync is clean` },
  'proxy-check-reset': { fault: 'connection reset on check', where: 'check', kill: 'none', asserts: `${NOTHING_LOST}; the next sync is clean` },
  'server-down-at-sign-in': { fault: 'server unreachable when a console signs in', where: 'sign-in', kill: 'none', asserts: 'a clear message; local work kept; signing in later sends it once' },
  'server-upgraded-while-offline': {
    fault: 'the server restarts on a newer version (a new database migration) while a console works offline',
    where: 'server upgrade',
    kill: 'none',
    asserts: `${NOTHING_LOST}; the offline edits and the queued invitation reach the upgraded server once; its new schema is in use`,
  },
  'disk-full-console': {
    fault: 'the console\u2019s replica cannot grow (SQLITE_FULL)',
    where: 'local write',
    kill: 'none',
    asserts: 'the change is refused as a whole with the disk-full message, nothing half-written; a sync stops with the disk-full message; the next write after space returns works and syncs once',
  },
  'clock-ahead': {
    fault: 'console clock 6 hours ahead of the server',
    where: 'invitation expiry, conflicts',
    kill: 'none',
    asserts: 'expiry shown as the server dates it; a conflict is decided by versions, not by the console\u2019s clock',
  },
  'clock-behind': {
    fault: 'console clock 6 hours behind the server',
    where: 'invitation expiry, conflicts',
    kill: 'none',
    asserts: 'expiry shown as the server dates it; a conflict is decided by versions, not by the console\u2019s clock',
  },
} as const satisfies Record<string, FaultCaseInfo>;

export type FaultCaseId = keyof typeof FAULT_CASES;
