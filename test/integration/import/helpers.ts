import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openRoster } from '../../../src-main/runtime/roster';
import type { Roster, RosterOptions } from '../../../src-main/runtime/roster';
import type { ChannelName, RequestOf, ResponseOf } from '../../../src-shared/contract';
import type { ApiError } from '../../../src-shared/errors';

export const FIXTURES = join(import.meta.dirname, '../../fixtures/import');
export const fixtureBytes = (name: string): Buffer => readFileSync(join(FIXTURES, name));

export interface TestRoster {
  roster: Roster;
  dir: string;
  call<N extends ChannelName>(name: N, args: RequestOf<N>): Promise<ResponseOf<N>>;
  fail<N extends ChannelName>(name: N, args: RequestOf<N>): Promise<ApiError>;
  close(): void;
}

/** A real console (SQLite in a temp dir, the real import worker) driven through the typed dispatcher. */
export function startRoster(options: Partial<RosterOptions> = {}): TestRoster {
  const dir = mkdtempSync(join(tmpdir(), 'roster-import-'));
  const roster = openRoster({ dataDir: dir, mode: 'browser', version: 'test', openExternal: () => Promise.resolve(false), ...options });
  const t: TestRoster = {
    roster,
    dir,
    async call(name, args) {
      const result = await t.roster.dispatcher.dispatch(name, args);
      if (!result.ok) throw new Error(`${name} failed: ${result.error.code} ${result.error.message}`);
      return result.data as ResponseOf<typeof name>;
    },
    async fail(name, args) {
      const result = await t.roster.dispatcher.dispatch(name, args);
      if (result.ok) throw new Error(`${name} succeeded but should have failed`);
      return result.error;
    },
    close() {
      t.roster.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  return t;
}

export const count = (roster: Roster, table: string): number => (roster.db.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;
