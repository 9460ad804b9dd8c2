import { z } from 'zod';
import { TransportError } from '../core/sync/ports';
import type { ImportSourcesTransport, OrgConnection, OrgTransport } from '../core/org/ports';
import { IMPORT_SOURCES_PATH, importRunListSchema, importRunSchema, importSourceListSchema, importSourceSchema } from '../../src-shared/import-sources-wire';
import type { AuditFilter } from '../../src-shared/contract/org';
import { accountSessionSchema, adminInvitationRevokedSchema, adminRemovedSchema, forgotPasswordAnswerSchema, orgAdminInvitationSchema, orgAdminListSchema, orgAdminSchema, orgAuditPageSchema, orgSettingsSchema, passwordChangedSchema, sessionEndedSchema, signedOutEverywhereSchema } from '../../src-shared/org-wire';
import { API_PREFIX } from '../../src-shared/wire';
import { createdScimTokenSchema, SCIM_TOKENS_PATH, scimTokenListSchema, scimTokenSchema } from '../../src-shared/scim-wire';
import { ssoSettingsSchema, ssoTestResultSchema } from '../../src-shared/sso-wire';
import { signupLinksSchema, signupSettingsSchema } from '../../src-shared/signup-wire';
import { readAnswer, refusalOf, schemaReader, sendToServer } from './server-http';

export interface OrgTransportOptions {
  /** Per request. */
  timeoutMs?: number;
  fetch?: typeof fetch;
}

/** The filters as the server's query string (only those given). */
function filterQuery(filter: AuditFilter, extra: Record<string, string | number | undefined> = {}): string {
  const params = new URLSearchParams();
  const entries: [string, string | number | undefined][] = Object.entries({ ...filter, ...extra });
  for (const [key, value] of entries) {
    if (value !== undefined) params.set(key, typeof value === 'number' ? value.toString() : value);
  }
  const text = params.toString();
  return text === '' ? '' : `?${text}`;
}

/** One JSON request to the server, its answer checked against the schema. */
const jsonCaller =
  (doFetch: typeof fetch, timeoutMs: number) =>
  async <T extends z.ZodType>(c: { serverUrl: string; token: string | null }, method: string, path: string, schema: T, body?: unknown): Promise<z.output<T>> => {
    const response = await sendToServer(doFetch, timeoutMs, { serverUrl: c.serverUrl, method, path, token: c.token, body });
    return readAnswer(response, path, schemaReader(schema));
  };

/** A CSV the server sends (not a Result envelope): its text with a BOM, or the server's refusal. */
async function csvAnswer(doFetch: typeof fetch, timeoutMs: number, c: OrgConnection, path: string): Promise<string> {
  const response = await sendToServer(doFetch, timeoutMs, { serverUrl: c.serverUrl, method: 'GET', path, token: c.token, accept: 'text/csv, application/json' });
  let text: string;
  try {
    text = await response.text();
  } catch (error) {
    throw new TransportError('network', error instanceof Error ? error.message : String(error));
  }
  const type = response.headers.get('content-type') ?? '';
  if (response.ok && type.startsWith('text/csv')) return text.startsWith('\uFEFF') ? text : `\uFEFF${text}`;
  let json: unknown = null;
  try {
    json = JSON.parse(text);
  } catch {
    json = null;
  }
  throw refusalOf(json, response.status) ?? new TransportError(response.ok ? 'protocol' : 'http', `the server answered ${response.status} without the CSV`, response.status);
}

