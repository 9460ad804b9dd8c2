/**
 * Asks `probe` every 30 ms until it answers something other than undefined,
 * and returns that; fails naming `what` when nothing came within the time.
 * For what a worker does in the background (an email sent, a row settled).
 */
export async function until<T>(what: string, probe: () => Promise<T | undefined> | T | undefined, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 30));
  }
}
