import { afterEach, describe, expect, it } from 'vitest';
import { startRoster } from './helpers';
import type { TestRoster } from './helpers';

let t: TestRoster | null = null;
afterEach(() => {
  t?.close();
  t = null;
});

const MINUTE = 60_000;
const csv = (tag: string, n = 3): Buffer =>
  Buffer.from([['First name', 'Last name', 'Email'], ...Array.from({ length: n }, (_, k) => [`${tag}${k}`, 'Release', `${tag}${k}@example.com`])].map((r) => r.join(',')).join('\n'));

/** A console whose clock the test moves. */
function withClock(): { t: TestRoster; advance: (ms: number) => void } {
  let now = Date.parse('2026-03-02T09:00:00Z');
  const roster = startRoster({ clock: { now: () => new Date(now) } });
  return {
    t: roster,
    advance: (ms) => {
      now += ms;
    },
  };
}

describe('import sessions give their memory back', () => {
  it('keeps at most two imports open: a third closes the one used longest ago, which then says so', async () => {
    const c = withClock();
    t = c.t;
    const first = await t.call('import:open', { fileName: 'a.csv', bytes: csv('a') });
    c.advance(1000);
    const second = await t.call('import:open', { fileName: 'b.csv', bytes: csv('b') });
    c.advance(1000);
    await t.call('import:view', { importId: first.importId }); // the first is used again: the second is now the oldest
    c.advance(1000);
    const third = await t.call('import:open', { fileName: 'c.csv', bytes: csv('c') });
    const gone = await t.fail('import:view', { importId: second.importId });
    expect(gone).toMatchObject({ code: 'NOT_FOUND', message: 'This import was closed to make room for newer ones (at most 2 stay open at once). Nothing was saved from it; drop the file again to start over.' });
    expect((await t.call('import:view', { importId: first.importId })).importId).toBe(first.importId);
    expect((await t.call('import:view', { importId: third.importId })).importId).toBe(third.importId);
  });

  it('closes an import left untouched for 15 minutes (a tab closed, a page left), and not before', async () => {
    const c = withClock();
    t = c.t;
    const view = await t.call('import:open', { fileName: 'a.csv', bytes: csv('a') });
    c.advance(14 * MINUTE);
    expect((await t.call('import:view', { importId: view.importId })).importId).toBe(view.importId); // touched again
    c.advance(15 * MINUTE - 1);
    expect(t.roster.imports.releaseIdle()).toBe(0);
    c.advance(2);
    expect(t.roster.imports.releaseIdle()).toBe(1);
    expect(await t.fail('import:view', { importId: view.importId })).toMatchObject({
      code: 'NOT_FOUND',
      message: 'This import was closed after 15 minutes without use, to give its memory back. Nothing was saved from it; drop the file again to start over.',
    });
  });

  it('a session that runs a commit is not closed for being idle; a closed one is released at once', async () => {
    const c = withClock();
    t = c.t;
    const view = await t.call('import:open', { fileName: 'a.csv', bytes: csv('a', 20) });
    expect(await t.call('import:close', { importId: view.importId })).toEqual({ closed: true });
    expect(await t.fail('import:view', { importId: view.importId })).toMatchObject({ code: 'NOT_FOUND' });
    const next = await t.call('import:open', { fileName: 'b.csv', bytes: csv('b', 20) });
    const committing = t.call('import:commit', { importId: next.importId });
    c.advance(16 * MINUTE);
    t.roster.imports.releaseIdle();
    expect((await committing).status).toBe('completed');
  });
});
