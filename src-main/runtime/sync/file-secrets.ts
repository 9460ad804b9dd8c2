import { chmodSync, existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { SecretStore } from '../../core/sync/ports';

/**
 * Browser mode's token store: a file in the data dir that only this user can
 * read (mode 0600). Electron uses the OS's encryption instead (safeStorage).
 */
export function createFileSecretStore(dataDir: string): SecretStore {
  const file = join(dataDir, 'server-session.token');
  return {
    kind: 'file-0600',
    get() {
      if (!existsSync(file)) return null;
      const token = readFileSync(file, 'utf8').trim();
      return token === '' ? null : token;
    },
    set(token) {
      writeFileSync(file, token, { mode: 0o600 });
      chmodSync(file, 0o600);
    },
    clear() {
      rmSync(file, { force: true });
    },
  };
}
