import { execFileSync, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chownSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { freePort } from './processes';

/**
 * A throwaway PostgreSQL cluster for tests and benchmarks: initdb in a temp
 * dir, listening on 127.0.0.1 only (socket dir inside the temp dir), a free
 * port, stopped with pg_ctl (which signals only the postmaster this started).
 * As root, the binaries run as the `postgres` system user (initdb refuses root).
 * With ROSTER_TEST_PG_URL set, that server is used instead and nothing starts.
 */
export interface PgCluster {
  /** postgres://…/postgres: an admin connection to create test databases. */
  adminUrl: string;
  stop(): Promise<void>;
}

export class PostgresUnavailable extends Error {
  override name = 'PostgresUnavailable';
}

/** The newest installed Debian/Ubuntu PostgreSQL, or a `pg_ctl` on PATH. */
export function findPgBin(): string {
  const root = '/usr/lib/postgresql';
  if (existsSync(root)) {
    const versions = readdirSync(root)
      .filter((v) => /^\d+$/.test(v) && existsSync(join(root, v, 'bin', 'initdb')))
      .sort((a, b) => Number(b) - Number(a));
    if (versions[0] !== undefined) return join(root, versions[0], 'bin');
  }
  const which = spawnSync('sh', ['-c', 'command -v pg_ctl'], { encoding: 'utf8' });
  const found = which.stdout.trim();
  if (which.status === 0 && found !== '') return join(found, '..');
  throw new PostgresUnavailable(
    'PostgreSQL binaries not found (looked in /usr/lib/postgresql/*/bin and PATH). Install them (apt-get install postgresql) or set ROSTER_TEST_PG_URL=postgres://… to use a running server.',
  );
}


const isRoot = (): boolean => typeof process.getuid === 'function' && process.getuid() === 0;

function run(bin: string, args: string[], asUser: { uid: number; gid: number } | null): void {
  const command = asUser === null ? bin : 'runuser';
  const argv = asUser === null ? args : ['-u', 'postgres', '--', bin, ...args];
  const result = spawnSync(command, argv, { encoding: 'utf8', timeout: 120_000 });
  if (result.status !== 0) {
    throw new PostgresUnavailable(`${bin} ${args.join(' ')} failed (${String(result.status)}): ${result.stderr || result.stdout || String(result.error)}`);
  }
}

function postgresUser(): { uid: number; gid: number } {
  try {
    const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim());
    const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim());
    return { uid, gid };
  } catch {
    throw new PostgresUnavailable('Running as root but there is no `postgres` system user to run initdb as (apt-get install postgresql creates it).');
  }
}

export async function startPostgres(): Promise<PgCluster> {
  const external = process.env.ROSTER_TEST_PG_URL;
  if (external !== undefined && external !== '') return { adminUrl: external, stop: () => Promise.resolve() };

  const bin = findPgBin();
  const asUser = isRoot() ? postgresUser() : null;
  const dir = mkdtempSync(join(tmpdir(), 'roster-pg-'));
  const data = join(dir, 'data');
  const sockets = join(dir, 'sock');
  if (asUser !== null) chownSync(dir, asUser.uid, asUser.gid);
  run('mkdir', ['-p', sockets], asUser);
  run(join(bin, 'initdb'), ['-D', data, '-U', 'postgres', '-A', 'trust', '-E', 'UTF8', '--locale=C', '--no-sync'], asUser);
  const port = await freePort();
  const options = [
    `-p ${port}`,
    "-c listen_addresses='127.0.0.1'",
    `-c unix_socket_directories='${sockets}'`,
    '-c fsync=off',
    '-c synchronous_commit=off',
    '-c full_page_writes=off',
    '-c max_connections=200',
    '-c shared_buffers=128MB',
  ].join(' ');
  run(join(bin, 'pg_ctl'), ['-D', data, '-o', options, '-l', join(dir, 'server.log'), '-w', '-t', '60', 'start'], asUser);
  const pidFile = join(data, 'postmaster.pid');
  const pid = Number(readFileSync(pidFile, 'utf8').split('\n')[0]);
  const adminUrl = `postgres://postgres@127.0.0.1:${port}/postgres`;
  let stopped = false;
  return {
    adminUrl,
    stop: () => {
      if (stopped) return Promise.resolve();
      stopped = true;
      try {
        // pg_ctl stop signals the pid in this cluster's postmaster.pid: the one started here.
        run(join(bin, 'pg_ctl'), ['-D', data, '-m', 'fast', '-w', '-t', '60', 'stop'], asUser);
      } catch {
        try {
          process.kill(pid, 'SIGQUIT');
        } catch {
          // already gone
        }
      }
      rmSync(dir, { recursive: true, force: true });
      return Promise.resolve();
    },
  };
}

/** A fresh, empty database on the cluster; returns its URL. */
export async function createDatabase(adminUrl: string, prefix = 'roster_test'): Promise<string> {
  const name = `${prefix}_${randomBytes(6).toString('hex')}`;
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    await client.query(`CREATE DATABASE ${name}`);
  } finally {
    await client.end();
  }
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

export async function dropDatabase(adminUrl: string, databaseUrl: string): Promise<void> {
  const name = new URL(databaseUrl).pathname.slice(1);
  if (!/^[a-z0-9_]+$/.test(name)) return;
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  } finally {
    await client.end();
  }
}
