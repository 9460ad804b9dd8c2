import { test as base } from '@playwright/test';
import { makeDataDir, removeDataDir, startConsoleHost } from './console-host';
import type { ConsoleHost } from './console-host';

/** A console host of its own for each test, on a fresh data dir removed afterwards. */
export interface RosterFixture {
  readonly host: ConsoleHost;
  readonly dataDir: string;
  /** Stops Roster and starts it again on the same data dir (the page must load the new launch URL). */
  restart(): Promise<void>;
}

export const test = base.extend<{ roster: RosterFixture }>({
  // Playwright reads a fixture's dependencies from its first argument's pattern; this one needs none of note.
  roster: async ({ browserName: _browser }, use) => {
    const dataDir = makeDataDir();
    let host = await startConsoleHost(dataDir);
    await use({
      get host() {
        return host;
      },
      dataDir,
      async restart() {
        await host.stop();
        host = await startConsoleHost(dataDir);
      },
    });
    await host.stop();
    removeDataDir(dataDir);
  },
});

export { expect } from '@playwright/test';
