import { homedir } from 'node:os';
import { join, resolve } from 'node:path';

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
