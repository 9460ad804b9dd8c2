import type { TestOrg, TestServer } from './roster-server';

/** A SCIM answer: status, headers, and the body read as JSON whatever its media type (null: empty). */
export interface ScimResult<T = Record<string, unknown>> {
  status: number;
  headers: Headers;
  body: T;
}

export interface ScimList<T = ScimUserBody> {
  schemas: string[];
  totalResults: number;
  startIndex: number;
  itemsPerPage: number;
  Resources: T[];
}

export interface ScimUserBody {
  id: string;
  userName: string;
  externalId?: string;
  name?: { givenName: string; familyName: string };
  emails?: { value: string; type: string; primary: boolean }[];
  phoneNumbers?: { value: string }[];
  active?: boolean;
  preferredLanguage?: string;
  groups?: { value: string; display: string }[];
  meta: { resourceType: string; created: string; lastModified: string; location: string; version: string };
  [key: string]: unknown;
}

export interface ScimErrorBody {
  schemas: string[];
  status: string;
  scimType?: string;
  detail: string;
}

export const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
export const PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
export const ERROR_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:Error';

export type Scim = <T = Record<string, unknown>>(method: string, path: string, options?: { body?: unknown; raw?: string; headers?: Record<string, string>; token?: string }) => Promise<ScimResult<T>>;

/** Requests to /scim/v2 with a SCIM token, bodies sent as application/scim+json as identity providers send them. */
export function scimClient(t: TestServer, token: string): Scim {
  // eslint-disable-next-line @typescript-eslint/no-unnecessary-type-parameters -- the caller names the body's shape, as TestServer.request does
  return async <T,>(method: string, path: string, options: { body?: unknown; raw?: string; headers?: Record<string, string>; token?: string } = {}) => {
    const headers: Record<string, string> = { authorization: `Bearer ${options.token ?? token}`, ...options.headers };
    const body = options.raw ?? (options.body === undefined ? undefined : JSON.stringify(options.body));
    if (body !== undefined) headers['content-type'] ??= 'application/scim+json';
    const response = await fetch(`${t.url}/scim/v2${path}`, { method, headers, ...(body === undefined ? {} : { body }) });
    const text = await response.text();
    return { status: response.status, headers: response.headers, body: (text === '' ? null : JSON.parse(text)) as T };
  };
}

interface Ok<T> {
  ok: true;
  data: T;
}

/** A SCIM token of the organisation, made through the admin API. */
export async function scimToken(t: TestServer, org: TestOrg, name: string): Promise<{ id: string; token: string }> {
  const res = await t.request<Ok<{ id: string; token: string }>>('POST', '/api/v1/scim-tokens', { token: org.token, body: { name } });
  if (res.status !== 200) throw new Error(`token: ${res.text}`);
  return res.body.data;
}

/** A catalogue entry of the organisation (a department, a user group). */
export async function catalogueEntry(t: TestServer, org: TestOrg, kind: 'department' | 'userGroup', code: string, name: string): Promise<string> {
  const res = await t.request<Ok<{ id: string }>>('POST', '/api/v1/catalogues', { token: org.token, body: { kind, draft: { code, name } } });
  if (res.status !== 200) throw new Error(`entry: ${res.text}`);
  return res.body.data.id;
}

/** Okta's create request (its SCIM 2.0 reference), for one person. */
export const oktaUser = (email: string, externalId: string, given = 'Test', family = 'User') => ({
  schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
  userName: email,
  name: { givenName: given, familyName: family },
  emails: [{ primary: true, value: email, type: 'work' }],
  displayName: `${given} ${family}`,
  locale: 'en-US',
  externalId,
  groups: [],
  password: '1mz050nq',
  active: true,
});
