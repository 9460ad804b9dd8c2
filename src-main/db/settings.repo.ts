import { prepared } from './database';
import type { Db } from './database';

export const settingsRepo = {
  get(db: Db, key: string): string | undefined {
    const row = prepared(db, 'SELECT value FROM settings WHERE key = ?').get(key) as { value: string } | undefined;
    return row?.value;
  },
  set(db: Db, key: string, value: string): void {
    prepared(db, 'INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value').run(key, value);
  },
};
