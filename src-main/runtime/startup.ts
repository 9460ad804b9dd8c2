import { DataFilePermissionError } from '../db/database';
import type { Db } from '../db/database';
import { LATEST_VERSION, migrate, migrations, schemaVersion as fileSchemaVersion } from '../db/migrations';

/** Why Roster could not open its data: each says what happened in words a person can act on. */
export type StartupProblem = 'data-file-damaged' | 'data-file-newer' | 'migration-failed' | 'data-file-access' | 'data-file-busy' | 'secret-store' | 'other';

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
    return new StartupError(
      'data-file-damaged',
      `The data file is damaged or is not a Roster database (SQLite: ${errorText(error)}). Roster left it as it is. Restore it from a backup, or move it elsewhere to start with an empty one.`,
      file,
      error,
    );
  }
  if (code === 'SQLITE_BUSY' || code === 'SQLITE_LOCKED') {
    return new StartupError('data-file-busy', `The data file is locked by another program (${errorText(error)}). Close it, or the other Roster using this data folder, and start Roster again.`, file, error);
  }
  if (['EACCES', 'EPERM', 'EROFS', 'SQLITE_CANTOPEN', 'SQLITE_READONLY', 'SQLITE_PERM', 'SQLITE_AUTH'].some((c) => code === c || code.startsWith(`${c}_`))) {
    return new StartupError('data-file-access', `Roster cannot read and write the data file (${errorText(error)}). Check that the folder and the file are yours and writable.`, file, error);
  }
  return new StartupError('other', `The data file could not be opened: ${errorText(error)}`, file, error);
}

/** Brings the file to this Roster's schema; refuses a newer one untouched, and says which step failed (each step is one transaction: none is left half-done). */
export function upgrade(db: Db, file: string): number {
  const found = fileSchemaVersion(db);
  if (found > LATEST_VERSION) {
    throw new StartupError(
      'data-file-newer',
      `The data file was written by a newer version of Roster (data format ${found}; this Roster reads up to ${LATEST_VERSION}). Roster left it as it is: install the newer Roster to open it.`,
      file,
    );
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
