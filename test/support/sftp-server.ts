import { createHash } from 'node:crypto';
import { closeSync, existsSync, fstatSync, lstatSync, mkdirSync, openSync, readdirSync, readSync, renameSync, statSync } from 'node:fs';
import type { Stats } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join, normalize } from 'node:path';
import ssh2 from 'ssh2';
import type { Attributes, Connection, FileEntry, SFTPWrapper } from 'ssh2';

/**
 * A real SFTP server for tests (the ssh2 package's Server) on 127.0.0.1 and
 * a random port, serving a folder of a temp dir read-only except for RENAME
 * and MKDIR (what an import run needs to archive a file). It signs in one
 * user by password or by public key. Its host key can be swapped to test
 * pinning; `served` counts the files it opened, to show nothing was read.
 */
export interface TestSftpServer {
  port: number;
  /** The host key's fingerprint as `ssh-keygen -l` prints it. */
  fingerprint(): string;
  /** A new host key from now on (a server reinstalled, or a man in the middle). */
  changeHostKey(): Promise<void>;
  /** Paths (as the client named them) opened for reading so far. */
  opened: string[];
  close(): Promise<void>;
}

// The package is CommonJS: its parts are read off its default export, which Node's ES module loader (Playwright's) always provides.
const { Server, utils } = ssh2;
const { STATUS_CODE, OPEN_MODE } = utils.sftp;

const fingerprintOf = (privateKey: string): string => {
  const parsed = utils.parseKey(privateKey);
  if (parsed instanceof Error) throw parsed;
  return `SHA256:${createHash('sha256').update(parsed.getPublicSSH()).digest('base64').replace(/=+$/, '')}`;
};

/**
 * An ed25519 key pair in OpenSSH form that ssh2 can read back. ssh2's own
 * generator writes a key whose public half starts with a zero byte one byte
 * short (about one key in 256), which its parser then refuses as malformed:
 * such a pair is thrown away and another made.
 */
export function sshKeyPair(): { private: string; public: string } {
  for (;;) {
    const pair = utils.generateKeyPairSync('ed25519');
    if (!(utils.parseKey(pair.private) instanceof Error) && !(utils.parseKey(pair.public) instanceof Error)) return pair;
  }
}

const attrsOf = (stats: Stats): Attributes => ({ mode: stats.mode, uid: stats.uid, gid: stats.gid, size: stats.size, atime: Math.floor(stats.atimeMs / 1000), mtime: Math.floor(stats.mtimeMs / 1000) });

