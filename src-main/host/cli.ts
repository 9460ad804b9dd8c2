import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { findDataDirFlag } from '../runtime/args';
import { databaseFile, resolveDataDir } from '../runtime/data-dir';
import { startupFailureText } from '../runtime/startup';
import { ROSTER_VERSION } from '../runtime/version';
import { runBrowserMode } from './browser-mode';
import { openFileInSystemBrowser, openInSystemBrowser } from './open-browser';

/** `node out/main/host.js [--data-dir DIR] [--port N] [--no-open]`: the console in browser mode. */
async function main(): Promise<void> {
  const here = dirname(fileURLToPath(import.meta.url));
  const staticDir = [process.env.ROSTER_STATIC_DIR, join(here, '../renderer'), resolve('out/renderer')].find(
    (dir): dir is string => dir !== undefined && existsSync(join(dir, 'index.html')),
  );
  if (staticDir === undefined) throw new Error('The console UI is not built: run `npm run build` first.');

  const mode = await runBrowserMode({
    argv: process.argv.slice(2),
    env: process.env,
    platform: process.platform,
    version: ROSTER_VERSION,
    staticDir,
    openFile: openFileInSystemBrowser,
    openExternal: openInSystemBrowser,
    print: (line) => {
      console.log(line);
    },
  });

  let stopping = false;
  const stop = (): void => {
    if (stopping) return;
    stopping = true;
    void mode.stop().then(() => process.exit(0));
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((error: unknown) => {
  let dataFile: string;
  try {
    dataFile = databaseFile(resolveDataDir(findDataDirFlag(process.argv.slice(2))));
  } catch {
    dataFile = '(not known)';
  }
  console.error(`Roster could not start. ${startupFailureText(error, dataFile)}`);
  process.exit(1);
});
