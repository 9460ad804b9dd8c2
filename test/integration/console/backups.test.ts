import Database from 'better-sqlite3';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BACKUPS_KEPT, backupNow, backupNowSync, checkIntegrity, dailyBackupDue, listBackups, newestGoodBackup, restoreBackup } from '../../../src-main/db/backup';
import { openDatabase } from '../../../src-main/db/database';
import type { Db } from '../../../src-main/db/database';
import { LATEST_VERSION, migrate, schemaVersion } from '../../../src-main/db/migrations';
import { profilesRepo } from '../../../src-main/db/profiles.repo';
import { restoreOnStart, StartupError } from '../../../src-main/runtime/startup';
import { openTestConsole } from '../../support/console';
import { storedProfile } from '../../support/stored';

let dir: string;
const file = (): string => join(dir, 'roster.sqlite');
const T0 = new Date('2026-11-27T08:00:00.000Z');
const emails = (db: Db): string[] => (db.prepare('SELECT email FROM profiles ORDER BY email').all() as { email: string }[]).map((r) => r.email);

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'roster-backups-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

/** Why the console refuses to open this data folder (the test fails if it opens). */
function startupRefusal(): StartupError {
  try {
    openTestConsole({ dataDir: dir, backups: false }).close();
  } catch (error) {
    if (error instanceof StartupError) return error;
    throw error;
  }
  throw new Error('The console opened; it was expected to refuse.');
}

