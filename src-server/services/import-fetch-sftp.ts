import { createHash } from 'node:crypto';
import { posix } from 'node:path';
import { Client } from 'ssh2';
import type { ConnectConfig, FileEntry, SFTPWrapper } from 'ssh2';
import type { ImportRunProblem } from '../../src-shared/import-sources-wire';
import type { ImportSourcesTable } from '../db/schema-imports';
import type { ServerContext } from './context';

/**
 * Reading an SFTP import source (see docs/IMPORT-SOURCES.md): sign in with
 * the unsealed password or private key, check the server's host key against
 * the pinned one (pin it on the first connection), list the folder, read a
 * file, move a processed one to the `archive` folder beside it. Every
 * failure says which step failed: unreachable server, refused sign-in,
 * changed host key, missing folder, unreadable file.
 */

type SourceRow = ImportSourcesTable;

/** How long a connection (TCP, key exchange, sign-in) may take, and any one SFTP request after it. */
export const SFTP_TIMEOUTS = { connectMs: 10_000, requestMs: 30_000 };

/** The SFTP server's host key as `ssh-keygen -l` prints it: SHA256: and the unpadded base64 of its SHA-256. */
export const hostKeyFingerprint = (key: Buffer): string => `SHA256:${createHash('sha256').update(key).digest('base64').replace(/=+$/, '')}`;

/** A failure of the SFTP side of a run, worded for the admin reading the run, with its problem for a console to word. */
export class SftpError extends Error {
  override name = 'SftpError';
  constructor(
    readonly problem: ImportRunProblem,
    message: string,
  ) {
    super(message);
  }
}

export interface SftpSession {
  /** The host key met on this connection (pinned now if the source had none). */
  fingerprint: string;
  list(): Promise<{ name: string; mtime: number }[]>;
  read(name: string): Promise<Buffer>;
  /** Moves a processed file into `archive/` below the folder (made if needed), under a free name. */
  archive(name: string): Promise<void>;
  close(): void;
}

const NO_SUCH_FILE = 2;
const PERMISSION_DENIED = 3;

/** Whether an SFTP status error is "no such file" (SFTP status 2). */
const isMissing = (error: unknown): boolean => (error as { code?: unknown } | null)?.code === NO_SUCH_FILE;

function withTimeout<T>(what: string, client: Client, run: (done: (error: Error | null | undefined, value?: T) => void) => void): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => {
      client.end();
      reject(new SftpError('timeout', `The SFTP server did not answer in ${Math.round(SFTP_TIMEOUTS.requestMs / 1000)} seconds while ${what}.`));
    }, SFTP_TIMEOUTS.requestMs);
    run((error, value) => {
      clearTimeout(timer);
      if (error !== null && error !== undefined) reject(error);
      else resolve(value as T);
    });
  });
}

/** Why a connection failed, in words; `refusedKey` when the host key check refused it. */
function connectFailure(source: SourceRow, error: Error & { level?: string; code?: string }, refusedKey: string | null): SftpError {
  const where = `${source.host ?? ''}:${String(source.port ?? 22)}`;
  if (refusedKey !== null)
    return new SftpError(
      'host_key_changed',
      `HOST_KEY_CHANGED: the SFTP server ${where} showed the host key ${refusedKey}, not the pinned ${source.host_key_fingerprint ?? ''}. Nothing was read. If the server's key really changed, an admin saves the new fingerprint in the source.`,
    );
  if (error.level === 'client-authentication') return new SftpError('sign_in_refused', `The SFTP server ${where} refused to sign in as "${source.username ?? ''}": check the source's password or private key.`);
  if (error.level === 'client-timeout') return new SftpError('timeout', `The SFTP server ${where} did not answer within ${Math.round(SFTP_TIMEOUTS.connectMs / 1000)} seconds.`);
  if (error.code === 'ECONNREFUSED' || error.code === 'ENOTFOUND' || error.code === 'EHOSTUNREACH' || error.code === 'ENETUNREACH' || error.code === 'EAI_AGAIN' || error.code === 'ETIMEDOUT')
    return new SftpError('unreachable', `The SFTP server ${where} cannot be reached (${error.code}).`);
  if (error.message.includes('private key') || error.message.includes('privateKey')) return new SftpError('key_unusable', `The source's private key cannot be used: ${error.message}`);
  return new SftpError('connection_failed', `The connection to the SFTP server ${where} failed: ${error.message}`);
}

