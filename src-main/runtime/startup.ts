import { dirname } from 'node:path';
import { BackupError, listBackups, newestGoodBackup, restoreBackup } from '../db/backup';
import { DataFilePermissionError } from '../db/database';
import type { Db } from '../db/database';
import { LATEST_VERSION, migrate, migrations, schemaVersion as fileSchemaVersion } from '../db/migrations';

/** Why Roster could not open its data: each says what happened in words a person can act on. */
export type StartupProblem = 'data-file-damaged' | 'data-file-newer' | 'migration-failed' | 'backup-failed' | 'data-file-access' | 'data-file-busy' | 'secret-store' | 'other';

/** Roster cannot start on this data; `message` says what happened and what to do, `dataFile` where the data is. */
export class StartupError extends Error {
  constructor(
    readonly problem: StartupProblem,
    message: string,
    readonly dataFile: string,
    cause?: unknown,
  ) {
    super(message, { cause });
    this.name = 'StartupError';
  }
}

const errorCode = (error: unknown): string => (error instanceof Error && 'code' in error && typeof error.code === 'string' ? error.code : '');
const errorText = (error: unknown): string => (error instanceof Error ? error.message : String(error));

/** The data file could not be opened: why, in a person's words. */
export function openFailure(error: unknown, file: string): StartupError {
  if (error instanceof DataFilePermissionError) {
    return new StartupError('data-file-access', `${error.message} Make the folder and its files yours (e.g. chown), or choose another data folder with --data-dir.`, file, error);
  }
  const code = errorCode(error);
  if (code === 'SQLITE_NOTADB' || code === 'SQLITE_CORRUPT' || code.startsWith('SQLITE_CORRUPT_')) {
    return new StartupError('data-file-damaged', `The data file is damaged or is not a Roster database (SQLite: ${errorText(error)}). Roster left it as it is. ${restoreHint(file)}`, file, error);
  }
  if (code === 'SQLITE_BUSY' || code === 'SQLITE_LOCKED') {
    return new StartupError('data-file-busy', `The data file is locked by another program (${errorText(error)}). Close it, or the other Roster using this data folder, and start Roster again.`, file, error);
  }
  if (['EACCES', 'EPERM', 'EROFS', 'SQLITE_CANTOPEN', 'SQLITE_READONLY', 'SQLITE_PERM', 'SQLITE_AUTH'].some((c) => code === c || code.startsWith(`${c}_`))) {
    return new StartupError('data-file-access', `Roster cannot read and write the data file (${errorText(error)}). Check that the folder and the file are yours and writable.`, file, error);
  }
  return new StartupError('other', `The data file could not be opened: ${errorText(error)}`, file, error);
}

/** What a person can do about a damaged data file: the newest good copy and how to put it in place, when there is one. */
function restoreHint(file: string): string {
  let good;
  try {
    good = newestGoodBackup(dirname(file));
  } catch {
    good = null;
  }
  if (good === null) return 'Restore it from a copy of your own, or move it elsewhere to start with an empty one.';
  return `Roster keeps copies of it: the newest good one is from ${good.createdAt.slice(0, 16).replace('T', ' ')} UTC (${good.name}). Start Roster with --restore-backup latest to put it in place (the damaged file is set aside beside it, not deleted), or move the damaged file elsewhere to start with an empty one.`;
}

/**
 * `--restore-backup <name|latest>`: puts a copy in place of the data file
 * before it is opened; the file it replaces is set aside, never deleted.
 * Says what it did, for the terminal or the log.
 */
export function restoreOnStart(dataDir: string, file: string, which: string, now: Date, nativeBinding?: string): string {
  try {
    const name = which === 'latest' ? newestGoodBackup(dataDir, nativeBinding)?.name : which;
    if (name === undefined) {
      const kept = listBackups(dataDir).length;
      throw new BackupError(kept === 0 ? 'There is no copy of the data file to restore.' : `None of the ${String(kept)} copies of the data file passes SQLite's integrity check.`);
    }
    const { setAside } = restoreBackup(file, dataDir, name, now, nativeBinding);
    return `Restored the data file from ${name}.${setAside === null ? '' : ` The file it replaced was set aside as ${setAside}.`}`;
  } catch (error) {
    throw new StartupError('other', `The backup could not be restored: ${errorText(error)} The data file was left as it is.`, file, error);
  }
}

/**
 * Brings the file to this Roster's schema; refuses a newer one untouched, and
 * says which step failed (each step is one transaction: none is left
 * half-done). A file that has data and needs a step is copied first
 * (`backup`); if no copy can be made, nothing is changed.
 */
export function upgrade(db: Db, file: string, backup: () => { path: string } = () => ({ path: '' })): number {
  const found = fileSchemaVersion(db);
  if (found > LATEST_VERSION) {
    throw new StartupError(
      'data-file-newer',
      `The data file was written by a newer version of Roster (data format ${found}; this Roster reads up to ${LATEST_VERSION}). Roster left it as it is: install the newer Roster to open it.`,
      file,
    );
  }
  if (found > 0 && found < LATEST_VERSION) {
    try {
      backup();
    } catch (error) {
      throw new StartupError(
        'backup-failed',
        `Roster copies the data file before updating it to this version, and the copy could not be made: ${errorText(error)} Nothing was changed. Free some disk space (or fix the folder's permissions) and start Roster again.`,
        file,
        error,
      );
    }
  }
  try {
    return migrate(db);
  } catch (error) {
    const reached = fileSchemaVersion(db);
    const step = migrations.find((m) => m.version > reached);
    const which = step === undefined ? '' : ` at step ${step.version} ("${step.name}")`;
    throw new StartupError(
      'migration-failed',
      `Updating the data file to this version of Roster failed${which}: ${errorText(error)}. That step was undone: the file is as it was (data format ${reached}). Keep a copy of it and report this problem.`,
      file,
      error,
    );
  }
}

/** The text a person reads when Roster cannot start: what happened, then where the data file is. */
export function startupFailureText(error: unknown, dataFile: string): string {
  const what = error instanceof StartupError ? error.message : `Something went wrong while starting: ${errorText(error)}`;
  return `${what}\n\nData file: ${error instanceof StartupError ? error.dataFile : dataFile}`;
}
