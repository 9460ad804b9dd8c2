import { z } from 'zod';
import { TransportError } from '../core/sync/ports';
import type { OrgConnection, OrgTransport } from '../core/org/ports';
import type { AuditFilter, OrgAuditEntry } from '../../src-shared/contract/org';
import { LANGUAGES } from '../../src-shared/languages';
import { API_PREFIX, errorResultSchema, ROLES } from '../../src-shared/wire';
import { ROSTER_VERSION } from './version';

export interface OrgTransportOptions {
  /** Per request. */
  timeoutMs?: number;
  fetch?: typeof fetch;
}

const isoTimestamp = z.iso.datetime({ offset: true });
const role = z.enum(ROLES);

const adminSchema = z.object({ accountId: z.uuid(), email: z.string(), role, since: isoTimestamp });
const invitationSchema = z.object({ id: z.uuid(), email: z.string(), role, invitedAt: isoTimestamp, expiresAt: isoTimestamp, expired: z.boolean() });
const adminsSchema = z.object({ admins: z.array(adminSchema), invitations: z.array(invitationSchema) });
const settingsSchema = z.object({
  id: z.uuid(),
  name: z.string(),
  defaultLanguage: z.enum(LANGUAGES),
  invitationLifetimeDays: z.int(),
  appLinks: z.object({ ios: z.string().nullable(), android: z.string().nullable(), web: z.string().nullable() }),
  inviteOnCreate: z.boolean(),
  defaultPhoneCountry: z.string().nullable(),
  defaultPhoneCallingCode: z.string().nullable(),
  invitationsPerHour: z.int().min(0),
  invitationsPerHourIsDefault: z.boolean(),
  auditRetentionDays: z.int(),
  role,
});
// An action or actor type a newer server adds is kept as it comes: the console shows it as it is.
const auditEntrySchema = z.object({
  seq: z.int().min(1),
  at: isoTimestamp,
  actorType: z.string(),
  actorAccountId: z.string().nullable(),
  actorEmail: z.string().nullable(),
  action: z.string(),
  targetType: z.string().nullable(),
  targetId: z.string().nullable(),
  profileId: z.string().nullable(),
  details: z.record(z.string(), z.unknown()),
  ip: z.string().nullable(),
  client: z.string().nullable(),
}) satisfies z.ZodType<OrgAuditEntry>;
const auditPageSchema = z.object({ entries: z.array(auditEntrySchema), next: z.int().nullable() });
const sessionSchema = z.object({
  id: z.string(),
  organisationName: z.string(),
  createdAt: isoTimestamp,
  lastSeenAt: isoTimestamp,
  expiresAt: isoTimestamp,
  ip: z.string().nullable(),
  client: z.string().nullable(),
  current: z.boolean(),
});

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

