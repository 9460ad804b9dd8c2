import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseLaunchArgs } from '../runtime/args';
import { resolveDataDir } from '../runtime/data-dir';
import { openRoster } from '../runtime/roster';
import { ROSTER_VERSION } from '../runtime/version';
import { openInSystemBrowser } from './open-browser';
import { startHost } from './server';

/** `node out/main/host.js [--data-dir DIR] [--port N] [--no-open]`: the console in browser mode. */
async function main(): Promise<void> {
  const args = parseLaunchArgs(process.argv.slice(2));
  const dataDir = resolveDataDir(args.dataDir);
  const here = dirname(fileURLToPath(import.meta.url));
  const staticDir = [process.env.ROSTER_STATIC_DIR, join(here, '../renderer'), resolve('out/renderer')].find(
    (dir): dir is string => dir !== undefined && existsSync(join(dir, 'index.html')),
  );
  if (staticDir === undefined) throw new Error('The console UI is not built: run `npm run build` first.');

  const roster = openRoster({ dataDir, mode: 'browser', version: ROSTER_VERSION, openExternal: openInSystemBrowser, suggestedServerUrl: process.env.ROSTER_SERVER_URL });
  const host = await startHost({ dispatcher: roster.dispatcher, events: roster.events, staticDir, ...(args.port === undefined ? {} : { port: args.port }) });

  console.log(`Roster ${ROSTER_VERSION} — browser mode: the console is served on ${host.url} (loopback only).`);
  console.log(`Data: ${dataDir}`);
  const opened = args.open && (await openInSystemBrowser(host.launchUrl));
  console.log(opened ? 'Opened in your browser. Keep this terminal open; Ctrl+C stops Roster.' : `Open this address in a browser (it carries this launch's secret): ${host.launchUrl}`);
  console.log(`ROSTER_READY ${host.url}`);

  let stopping = false;
  const stop = (): void => {
    if (stopping) return;
    stopping = true;
    void host.close().then(() => {
      roster.close();
      process.exit(0);
    });
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((error: unknown) => {
  console.error(`Roster could not start: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
