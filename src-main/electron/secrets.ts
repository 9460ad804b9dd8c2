import { safeStorage } from 'electron';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { SecretStore } from '../core/sync/ports';
import { createFileSecretStore } from '../runtime/sync/file-secrets';

/**
 * The server session token, encrypted with the OS's keychain through
 * Electron's safeStorage. Where the OS offers no encryption (a Linux session
 * without a keyring), it falls back to a 0600 file, and the status bar says so.
 */
export function createElectronSecretStore(dataDir: string): SecretStore {
  if (!safeStorage.isEncryptionAvailable() || safeStorage.getSelectedStorageBackend() === 'basic_text') {
    return createFileSecretStore(dataDir);
  }
  const file = join(dataDir, 'server-session.enc');
  return {
    kind: 'os-encrypted',
    get() {
      if (!existsSync(file)) return null;
      try {
        return safeStorage.decryptString(readFileSync(file));
      } catch {
        return null;
      }
    },
    set(token) {
      writeFileSync(file, safeStorage.encryptString(token), { mode: 0o600 });
    },
    clear() {
      rmSync(file, { force: true });
    },
  };
}
