import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { sendToServer } from '../../../src-main/runtime/server-http';
import { TransportError } from '../../../src-main/core/sync/ports';

/**
 * A server that closes the connection of the first `drop` requests as they
 * arrive, without an answer (what a client meets when the server lets go of
 * a kept-alive connection just as a request goes out on it), and answers the
 * others.
 */
let server: Server;
let url: string;
let drop = 0;
let answered = 0;
let dropped = 0;

beforeEach(async () => {
  drop = 0;
  answered = 0;
  dropped = 0;
  server = createServer((request, response) => {
    if (dropped < drop) {
      dropped++;
      request.socket.destroy();
      return;
    }
    answered++;
    response.setHeader('content-type', 'application/json');
    response.end(JSON.stringify({ ok: true, data: { answered } }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterEach(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

const send = (method: string, repeatable?: boolean) =>
  sendToServer(fetch, 5_000, { serverUrl: url, method, path: '/api/v1/sync/push', token: 't', body: method === 'GET' ? undefined : { mutations: [] }, ...(repeatable === undefined ? {} : { repeatable }) });

describe('a connection the server closes without an answer', () => {
  it('a repeatable request (a push) goes once more on a new connection, and is answered', async () => {
    drop = 1;
    const response = await send('POST', true);
    expect(response.status).toBe(200);
    expect([dropped, answered]).toEqual([1, 1]);
  });

  it('a GET goes once more too', async () => {
    drop = 1;
    expect((await send('GET')).status).toBe(200);
    expect(answered).toBe(1);
  });

  it('a request that is not repeatable fails as a network error, and is not sent again', async () => {
    drop = 1;
    const failure = await send('POST').catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(TransportError);
    expect((failure as TransportError).kind).toBe('network');
    expect([dropped, answered]).toEqual([1, 0]);
  });

  it('goes once more only: a second close is the network error', async () => {
    drop = 2;
    const failure = await send('POST', true).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(TransportError);
    expect([dropped, answered]).toEqual([2, 0]);
  });
});
