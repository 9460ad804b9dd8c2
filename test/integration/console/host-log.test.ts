import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { loggablePath, startHost } from '../../../src-main/host/server';
import type { RunningHost } from '../../../src-main/host/server';
import { openRoster } from '../../../src-main/runtime/roster';
import type { Roster } from '../../../src-main/runtime/roster';

/** The browser host's request log: refused and failed requests, by path, never with their query string (search terms are personal data). */

let dir: string;
let roster: Roster;
let host: RunningHost;
const lines: string[] = [];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'roster-host-log-'));
  const staticDir = join(dir, 'ui');
  mkdirSync(staticDir);
  writeFileSync(join(staticDir, 'index.html'), '<!doctype html><title>Roster</title>');
  roster = openRoster({ dataDir: join(dir, 'data'), mode: 'browser', version: 'test', openExternal: () => Promise.resolve(false), sync: { background: false } });
  host = await startHost({ dispatcher: roster.dispatcher, events: roster.events, staticDir, log: (line) => lines.push(line) });
});

afterAll(async () => {
  await host.close();
  roster.close();
  rmSync(dir, { recursive: true, force: true });
});

beforeEach(() => {
  lines.length = 0;
});

function raw(method: string, path: string, headers: Record<string, string>, body?: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: host.port, method, path, headers, setHost: false }, (res) => {
      res.resume();
      res.on('end', () => {
        resolve(res.statusCode ?? 0);
      });
    });
    req.on('error', reject);
    req.end(body);
  });
}

const PERSONAL = 'search=Jeanne%20Dubois&email=jeanne.dubois%40example.org';

describe('the browser host request log', () => {
  it('logs a request refused for its Host by its path only', async () => {
    expect(await raw('GET', `/profiles?${PERSONAL}`, { Host: 'evil.example:80' })).toBe(403);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^\[host\] 403 GET \/profiles: This Roster console answers only on its own loopback address/);
    expect(lines.join('\n')).not.toMatch(/\?|Jeanne|jeanne|Dubois|search=/);
  });

  it('logs an API call without the secret by its path only', async () => {
    expect(await raw('POST', `/api/invoke/profiles:list?${PERSONAL}`, { Host: `127.0.0.1:${host.port}`, 'Content-Type': 'application/json' }, '{}')).toBe(401);
    expect(lines).toEqual([`[host] 401 POST /api/invoke/profiles:list: This request lacks the console secret of this launch.`]);
  });

  it('logs a refused API call with the secret by its path only', async () => {
    const headers = { Host: `127.0.0.1:${host.port}`, Authorization: `Bearer ${host.secret}` };
    expect(await raw('GET', `/api/invoke/profiles:list?${PERSONAL}`, headers)).toBe(405);
    expect(await raw('POST', `/api/nothing?${PERSONAL}`, { ...headers, 'Content-Type': 'application/json' }, '{}')).toBe(404);
    expect(lines).toHaveLength(2);
    expect(lines.join('\n')).not.toMatch(/\?|Jeanne|jeanne|Dubois|search=/);
    expect(lines.join('\n')).not.toContain(host.secret);
  });

  it('answers good requests without a log line', async () => {
    const headers = { Host: `127.0.0.1:${host.port}`, Authorization: `Bearer ${host.secret}`, 'Content-Type': 'application/json' };
    expect(await raw('POST', '/api/invoke/app:info', headers, '{}')).toBe(200);
    expect(await raw('GET', `/profiles?${PERSONAL}`, { Host: `127.0.0.1:${host.port}` })).toBe(200);
    expect(lines).toEqual([]);
  });
});

describe('loggablePath', () => {
  it('drops the query and fragment, keeps one line, and caps the length', () => {
    expect(loggablePath(`/profiles?${PERSONAL}`)).toBe('/profiles');
    expect(loggablePath('/a#b?c')).toBe('/a');
    expect(loggablePath(undefined)).toBe('/');
    expect(loggablePath('/a\u001b[31mred\nnext')).toBe('/a[31mred next');
    expect(loggablePath(`/${'x'.repeat(300)}`)).toHaveLength(201);
  });
});
