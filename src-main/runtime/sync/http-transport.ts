import type { z } from 'zod';
import { TransportError } from '../../core/sync/ports';
import type { CatalogueTransport, OrganisationSwitchTransport, SyncTransport } from '../../core/sync/ports';
import type { OrganisationReader } from '../../core/sync/org-defaults';
import { ROSTER_VERSION } from '../version';
import { catalogueEntrySchema } from '../../../src-shared/attributes';
import {
  CATALOGUES_PATH,
  SYNC_ENDPOINTS,
  catalogueListSchema,
  cataloguePath,
  checkResponseSchema,
  deleteEntryResponseSchema,
  pushResponseSchema,
  retryMailPath,
  retryMailResponseSchema,
  errorResultSchema,
  signInResponseSchema,
} from '../../../src-shared/wire';
import type { PullResponse } from '../../../src-shared/wire';
import { PullShapeError, readPullResponse } from '../../../src-shared/pull-reader';

export interface HttpTransportOptions {
  /** Per request. */
  timeoutMs?: number;
  fetch?: typeof fetch;
}

/** Checks an answer's data: the value, or what is wrong with it. */
type Reader<T> = (data: unknown) => { ok: true; value: T } | { ok: false; problem: string | null };

/** A shared schema as a reader. */
function schemaReader<T extends z.ZodType>(schema: T): Reader<z.output<T>> {
  return (data) => {
    const result = schema.safeParse(data);
    if (result.success) return { ok: true, value: result.data };
    // The first problem, where it is (as the pull reader says it).
    const issue = result.error.issues[0];
    const at = issue?.path.map((key) => (typeof key === 'number' ? `[${key}]` : `.${String(key)}`)).join('').replace(/^\./, '') ?? '';
    return { ok: false, problem: issue === undefined ? null : `${at === '' ? 'the answer' : at}: ${issue.message}` };
  };
}

/** Pull pages carry most of a sync's rows: checked by the hand-written reader that answers what pullResponseSchema answers. */
const pullReader: Reader<PullResponse> = (data) => {
  try {
    return { ok: true, value: readPullResponse(data) };
  } catch (error) {
    if (error instanceof PullShapeError) return { ok: false, problem: error.message };
    throw error;
  }
};

/** The Roster server's sync API over HTTP(S), every answer checked against the shared schemas. */
export function createHttpTransport(options: HttpTransportOptions = {}): SyncTransport & OrganisationSwitchTransport & OrganisationReader & CatalogueTransport {
  const timeoutMs = options.timeoutMs ?? 30_000;
  const doFetch = options.fetch ?? fetch;

  async function call<T>(serverUrl: string, method: string, path: string, read: Reader<T>, token: string | null, body?: unknown): Promise<T> {
    // The console names itself: the server's audit log says which client made a change.
    const headers: Record<string, string> = { Accept: 'application/json', 'User-Agent': `Roster-Console/${ROSTER_VERSION}`, 'X-Roster-Client': `Roster console ${ROSTER_VERSION}` };
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
      if (failure.success) throw new TransportError('http', failure.data.error.message, response.status, failure.data.error.code, failure.data.error.details);
    }
    const data = typeof json === 'object' && json !== null && 'ok' in json && json.ok === true && 'data' in json ? json.data : undefined;
    const answer = data === undefined ? { ok: false as const, problem: null } : read(data);
    if (!answer.ok || !response.ok) {
      const problem = answer.ok || answer.problem === null ? '' : ` (${answer.problem})`;
      // The path without its query: the message goes to the sync log.
      throw new TransportError('protocol', `the server's answer to ${path.split('?', 1)[0] ?? path} is not what this Roster expects${problem}`, response.status);
    }
    return answer.value;
  }

  return {
    signIn: (url, request) => call(url, 'POST', SYNC_ENDPOINTS.signIn.path, schemaReader(signInResponseSchema), null, request),
    organisationDefaults: async (url, token) => {
      const found = await call(url, 'GET', SYNC_ENDPOINTS.organisation.path, schemaReader(SYNC_ENDPOINTS.organisation.response), token);
      return { language: found.defaultLanguage, phoneCountry: found.defaultPhoneCountry, requiredAttributes: found.requiredAttributes };
    },
    switchOrganisation: (url, token, organisationId) =>
      call(url, 'POST', SYNC_ENDPOINTS.switchOrganisation.path, schemaReader(signInResponseSchema), token, { organisationId }),
    signOut: async (url, token) => {
      await call(url, 'POST', SYNC_ENDPOINTS.signOut.path, schemaReader(SYNC_ENDPOINTS.signOut.response), token, {});
    },
    push: (url, token, request) => call(url, 'POST', SYNC_ENDPOINTS.push.path, schemaReader(pushResponseSchema), token, request),
    pull: (url, token, cursor, limit) =>
      // This console keeps the catalogues: the feed carries their entries too.
      call(url, 'GET', `${SYNC_ENDPOINTS.pull.path}?cursor=${encodeURIComponent(cursor)}&limit=${limit}&include=entries`, pullReader, token),
    check: (url, token, cursor) => call(url, 'GET', `${SYNC_ENDPOINTS.check.path}?cursor=${encodeURIComponent(cursor)}`, schemaReader(checkResponseSchema), token),
    retryMail: (url, token, mailId) => call(url, 'POST', retryMailPath(mailId), schemaReader(retryMailResponseSchema), token, {}),
    catalogues: (url, token) => call(url, 'GET', CATALOGUES_PATH, schemaReader(catalogueListSchema), token),
    createEntry: (url, token, request) => call(url, 'POST', CATALOGUES_PATH, schemaReader(catalogueEntrySchema), token, request),
    updateEntry: (url, token, id, request) => call(url, 'PATCH', cataloguePath(id), schemaReader(catalogueEntrySchema), token, request),
    deleteEntry: (url, token, id, query) => {
      const params = new URLSearchParams();
      if (query.baseVersion !== undefined) params.set('baseVersion', String(query.baseVersion));
      if (query.replaceWith !== undefined) params.set('replaceWith', query.replaceWith);
      if (query.removeFromProfiles === true) params.set('removeFromProfiles', 'true');
      const search = params.toString();
      return call(url, 'DELETE', `${cataloguePath(id)}${search === '' ? '' : `?${search}`}`, schemaReader(deleteEntryResponseSchema), token);
    },
  };
}
