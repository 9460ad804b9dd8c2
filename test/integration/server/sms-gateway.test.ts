import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { SmsSendError } from '../../../src-server/sms/gateway';
import { HttpSmsGateway } from '../../../src-server/sms/http-gateway';
import { parseSmsEnv } from '../../../src-server/sms/options';

interface Received {
  headers: IncomingMessage['headers'];
  body: unknown;
}

/** A fake SMS provider on a random loopback port: answers each request with the next of `answers`. */
async function provider(answers: ((res: ServerResponse) => void)[]): Promise<{ url: string; received: Received[]; server: Server }> {
  const received: Received[] = [];
  const server = createServer((req, res) => {
    const parts: Buffer[] = [];
    req.on('data', (c: Buffer) => parts.push(c));
    req.on('end', () => {
      received.push({ headers: req.headers, body: JSON.parse(Buffer.concat(parts).toString('utf8')) as unknown });
      const answer = answers[received.length - 1] ?? answers.at(-1);
      answer?.(res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/sms`, received, server };
}

const json = (status: number, body: unknown) => (res: ServerResponse) => {
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
};

const servers: Server[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) {
    s.closeAllConnections();
    await new Promise((r) => s.close(r));
  }
});

const gateway = (url: string, auth: { user?: string; password?: string; token?: string } = {}, timeoutMs = 2000) =>
  new HttpSmsGateway({ url, user: auth.user, password: auth.password, token: auth.token, sender: 'Roster', timeoutMs });

const message = { id: '6f1c1c5e-3d0a-4a59-9a51-0c1f8d7a0001', to: '+32470123456', text: 'Acme: activate your Roster account: https://x.example/i/abc' };

async function failure(promise: Promise<unknown>): Promise<SmsSendError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  if (!(error instanceof SmsSendError)) throw new Error(`expected an SmsSendError, got ${String(error)}`);
  return error;
}

describe('the HTTP SMS gateway', () => {
  it('posts {to, from, text} as JSON with basic auth and the outbox id as idempotency key; a 2xx is sent', async () => {
    const p = await provider([json(201, { id: 'msg-1', status: 'accepted' })]);
    servers.push(p.server);
    const answer = await gateway(p.url, { user: 'acme', password: 's3cret' }).send(message);
    expect(answer).toContain('201');
    expect(answer).toContain('msg-1');
    expect(p.received).toHaveLength(1);
    expect(p.received[0]?.body).toEqual({ to: message.to, from: 'Roster', text: message.text });
    expect(p.received[0]?.headers.authorization).toBe(`Basic ${Buffer.from('acme:s3cret').toString('base64')}`);
    expect(p.received[0]?.headers['idempotency-key']).toBe(message.id);
  });

  it('sends a bearer token when given one', async () => {
    const p = await provider([json(200, { ok: true })]);
    servers.push(p.server);
    await gateway(p.url, { token: 'tok-123' }).send(message);
    expect(p.received[0]?.headers.authorization).toBe('Bearer tok-123');
  });

  it('takes a 500 as retryable, and the same message then goes through', async () => {
    const p = await provider([json(500, { error: 'upstream down' }), json(200, { id: 'msg-2' })]);
    servers.push(p.server);
    const g = gateway(p.url, { token: 't' });
    const first = await failure(g.send(message));
    expect(first.permanent).toBe(false);
    expect(first.message).toContain('HTTP 500');
    expect(first.message).toContain('upstream down');
    await expect(g.send(message)).resolves.toContain('msg-2');
    expect(p.received.map((r) => r.headers['idempotency-key'])).toEqual([message.id, message.id]);
  });

  it('takes a 400 (an invalid number) as permanent, with the provider’s words', async () => {
    const p = await provider([json(400, { error: 'invalid destination number' })]);
    servers.push(p.server);
    const error = await failure(gateway(p.url).send(message));
    expect(error.permanent).toBe(true);
    expect(error.message).toBe('SMS gateway refused the message (HTTP 400): {"error":"invalid destination number"}');
  });

  it('takes a 429 as retryable', async () => {
    const p = await provider([json(429, { error: 'slow down' })]);
    servers.push(p.server);
    expect((await failure(gateway(p.url).send(message))).permanent).toBe(false);
  });

  it('abandons a request without an answer at the timeout, as retryable', async () => {
    const p = await provider([() => undefined]);
    servers.push(p.server);
    const started = Date.now();
    const error = await failure(gateway(p.url, {}, 300).send(message));
    expect(error.permanent).toBe(false);
    expect(error.message).toBe('SMS gateway: no answer within 0.3 s');
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('takes a refused connection as retryable', async () => {
    const p = await provider([json(200, {})]);
    const url = p.url;
    await new Promise((r) => p.server.close(r));
    const error = await failure(gateway(url).send(message));
    expect(error.permanent).toBe(false);
    expect(error.message).toMatch(/^SMS gateway: cannot reach it/);
  });
});

describe('the SMS settings', () => {
  it('default to the dev SMS inbox', () => {
    expect(parseSmsEnv({})).toEqual({ ok: true, config: { gateway: undefined, sender: 'Roster' } });
  });

  it('read the gateway from ROSTER_SMS_*', () => {
    const parsed = parseSmsEnv({ ROSTER_SMS_URL: 'https://sms.example.com/v1/send', ROSTER_SMS_TOKEN: 't0k', ROSTER_SMS_SENDER: 'Acme', ROSTER_SMS_TIMEOUT_SECONDS: '20' });
    expect(parsed).toEqual({ ok: true, config: { gateway: { url: 'https://sms.example.com/v1/send', user: undefined, password: undefined, token: 't0k', sender: 'Acme', timeoutMs: 20_000 }, sender: 'Acme' } });
  });

  it.each([
    [{ ROSTER_SMS_URL: 'ftp://x' }, 'ROSTER_SMS_URL must be an http:// or https:// URL'],
    [{ ROSTER_SMS_URL: 'not a url' }, 'ROSTER_SMS_URL is not a URL (got "not a url")'],
    [{ ROSTER_SMS_URL: 'https://u:p@x.example' }, 'ROSTER_SMS_URL must not carry credentials: use ROSTER_SMS_USER and ROSTER_SMS_PASSWORD, or ROSTER_SMS_TOKEN'],
    [{ ROSTER_SMS_URL: 'https://x.example', ROSTER_SMS_USER: 'u' }, 'ROSTER_SMS_USER and ROSTER_SMS_PASSWORD go together'],
    [{ ROSTER_SMS_URL: 'https://x.example', ROSTER_SMS_USER: 'u', ROSTER_SMS_PASSWORD: 'p', ROSTER_SMS_TOKEN: 't' }, 'Give ROSTER_SMS_TOKEN (bearer) or ROSTER_SMS_USER and ROSTER_SMS_PASSWORD (basic), not both'],
    [{ ROSTER_SMS_TOKEN: 't' }, 'ROSTER_SMS_USER, ROSTER_SMS_PASSWORD and ROSTER_SMS_TOKEN need ROSTER_SMS_URL (the provider’s endpoint)'],
    [{ ROSTER_SMS_SENDER: 'A very long sender name' }, 'ROSTER_SMS_SENDER must be a name of 1 to 11 letters, digits or spaces, or a phone number (+ and up to 15 digits)'],
    [{ ROSTER_SMS_URL: 'https://x.example', ROSTER_SMS_TIMEOUT_SECONDS: '0' }, 'ROSTER_SMS_TIMEOUT_SECONDS must be an integer from 1 to 120 (got "0")'],
  ])('refuse %o with a clear error', (env, error) => {
    expect(parseSmsEnv(env)).toEqual({ ok: false, error });
  });
});
