import { describe, expect, it } from 'vitest';
import { SessionControl } from '../../../src-main/core/import/sessions';

/** A session's one controller: one job at a time, cancel stops that job, close stops it and every later one. */

const deferred = (): { promise: Promise<void>; resolve: () => void } => {
  let resolve = (): void => undefined;
  const promise = new Promise<void>((r) => {
    resolve = r;
  });
  return { promise, resolve };
};

describe('SessionControl', () => {
  it('runs one job at a time and says what runs', async () => {
    const control = new SessionControl();
    const gate = deferred();
    const first = control.run('checking the rows', () => gate.promise.then(() => 'done'));
    expect(control.busy).toBe('checking the rows');
    await expect(control.run('committing', () => 'never')).rejects.toMatchObject({
      code: 'VALIDATION_FAILED',
      message: 'This import is busy checking the rows; wait for it to finish or cancel it.',
    });
    gate.resolve();
    expect(await first).toBe('done');
    expect(control.busy).toBeNull();
  });

  it('cancel aborts the job under way only; the next job starts with a signal of its own', async () => {
    const control = new SessionControl();
    expect(control.cancel()).toBe(false);
    const gate = deferred();
    let seen: AbortSignal | undefined;
    const job = control.run('comparing with the directory', async (signal) => {
      seen = signal;
      await gate.promise;
      return signal.aborted;
    });
    expect(control.cancel()).toBe(true);
    gate.resolve();
    expect(await job).toBe(true);
    const next = await control.run('committing', (signal) => signal.aborted);
    expect(next).toBe(false);
    expect(seen?.aborted).toBe(true);
    expect(control.closed).toBe(false);
  });

  it('close aborts the job under way and refuses any later one', async () => {
    const control = new SessionControl();
    const gate = deferred();
    const job = control.run('reading the file', async (signal) => {
      await gate.promise;
      return signal.aborted;
    });
    control.close();
    gate.resolve();
    expect(await job).toBe(true);
    expect(control.closed).toBe(true);
    await expect(control.run('checking the rows', () => 'never')).rejects.toMatchObject({ code: 'NOT_FOUND', message: 'This import is no longer open; drop the file again.' });
  });

  it('a job that throws frees the session for the next one', async () => {
    const control = new SessionControl();
    await expect(control.run('checking the rows', () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect(control.busy).toBeNull();
    expect(await control.run('committing', () => 42)).toBe(42);
  });
});