/** Answers the SFTP requests an import run makes, on files below `root`. */
function serveSftp(sftp: SFTPWrapper, root: string, opened: string[]): void {
  const local = (path: string): string => join(root, normalize(`/${path}`));
  const files = new Map<number, { fd: number } | { entries: string[] | null; dir: string }>();
  let next = 0;
  const handleOf = (id: number): Buffer => {
    const handle = Buffer.alloc(4);
    handle.writeUInt32BE(id);
    return handle;
  };
  const idOf = (handle: Buffer): number => (handle.length === 4 ? handle.readUInt32BE(0) : -1);
  const fail = (reqId: number, error: unknown): void => {
    const code = (error as { code?: string }).code;
    sftp.status(reqId, code === 'ENOENT' ? STATUS_CODE.NO_SUCH_FILE : code === 'EACCES' ? STATUS_CODE.PERMISSION_DENIED : STATUS_CODE.FAILURE);
  };
  sftp.on('REALPATH', (reqId, path) => {
    const name = normalize(`/${path}`);
    sftp.name(reqId, [{ filename: name, longname: name, attrs: { mode: 0o40755, uid: 0, gid: 0, size: 0, atime: 0, mtime: 0 } }]);
  });
  sftp.on('OPEN', (reqId, filename, flags) => {
    if ((flags & OPEN_MODE.READ) === 0 || (flags & OPEN_MODE.WRITE) !== 0) return sftp.status(reqId, STATUS_CODE.PERMISSION_DENIED);
    try {
      const fd = openSync(local(filename), 'r');
      opened.push(filename);
      next += 1;
      files.set(next, { fd });
      sftp.handle(reqId, handleOf(next));
    } catch (error) {
      fail(reqId, error);
    }
  });
  sftp.on('READ', (reqId, handle, offset, length) => {
    const file = files.get(idOf(handle));
    if (file === undefined || !('fd' in file)) return sftp.status(reqId, STATUS_CODE.FAILURE);
    const buffer = Buffer.alloc(length);
    const read = readSync(file.fd, buffer, 0, length, offset);
    if (read === 0) sftp.status(reqId, STATUS_CODE.EOF);
    else sftp.data(reqId, buffer.subarray(0, read));
  });
  sftp.on('FSTAT', (reqId, handle) => {
    const file = files.get(idOf(handle));
    if (file === undefined || !('fd' in file)) return sftp.status(reqId, STATUS_CODE.FAILURE);
    sftp.attrs(reqId, attrsOf(fstatSync(file.fd)));
  });
  const statAt = (reqId: number, path: string, how: (p: string) => Stats): void => {
    try {
      sftp.attrs(reqId, attrsOf(how(local(path))));
    } catch (error) {
      fail(reqId, error);
    }
  };
  sftp.on('STAT', (reqId, path) => {
    statAt(reqId, path, (p) => statSync(p));
  });
  sftp.on('LSTAT', (reqId, path) => {
    statAt(reqId, path, (p) => lstatSync(p));
  });
  sftp.on('OPENDIR', (reqId, path) => {
    try {
      const dir = local(path);
      if (!statSync(dir).isDirectory()) return sftp.status(reqId, STATUS_CODE.FAILURE);
      next += 1;
      files.set(next, { entries: readdirSync(dir), dir });
      sftp.handle(reqId, handleOf(next));
    } catch (error) {
      fail(reqId, error);
    }
  });
  sftp.on('READDIR', (reqId, handle) => {
    const dir = files.get(idOf(handle));
    if (dir === undefined || !('dir' in dir)) return sftp.status(reqId, STATUS_CODE.FAILURE);
    if (dir.entries === null) return sftp.status(reqId, STATUS_CODE.EOF);
    const names: FileEntry[] = dir.entries.map((name) => ({ filename: name, longname: name, attrs: attrsOf(lstatSync(join(dir.dir, name))) }));
    dir.entries = null;
    sftp.name(reqId, names);
  });
  sftp.on('CLOSE', (reqId, handle) => {
    const id = idOf(handle);
    const file = files.get(id);
    if (file === undefined) return sftp.status(reqId, STATUS_CODE.FAILURE);
    if ('fd' in file) closeSync(file.fd);
    files.delete(id);
    sftp.status(reqId, STATUS_CODE.OK);
  });
  sftp.on('MKDIR', (reqId, path) => {
    try {
      mkdirSync(local(path));
      sftp.status(reqId, STATUS_CODE.OK);
    } catch (error) {
      fail(reqId, error);
    }
  });
  sftp.on('RENAME', (reqId, from, to) => {
    // As OpenSSH's server: never over an existing file.
    if (existsSync(local(to))) return sftp.status(reqId, STATUS_CODE.FAILURE);
    try {
      renameSync(local(from), local(to));
      sftp.status(reqId, STATUS_CODE.OK);
    } catch (error) {
      fail(reqId, error);
    }
  });
}

/** Starts the server: `root` is what it serves as `/`; the user signs in with `password` or the private key whose public half is `publicKey`. */
export async function startSftpServer(options: { root: string; username: string; password: string; publicKey?: string }): Promise<TestSftpServer> {
  let hostKey = sshKeyPair().private;
  const allowed = options.publicKey === undefined ? null : utils.parseKey(options.publicKey);
  if (allowed instanceof Error) throw allowed;
  const opened: string[] = [];
  const clients = new Set<Connection>();
  const newServer = (): InstanceType<typeof Server> =>
    new Server({ hostKeys: [hostKey] }, (client) => {
      clients.add(client);
      client.on('close', () => clients.delete(client));
      client.on('error', () => {
        // A client that went away (or refused our host key): nothing to do.
      });
      client.on('authentication', (ctx) => {
        if (ctx.username !== options.username) return ctx.reject(['password', 'publickey']);
        if (ctx.method === 'password' && ctx.password === options.password) return ctx.accept();
        if (ctx.method === 'publickey' && allowed !== null && ctx.key.algo === allowed.type && allowed.getPublicSSH().equals(ctx.key.data)) {
          if (ctx.signature === undefined || ctx.blob === undefined) return ctx.accept();
          return allowed.verify(ctx.blob, ctx.signature, ctx.hashAlgo) ? ctx.accept() : ctx.reject();
        }
        ctx.reject(['password', 'publickey']);
      });
      client.on('ready', () => {
        client.on('session', (accept) => {
          accept().on('sftp', (acceptSftp) => {
            serveSftp(acceptSftp(), options.root, opened);
          });
        });
      });
    });
  let server = newServer();
  const listen = (port: number): Promise<number> =>
    new Promise((resolve) => {
      server.listen(port, '127.0.0.1', () => {
        resolve((server.address() as AddressInfo).port);
      });
    });
  const stop = (): Promise<void> =>
    new Promise((resolve) => {
      for (const client of clients) client.end();
      server.close(() => {
        resolve();
      });
    });
  const port = await listen(0);
  return {
    port,
    opened,
    fingerprint: () => fingerprintOf(hostKey),
    async changeHostKey() {
      hostKey = sshKeyPair().private;
      // The key is read when the server is made: make it again on the same port.
      await stop();
      server = newServer();
      await listen(port);
    },
    close: stop,
  };
}
