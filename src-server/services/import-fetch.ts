import { createHash } from 'node:crypto';
import { readdir, readFile, realpath, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { ImportSourcesTable } from '../db/schema';
import type { ServerContext } from './context';
import { folderInRoot } from './import-sources';

/**
 * The fetch side of an import source's run (see docs/IMPORT-SOURCES.md):
 * which file of the source's folder a run takes (the newest matching file
 * this source has not imported yet, by SHA-256) and its bytes.
 */

type SourceRow = ImportSourcesTable;

export interface Picked {
  name: string;
  bytes: Buffer;
  sha256: string;
}

/** `*` any run of characters, `?` one; the whole name, case-insensitive. */
const patternRegex = (pattern: string): RegExp =>
  new RegExp(`^${pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`, 'i');

const sha256 = (bytes: Buffer): string => createHash('sha256').update(bytes).digest('hex');

/** The newest matching file of a folder source not imported yet (null: none). */
export async function pickFromFolder(ctx: ServerContext, source: SourceRow, imported: ReadonlySet<string>): Promise<Picked | null> {
  const root = ctx.config.importRoot;
  // Again at run time, through symbolic links: the root may have changed since the source was saved.
  const folder = folderInRoot(root === undefined ? undefined : await realpath(root), await realpath(source.folder));
  const match = patternRegex(source.file_pattern);
  const candidates: { name: string; mtime: number }[] = [];
  for (const entry of await readdir(folder, { withFileTypes: true })) {
    if (!entry.isFile() || !match.test(entry.name)) continue;
    candidates.push({ name: entry.name, mtime: (await stat(join(folder, entry.name))).mtimeMs });
  }
  candidates.sort((a, b) => b.mtime - a.mtime || a.name.localeCompare(b.name));
  for (const candidate of candidates) {
    const bytes = await readFile(join(folder, candidate.name));
    const hash = sha256(bytes);
    if (!imported.has(hash)) return { name: candidate.name, bytes, sha256: hash };
  }
  return null;
}