/** A replica one data format behind this Roster's, holding one profile. */
function olderReplica(): void {
  const db = openDatabase(file());
  migrate(db, LATEST_VERSION - 1);
  // Written as that format holds it: this version's repository writes columns the older one lacks.
  const p = storedProfile(1, { email: 'ada@example.com' });
  db.prepare(
    `INSERT INTO profiles (id, first_name, last_name, email, phone, tags, external_id, language, status, version, created_at, updated_at, name_key)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  ).run(p.id, p.firstName, p.lastName, p.email, p.phone, JSON.stringify(p.tags), p.externalId, p.language, p.status, p.version, p.createdAt, p.updatedAt, p.email);
  db.close();
}

describe('a copy before every migration', () => {
  it('is made, checked and kept before the file is brought up to date', () => {
    olderReplica();
    const console1 = openTestConsole({ dataDir: dir, backups: false, clock: { now: () => T0 } });
    try {
      const copies = listBackups(dir);
      expect(copies.map((c) => c.reason)).toEqual(['migration']);
      expect(copies[0]?.createdAt).toBe(T0.toISOString());
      const copy = new Database(copies[0]?.path ?? '', { readonly: true, fileMustExist: true });
      try {
        expect(schemaVersion(copy)).toBe(LATEST_VERSION - 1);
        expect(emails(copy)).toEqual(['ada@example.com']);
      } finally {
        copy.close();
      }
      expect(schemaVersion(console1.roster.db)).toBe(LATEST_VERSION);
      if (process.platform !== 'win32') expect(statSync(copies[0]?.path ?? '').mode & 0o077).toBe(0);
    } finally {
      console1.close();
    }
  });

  it('is not made for a new file, nor for one already up to date', () => {
    openTestConsole({ dataDir: dir, backups: false }).close();
    expect(listBackups(dir)).toEqual([]);
    openTestConsole({ dataDir: dir, backups: false }).close();
    expect(listBackups(dir)).toEqual([]);
  });

  it('when it cannot be made, nothing is changed and Roster says why', () => {
    olderReplica();
    writeFileSync(join(dir, 'backups'), 'a file where the folder should be');
    const thrown = startupRefusal();
    expect(thrown.problem).toBe('backup-failed');
    expect(thrown.message).toMatch(/^Roster copies the data file before updating it .* Nothing was changed\./);
    const db = openDatabase(file());
    try {
      expect(schemaVersion(db)).toBe(LATEST_VERSION - 1);
      expect(emails(db)).toEqual(['ada@example.com']);
    } finally {
      db.close();
    }
  });
});

describe('daily copies', () => {
  it('are due once the newest is a day old, and the newest seven are kept', async () => {
    const db = openDatabase(file());
    try {
      migrate(db);
      profilesRepo.insert(db, storedProfile(1, { email: 'ada@example.com' }));
      expect(dailyBackupDue(dir, T0)).toBe(true);
      const made = [];
      for (let day = 0; day < BACKUPS_KEPT + 2; day++) {
        const at = new Date(T0.getTime() + day * 24 * 3600_000);
        made.push(await backupNow(db, dir, 'daily', at));
        expect(dailyBackupDue(dir, new Date(at.getTime() + 23 * 3600_000))).toBe(false);
        expect(dailyBackupDue(dir, new Date(at.getTime() + 24 * 3600_000))).toBe(true);
      }
      const kept = listBackups(dir);
      expect(kept.map((b) => b.name)).toEqual(made.slice(2).map((b) => b.name).reverse());
      for (const old of made.slice(0, 2)) expect(existsSync(old.path)).toBe(false);
      expect(kept.every((b) => checkIntegrity(b.path) === 'ok')).toBe(true);
      // No partial copy is left behind.
      expect(listBackups(dir).length).toBe(BACKUPS_KEPT);
    } finally {
      db.close();
    }
  });
});

describe('restoring', () => {
  it('brings back the newest good copy of a damaged file and sets the damaged one aside, never deleting it', () => {
    const db = openDatabase(file());
    migrate(db);
    profilesRepo.insert(db, storedProfile(1, { email: 'ada@example.com' }));
    const good = backupNowSync(db, dir, 'manual', T0);
    profilesRepo.insert(db, storedProfile(2, { email: 'bob@example.com' }));
    db.close();
    // A later copy that is itself damaged is passed over.
    mkdirSync(join(dir, 'backups'), { recursive: true });
    const damagedCopy = join(dir, 'backups', 'roster-2026-11-28T08-00-00-000Z-daily.sqlite');
    writeFileSync(damagedCopy, Buffer.concat([readFileSync(good.path).subarray(0, 100), Buffer.alloc(4096, 7)]));
    // The current file is damaged past its header.
    const current = readFileSync(file());
    const broken = Buffer.concat([current.subarray(0, 100), Buffer.alloc(current.length - 100, 0xab)]);
    writeFileSync(file(), broken);
    expect(checkIntegrity(file())).not.toBe('ok');

    const newest = newestGoodBackup(dir);
    expect(newest?.name).toBe(good.name);
    const { setAside } = restoreBackup(file(), dir, good.name, new Date(T0.getTime() + 1000));
    expect(setAside).not.toBeNull();
    expect(readFileSync(setAside ?? '')).toEqual(broken);
    const restored = openDatabase(file());
    try {
      expect(emails(restored)).toEqual(['ada@example.com']);
    } finally {
      restored.close();
    }
  });

  it('refuses a damaged copy or an unknown name, and leaves the file as it is', () => {
    const db = openDatabase(file());
    migrate(db);
    profilesRepo.insert(db, storedProfile(1, { email: 'ada@example.com' }));
    db.close();
    mkdirSync(join(dir, 'backups'), { recursive: true });
    const name = 'roster-2026-11-28T08-00-00-000Z-daily.sqlite';
    writeFileSync(join(dir, 'backups', name), Buffer.alloc(8192, 1));
    const before = readFileSync(file());
    expect(() => restoreBackup(file(), dir, name, T0)).toThrow(/failed SQLite's integrity check/);
    expect(() => restoreBackup(file(), dir, '../roster.sqlite', T0)).toThrow(/There is no backup named/);
    expect(readFileSync(file())).toEqual(before);
  });
});

describe('a data file that no longer opens', () => {
  it('names the newest good copy and the flag that restores it; the flag puts it in place and Roster opens it', () => {
    const first = openTestConsole({ dataDir: dir, backups: false });
    first.roster.profiles.create({ firstName: 'Ada', lastName: 'Lovelace', email: 'ada@example.com' });
    const copy = backupNowSync(first.roster.db, dir, 'manual', T0);
    first.close();
    writeFileSync(file(), Buffer.alloc(64 * 1024, 0x5a));

    const thrown = startupRefusal();
    expect(thrown.problem).toBe('data-file-damaged');
    expect(thrown.message).toContain(`the newest good one is from 2026-11-27 08:00 UTC (${copy.name}). Start Roster with --restore-backup latest`);

    const said = restoreOnStart(dir, file(), 'latest', new Date(T0.getTime() + 60_000));
    expect(said).toMatch(new RegExp(`^Restored the data file from ${copy.name}\\. The file it replaced was set aside as .*roster\\.sqlite\\.replaced-`));
    const second = openTestConsole({ dataDir: dir, backups: false });
    try {
      expect(second.roster.profiles.list({}, 0, 10).rows.map((p) => p.email)).toEqual(['ada@example.com']);
    } finally {
      second.close();
    }
  });

  it('with no copy at all, restoring says so and leaves the file alone', () => {
    writeFileSync(file(), Buffer.alloc(4096, 0x5a));
    expect(() => restoreOnStart(dir, file(), 'latest', T0)).toThrow('The backup could not be restored: There is no copy of the data file to restore. The data file was left as it is.');
    expect(readFileSync(file())).toEqual(Buffer.alloc(4096, 0x5a));
  });
});

describe('from the console', () => {
  it('lists the copies, makes one, and restores it in place of the data in use, which is set aside', async () => {
    let now = T0;
    const console1 = openTestConsole({ dataDir: dir, backups: false, clock: { now: () => now } });
    try {
      expect(await console1.call('app:backups', {})).toEqual({ backups: [] });
      await console1.call('profiles:create', { draft: { firstName: 'Ada', lastName: 'Lovelace', email: 'ada@example.com' } });
      const made = await console1.call('app:backupNow', {});
      expect(made).toMatchObject({ reason: 'manual', createdAt: T0.toISOString() });
      expect(Object.keys(made).sort()).toEqual(['bytes', 'createdAt', 'name', 'reason']);
      now = new Date(T0.getTime() + 60_000);
      await console1.call('profiles:create', { draft: { firstName: 'Bob', lastName: 'Marley', email: 'bob@example.com' } });
      expect((await console1.call('app:backups', {})).backups.map((b) => b.name)).toEqual([made.name]);

      const restored = await console1.call('app:restoreBackup', { name: made.name });
      expect(restored.restored).toBe(made.name);
      const emailsNow = (await console1.call('profiles:list', { query: {}, offset: 0, limit: 10 })).rows.map((p) => p.email);
      expect(emailsNow).toEqual(['ada@example.com']);
      // The data it replaced is kept beside it, with Bob in it.
      const aside = new Database(restored.setAside ?? '', { readonly: true, fileMustExist: true });
      try {
        expect(emails(aside)).toEqual(['ada@example.com', 'bob@example.com']);
      } finally {
        aside.close();
      }
    } finally {
      console1.close();
    }
  });

  it('refuses a damaged copy or a name that is not a copy, and the data in use stays open as it was', async () => {
    const console1 = openTestConsole({ dataDir: dir, backups: false });
    try {
      await console1.call('profiles:create', { draft: { firstName: 'Ada', lastName: 'Lovelace', email: 'ada@example.com' } });
      mkdirSync(join(dir, 'backups'), { recursive: true });
      const name = 'roster-2026-11-28T08-00-00-000Z-daily.sqlite';
      writeFileSync(join(dir, 'backups', name), Buffer.alloc(8192, 1));
      const damaged = await console1.roster.dispatcher.dispatch('app:restoreBackup', { name });
      expect(damaged.ok ? null : [damaged.error.code, damaged.error.message]).toEqual([
        'VALIDATION_FAILED',
        `The copy ${name} fails SQLite's integrity check: it cannot be restored. The data in use was left as it is.`,
      ]);
      const traversal = await console1.roster.dispatcher.dispatch('app:restoreBackup', { name: '../roster.sqlite' });
      expect(traversal.ok ? null : traversal.error.code).toBe('VALIDATION_FAILED');
      const missing = await console1.roster.dispatcher.dispatch('app:restoreBackup', { name: 'roster-2026-11-29T08-00-00-000Z-daily.sqlite' });
      expect(missing.ok ? null : missing.error.code).toBe('NOT_FOUND');
      expect((await console1.call('profiles:list', { query: {}, offset: 0, limit: 10 })).rows.map((p) => p.email)).toEqual(['ada@example.com']);
    } finally {
      console1.close();
    }
  });
});
