import { mkdtempSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHost } from '../../../src-main/host/server';
import type { RunningHost } from '../../../src-main/host/server';
import { openRoster } from '../../../src-main/runtime/roster';
import type { Roster } from '../../../src-main/runtime/roster';
import type { ApiError, Result } from '../../../src-shared/errors';
import type { ImportSessionView } from '../../../src-shared/import';
import { count } from './helpers';

/**
 * The browser console sends a dropped file to its host as a binary body
 * (POST /api/upload/import:open), never base64 in JSON; behind the host's
 * guard, with the import's size limit checked from Content-Length and while
 * the body streams, before anything oversize is buffered.
 */

const LIMIT = 64 * 1024;
let dir: string;
let roster: Roster;
let host: RunningHost;
const logged: string[] = [];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'roster-upload-'));
  roster = openRoster({ dataDir: dir, mode: 'browser', version: 'test', openExternal: () => Promise.resolve(false), import: { limits: { maxFileBytes: LIMIT } } });
  host = await startHost({ dispatcher: roster.dispatcher, events: roster.events, log: (line) => logged.push(line) });
});

afterAll(async () => {
  await host.close();
  roster.close();
  rmSync(dir, { recursive: true, force: true });
});

const csv = Buffer.from(['First name;Last name;Email', 'Ann;Peeters;ann@example.com', 'Bob;Maes;bob@example.com'].join('\r\n'));
const argsHeader = (args: unknown): string => encodeURIComponent(JSON.stringify(args));
const good = (args: unknown = { fileName: 'staff.csv' }): Record<string, string> => ({
  Host: `127.0.0.1:${host.port}`,
  Authorization: `Bearer ${host.secret}`,
  'Content-Type': 'application/octet-stream',
  'X-Roster-Args': argsHeader(args),
});

interface Answer {
  status: number;
  body: string;
  /** Bytes of the body written when the answer came. */
  sentWhenAnswered: number;
}

/**
 * A raw upload: `declared` is the Content-Length sent (null: chunked), the
 * body goes in `chunk`-byte pieces up to `total`, and writing stops as soon as
 * the host answers (a host that buffered everything first would answer only after `total`).
 */
function rawUpload(headers: Record<string, string>, opts: { total: number; chunk?: number; declared?: number | null; path?: string; method?: string }): Promise<Answer> {
  const chunkSize = opts.chunk ?? 16 * 1024;
  const declared = opts.declared === undefined ? opts.total : opts.declared;
  return new Promise((resolve, reject) => {
    let sent = 0;
    let answered = false;
    const all: Record<string, string> = declared === null ? { ...headers, 'Transfer-Encoding': 'chunked' } : { ...headers, 'Content-Length': String(declared) };
    const req = request({ host: '127.0.0.1', port: host.port, method: opts.method ?? 'POST', path: opts.path ?? '/api/upload/import:open', headers: all, setHost: false }, (res) => {
      answered = true;
      const sentWhenAnswered = sent;
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (text += c));
      res.on('end', () => {
        resolve({ status: res.statusCode ?? 0, body: text, sentWhenAnswered });
      });
      res.on('error', reject);
    });
    req.on('error', (error) => {
      // The host hangs up on a refused body; what matters is the answer it gave first.
      if (!answered) reject(error);
    });
    const pump = (): void => {
      if (answered || sent >= opts.total) {
        if (!answered && declared !== null && sent >= declared) req.end();
        else if (!answered && declared === null) req.end();
        return;
      }
      const n = Math.min(chunkSize, opts.total - sent);
      sent += n;
      req.write(Buffer.alloc(n, 0x41), () => setTimeout(pump, 5));
    };
    if (opts.total === 0) req.end();
    else pump();
  });
}

const errorOf = (answer: Answer): ApiError => {
  const result = JSON.parse(answer.body) as Result<unknown>;
  if (result.ok) throw new Error('the upload succeeded but should have been refused');
  return result.error;
};

