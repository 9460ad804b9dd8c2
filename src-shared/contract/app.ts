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
}

export const appChannels = {
  'app:info': channel<AppInfo>()(z.strictObject({})),
  'app:openExternal': channel<{ opened: boolean }>()(z.strictObject({ url: z.url({ protocol: /^https?$/ }) })),
};
