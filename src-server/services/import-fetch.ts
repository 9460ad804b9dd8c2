import { createHash } from 'node:crypto';
import { access, mkdir, readdir, readFile, realpath, rename, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { ImportSourcesTable } from '../db/schema-imports';
import type { ServerContext } from './context';
import { freeName, openSftp } from './import-fetch-sftp';
import { folderInRoot } from './import-sources';

/**
 * The fetch side of an import source's run (see docs/IMPORT-SOURCES.md):
 * which file of the source's folder (on the server's disk or on an SFTP
 * server) a run takes — the newest matching file this source has not
 * imported yet, by SHA-256 — its bytes, and moving it to the `archive`
 * folder beside it once the run has imported it.
 */

type SourceRow = ImportSourcesTable;

export interface Picked {
  name: string;
  bytes: Buffer;
  sha256: string;
}

/** What a run fetched: the file (null: nothing new), and how to archive it once imported. */
export interface Fetched {
  picked: Picked | null;
  /** Moves the picked file into `archive/` beside it (made if needed), under a free name. */
  archive(): Promise<void>;
  /** Ends the connection (SFTP); call whatever happened. */
  close(): void;
}

/** `*` any run of characters, `?` one; the whole name, case-insensitive. */
const patternRegex = (pattern: string): RegExp =>
  new RegExp(`^${pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`, 'i');

const sha256 = (bytes: Buffer): string => createHash('sha256').update(bytes).digest('hex');

/** The newest of the files (by modification time) matching the pattern whose content was not imported yet. */
async function pickNewest(source: SourceRow, files: { name: string; mtime: number }[], read: (name: string) => Promise<Buffer>, imported: ReadonlySet<string>): Promise<Picked | null> {
  const match = patternRegex(source.file_pattern);
  const candidates = files.filter((f) => match.test(f.name)).sort((a, b) => b.mtime - a.mtime || a.name.localeCompare(b.name));
  for (const candidate of candidates) {
    const bytes = await read(candidate.name);
    const hash = sha256(bytes);
    if (!imported.has(hash)) return { name: candidate.name, bytes, sha256: hash };
  }
  return null;
}

/** The folder source's folder, checked again at run time against the import root, through symbolic links. */
async function folderOf(ctx: ServerContext, source: SourceRow): Promise<string> {
  const root = ctx.config.importRoot;
  return folderInRoot(root === undefined ? undefined : await realpath(root), await realpath(source.folder));
}

/** The newest matching file of a folder source not imported yet (null: none). */
async function pickFromFolder(ctx: ServerContext, source: SourceRow, imported: ReadonlySet<string>): Promise<Picked | null> {
  const folder = await folderOf(ctx, source);
  const files: { name: string; mtime: number }[] = [];
  for (const entry of await readdir(folder, { withFileTypes: true })) {
    if (entry.isFile()) files.push({ name: entry.name, mtime: (await stat(join(folder, entry.name))).mtimeMs });
  }
  return pickNewest(source, files, (name) => readFile(join(folder, name)), imported);
}

const exists = (path: string): Promise<boolean> =>
  access(path).then(
    () => true,
    () => false,
  );

/** Fetches a source's next file: from its folder below the import root, or over SFTP. */
export async function fetchNext(ctx: ServerContext, source: SourceRow, imported: ReadonlySet<string>): Promise<Fetched> {
  if (source.kind === 'folder') {
    const picked = await pickFromFolder(ctx, source, imported);
    return {
      picked,
      async archive() {
        if (picked === null) return;
        const folder = await folderOf(ctx, source);
        const archive = join(folder, 'archive');
        await mkdir(archive, { recursive: true });
        await rename(join(folder, picked.name), join(archive, await freeName(picked.name, (candidate) => exists(join(archive, candidate)))));
      },
      close() {
        // Nothing to end.
      },
    };
  }
  const session = await openSftp(ctx, source);
  try {
    const picked = await pickNewest(source, await session.list(), (name) => session.read(name), imported);
    return {
      picked,
      async archive() {
        if (picked !== null) await session.archive(picked.name);
      },
      close() {
        session.close();
      },
    };
  } catch (error) {
    session.close();
    throw error;
  }
}
