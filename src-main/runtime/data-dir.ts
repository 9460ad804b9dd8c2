import { chmodSync, mkdirSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { DataFilePermissionError, PRIVATE_DIR_MODE } from '../db/database';

export const APP_DIR_NAME = 'Roster';

/** The OS's per-user app-data folder for Roster (what Electron's app.getPath('userData') gives). */
export function defaultDataDir(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): string {
  if (platform === 'win32') return join(env.APPDATA ?? join(homedir(), 'AppData', 'Roaming'), APP_DIR_NAME);
  if (platform === 'darwin') return join(homedir(), 'Library', 'Application Support', APP_DIR_NAME);
  return join(env.XDG_CONFIG_HOME ?? join(homedir(), '.config'), APP_DIR_NAME);
}

/** --data-dir wins, then ROSTER_DATA_DIR, then the OS default. */
export function resolveDataDir(flag: string | undefined, env: NodeJS.ProcessEnv = process.env): string {
  if (flag !== undefined && flag !== '') return resolve(flag);
  if (env.ROSTER_DATA_DIR !== undefined && env.ROSTER_DATA_DIR !== '') return resolve(env.ROSTER_DATA_DIR);
  return defaultDataDir(env);
}

export const databaseFile = (dataDir: string): string => join(dataDir, 'roster.sqlite');

/**
 * Creates the data folder readable by this user only (0700), or takes the
 * group's and others' permissions off an existing one: it holds every
 * profile, the session token and the browser's own storage. On Windows the
 * per-user profile's ACLs do this and POSIX modes mean little.
 */
export function prepareDataDir(dir: string, platform: NodeJS.Platform = process.platform): void {
  mkdirSync(dir, { recursive: true, mode: PRIVATE_DIR_MODE });
  if (platform === 'win32') return;
  if ((statSync(dir).mode & 0o077) === 0) return;
  try {
    chmodSync(dir, PRIVATE_DIR_MODE);
  } catch (error) {
    throw new DataFilePermissionError(dir, error);
  }
}
