import { describe, expect, it } from 'vitest';
import { BackgroundTasks } from '../../../src-server/lib/background-tasks';

describe('background tasks', () => {
  it('start after the caller returns, are counted until they end, and drain waits for them', async () => {
    const log: unknown[] = [];
    const tasks = new BackgroundTasks((message, data) => log.push({ message, data }));
    const done: string[] = [];
    tasks.run('first', async () => {
      done.push('first');
      await new Promise((r) => setTimeout(r, 20));
      done.push('first ended');
    });
    // Nothing of it ran in the caller's turn.
    expect(done).toEqual([]);
    expect(tasks.pending).toBe(1);
    await tasks.drain();
    expect(done).toEqual(['first', 'first ended']);
    expect(tasks.pending).toBe(0);
    expect(log).toEqual([]);
  });

  it('logs a failed task by its name, with the secrets it was given taken out of the message', async () => {
    const log: { message: string; data: Record<string, unknown> }[] = [];
    const tasks = new BackgroundTasks((message, data) => log.push({ message, data }));
    tasks.run('person forgot password', () => Promise.reject(new Error('no row for jane.doe@example.com in org X (jane.doe@example.com)')), ['jane.doe@example.com']);
    await tasks.drain();
    expect(log).toEqual([{ message: 'background task person forgot password failed', data: { task: 'person forgot password', error: 'Error', message: 'no row for [redacted] in org X ([redacted])' } }]);
    expect(JSON.stringify(log)).not.toContain('jane.doe');
  });
});
