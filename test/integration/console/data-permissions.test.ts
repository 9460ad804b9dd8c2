import Database from 'better-sqlite3';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createElectronSecretStore } from '../../../src-main/electron/secrets';
import { openRoster } from '../../../src-main/runtime/roster';
import { StartupError } from '../../../src-main/runtime/startup';
import type { Roster } from '../../../src-main/runtime/roster';
import { createFileSecretStore } from '../../../src-main/runtime/sync/file-secrets';

/**
 * The console's data (every profile, the session token) is for its user
 * only: the data folder 0700, the SQLite file and its -wal/-shm 0600, whether
 * Roster creates them or finds them looser from an older version.
 */

const mode = (path: string): string => (statSync(path).mode & 0o777).toString(8).padStart(4, '0');

let dir: string;
let previousUmask: number;
const opened: Roster[] = [];

beforeAll(() => {
  // The usual desktop umask: without Roster's care, new files would be 0644 and folders 0755.
  previousUmask = process.umask(0o022);
});
afterAll(() => {
  process.umask(previousUmask);
});
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'roster-perms-'));
});
afterEach(() => {
  for (const roster of opened.splice(0)) roster.close();
  rmSync(dir, { recursive: true, force: true });
});

function open(dataDir: string): Roster {
  const roster = openRoster({ dataDir, mode: 'browser', version: 'test', openExternal: () => Promise.resolve(false), sync: { background: false } });
  opened.push(roster);
  return roster;
}

describe.runIf(process.platform !== 'win32')('data file permissions', () => {
  it('creates the data folder 0700 and the data file, its WAL and shared-memory files 0600', async () => {
    const dataDir = join(dir, 'nested', 'Roster');
    const roster = open(dataDir);
    // A write, so that SQLite has its -wal and -shm files open.
    const created = await roster.dispatcher.dispatch('profiles:create', { draft: { firstName: 'Ada', lastName: 'Peeters', email: 'ada@example.com', tags: [] } });
    expect(created).toMatchObject({ ok: true });
    expect(mode(dataDir)).toBe('0700');
    expect(mode(join(dataDir, 'roster.sqlite'))).toBe('0600');
    expect(mode(join(dataDir, 'roster.sqlite-wal'))).toBe('0600');
    expect(mode(join(dataDir, 'roster.sqlite-shm'))).toBe('0600');
  });

  it('tightens a folder and files an older Roster left readable by everyone', () => {
    const dataDir = join(dir, 'Roster');
    mkdirSync(dataDir, { mode: 0o755 });
    chmodSync(dataDir, 0o755);
    const file = join(dataDir, 'roster.sqlite');
    // An older console's file, still open (its -wal and -shm exist), all 0644.
    const older = new Database(file);
    older.pragma('journal_mode = WAL');
    older.exec('CREATE TABLE leftover (x); INSERT INTO leftover VALUES (1);');
    expect([mode(file), mode(`${file}-wal`), mode(`${file}-shm`)]).toEqual(['0644', '0644', '0644']);
    try {
      open(dataDir);
      expect(mode(dataDir)).toBe('0700');
      expect(mode(file)).toBe('0600');
      expect(mode(`${file}-wal`)).toBe('0600');
      expect(mode(`${file}-shm`)).toBe('0600');
    } finally {
      older.close();
    }
  });

  it('keeps the session token in a 0600 file, also over one that was readable', () => {
    const dataDir = join(dir, 'Roster');
    open(dataDir);
    const tokenFile = join(dataDir, 'server-session.token');
    writeFileSync(tokenFile, 'old', { mode: 0o644 });
    chmodSync(tokenFile, 0o644);
    createFileSecretStore(dataDir).set('a-token');
    expect(mode(tokenFile)).toBe('0600');

    const encrypted = join(dataDir, 'server-session.enc');
    writeFileSync(encrypted, 'old', { mode: 0o644 });
    chmodSync(encrypted, 0o644);
    const store = createElectronSecretStore(
      dataDir,
      { isEncryptionAvailable: () => true, encryptString: (t) => Buffer.from(t), decryptString: (b) => b.toString() },
      'darwin',
    );
    store.set('a-token');
    expect(mode(encrypted)).toBe('0600');
  });

  it.runIf(process.platform === 'linux')('refuses to start, saying why, when the data folder cannot be made private', () => {
    // A folder open to others whose mode nobody may change, not even root: /proc/1 (mode 0555). Nothing is written there.
    const foreign = '/proc/1';
    expect(mode(foreign)).toBe('0555');
    let failure: unknown;
    try {
      open(foreign);
    } catch (error) {
      failure = error;
    }
    expect(failure).toBeInstanceOf(StartupError);
    expect(failure).toMatchObject({ problem: 'data-file-access', dataFile: join(foreign, 'roster.sqlite') });
    expect(failure instanceof Error ? failure.message : '').toMatch(/^\/proc\/1 can be read by other users of this machine and Roster cannot make it private \(EPERM\)\. Make the folder/);
    expect(mode(foreign)).toBe('0555');
  });
});
