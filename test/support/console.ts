import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openRoster } from '../../src-main/runtime/roster';
import type { Roster, RosterOptions } from '../../src-main/runtime/roster';
import type { ChannelName, RequestOf, ResponseOf } from '../../src-shared/contract';

/** A console (the real composition root) on its own data dir, driven through its typed API. */
export interface TestConsole {
  roster: Roster;
  dataDir: string;
  call<N extends ChannelName>(name: N, args: RequestOf<N>): Promise<ResponseOf<N>>;
  close(): void;
}

export function openTestConsole(options: Partial<RosterOptions> & { dataDir?: string } = {}): TestConsole {
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'roster-console-'));
  const roster = openRoster({
    mode: 'browser',
    version: 'test',
    openExternal: () => Promise.resolve(false),
    ...options,
    dataDir,
    sync: { background: false, ...options.sync },
  });
  return {
    roster,
    dataDir,
    async call(name, args) {
      const result = await roster.dispatcher.dispatch(name, args);
      if (!result.ok) throw new Error(`${name} failed: ${result.error.code} ${result.error.message} ${JSON.stringify(result.error.details ?? {})}`);
      return result.data as ResponseOf<typeof name>;
    },
    close() {
      roster.close();
      if (options.dataDir === undefined) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
