import { chmodSync, existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { SecretStore } from '../core/sync/ports';
import { createFileSecretStore } from '../runtime/sync/file-secrets';

/**
 * The part of Electron's safeStorage Roster uses. getSelectedStorageBackend
 * exists on Linux only (Electron defines it nowhere else), so it is optional
 * here and asked only there.
 */
export interface SafeStorageLike {
  isEncryptionAvailable(): boolean;
  encryptString(plainText: string): Buffer;
  decryptString(encrypted: Buffer): string;
  getSelectedStorageBackend?: () => string;
}

/**
 * Does safeStorage really encrypt? On Linux without a keyring Electron falls
 * back to 'basic_text', a key written in its source: no better than a file.
 * macOS (Keychain) and Windows (DPAPI) have no such fallback.
 */
export function osEncryptionUsable(safeStorage: SafeStorageLike, platform: NodeJS.Platform): boolean {
  if (!safeStorage.isEncryptionAvailable()) return false;
  if (platform !== 'linux') return true;
  const backend = typeof safeStorage.getSelectedStorageBackend === 'function' ? safeStorage.getSelectedStorageBackend() : 'unknown';
  return backend !== 'basic_text' && backend !== 'unknown';
}

/**
 * The server session token, encrypted with the OS's keychain through
 * Electron's safeStorage. Where the OS offers no encryption (a Linux session
 * without a keyring), it falls back to a 0600 file, and the status bar says so.
 */
export function createElectronSecretStore(dataDir: string, safeStorage: SafeStorageLike, platform: NodeJS.Platform): SecretStore {
  if (!osEncryptionUsable(safeStorage, platform)) return createFileSecretStore(dataDir);
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
      // The mode above applies only when the file is new.
      chmodSync(file, 0o600);
    },
    clear() {
      rmSync(file, { force: true });
    },
  };
}
