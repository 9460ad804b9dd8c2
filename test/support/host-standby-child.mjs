// Preloaded (node --import) by a standby console host (test/support/processes.ts): it loads
// what out/main/host.js loads (its packages and its own chunks; nothing runs), says
// ROSTER_STANDBY, and holds the host's start until a line comes on stdin. A host started
// again after a SIGKILL then opens its data at once instead of after a second of loading.
// The host's worker threads inherit the preload; in them it does nothing.
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { isMainThread } from 'node:worker_threads';

if (isMainThread) {
  const entry = process.argv[1];
  if (entry === undefined) throw new Error('the standby preload needs the host script after it');
  for (const name of ['better-sqlite3', 'zod', 'zod/v4/core', 'libphonenumber-js/max', 'xlsx', 'xlsx/dist/cpexcel.full.mjs']) await import(name);
  const chunks = join(dirname(entry), 'chunks');
  for (const file of readdirSync(chunks).filter((f) => f.endsWith('.js')).sort()) await import(pathToFileURL(join(chunks, file)).href);
  process.stdout.write('ROSTER_STANDBY\n');
  await new Promise((resolve) => {
    process.stdin.once('data', resolve);
  });
  process.stdin.pause();
}
