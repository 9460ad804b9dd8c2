import { describe, expect, it } from 'vitest';
import { PageFeed } from '../../src-main/core/sync/feed';
import type { PullResponse } from '../../src-shared/wire';

const page = (cursor: number, hasMore: boolean): PullResponse => ({ changes: [], cursor: String(cursor), hasMore, serverTime: '2026-03-01T10:00:00.000Z' });

/** A server of `total` pages whose answers wait until the test lets them go. */
function server(total: number, failAt: number | null = null) {
  const asked: string[] = [];
  const held: (() => void)[] = [];
  const fetchPage = (cursor: string): Promise<PullResponse> => {
    asked.push(cursor);
    const n = Number(cursor) + 1;
    return new Promise((resolve, reject) => {
      held.push(() => {
        if (n === failAt) reject(new Error(`page ${n} failed`));
        else resolve(page(n, n < total));
      });
    });
  };
  const answer = async (): Promise<void> => {
    held.shift()?.();
    await new Promise((r) => setImmediate(r));
  };
  return { asked, fetchPage, answer };
}

describe('the pull page feed', () => {
  it('asks for each page with the cursor of the one before, and hands over everything that has arrived at once', async () => {
    const s = server(5);
    const feed = new PageFeed(s.fetchPage, '0', 10);
    await s.answer();
    await s.answer();
    await s.answer();
    expect(s.asked).toEqual(['0', '1', '2', '3']);
    expect((await feed.take()).map((p) => p.cursor)).toEqual(['1', '2', '3']);
    await s.answer();
    await s.answer();
    const rest = await feed.take();
    expect(rest.map((p) => [p.cursor, p.hasMore])).toEqual([
      ['4', true],
      ['5', false],
    ]);
    expect(s.asked).toEqual(['0', '1', '2', '3', '4']);
  });

  it('stops asking once `ahead` pages wait unwritten, and goes on when they are taken', async () => {
    const s = server(10);
    const feed = new PageFeed(s.fetchPage, '0', 2);
    await s.answer();
    await s.answer();
    await s.answer(); // nothing is held: the feed did not ask for a third page
    expect(s.asked).toEqual(['0', '1']);
    expect(await feed.take()).toHaveLength(2);
    await new Promise((r) => setImmediate(r));
    expect(s.asked).toEqual(['0', '1', '2']);
  });

  it('hands over the pages before a failure, then the failure', async () => {
    const s = server(5, 3);
    const feed = new PageFeed(s.fetchPage, '0', 10);
    await s.answer();
    await s.answer();
    await s.answer();
    expect((await feed.take()).map((p) => p.cursor)).toEqual(['1', '2']);
    await expect(feed.take()).rejects.toThrow('page 3 failed');
  });

  it('asks for nothing more once stopped', async () => {
    const s = server(10);
    const feed = new PageFeed(s.fetchPage, '0', 1);
    await s.answer();
    feed.stop();
    expect(await feed.take()).toHaveLength(1);
    await new Promise((r) => setImmediate(r));
    expect(s.asked).toEqual(['0']);
  });
});