/** The Roster server's organisation, admin, audit and account API over HTTP(S), every answer checked. */
export function createOrgTransport(options: OrgTransportOptions = {}): OrgTransport {
  const timeoutMs = options.timeoutMs ?? 30_000;
  const doFetch = options.fetch ?? fetch;

  async function send(serverUrl: string, method: string, path: string, token: string | null, body: unknown, accept: string): Promise<Response> {
    // The server's audit log names the console and its version as the client.
    const headers: Record<string, string> = { Accept: accept, 'User-Agent': `Roster-Console/${ROSTER_VERSION}`, 'X-Roster-Client': `Roster console ${ROSTER_VERSION}` };
    if (token !== null) headers.Authorization = `Bearer ${token}`;
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    try {
      return await doFetch(`${serverUrl}${path}`, { method, headers, body: body === undefined ? null : JSON.stringify(body), signal: AbortSignal.timeout(timeoutMs), redirect: 'error' });
    } catch (error) {
      const cause = error instanceof Error && error.cause instanceof Error ? error.cause.message : error instanceof Error ? error.message : String(error);
      throw new TransportError('network', cause);
    }
  }

  /** A Roster error envelope in this answer, as a TransportError; null when it is none. */
  function refusal(json: unknown, status: number): TransportError | null {
    const failure = errorResultSchema.safeParse(json);
    return failure.success ? new TransportError('http', failure.data.error.message, status, failure.data.error.code, failure.data.error.details) : null;
  }

  async function call<T extends z.ZodType>(c: { serverUrl: string; token: string | null }, method: string, path: string, schema: T, body?: unknown): Promise<z.output<T>> {
    const response = await send(c.serverUrl, method, path, c.token, body, 'application/json');
    let json: unknown;
    try {
      json = await response.json();
    } catch (error) {
      if (error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError')) throw new TransportError('network', 'the answer took too long');
      throw new TransportError(response.ok ? 'protocol' : 'http', `the server answered ${response.status} without a Roster body`, response.status);
    }
    const refused = refusal(json, response.status);
    if (refused !== null) throw refused;
    const data = typeof json === 'object' && json !== null && 'ok' in json && json.ok === true && 'data' in json ? json.data : undefined;
    const parsed = schema.safeParse(data);
    if (!response.ok || !parsed.success) {
      const issue = parsed.success ? undefined : parsed.error.issues[0];
      const where = issue === undefined ? '' : ` (${issue.path.join('.') || 'the answer'}: ${issue.message})`;
      throw new TransportError('protocol', `the server's answer to ${path.split('?', 1)[0] ?? path} is not what this Roster expects${where}`, response.status);
    }
    return parsed.data;
  }

  const at = (path: string): string => `${API_PREFIX}${path}`;
  const id = encodeURIComponent;

  return {
    admins: (c) => call(c, 'GET', at('/admins'), adminsSchema),
    inviteAdmin: (c, input) => call(c, 'POST', at('/admins/invitations'), invitationSchema, input),
    setRole: (c, accountId, newRole) => call(c, 'PATCH', at(`/admins/${id(accountId)}`), adminSchema, { role: newRole }),
    removeAdmin: async (c, accountId) => {
      await call(c, 'DELETE', at(`/admins/${id(accountId)}`), z.object({ removed: z.literal(true) }));
    },
    cancelInvitation: async (c, invitation) => {
      await call(c, 'DELETE', at(`/admins/invitations/${id(invitation)}`), z.object({ revoked: z.literal(true) }));
    },
    settings: (c) => call(c, 'GET', at('/organisation'), settingsSchema),
    saveSettings: (c, change) => call(c, 'PATCH', at('/organisation'), settingsSchema, change),
    audit: (c, q) => call(c, 'GET', at(`/audit${filterQuery(q.filter, { before: q.before, limit: q.limit })}`), auditPageSchema),
    auditCsv: async (c: OrgConnection, filter) => {
      const response = await send(c.serverUrl, 'GET', at(`/audit.csv${filterQuery(filter)}`), c.token, undefined, 'text/csv, application/json');
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
      throw refusal(json, response.status) ?? new TransportError(response.ok ? 'protocol' : 'http', `the server answered ${response.status} without the CSV`, response.status);
    },
    changePassword: (c, input) => call(c, 'POST', at('/account/password'), z.object({ otherSessionsEnded: z.int().min(0) }), input),
    forgotPassword: async (serverUrl, email) => {
      await call({ serverUrl, token: null }, 'POST', at('/account/forgot-password'), z.object({ message: z.string() }), { email });
    },
    sessions: (c) => call(c, 'GET', at('/account/sessions'), z.array(sessionSchema)),
    endSession: async (c, session) => {
      await call(c, 'DELETE', at(`/account/sessions/${id(session)}`), z.object({ ended: z.literal(true) }));
    },
    signOutEverywhere: (c) => call(c, 'POST', at('/account/sign-out-everywhere'), z.object({ ended: z.int().min(0) }), {}),
  };
}
