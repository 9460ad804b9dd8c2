import { chmodSync, closeSync, existsSync, mkdirSync, openSync, statSync } from 'node:fs';

/**
 * The server's data (the SQLite database with its -wal and -shm, the dev
 * mailbox's .eml files holding raw invitation links, the key file) is for
 * the user running the server only: folders 0700, files 0600. What an
 * earlier version left readable to others is tightened at start.
 *
 * On Windows, modes do not apply (access is governed by the folder's ACL,
 * which under %APPDATA% is the user's own): nothing is changed there.
 */
const POSIX = process.platform !== 'win32';

export const PRIVATE_DIR_MODE = 0o700;
export const PRIVATE_FILE_MODE = 0o600;

const tighten = (path: string, mode: number): void => {
  if (!POSIX) return;
  try {
    if ((statSync(path).mode & 0o777) === mode) return;
    chmodSync(path, mode);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return;
    throw new Error(`Cannot make ${path} private to this user (mode ${mode.toString(8)}): ${code ?? String(error)}. Fix its owner or permissions, or choose another data dir.`, { cause: error });
  }
};

/** Creates the folder (and missing parents) as 0700, or tightens it to 0700. */
export function ensurePrivateDir(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: PRIVATE_DIR_MODE });
  tighten(dir, PRIVATE_DIR_MODE);
}

/** Creates an empty file as 0600 if it is missing, or tightens it to 0600. */
export function ensurePrivateFile(file: string): void {
  if (!existsSync(file)) closeSync(openSync(file, 'a', PRIVATE_FILE_MODE));
  tighten(file, PRIVATE_FILE_MODE);
}

/** Tightens a file to 0600 if it exists. */
export function tightenFile(file: string): void {
  tighten(file, PRIVATE_FILE_MODE);
}
