import type { z } from 'zod';
import { TransportError } from '../core/sync/ports';
import { errorResultSchema } from '../../src-shared/wire';
import { ROSTER_VERSION } from './version';

/**
 * What the console's transports to the Roster server share: how a request
 * goes (the console names itself, a time limit, no redirects), and how a
 * JSON answer is read (the server's refusal, or its data checked), each
 * failure as a TransportError.
 */

export interface ServerRequest {
  serverUrl: string;
  method: string;
  path: string;
  token: string | null;
  body?: unknown;
  /** The Accept header: JSON unless said. */
  accept?: string;
}

/** Checks an answer's data: the value, or what is wrong with it. */
export type Reader<T> = (data: unknown) => { ok: true; value: T } | { ok: false; problem: string | null };

/** A shared schema as a reader. */
export function schemaReader<T extends z.ZodType>(schema: T): Reader<z.output<T>> {
  return (data) => {
    const result = schema.safeParse(data);
    if (result.success) return { ok: true, value: result.data };
    // The first problem, where it is (as the pull reader says it).
    const issue = result.error.issues[0];
    const at = issue?.path.map((key) => (typeof key === 'number' ? `[${key}]` : `.${String(key)}`)).join('').replace(/^\./, '') ?? '';
    return { ok: false, problem: issue === undefined ? null : `${at === '' ? 'the answer' : at}: ${issue.message}` };
  };
}

/** Sends one request; a failure to reach the server is a 'network' TransportError. */
export async function sendToServer(doFetch: typeof fetch, timeoutMs: number, request: ServerRequest): Promise<Response> {
  // The console names itself: the server's audit log says which client made a change.
  const headers: Record<string, string> = { Accept: request.accept ?? 'application/json', 'User-Agent': `Roster-Console/${ROSTER_VERSION}`, 'X-Roster-Client': `Roster console ${ROSTER_VERSION}` };
  if (request.token !== null) headers.Authorization = `Bearer ${request.token}`;
  if (request.body !== undefined) headers['Content-Type'] = 'application/json';
  try {
    return await doFetch(`${request.serverUrl}${request.path}`, {
      method: request.method,
      headers,
      body: request.body === undefined ? null : JSON.stringify(request.body),
      signal: AbortSignal.timeout(timeoutMs),
      redirect: 'error',
    });
  } catch (error) {
    const cause = error instanceof Error && error.cause instanceof Error ? error.cause.message : error instanceof Error ? error.message : String(error);
    throw new TransportError('network', cause);
  }
}

/** A Roster error envelope in this answer, as a TransportError; null when it is none. */
export function refusalOf(json: unknown, status: number): TransportError | null {
  const failure = errorResultSchema.safeParse(json);
  return failure.success ? new TransportError('http', failure.data.error.message, status, failure.data.error.code, failure.data.error.details) : null;
}

/**
 * Reads a JSON answer: the server's refusal is thrown as it gave it; a
 * success's data is checked by `read`. An answer that is not a Roster one
 * (not JSON, not the expected shape, or a success with an error status) is
 * a 'protocol' TransportError naming the path without its query.
 */
export async function readAnswer<T>(response: Response, path: string, read: Reader<T>): Promise<T> {
  let json: unknown;
  try {
    json = await response.json();
  } catch (error) {
    if (error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError')) throw new TransportError('network', 'the answer took too long');
    throw new TransportError(response.ok ? 'protocol' : 'http', `the server answered ${response.status} without a Roster body`, response.status);
  }
  const refused = refusalOf(json, response.status);
  if (refused !== null) throw refused;
  const data = typeof json === 'object' && json !== null && 'ok' in json && json.ok === true && 'data' in json ? json.data : undefined;
  const answer = data === undefined ? { ok: false as const, problem: null } : read(data);
  if (!answer.ok || !response.ok) {
    const problem = answer.ok || answer.problem === null ? '' : ` (${answer.problem})`;
    // The path without its query: the message goes to the sync log.
    throw new TransportError('protocol', `the server's answer to ${path.split('?', 1)[0] ?? path} is not what this Roster expects${problem}`, response.status);
  }
  return answer.value;
}
