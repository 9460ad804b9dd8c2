import { z } from 'zod';
import { TransportError } from '../../core/sync/ports';
import type { SyncTransport } from '../../core/sync/ports';
import { ROSTER_VERSION } from '../version';
import {
  SYNC_ENDPOINTS,
  checkResponseSchema,
  pullResponseSchema,
  pushResponseSchema,
  errorResultSchema,
  signInResponseSchema,
} from '../../../src-shared/sync';

export interface HttpTransportOptions {
  /** Per request. */
  timeoutMs?: number;
  fetch?: typeof fetch;
}

const envelopes = new WeakMap<z.ZodType, z.ZodType>();

/** `{ ok: true, data }` around an answer's schema, built once per schema (building a zod object costs more than checking one). */
function envelope<T extends z.ZodType>(schema: T): z.ZodType<{ ok: true; data: z.output<T> }> {
  let wrapped = envelopes.get(schema);
  if (wrapped === undefined) {
    wrapped = z.object({ ok: z.literal(true), data: schema });
    envelopes.set(schema, wrapped);
  }
  return wrapped as z.ZodType<{ ok: true; data: z.output<T> }>;
}

/** The Roster server's sync API over HTTP(S), every answer checked against the shared schemas. */
export function createHttpTransport(options: HttpTransportOptions = {}): SyncTransport {
  const timeoutMs = options.timeoutMs ?? 30_000;
  const doFetch = options.fetch ?? fetch;

  async function call<T extends z.ZodType>(serverUrl: string, method: string, path: string, schema: T, token: string | null, body?: unknown): Promise<z.output<T>> {
    const headers: Record<string, string> = { Accept: 'application/json', 'User-Agent': `Roster-Console/${ROSTER_VERSION}` };
    if (token !== null) headers.Authorization = `Bearer ${token}`;
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    let response: Response;
    try {
      response = await doFetch(`${serverUrl}${path}`, {
        method,
        headers,
        body: body === undefined ? null : JSON.stringify(body),
        signal: AbortSignal.timeout(timeoutMs),
        redirect: 'error',
      });
    } catch (error) {
      const cause = error instanceof Error && error.cause instanceof Error ? error.cause.message : error instanceof Error ? error.message : String(error);
      throw new TransportError('network', cause);
    }
    let json: unknown;
    try {
      json = await response.json();
    } catch (error) {
      if (error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError')) throw new TransportError('network', 'the answer took too long');
      throw new TransportError(response.ok ? 'protocol' : 'http', `the server answered ${response.status} without a Roster body`, response.status);
    }
    if (typeof json === 'object' && json !== null && 'ok' in json && json.ok === false) {
      const failure = errorResultSchema.safeParse(json);
      if (failure.success) throw new TransportError('http', failure.data.error.message, response.status, failure.data.error.code);
    }
    const success = envelope(schema).safeParse(json);
    if (!success.success || !response.ok) throw new TransportError('protocol', `the server's answer to ${path} is not what this Roster expects`, response.status);
    return success.data.data;
  }

  return {
    signIn: (url, request) => call(url, 'POST', SYNC_ENDPOINTS.signIn.path, signInResponseSchema, null, request),
    signOut: async (url, token) => {
      await call(url, 'POST', SYNC_ENDPOINTS.signOut.path, SYNC_ENDPOINTS.signOut.response, token, {});
    },
    push: (url, token, request) => call(url, 'POST', SYNC_ENDPOINTS.push.path, pushResponseSchema, token, request),
    pull: (url, token, cursor, limit) =>
      call(url, 'GET', `${SYNC_ENDPOINTS.pull.path}?cursor=${encodeURIComponent(cursor)}&limit=${limit}`, pullResponseSchema, token),
    check: (url, token, cursor) => call(url, 'GET', `${SYNC_ENDPOINTS.check.path}?cursor=${encodeURIComponent(cursor)}`, checkResponseSchema, token),
  };
}
