import { z } from 'zod';
import { channel } from './channel';
import { CONSOLE_LANGUAGES } from '../console-languages';
import type { ConsoleLanguage } from '../console-languages';

export type RunMode = 'electron' | 'browser';

/** The folders the Help menu opens. */
export const APP_FOLDERS = ['data', 'logs'] as const;
export type AppFolder = (typeof APP_FOLDERS)[number];

export interface AppInfo {
  name: string;
  version: string;
  mode: RunMode;
  dataDir: string;
  databaseFile: string;
  schemaVersion: number;
  /** The server the Server page offers (ROSTER_SERVER_URL, or the local demo server `npm start` runs). */
  suggestedServerUrl: string | null;
  /** The console language the admin chose (kept in the data dir), or null before any choice. */
  language: ConsoleLanguage | null;
  /** The operating system's preferred locales, best first (Electron); empty in browser mode, where the browser's own list applies. */
  systemLocales: string[];
}

export const appChannels = {
  'app:info': channel<AppInfo>()(z.strictObject({})),
  'app:setLanguage': channel<{ language: ConsoleLanguage }>()(z.strictObject({ language: z.enum(CONSOLE_LANGUAGES) })),
  'app:openExternal': channel<{ opened: boolean }>()(z.strictObject({ url: z.url({ protocol: /^https?$/ }) })),
  /** What a support desk needs (version, system, data size, counts, sync state, the log's last problems), nothing personal. */
  'app:diagnostics': channel<{ text: string }>()(z.strictObject({})),
  /** Opens the data folder or the logs folder in the system's file manager. */
  'app:openFolder': channel<{ opened: boolean }>()(z.strictObject({ folder: z.enum(APP_FOLDERS) })),
};