describe('uploading a file to the browser console host', () => {
  it('opens an import from a binary body, the file name (any script) in a header', async () => {
    const res = await fetch(`${host.url}/api/upload/import:open`, { method: 'POST', headers: good({ fileName: 'Personeel – été.csv', delimiter: ';' }), body: csv });
    const result = (await res.json()) as Result<ImportSessionView>;
    expect(res.status).toBe(200);
    if (!result.ok) throw new Error(result.error.message);
    expect(result.data.file).toMatchObject({ fileName: 'Personeel – été.csv', size: csv.length, delimiter: ';' });
    expect(result.data.counts.rows).toBe(2);
  });

  it('refuses an oversize file from its Content-Length before reading a byte of it', async () => {
    const before = count(roster, 'profiles');
    const answer = await rawUpload(good({ fileName: 'huge.xlsx' }), { total: LIMIT * 40, declared: LIMIT * 40 });
    expect(answer.status).toBe(413);
    expect(answer.sentWhenAnswered).toBeLessThan(LIMIT);
    const error = errorOf(answer);
    expect(error).toMatchObject({ code: 'FILE_TOO_LARGE', details: { reason: 'too-large', limit: LIMIT, rule: { key: 'import_too_large', params: { fileName: 'huge.xlsx', size: LIMIT * 40, limit: LIMIT } } } });
    expect(count(roster, 'profiles')).toBe(before);
  });

  it('refuses a body that grows past the limit while it streams (no Content-Length, or one that lies), without waiting for the rest', async () => {
    const chunked = await rawUpload(good({ fileName: 'stream.csv' }), { total: LIMIT * 40, declared: null });
    expect(chunked.status).toBe(413);
    expect(chunked.sentWhenAnswered).toBeLessThan(LIMIT * 4);
    expect(errorOf(chunked)).toMatchObject({ code: 'FILE_TOO_LARGE', details: { reason: 'too-large', limit: LIMIT } });
    // The host is still up and imports the next file.
    const res = await fetch(`${host.url}/api/upload/import:open`, { method: 'POST', headers: good(), body: csv });
    expect(((await res.json()) as Result<unknown>).ok).toBe(true);
  });

  it('is behind the same guard as the API: no secret, a foreign Origin or Host are refused before the body is read', async () => {
    const { Authorization: _secret, ...noSecret } = good();
    const unauth = await rawUpload(noSecret, { total: LIMIT / 2 });
    expect(unauth.status).toBe(401);
    const foreign = await rawUpload({ ...good(), Origin: 'https://attacker.test' }, { total: LIMIT / 2 });
    expect(foreign.status).toBe(403);
    const rebinding = await rawUpload({ ...good(), Host: `evil.test:${host.port}` }, { total: LIMIT / 2 });
    expect(rebinding.status).toBe(403);
  });

  it('names what is wrong with a malformed upload', async () => {
    const noArgs = await rawUpload({ ...good(), 'X-Roster-Args': '' }, { total: csv.length });
    expect(noArgs.status).toBe(400);
    expect(errorOf(noArgs).message).toBe('The x-roster-args header (the upload\'s other arguments) is missing.');
    const badArgs = await rawUpload({ ...good(), 'X-Roster-Args': '%7Bnot json' }, { total: csv.length });
    expect(errorOf(badArgs).message).toBe('The x-roster-args header is not a URI-encoded JSON object.');
    const asJson = await rawUpload({ ...good(), 'Content-Type': 'application/json' }, { total: csv.length });
    expect(asJson.status).toBe(415);
    const getIt = await rawUpload(good(), { total: 0, method: 'GET' });
    expect(getIt.status).toBe(405);
    const otherChannel = await rawUpload(good(), { total: csv.length, path: '/api/upload/profiles:create' });
    expect(otherChannel.status).toBe(404);
    // A file name that is not a string, or extra arguments, are refused by the channel's own check, naming the field.
    const res = await fetch(`${host.url}/api/upload/import:open`, { method: 'POST', headers: good({ fileName: 42 }), body: csv });
    const refused = (await res.json()) as Result<unknown>;
    expect(refused.ok).toBe(false);
    if (!refused.ok) expect(Object.keys(refused.error.details?.fields ?? {})).toEqual(['fileName']);
  });

  it('no longer takes a file as base64 inside JSON', async () => {
    const res = await fetch(`${host.url}/api/invoke/import:open`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${host.secret}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ fileName: 'staff.csv', base64: csv.toString('base64') }),
    });
    const result = (await res.json()) as Result<unknown>;
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error.code).toBe('VALIDATION_FAILED');
  });
});
