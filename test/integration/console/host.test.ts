import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHost } from '../../../src-main/host/server';
import type { RunningHost } from '../../../src-main/host/server';
import { openRoster } from '../../../src-main/runtime/roster';
import type { Roster } from '../../../src-main/runtime/roster';

let dir: string;
let roster: Roster;
let host: RunningHost;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'roster-host-'));
  const staticDir = join(dir, 'ui');
  mkdirSync(staticDir);
  writeFileSync(join(staticDir, 'index.html'), '<!doctype html><title>Roster</title>');
  writeFileSync(join(dir, 'secret.txt'), 'outside the static root');
  roster = openRoster({ dataDir: join(dir, 'data'), mode: 'browser', version: 'test', openExternal: () => Promise.resolve(false) });
  host = await startHost({ dispatcher: roster.dispatcher, events: roster.events, staticDir });
});

afterAll(async () => {
  await host.close();
  roster.close();
  rmSync(dir, { recursive: true, force: true });
});

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** A raw HTTP request, so that Host and Origin can be anything a hostile page would send. */
function raw(method: string, path: string, headers: Record<string, string>, body?: string): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: host.port, method, path, headers, setHost: false }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () => {
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text });
      });
    });
    req.on('error', reject);
    if (body !== undefined) req.write(body);
    req.end();
  });
}

const good = () => ({ Host: `127.0.0.1:${host.port}`, Authorization: `Bearer ${host.secret}`, 'Content-Type': 'application/json' });
const invoke = (channel: string, args: unknown, headers: Record<string, string> = good()) => raw('POST', `/api/invoke/${channel}`, headers, JSON.stringify(args));

describe('browser host', () => {
  it('listens on loopback only', () => {
    expect(host.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(host.launchUrl).toBe(`${host.url}/#token=${host.secret}`);
    expect(host.secret.length).toBeGreaterThanOrEqual(40);
  });

  it('answers a call that carries the secret', async () => {
    const res = await invoke('app:info', {});
    expect(res.status).toBe(200);
    expect(JSON.parse(res.body)).toMatchObject({ ok: true, data: { mode: 'browser', version: 'test' } });
  });

  it('refuses a call without the secret, or with a wrong one', async () => {
    const { Authorization: _drop, ...noSecret } = good();
    const missing = await invoke('app:info', {}, noSecret);
    expect(missing.status).toBe(401);
    expect(JSON.parse(missing.body)).toMatchObject({ ok: false, error: { code: 'UNAUTHORIZED' } });
    const wrong = await invoke('app:info', {}, { ...good(), Authorization: `Bearer ${'x'.repeat(43)}` });
    expect(wrong.status).toBe(401);
    const events = await raw('GET', '/api/events', noSecret);
    expect(events.status).toBe(401);
  });

  it('refuses a foreign Host header (DNS rebinding) even with the secret', async () => {
    for (const hostHeader of ['attacker.test', `attacker.test:${host.port}`, `127.0.0.1:${host.port + 1}`, '']) {
      const res = await invoke('app:info', {}, { ...good(), Host: hostHeader });
      expect(res.status, hostHeader).toBe(403);
      expect(JSON.parse(res.body)).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    }
    const page = await raw('GET', '/', { Host: 'evil.test' });
    expect(page.status).toBe(403);
  });

  it('refuses a foreign Origin even with the secret', async () => {
    const res = await invoke('app:info', {}, { ...good(), Origin: 'http://attacker.test' });
    expect(res.status).toBe(403);
    const cross = await invoke('app:info', {}, { ...good(), 'Sec-Fetch-Site': 'cross-site' });
    expect(cross.status).toBe(403);
    const own = await invoke('app:info', {}, { ...good(), Origin: `http://localhost:${host.port}`, Host: `localhost:${host.port}` });
    expect(own.status).toBe(200);
  });

  it('answers invalid arguments and unknown channels with errors, not crashes', async () => {
    const bad = await invoke('profiles:create', { draft: { firstName: 42 } });
    expect(JSON.parse(bad.body)).toMatchObject({ ok: false, error: { code: 'VALIDATION_FAILED', details: { fields: { 'draft.firstName': expect.any(String) as string } } } });
    const unknown = await invoke('profiles:dropAll', {});
    expect(JSON.parse(unknown.body)).toMatchObject({ ok: false, error: { code: 'UNKNOWN_CHANNEL' } });
    const notJson = await raw('POST', '/api/invoke/app:info', good(), '{"oops"');
    expect(notJson.status).toBe(400);
    const wrongType = await raw('POST', '/api/invoke/app:info', { ...good(), 'Content-Type': 'text/plain' }, '{}');
    expect(wrongType.status).toBe(415);
    const after = await invoke('app:info', {});
    expect(after.status).toBe(200);
  });

  it('rules are enforced: a duplicate email is refused and nothing is saved', async () => {
    const first = JSON.parse((await invoke('profiles:create', { draft: { firstName: 'A', lastName: 'B', email: 'host@example.com' } })).body) as { ok: boolean };
    expect(first.ok).toBe(true);
    const dup = JSON.parse((await invoke('profiles:create', { draft: { firstName: 'C', lastName: 'D', email: 'HOST@example.com' } })).body) as unknown;
    expect(dup).toMatchObject({ ok: false, error: { code: 'EMAIL_TAKEN', details: { fields: { email: expect.any(String) as string } } } });
    const list = JSON.parse((await invoke('profiles:list', { query: { search: 'host@' }, offset: 0, limit: 10 })).body) as unknown;
    expect(list).toMatchObject({ ok: true, data: { total: 1 } });
  });

  it('serves the UI with a strict CSP and never a file outside its folder', async () => {
    const page = await raw('GET', '/', { Host: `127.0.0.1:${host.port}` });
    expect(page.status).toBe(200);
    expect(page.body).toContain('<title>Roster</title>');
    expect(page.headers['content-security-policy']).toContain("script-src 'self'");
    expect(page.headers['content-security-policy']).toContain("frame-ancestors 'none'");
    for (const path of ['/../secret.txt', '/%2e%2e/secret.txt', '/..%2fsecret.txt', '/ui/../../secret.txt']) {
      const res = await raw('GET', path, { Host: `127.0.0.1:${host.port}` });
      expect(res.body, path).not.toContain('outside the static root');
    }
  });

  it('pushes change events to the event stream', async () => {
    const received = new Promise<string>((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port: host.port, path: '/api/events', headers: good() }, (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          text += chunk;
          if (text.includes('event: changed')) {
            resolve(text);
            req.destroy();
          }
        });
      });
      req.on('error', (e) => {
        if (!String(e).includes('socket hang up')) reject(e);
      });
      req.end();
      setTimeout(() => {
        void invoke('profiles:create', { draft: { firstName: 'E', lastName: 'F', email: 'events@example.com' } });
      }, 100);
    });
    expect(await received).toContain('data: {"topics":["profiles","outbox"]}');
  });
});