/** The Roster server's organisation, admin, audit and account API over HTTP(S), every answer checked. */
export function createOrgTransport(options: OrgTransportOptions = {}): OrgTransport {
  const timeoutMs = options.timeoutMs ?? 30_000;
  const doFetch = options.fetch ?? fetch;

  const call = jsonCaller(doFetch, timeoutMs);

  const at = (path: string): string => `${API_PREFIX}${path}`;
  const id = encodeURIComponent;
  const csv = (c: OrgConnection, path: string): Promise<string> => csvAnswer(doFetch, timeoutMs, c, path);

  return {
    admins: (c) => call(c, 'GET', at('/admins'), orgAdminListSchema),
    inviteAdmin: (c, input) => call(c, 'POST', at('/admins/invitations'), orgAdminInvitationSchema, input),
    setRole: (c, accountId, newRole) => call(c, 'PATCH', at(`/admins/${id(accountId)}`), orgAdminSchema, { role: newRole }),
    removeAdmin: async (c, accountId) => {
      await call(c, 'DELETE', at(`/admins/${id(accountId)}`), adminRemovedSchema);
    },
    cancelInvitation: async (c, invitation) => {
      await call(c, 'DELETE', at(`/admins/invitations/${id(invitation)}`), adminInvitationRevokedSchema);
    },
    settings: (c) => call(c, 'GET', at('/organisation'), orgSettingsSchema),
    saveSettings: (c, change) => call(c, 'PATCH', at('/organisation'), orgSettingsSchema, change),
    audit: (c, q) => call(c, 'GET', at(`/audit${filterQuery(q.filter, { before: q.before, limit: q.limit })}`), orgAuditPageSchema),
    auditCsv: (c, filter) => csv(c, at(`/audit.csv${filterQuery(filter)}`)),
    scimTokens: async (c) => (await call(c, 'GET', SCIM_TOKENS_PATH, scimTokenListSchema)).tokens,
    createScimToken: (c, name) => call(c, 'POST', SCIM_TOKENS_PATH, createdScimTokenSchema, { name }),
    revokeScimToken: (c, token) => call(c, 'DELETE', `${SCIM_TOKENS_PATH}/${id(token)}`, scimTokenSchema),
    changePassword: (c, input) => call(c, 'POST', at('/account/password'), passwordChangedSchema, input),
    forgotPassword: async (serverUrl, email) => {
      await call({ serverUrl, token: null }, 'POST', at('/account/forgot-password'), forgotPasswordAnswerSchema, { email });
    },
    sessions: (c) => call(c, 'GET', at('/account/sessions'), z.array(accountSessionSchema)),
    endSession: async (c, session) => {
      await call(c, 'DELETE', at(`/account/sessions/${id(session)}`), sessionEndedSchema);
    },
    signOutEverywhere: (c) => call(c, 'POST', at('/account/sign-out-everywhere'), signedOutEverywhereSchema, {}),
    sso: (c) => call(c, 'GET', at('/sso'), ssoSettingsSchema),
    saveSso: (c, change) => call(c, 'PUT', at('/sso'), ssoSettingsSchema, change),
    testSso: (c, issuer) => call(c, 'POST', at('/sso/test'), ssoTestResultSchema, issuer === undefined ? {} : { issuer }),
    signup: (c) => call(c, 'GET', at('/signup'), signupSettingsSchema),
    saveSignup: (c, change) => call(c, 'PUT', at('/signup'), signupSettingsSchema, change),
    signupLinks: (c) => call(c, 'GET', at('/signup/links'), signupLinksSchema),
  };
}

/** The organisation's import sources over HTTP(S), every answer checked. */
export function createImportSourcesTransport(options: OrgTransportOptions = {}): ImportSourcesTransport {
  const timeoutMs = options.timeoutMs ?? 30_000;
  const doFetch = options.fetch ?? fetch;
  const call = jsonCaller(doFetch, timeoutMs);
  const at = (...parts: string[]): string => [IMPORT_SOURCES_PATH, ...parts.map(encodeURIComponent)].join('/');
  return {
    list: async (c) => (await call(c, 'GET', IMPORT_SOURCES_PATH, importSourceListSchema)).sources,
    create: (c, draft) => call(c, 'POST', IMPORT_SOURCES_PATH, importSourceSchema, draft),
    update: (c, source, draft) => call(c, 'PUT', at(source), importSourceSchema, draft),
    remove: async (c, source) => {
      await call(c, 'DELETE', at(source), z.object({ id: z.string() }));
    },
    run: (c, source) => call(c, 'POST', `${at(source)}/run`, importRunSchema, {}),
    runs: async (c, source) => (await call(c, 'GET', `${at(source)}/runs`, importRunListSchema)).runs,
    confirmDeactivation: (c, source, run) => call(c, 'POST', `${at(source, 'runs', run)}/confirm-deactivation`, importRunSchema, {}),
    rejectedCsv: (c, source, run) => csvAnswer(doFetch, timeoutMs, c, `${at(source, 'runs', run)}/rejected.csv`),
  };
}
