import { z } from 'zod';
import { channel } from './channel';
import { CONSOLE_LANGUAGES } from '../console-languages';
import type { ConsoleLanguage } from '../console-languages';
import type { ExportResult } from './export';

export type RunMode = 'electron' | 'browser';

/** Why a copy of the data file was made: before a data-format update, the daily one, or one an admin asked for. */
export const BACKUP_REASONS = ['migration', 'daily', 'manual'] as const;
export type BackupReason = (typeof BACKUP_REASONS)[number];

/** A copy of the data file in its `backups/` folder. */
export interface BackupEntry {
  name: string;
  reason: BackupReason;
  createdAt: string;
  bytes: number;
}

/** The names copies are kept under (anything else is not a copy: no path can be slipped in). */
export const BACKUP_NAME_PATTERN = /^roster-(\d{4}-\d{2}-\d{2}T\d{2}-\d{2}-\d{2}-\d{3}Z)-(migration|daily|manual)\.sqlite$/;

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

/** What "Reset local data" would discard and keep: the profiles here, those not yet on the server (kept in a file), the changes waiting. */
export interface ResetPreview {
  profiles: number;
  unsynced: number;
  waiting: number;
}

/** A reset done: the copy made first, the file of the unsynced profiles (also saved in the data folder), how many it holds. */
export interface ResetResult {
  backup: string;
  unsynced: number;
  file: ExportResult | null;
  savedAs: string | null;
}

export const appChannels = {
  'app:info': channel<AppInfo>()(z.strictObject({})),
  'app:setLanguage': channel<{ language: ConsoleLanguage }>()(z.strictObject({ language: z.enum(CONSOLE_LANGUAGES) })),
  'app:openExternal': channel<{ opened: boolean }>()(z.strictObject({ url: z.url({ protocol: /^https?$/ }) })),
  /** What a support desk needs (version, system, data size, counts, sync state, the log's last problems), nothing personal. */
  'app:diagnostics': channel<{ text: string }>()(z.strictObject({})),
  /** Opens the data folder or the logs folder in the system's file manager. */
  'app:openFolder': channel<{ opened: boolean }>()(z.strictObject({ folder: z.enum(APP_FOLDERS) })),
  /** The copies of the organisation's data file in use, newest first. */
  'app:backups': channel<{ backups: BackupEntry[] }>()(z.strictObject({})),
  'app:backupNow': channel<BackupEntry>()(z.strictObject({})),
  /** Puts a copy in place of the data file in use (set aside, never deleted) and opens it. */
  'app:resetPreview': channel<ResetPreview>()(z.strictObject({})),
  /** Keeps the unsynced profiles in a file, backs up, then empties the replica; refused when the count confirmed is no longer true. */
  'app:resetLocalData': channel<ResetResult>()(z.strictObject({ unsynced: z.int().min(0) })),
  'app:restoreBackup': channel<{ restored: string; setAside: string | null }>()(z.strictObject({ name: z.string().max(100).regex(BACKUP_NAME_PATTERN) })),
};