/** Signs in to a source's SFTP server and opens its SFTP channel; pins the host key met if none is pinned. */
export async function openSftp(ctx: ServerContext, source: SourceRow): Promise<SftpSession> {
  const client = new Client();
  // Set by the host key check during the handshake.
  const key: { met: string | null; refused: string | null } = { met: null, refused: null };
  const config: ConnectConfig = {
    host: source.host ?? '',
    port: source.port ?? 22,
    username: source.username ?? '',
    readyTimeout: SFTP_TIMEOUTS.connectMs,
    hostVerifier: (hostKey: Buffer) => {
      key.met = hostKeyFingerprint(hostKey);
      if (source.host_key_fingerprint === null || source.host_key_fingerprint === key.met) return true;
      key.refused = key.met;
      return false;
    },
    ...(source.sealed_password === null ? {} : { password: ctx.sealer.open(source.sealed_password) }),
    ...(source.sealed_private_key === null ? {} : { privateKey: ctx.sealer.open(source.sealed_private_key) }),
  };
  const sftp = await new Promise<SFTPWrapper>((resolve, reject) => {
    client.on('error', (error) => {
      reject(connectFailure(source, error, key.refused));
    });
    client.on('ready', () => {
      client.sftp((error, channel) => {
        if (error) reject(new SftpError('no_sftp', `The SFTP server ${source.host ?? ''} signed us in but offers no SFTP: ${error.message}`));
        else resolve(channel);
      });
    });
    try {
      client.connect(config);
    } catch (error) {
      reject(connectFailure(source, error instanceof Error ? error : new Error(String(error)), null));
    }
  }).catch((error: unknown) => {
    client.end();
    throw error;
  });
  const fingerprint = key.met ?? '';
  if (source.host_key_fingerprint === null) {
    // Pinned on the first connection; shown in the source's answer for an admin to confirm.
    await ctx.db.updateTable('import_sources').set({ host_key_fingerprint: fingerprint }).where('id', '=', source.id).where('host_key_fingerprint', 'is', null).execute();
  }
  const folder = source.folder;
  const inFolder = (name: string): string => posix.join(folder, name);
  const exists = (path: string): Promise<boolean> =>
    withTimeout<boolean>(`looking for ${path}`, client, (done) => {
      sftp.stat(path, (error) => {
        if (error === undefined) done(null, true);
        else if (isMissing(error)) done(null, false);
        else done(error);
      });
    });
  return {
    fingerprint,
    async list() {
      const entries = await withTimeout<FileEntry[]>(`listing ${folder}`, client, (done) => {
        sftp.readdir(folder, done);
      }).catch((error: unknown) => {
        if (isMissing(error)) throw new SftpError('folder_missing', `The folder ${folder} does not exist on the SFTP server.`);
        if ((error as { code?: unknown } | null)?.code === PERMISSION_DENIED) throw new SftpError('folder_denied', `The SFTP server does not let "${source.username ?? ''}" list the folder ${folder}.`);
        throw new SftpError('folder_unreadable', `The folder ${folder} cannot be listed: ${error instanceof Error ? error.message : String(error)}`);
      });
      // Regular files only (not the archive folder, not links).
      return entries.filter((e) => (e.attrs.mode & 0o170000) === 0o100000).map((e) => ({ name: e.filename, mtime: e.attrs.mtime * 1000 }));
    },
    async read(name) {
      return withTimeout<Buffer>(`reading ${inFolder(name)}`, client, (done) => {
        sftp.readFile(inFolder(name), done);
      }).catch((error: unknown) => {
        throw new SftpError('file_unreadable', `The file ${inFolder(name)} cannot be read: ${error instanceof Error ? error.message : String(error)}`);
      });
    },
    async archive(name) {
      const archive = inFolder('archive');
      if (!(await exists(archive)))
        await withTimeout<undefined>(`making ${archive}`, client, (done) => {
          sftp.mkdir(archive, (error) => {
            done(error);
          });
        });
      const target = await freeName(name, (candidate) => exists(posix.join(archive, candidate)));
      await withTimeout<undefined>(`moving ${name} to ${archive}`, client, (done) => {
        sftp.rename(inFolder(name), posix.join(archive, target), (error) => {
          done(error);
        });
      });
    },
    close() {
      client.end();
    },
  };
}

/** The name a processed file gets in the archive: its own, or with -2, -3… before the extension when taken. */
export async function freeName(name: string, taken: (candidate: string) => Promise<boolean>): Promise<string> {
  const dot = name.lastIndexOf('.');
  const [base, ext] = dot > 0 ? [name.slice(0, dot), name.slice(dot)] : [name, ''];
  for (let n = 1; ; n += 1) {
    const candidate = n === 1 ? name : `${base}-${String(n)}${ext}`;
    if (!(await taken(candidate))) return candidate;
  }
}
