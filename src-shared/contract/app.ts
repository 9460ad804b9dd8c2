import { z } from 'zod';
import { channel } from './channel';

export type RunMode = 'electron' | 'browser';

export interface AppInfo {
  name: string;
  version: string;
  mode: RunMode;
  dataDir: string;
  databaseFile: string;
  schemaVersion: number;
  /** The server the Server page offers (ROSTER_SERVER_URL, or the local demo server `npm start` runs). */
  suggestedServerUrl: string | null;
}

export const appChannels = {
  'app:info': channel<AppInfo>()(z.strictObject({})),
  'app:openExternal': channel<{ opened: boolean }>()(z.strictObject({ url: z.url({ protocol: /^https?$/ }) })),
};
