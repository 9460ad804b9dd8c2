import { request as httpRequest } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS, build, createMutation, inviteMutation } from '../../support/roster-server';
import type { TestServer } from '../../support/roster-server';

interface Raw {
  status: number;
  text: string;
}

/** A GET with exactly these headers (node:http sends the Host given, as a rebinding page's browser would). */
function get(url: string, path: string, headers: Record<string, string>): Promise<Raw> {
  const target = new URL(url);
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: target.hostname, port: target.port, path, method: 'GET', headers }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe.each(BACKENDS)('the dev mailbox guard on %s', (backend) => {
  let t: TestServer;
  let port: string;
  let id: string;
  beforeAll(async () => {
    // No SMTP URL: the server runs its dev mailbox.
    t = await build(backend, { config: { smtpUrl: undefined } });
    port = new URL(t.url).port;
    const org = await t.organisation('Mailbox Org');
    const create = createMutation({ email: 'mailbox.guard@example.com' });
    await t.request('POST', '/api/v1/sync/push', { token: org.token, body: { clientId: 'mailbox-console', mutations: [create, inviteMutation([create.entityId])] } });
    const deadline = Date.now() + 15_000;
    for (;;) {
      const list = (await t.server.devMailbox?.list()) ?? [];
      if (list[0] !== undefined) {
        id = list[0].id;
        break;
      }
      if (Date.now() > deadline) throw new Error('no email reached the dev mailbox');
      await new Promise((r) => setTimeout(r, 50));
    }
  });
  afterAll(async () => {
    await t.close();
  });

  const paths = () => ['/dev/mailbox', '/dev/mailbox.json', `/dev/mailbox/${id}`, `/dev/mailbox/${id}.json`, `/dev/mailbox/${id}/html`];

  it('answers a request that names this server by a loopback address', async () => {
    for (const host of [`127.0.0.1:${port}`, `localhost:${port}`]) {
      for (const path of paths()) {
        const res = await get(t.url, path, { host });
        expect(res.status, `${host} ${path}`).toBe(200);
      }
    }
    const json = await get(t.url, `/dev/mailbox/${id}.json`, { host: `127.0.0.1:${port}`, origin: `http://127.0.0.1:${port}`, 'sec-fetch-site': 'same-origin' });
    expect(json.text).toContain('/invite/');
  });

  it('refuses a request whose Host is another name (DNS rebinding), even from 127.0.0.1', async () => {
    for (const host of ['evil.example', `evil.example:${port}`, `127.0.0.1:${Number(port) + 1}`, `rebind.127.0.0.1.nip.io:${port}`]) {
      for (const path of paths()) {
        const res = await get(t.url, path, { host });
        expect(res.status, `${host} ${path}`).toBe(403);
        expect(res.text).not.toContain('/invite/');
        expect(res.text).toContain('FORBIDDEN');
      }
    }
  });

  it('refuses a cross-origin request (Origin or Sec-Fetch-Site of another site)', async () => {
    const cases: Record<string, string>[] = [
      { origin: 'http://evil.example' },
      { origin: `http://localhost:${Number(port) + 1}` },
      { origin: 'null' },
      { 'sec-fetch-site': 'cross-site' },
    ];
    for (const headers of cases) {
      const res = await get(t.url, '/dev/mailbox.json', { host: `127.0.0.1:${port}`, ...headers });
      expect(res.status, JSON.stringify(headers)).toBe(403);
      expect(res.text).not.toContain('mailbox.guard@example.com');
    }
  });

  it('the invitation pages and the API do not depend on the Host header', async () => {
    expect((await get(t.url, '/health', { host: 'roster.example.org' })).status).toBe(200);
  });
});
