import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

/** A worker thread's entry: its name beside the built bundle, and its source file beside this module's source. */
export interface WorkerFiles {
  /** Built: out/main/<built> (electron-vite's entry name). */
  built: string;
  /** From source, relative to src-main/runtime: e.g. import/worker.ts. */
  source: string;
  /** An environment variable that may name the file (packaging, tests). */
  env: string;
}

/** Where a worker's file is: out/main/<built> when built, its .ts source under tsx/vitest. */
export function resolveWorkerFile(files: WorkerFiles, explicit?: string): string {
  const here = dirname(fileURLToPath(import.meta.url));
  const entry = process.argv[1] === undefined ? undefined : dirname(process.argv[1]);
  const source = files.source.replace(/\.ts$/, '');
  const candidates = [
    explicit,
    process.env[files.env],
    join(here, files.built),
    join(here, '..', files.built),
    join(here, '..', '..', files.built),
    entry === undefined ? undefined : join(entry, files.built),
    join(here, `${source}.ts`),
    join(here, `${source}.js`),
  ].filter((c): c is string => c !== undefined && c !== '');
  const found = candidates.find((c) => existsSync(c));
  if (found === undefined) throw new Error(`A worker file is missing (looked for ${candidates.join(', ')}).`);
  return found;
}

/**
 * How to start a worker. Built, it is plain JS. From source (.ts, under
 * vitest or tsx) it needs tsx's loader inside the worker: Node 20 does not
 * apply `--import tsx` from a Worker's execArgv to the worker's own entry,
 * so a two-line bootstrap registers tsx's ESM hooks and then imports the file.
 */
export function workerEntry(file: string): [string | URL, { eval?: boolean }] {
  if (!file.endsWith('.ts')) return [file, {}];
  const tsxApi = pathToFileURL(createRequire(import.meta.url).resolve('tsx/esm/api')).href.replace(/\.cjs$/, '.mjs');
  const code = `import(${JSON.stringify(tsxApi)}).then((api) => { api.register(); return import(${JSON.stringify(pathToFileURL(file).href)}); });`;
  return [code, { eval: true }];
}
