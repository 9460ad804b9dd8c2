import type { PullResponse } from '../../../src-shared/wire';

/**
 * The server's pages of changes, fetched one after the other as fast as the
 * server answers (each request needs the cursor of the page before), while
 * the console writes what has arrived. At most `ahead` pages wait unwritten,
 * which bounds the memory a long first sync holds.
 */
export class PageFeed {
  private readonly waiting: PullResponse[] = [];
  private failure: { error: unknown } | null = null;
  private ended = false;
  private stopped = false;
  private onArrival: (() => void) | null = null;
  private onRoom: (() => void) | null = null;

  constructor(
    private readonly fetchPage: (cursor: string) => Promise<PullResponse>,
    cursor: string,
    private readonly ahead: number,
  ) {
    void this.run(cursor);
  }

  /** Every page that has arrived (at least one), oldest first; the failure of the fetch, once what came before it is taken. */
  async take(): Promise<PullResponse[]> {
    while (this.waiting.length === 0 && !this.ended) {
      await new Promise<void>((resolve) => {
        this.onArrival = resolve;
      });
    }
    if (this.waiting.length === 0) {
      if (this.failure !== null) throw this.failure.error;
      throw new Error('the feed ended without a last page');
    }
    const pages = this.waiting.splice(0);
    this.wake('room');
    return pages;
  }

  /** No more pages are wanted (the writer failed): the fetch stops at the next page. */
  stop(): void {
    this.stopped = true;
    this.wake('room');
  }

  /** Read through a call: stop() changes it while run() awaits. */
  private halted(): boolean {
    return this.stopped;
  }

  private wake(which: 'arrival' | 'room'): void {
    const resolve = which === 'arrival' ? this.onArrival : this.onRoom;
    if (which === 'arrival') this.onArrival = null;
    else this.onRoom = null;
    resolve?.();
  }

  private async run(start: string): Promise<void> {
    let cursor = start;
    try {
      while (!this.halted()) {
        while (this.waiting.length >= this.ahead && !this.halted()) {
          await new Promise<void>((resolve) => {
            this.onRoom = resolve;
          });
        }
        if (this.halted()) return;
        const page = await this.fetchPage(cursor);
        this.waiting.push(page);
        this.wake('arrival');
        if (!page.hasMore) return;
        cursor = page.cursor;
      }
    } catch (error) {
      this.failure = { error };
    } finally {
      this.ended = true;
      this.wake('arrival');
    }
  }
}
