import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startHost } from '../../../src-main/host/server';
import type { RunningHost } from '../../../src-main/host/server';
import { openRoster } from '../../../src-main/runtime/roster';
import type { Roster } from '../../../src-main/runtime/roster';
import type { ApiError, Result } from '../../../src-shared/errors';
import type { ImportSessionView } from '../../../src-shared/import';

/**
 * An import gives its memory back when it is committed, closed, left idle,
 * replaced or its page closed, on a real console host over HTTP; coming back
 * to it says why, never a bare "unknown import".
 */

interface Console {
  roster: Roster;
  host: RunningHost;
  dir: string;
  advance: (ms: number) => void;
}

let open: Console | null = null;
afterEach(async () => {
  if (open === null) return;
  await open.host.close();
  open.roster.close();
  rmSync(open.dir, { recursive: true, force: true });
  open = null;
});

async function start(): Promise<Console> {
  const dir = mkdtempSync(join(tmpdir(), 'roster-release-'));
  let now = Date.parse('2026-03-02T09:00:00Z');
  const roster = openRoster({ dataDir: dir, mode: 'browser', version: 'test', openExternal: () => Promise.resolve(false), clock: { now: () => new Date(now) } });
  const host = await startHost({ dispatcher: roster.dispatcher, events: roster.events, log: () => undefined });
  open = {
    roster,
    host,
    dir,
    advance: (ms) => {
      now += ms;
    },
  };
  return open;
}

async function invoke(c: Console, channel: string, args: unknown): Promise<Result<unknown>> {
  const res = await fetch(`${c.host.url}/api/invoke/${channel}`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${c.host.secret}`, 'Content-Type': 'application/json' },
    body: JSON.stringify(args),
  });
  return (await res.json()) as Result<unknown>;
}

async function ok<T>(c: Console, channel: string, args: unknown): Promise<T> {
  const result = await invoke(c, channel, args);
  if (!result.ok) throw new Error(`${channel} failed: ${result.error.message}`);
  return result.data as T;
}

async function refused(c: Console, channel: string, args: unknown): Promise<ApiError> {
  const result = await invoke(c, channel, args);
  if (result.ok) throw new Error(`${channel} succeeded but should have failed`);
  return result.error;
}

const csvBytes = (tag: string, n = 3): Uint8Array =>
  new Uint8Array(Buffer.from([['First name', 'Last name', 'Email'], ...Array.from({ length: n }, (_, k) => [`${tag}${k}`, 'Release', `${tag}${k}@example.com`])].map((r) => r.join(',')).join('\n')));

/** Sends a file to import:open the way the browser console does: the bytes as the body. */
async function upload(c: Console, fileName: string, bytes: Uint8Array): Promise<ImportSessionView> {
  const res = await fetch(`${c.host.url}/api/upload/import:open`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${c.host.secret}`, 'Content-Type': 'application/octet-stream', 'X-Roster-Args': encodeURIComponent(JSON.stringify({ fileName })) },
    body: new Uint8Array(bytes),
  });
  const result = (await res.json()) as Result<ImportSessionView>;
  if (!result.ok) throw new Error(`upload failed: ${result.error.message}`);
  return result.data;
}

const ruleOf = (error: ApiError): string | undefined => error.details?.rule?.key;

describe('an import gives its memory back, and says so when the user comes back', () => {
  it('a committed import is closed at once; its history stays and can be undone', async () => {
    const c = await start();
    const view = await upload(c, 'staff.csv', csvBytes('a'));
    await ok(c, 'import:diff', { importId: view.importId });
    const result = await ok<{ status: string; historyId: string; created: number }>(c, 'import:commit', { importId: view.importId });
    expect(result).toMatchObject({ status: 'completed', created: 3 });
    const gone = await refused(c, 'import:view', { importId: view.importId });
    expect(gone.code).toBe('NOT_FOUND');
    expect(ruleOf(gone)).toBe('import_finished');
    expect(gone.message).toBe('This import is finished and was closed to give its memory back. What it wrote is on the History tab, where it can be undone.');
    expect(await ok(c, 'import:undo', { historyId: result.historyId })).toEqual({ removed: 3, restored: 0 });
  });

  it('an import whose page was closed is released at once, and coming back says the page was closed', async () => {
    const c = await start();
    const view = await upload(c, 'staff.csv', csvBytes('a'));
    expect(await ok(c, 'import:close', { importId: view.importId, left: true })).toEqual({ closed: true });
    const gone = await refused(c, 'import:view', { importId: view.importId });
    expect(gone).toMatchObject({ code: 'NOT_FOUND', message: 'This import was closed when its page was closed. Nothing was saved from it; drop the file again to start over.' });
    expect(ruleOf(gone)).toBe('import_released_left');
  });

  it('an import left idle for 15 minutes, or pushed out by two newer ones, says which', async () => {
    const c = await start();
    const idle = await upload(c, 'a.csv', csvBytes('a'));
    c.advance(15 * 60_000 + 1);
    const first = await upload(c, 'b.csv', csvBytes('b'));
    const idleGone = await refused(c, 'import:preview', { importId: idle.importId, offset: 0, limit: 10 });
    expect(ruleOf(idleGone)).toBe('import_released_idle');
    expect(idleGone.details?.rule?.params).toEqual({ minutes: 15 });
    c.advance(1000);
    await upload(c, 'c.csv', csvBytes('c'));
    c.advance(1000);
    await upload(c, 'd.csv', csvBytes('d'));
    const replaced = await refused(c, 'import:view', { importId: first.importId });
    expect(ruleOf(replaced)).toBe('import_released_replaced');
    expect(replaced.message).toBe('This import was closed to make room for newer ones (at most 2 stay open at once). Nothing was saved from it; drop the file again to start over.');
  });

  it('an id never opened is still only "no longer open"', async () => {
    const c = await start();
    const gone = await refused(c, 'import:view', { importId: '00000000-0000-4000-8000-000000000000' });
    expect(ruleOf(gone)).toBe('import_gone');
  });
});
