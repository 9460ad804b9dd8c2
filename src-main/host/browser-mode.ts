import { parseLaunchArgs } from '../runtime/args';
import { databaseFile, resolveDataDir } from '../runtime/data-dir';
import { importLimitsFromEnv } from '../runtime/import/limits-env';
import { openRoster } from '../runtime/roster';
import { restoreOnStart } from '../runtime/startup';
import type { Roster, RosterOptions } from '../runtime/roster';
import { hasDisplay, writeLaunchPage } from './launch';
import type { LaunchPage } from './launch';
import { startHost } from './server';
import type { RunningHost } from './server';

export interface BrowserModeOptions {
  /** The command line after the script: --data-dir, --port, --no-open. */
  argv: readonly string[];
  env: Readonly<Record<string, string | undefined>>;
  platform: NodeJS.Platform;
  version: string;
  /** The built renderer. */
  staticDir: string;
  /** Opens a local file (the launch page) in the system browser; false when it could not. */
  openFile: (file: string) => Promise<boolean>;
  /** Opens a web link for the console (app:openExternal). */
  openExternal: (url: string) => Promise<boolean>;
  /** What the person at the terminal reads. */
  print: (line: string) => void;
  /** The host's request log. */
  log?: (line: string) => void;
  /** How long the browser may take to load the console before the address is printed after all (15 s). */
  launchWaitMs?: number;
  /** How long the launch page is kept at most (2 minutes). */
  launchPageMs?: number;
  /** Where the launch page's private folder is made (the OS's temporary folder). */
  launchRoot?: string;
  /** Tests: the composition root's sync and import parts. */
  roster?: Pick<RosterOptions, 'sync' | 'import'>;
}

/** How a launch went: the browser loaded the console, or the address was printed (and why). */
export type LaunchOutcome = 'browser' | 'printed:no-open' | 'printed:no-display' | 'printed:no-opener' | 'printed:timeout';

export interface BrowserMode {
  host: RunningHost;
  roster: Roster;
  dataDir: string;
  /** The launch page given to the browser, while it exists. */
  launchPage: string | undefined;
  /** Settles once the launch is over: the browser has the console, or the address was printed for the person to open. */
  launched: Promise<LaunchOutcome>;
  stop(): Promise<void>;
}

const addressLine = (launchUrl: string): string => `Open this address in a browser (it carries this launch's secret): ${launchUrl}`;

/** The console in browser mode: opens the data, serves the console on 127.0.0.1, and gets its address to a browser. */
export async function runBrowserMode(options: BrowserModeOptions): Promise<BrowserMode> {
  const args = parseLaunchArgs(options.argv);
  const dataDir = resolveDataDir(args.dataDir, options.env);
  if (args.restoreBackup !== undefined) options.print(restoreOnStart(dataDir, databaseFile(dataDir), args.restoreBackup, new Date()));
  const importLimits = importLimitsFromEnv(options.env);
  const roster = openRoster({
    dataDir,
    mode: 'browser',
    version: options.version,
    openExternal: options.openExternal,
    openPath: options.openFile,
    suggestedServerUrl: options.env.ROSTER_SERVER_URL,
    warn: (message) => {
      options.print(`Warning: ${message}`);
    },
    // The browser host reads the feed and tells of an update; installing is the desktop app's.
    updates: { feedUrl: options.env.ROSTER_UPDATE_URL },
    ...options.roster,
    import: { ...options.roster?.import, limits: { ...importLimits, ...options.roster?.import?.limits } },
  });
  let host: RunningHost;
  try {
    host = await startHost({
      dispatcher: roster.dispatcher,
      events: roster.events,
      staticDir: options.staticDir,
      ...(args.port === undefined ? {} : { port: args.port }),
      log: (line) => {
        roster.log.write('error', line);
        (options.log ?? ((text: string) => console.error(text)))(line);
      },
    });
  } catch (error) {
    roster.close();
    throw error;
  }

  options.print(`Roster ${options.version} — browser mode: the console is served on ${host.url} (loopback only).`);
  options.print(`Data: ${databaseFile(dataDir)}`);

  let page: LaunchPage | undefined;
  const timers: NodeJS.Timeout[] = [];
  const removePage = (): void => {
    page?.remove();
    page = undefined;
  };

  const launch = async (): Promise<LaunchOutcome> => {
    if (!args.open) {
      options.print(addressLine(host.launchUrl));
      return 'printed:no-open';
    }
    if (!hasDisplay(options.env, options.platform)) {
      options.print('There is no display here (DISPLAY and WAYLAND_DISPLAY are unset), so no browser was opened.');
      options.print(addressLine(host.launchUrl));
      return 'printed:no-display';
    }
    page = writeLaunchPage(host.launchUrl, options.launchRoot);
    const opened = await options.openFile(page.file);
    if (!opened) {
      removePage();
      options.print('No browser could be opened on this machine.');
      options.print(addressLine(host.launchUrl));
      return 'printed:no-opener';
    }
    options.print('Asked your browser to open the console. Keep this terminal open; Ctrl+C stops Roster.');
    // The page is kept until the console's first request shows the browser read it, and no longer than launchPageMs.
    void host.firstUse.then(removePage);
    timers.push(setTimeout(removePage, options.launchPageMs ?? 120_000));
    const waited = await Promise.race([
      host.firstUse.then(() => 'browser' as const),
      new Promise<'timeout'>((resolve) => {
        timers.push(setTimeout(resolve, options.launchWaitMs ?? 15_000, 'timeout'));
      }),
    ]);
    if (waited === 'browser') return 'browser';
    options.print('Your browser has not loaded the console yet. If no Roster page appeared, open it yourself:');
    options.print(addressLine(host.launchUrl));
    return 'printed:timeout';
  };

  const launched = launch().catch((error: unknown): LaunchOutcome => {
    removePage();
    options.print(`No browser could be opened (${error instanceof Error ? error.message : String(error)}).`);
    options.print(addressLine(host.launchUrl));
    return 'printed:no-opener';
  });
  // After the lines above (and the address, when it is printed at once, which happens before launch() first waits): scripts wait for it.
  options.print(`ROSTER_READY ${host.url}`);

  let stopped: Promise<void> | undefined;
  return {
    host,
    roster,
    dataDir,
    get launchPage() {
      return page?.file;
    },
    launched,
    stop: () => {
      stopped ??= (async () => {
        for (const timer of timers) clearTimeout(timer);
        removePage();
        await host.close();
        roster.close();
      })();
      return stopped;
    },
  };
}
