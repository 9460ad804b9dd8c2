import Database from 'better-sqlite3';
import { chmodSync, copyFileSync, existsSync, mkdirSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { PRIVATE_DIR_MODE, PRIVATE_FILE_MODE } from './database';
import type { Db } from './database';
import { BACKUP_NAME_PATTERN } from '../../src-shared/contract/app';
import type { BackupEntry, BackupReason } from '../../src-shared/contract/app';

/**
 * Copies of a replica file, kept next to it in `backups/`: one before every
 * migration and one a day while Roster runs; the newest seven are kept. A
 * copy is checked with SQLite's integrity check before it is kept, so every
 * file in `backups/` can be restored. Restoring sets the current file aside
 * (renamed, never deleted) and puts the copy in its place.
 */

export const BACKUP_FOLDER = 'backups';
export const BACKUPS_KEPT = 7;
/** A daily copy is made once the newest copy is this old. */
export const DAILY_BACKUP_MS = 24 * 60 * 60 * 1000;

/** A copy as the console lists it, with where it is. */
export interface BackupInfo extends BackupEntry {
  path: string;
}

/** A copy could not be made or kept: nothing was replaced, and no partial copy remains. */
export class BackupError extends Error {
  constructor(message: string, cause?: unknown) {
    super(message, { cause });
    this.name = 'BackupError';
  }
}


const stamp = (at: Date): string => at.toISOString().replace(/:/g, '-').replace('.', '-');
const fromStamp = (text: string): string => {
  const [date = '', time = ''] = text.split('T');
  const [h, m, s, ms] = time.replace('Z', '').split('-');
  return `${date}T${h ?? '00'}:${m ?? '00'}:${s ?? '00'}.${ms ?? '000'}Z`;
};

export const backupFolder = (dir: string): string => join(dir, BACKUP_FOLDER);

/** The copies in a data folder, newest first. */
export function listBackups(dir: string): BackupInfo[] {
  const folder = backupFolder(dir);
  if (!existsSync(folder)) return [];
  const found: BackupInfo[] = [];
  for (const name of readdirSync(folder)) {
    const match = BACKUP_NAME_PATTERN.exec(name);
    if (match === null) continue;
    const path = join(folder, name);
    found.push({ name, path, reason: match[2] as BackupReason, createdAt: fromStamp(match[1] ?? ''), bytes: statSync(path).size });
  }
  return found.sort((a, b) => (a.createdAt < b.createdAt ? 1 : a.createdAt > b.createdAt ? -1 : a.name < b.name ? 1 : -1));
}

/** Whether the newest copy is a day old (or there is none). */
export function dailyBackupDue(dir: string, now: Date): boolean {
  const newest = listBackups(dir)[0];
  return newest === undefined || now.getTime() - Date.parse(newest.createdAt) >= DAILY_BACKUP_MS;
}

/** SQLite's own check of a file, opened read-only: 'ok', or what it found. */
export function checkIntegrity(path: string, nativeBinding?: string): string {
  let db: Db | undefined;
  try {
    db = new Database(path, { readonly: true, fileMustExist: true, timeout: 0, ...(nativeBinding === undefined ? {} : { nativeBinding }) });
    const rows = db.pragma('integrity_check') as { integrity_check: string }[];
    const problems = rows.map((r) => r.integrity_check).filter((text) => text !== 'ok');
    return problems.length === 0 ? 'ok' : problems.slice(0, 5).join('; ');
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  } finally {
    db?.close();
  }
}

function prepareFolder(dir: string): string {
  const folder = backupFolder(dir);
  mkdirSync(folder, { recursive: true, mode: PRIVATE_DIR_MODE });
  return folder;
}

const sqlString = (text: string): string => `'${text.replace(/'/g, "''")}'`;

/** Makes a copy one self-contained file (no -wal or -shm beside it), so it can be moved, read and restored as it is. */
function selfContained(path: string, nativeBinding: string | undefined): void {
  const db = new Database(path, { fileMustExist: true, timeout: 0, ...(nativeBinding === undefined ? {} : { nativeBinding }) });
  try {
    db.pragma('journal_mode = DELETE');
  } finally {
    db.close();
  }
}

/** Checks a finished copy, then gives it its final name and drops the oldest beyond the seven kept. */
function keep(dir: string, partial: string, reason: BackupReason, at: Date, nativeBinding: string | undefined): BackupInfo {
  selfContained(partial, nativeBinding);
  const verdict = checkIntegrity(partial, nativeBinding);
  if (verdict !== 'ok') {
    rmSync(partial, { force: true });
    throw new BackupError(`The copy of the data file failed SQLite's integrity check (${verdict}); it was not kept.`);
  }
  if (process.platform !== 'win32') chmodSync(partial, PRIVATE_FILE_MODE);
  let name = `roster-${stamp(at)}-${reason}.sqlite`;
  // Two copies in the same millisecond (a test's clock): the later one a millisecond on.
  for (let n = 1; existsSync(join(backupFolder(dir), name)); n++) name = `roster-${stamp(new Date(at.getTime() + n))}-${reason}.sqlite`;
  const path = join(backupFolder(dir), name);
  renameSync(partial, path);
  for (const old of listBackups(dir).slice(BACKUPS_KEPT)) rmSync(old.path, { force: true });
  return listBackups(dir).find((b) => b.name === name) ?? { name, path, reason, createdAt: at.toISOString(), bytes: statSync(path).size };
}

const failed = (error: unknown): BackupError =>
  error instanceof BackupError ? error : new BackupError(`The data file could not be copied: ${error instanceof Error ? error.message : String(error)}.`, error);

/**
 * A copy made at once, holding the connection until it is done (SQLite's
 * VACUUM INTO: a consistent, compact copy). For the moment before a
 * migration, when nothing else may run anyway.
 */
export function backupNowSync(db: Db, dir: string, reason: BackupReason, at: Date, nativeBinding?: string): BackupInfo {
  const partial = join(prepareFolder(dir), `.partial-${stamp(at)}-${String(process.pid)}.sqlite`);
  try {
    db.exec(`VACUUM INTO ${sqlString(partial)}`);
    return keep(dir, partial, reason, at, nativeBinding);
  } catch (error) {
    rmSync(partial, { force: true });
    throw failed(error);
  }
}

/**
 * A copy made in small steps through SQLite's online backup, so the console
 * keeps working while it is made (the daily copy, and one an admin asks for).
 */
export async function backupNow(db: Db, dir: string, reason: BackupReason, at: Date, nativeBinding?: string): Promise<BackupInfo> {
  const partial = join(prepareFolder(dir), `.partial-${stamp(at)}-${String(process.pid)}.sqlite`);
  try {
    await db.backup(partial);
    return keep(dir, partial, reason, at, nativeBinding);
  } catch (error) {
    rmSync(partial, { force: true });
    throw failed(error);
  }
}

/**
 * Puts a copy in the place of the replica file, which must be closed. The
 * current file (and its -wal and -shm companions) is renamed
 * `roster.sqlite.replaced-<time>` beside it, never deleted; the copy is
 * checked before anything moves. Returns where the replaced file went.
 */
export function restoreBackup(file: string, dir: string, name: string, at: Date, nativeBinding?: string): { setAside: string | null } {
  const backup = listBackups(dir).find((b) => b.name === name);
  if (backup === undefined || basename(name) !== name) throw new BackupError(`There is no backup named ${name} in ${backupFolder(dir)}.`);
  const verdict = checkIntegrity(backup.path, nativeBinding);
  if (verdict !== 'ok') throw new BackupError(`The backup ${name} failed SQLite's integrity check (${verdict}); the data file was left as it is.`);
  let setAside: string | null = null;
  if (existsSync(file)) {
    setAside = `${file}.replaced-${stamp(at)}`;
    renameSync(file, setAside);
    for (const companion of ['-wal', '-shm']) if (existsSync(`${file}${companion}`)) renameSync(`${file}${companion}`, `${setAside}${companion}`);
  }
  copyFileSync(backup.path, file);
  if (process.platform !== 'win32') chmodSync(file, PRIVATE_FILE_MODE);
  return { setAside };
}

/** The newest copy that passes the integrity check, for a data file that no longer opens. */
export function newestGoodBackup(dir: string, nativeBinding?: string): BackupInfo | null {
  return listBackups(dir).find((b) => checkIntegrity(b.path, nativeBinding) === 'ok') ?? null;
}

/** Undoes a restore whose copy would not open: the set-aside file (and its companions) back in place. */
export function putBack(file: string, setAside: string): void {
  for (const companion of ['', '-wal', '-shm']) rmSync(`${file}${companion}`, { force: true });
  renameSync(setAside, file);
  for (const companion of ['-wal', '-shm']) if (existsSync(`${setAside}${companion}`)) renameSync(`${setAside}${companion}`, `${file}${companion}`);
}
