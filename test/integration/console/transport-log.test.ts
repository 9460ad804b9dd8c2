import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TransportError } from '../../../src-main/core/sync/ports';
import { createHttpTransport } from '../../../src-main/runtime/sync/http-transport';

/** A transport failure's message goes to the sync log: it names the endpoint, never the query it was called with. */

let server: Server;
let url: string;
const seen: string[] = [];

beforeAll(async () => {
  // A server that answers everything with a body this Roster does not expect.
  server = createServer((req, res) => {
    seen.push(req.url ?? '');
    res.writeHead(200, { 'Content-Type': 'application/json' });
    res.end(JSON.stringify({ ok: true, data: { surprise: true } }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

async function failure(run: () => Promise<unknown>): Promise<TransportError> {
  try {
    await run();
  } catch (error) {
    if (error instanceof TransportError) return error;
    throw error;
  }
  throw new Error('the call did not fail');
}

describe('the sync transport’s error messages', () => {
  it('name the pull and check endpoints without their query string', async () => {
    const transport = createHttpTransport();
    const cursor = 'cursor-with-secrets-2026';
    const pull = await failure(() => transport.pull(url, 'token', cursor, 500));
    const check = await failure(() => transport.check(url, 'token', cursor));
    // The requests did carry the query; the messages do not.
    expect(seen.some((u) => u.includes(`cursor=${cursor}`))).toBe(true);
    for (const error of [pull, check]) {
      expect(error.kind).toBe('protocol');
      expect(error.message).toMatch(/^the server.s answer to \/api\/v1\/sync\/(pull|check) is not what this Roster expects/);
      expect(error.message).not.toContain('?');
      expect(error.message).not.toContain(cursor);
    }
  });
});
