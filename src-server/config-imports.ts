import { resolve } from 'node:path';

/**
 * The server's settings for import sources (see docs/IMPORT-SOURCES.md): the
 * one folder that folder sources may read employee files from, and the
 * scheduler that runs the sources that are due. ServerConfig (config.ts)
 * takes them in through ImportConfig, and parseCli reads their flags and
 * environment variables through parseImportOptions.
 */

/** The import scheduler: runs due import sources; off with --no-import-scheduler. */
export interface ImportSchedulerConfig {
  enabled: boolean;
  /** How often it looks for due sources. */
  pollIntervalMs: number;
  /** A source a process runs is leased this long (another process takes it over only after). */
  leaseMs: number;
  /** A failed scheduled run is tried again this many times (never past the next scheduled time)… */
  retries: number;
  /** …after this long, four times longer at each retry. */
  retryBaseMs: number;
}

/** The import sources' part of ServerConfig. */
export interface ImportConfig {
  /** The only folder (and what is below it) import sources of kind "folder" may read (ROSTER_IMPORT_ROOT); undefined: folder sources are off. */
  importRoot: string | undefined;
  importScheduler: ImportSchedulerConfig;
}

/** Folder sources off; the scheduler on, looking every 30 s, leasing a source for 15 minutes, retrying a failed run 3 times from a minute on. */
export function defaultImportConfig(): ImportConfig {
  return { importRoot: undefined, importScheduler: { enabled: true, pollIntervalMs: 30_000, leaseMs: 15 * 60_000, retries: 3, retryBaseMs: 60_000 } };
}

/** The import root (--import-root, ROSTER_IMPORT_ROOT), made absolute, and the scheduler turned off when `schedulerOff`, over `defaults`. */
export function parseImportOptions(pick: (flag: string, envName: string) => string | undefined, schedulerOff: boolean, defaults: ImportConfig): ImportConfig {
  const root = pick('import-root', 'ROSTER_IMPORT_ROOT');
  return {
    importRoot: root === undefined ? defaults.importRoot : resolve(root),
    importScheduler: schedulerOff ? { ...defaults.importScheduler, enabled: false } : defaults.importScheduler,
  };
}
