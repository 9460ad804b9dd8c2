/**
 * Work a request starts but does not wait for (a person's "forgot password":
 * its answer must not take longer when the person exists). Each task is
 * kept until it ends, so shutting down (and a test) can wait for every one
 * of them; a task that fails is logged by its name, never with what it was
 * given (an email or username).
 */
export interface BackgroundTaskHooks {
  /** Tests: awaited before each task's work begins (to hold it back and see that the answer did not wait). */
  beforeTask?: (name: string) => Promise<void> | void;
}

export class BackgroundTasks {
  readonly #running = new Set<Promise<void>>();
  readonly #log: (message: string, data: Record<string, unknown>) => void;
  readonly #hooks: BackgroundTaskHooks;

  constructor(log: (message: string, data: Record<string, unknown>) => void, hooks: BackgroundTaskHooks = {}) {
    this.#log = log;
    this.#hooks = hooks;
  }

  /** How many tasks have not ended yet. */
  get pending(): number {
    return this.#running.size;
  }

  /**
   * Starts `work` after the caller's answer (never in its call stack) and
   * keeps it until it ends. `secrets` are taken out of a failure's message
   * before it is logged.
   */
  run(name: string, work: () => Promise<unknown>, secrets: readonly string[] = []): void {
    const task = (async () => {
      // Let the caller's answer go first: the work begins on a later turn of the event loop.
      await new Promise<void>((resolve) => setImmediate(resolve));
      await this.#hooks.beforeTask?.(name);
      await work();
    })().catch((error: unknown) => {
      let message = error instanceof Error ? error.message : String(error);
      for (const secret of secrets) if (secret !== '') message = message.split(secret).join('[redacted]');
      this.#log(`background task ${name} failed`, { task: name, error: error instanceof Error ? error.name : 'Error', message });
    });
    this.#running.add(task);
    void task.finally(() => this.#running.delete(task));
  }

  /** Resolves once every task started so far, and any they started, has ended. */
  async drain(): Promise<void> {
    while (this.#running.size > 0) await Promise.all([...this.#running]);
  }
}
