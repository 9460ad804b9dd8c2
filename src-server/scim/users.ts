import { randomUUID } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { sql } from 'kysely';
import type { RawBuilder, SqlBool } from 'kysely';
import type { Filter } from 'scim2-parse-filter';
import { noAttributes } from '../../src-shared/attributes';
import type { Language } from '../../src-shared/languages';
import type { ProfileValues } from '../../src-shared/profile';
import { sameValue, VALUE_FIELDS } from '../../src-shared/profile-values';
import type { ValueChanges } from '../../src-shared/profile-values';
import type { ProfileRow } from '../db/schema';
import type { DialectName } from '../db/connect';
import { inReadSnapshot } from '../db/tx';
import type { Db, Executor } from '../db/tx';
import { sourceOf } from '../services/audit';
import { liveEntries } from '../services/catalogue-reads';
import type { ServerContext } from '../services/context';
import { emailPolicyOf, getOrganisation, toSettings } from '../services/organisations';
import type { AuditWho } from '../services/profile-audit';
import { applyProfileChange } from '../services/profile-apply';
import { noteUsernameNeeds, noUsernameNeeds } from '../services/profile-usernames';
import { checkValues } from '../services/profile-checks';
import { getProfile, rowValues, selectProfiles } from '../services/profile-rows';
import { scimActor } from '../services/scim-tokens';
import { callerOf, scimBase } from './caller';
import { applyPatch, patchOperations } from './patch';
import { etagOf, ifMatchHolds, ScimError, URN } from './protocol';
import { listQuery, paging, parseFilter, projector, sortResources, sortSpec, testerOf } from './query';
import type { ListQuery } from './query';
import { UserSql } from './user-filter-sql';
import { USER_PATHS } from './schemas';
import { fromScimUser, toScimUser } from './user-mapping';
import type { ScimCatalogue, ScimUser } from './user-mapping';

/** Users (RFC 7644 §3): the organisation's live profiles, written through the same checks, rules, audit and sync as every other write. */

export async function readCatalogue(db: Executor, organisationId: string): Promise<ScimCatalogue> {
  const entries = await liveEntries(db, organisationId);
  return { departments: entries.filter((e) => e.kind === 'department'), userGroups: entries.filter((e) => e.kind === 'userGroup') };
}

type Json = Record<string, unknown>;

/**
 * How a list was read: all in SQL (the page alone); filtered in SQL but
 * sorted in memory (every matching row); SQL narrowing the rows for a filter
 * tested in memory; or every profile tested in memory.
 */
export type ListMode = 'sql' | 'sorted' | 'narrowed' | 'memory';

/**
 * One page of the organisation's live Users for a list query. The filter and
 * sortBy go to SQL where they can (user-filter-sql.ts): then totalResults is
 * a count and only the page is read. A filter SQL cannot say exactly is
 * tested in memory, on the rows the SQL-able parts of a top-level `and`
 * leave; a sortBy on an attribute that is not a column sorts in memory.
 */
export async function listUsers(
  db: Db,
  dialect: DialectName,
  organisationId: string,
  q: ListQuery,
  { startIndex, count }: { startIndex: number; count: number },
  base: string,
): Promise<{ total: number; page: Json[]; mode: ListMode }> {
  const filter = q.filter === undefined || q.filter.trim() === '' ? null : parseFilter(q.filter, USER_PATHS, URN.user);
  const sort = sortSpec(q, USER_PATHS, URN.user);
  const toSql = new UserSql(dialect);
  let where: RawBuilder<SqlBool> | null = null;
  let inMemory: Filter | null = null;
  if (filter?.op === 'eq' && filter.attrPath.toLowerCase() === 'externalid' && typeof filter.compValue === 'string') {
    // The identity providers' usual look-up by externalId: exact, by its index, as it always was.
    where = sql<SqlBool>`(${sql.ref('profiles.external_id')} = ${filter.compValue})`;
  } else if (filter !== null) {
    where = toSql.where(filter);
    if (where === null) {
      inMemory = filter;
      const parts = filter.op === 'and' ? filter.filters.map((f) => toSql.where(f)).filter((p) => p !== null) : [];
      if (parts.length > 0) where = sql<SqlBool>`(${sql.join(parts, sql` and `)})`;
    }
  }
  const order = sort === null ? [] : toSql.orderBy(sort);
  return inReadSnapshot(db, async (trx) => {
    const catalogue = await readCatalogue(trx, organisationId);
    const live = selectProfiles(trx).where('profiles.organisation_id', '=', organisationId).where('profiles.deleted', '=', 0);
    const rows = where === null ? live : live.where(where);
    const toUser = (row: ProfileRow): Json => toScimUser(row, catalogue, base) as unknown as Json;
    if (inMemory === null && order !== null) {
      const counted = await rows.clearSelect().select((eb) => eb.fn.countAll<number | string | bigint>().as('n')).executeTakeFirstOrThrow();
      const total = Number(counted.n);
      if (count === 0 || startIndex > total) return { total, page: [], mode: 'sql' };
      const ordered = order.reduce((qb, term) => qb.orderBy(term), rows);
      const page = await ordered.orderBy('profiles.created_at').orderBy('profiles.id').offset(startIndex - 1).limit(count).execute();
      return { total, page: page.map(toUser), mode: 'sql' };
    }
    const users = (await rows.orderBy('profiles.created_at').orderBy('profiles.id').execute()).map(toUser);
    const matching = inMemory === null ? users : users.filter(testerOf(inMemory));
    sortResources(matching, q, USER_PATHS, URN.user);
    return { total: matching.length, page: matching.slice(startIndex - 1, startIndex - 1 + count), mode: inMemory === null ? 'sorted' : where === null ? 'memory' : 'narrowed' };
  });
}

export const whoOf = (request: FastifyRequest): AuditWho => ({ actor: scimActor(callerOf(request)), source: sourceOf(request), profileSource: 'scim' });

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A live profile of the caller's organisation, or 404. */
async function liveProfile(ctx: ServerContext, request: FastifyRequest, id: string): Promise<ProfileRow> {
  const row = UUID.test(id) ? await getProfile(ctx.db, callerOf(request).organisationId, id.toLowerCase()) : undefined;
  if (row === undefined || row.deleted !== 0) throw new ScimError(404, `No User ${id}.`);
  return row;
}

const blankValues = (language: Language): ProfileValues => ({ firstName: '', lastName: '', email: '', phone: null, tags: [], externalId: null, username: null, language, ...noAttributes(), grants: {} });

function sendUser(reply: FastifyReply, user: ScimUser, status = 200): ScimUser {
  void reply.status(status).header('ETag', user.meta.version);
  if (status === 201) void reply.header('Location', user.meta.location);
  return user;
}

/**
 * Creates (current null) or replaces a profile from a User body: the shared
 * checks first (a clear 400), then the same batch as every write.
 */
async function writeUser(ctx: ServerContext, request: FastifyRequest, id: string, current: ProfileRow | null, body: unknown): Promise<ScimUser> {
  const caller = callerOf(request);
  const org = await getOrganisation(ctx.db, caller.organisationId);
  const defaultLanguage = toSettings(org).defaultLanguage;
  const catalogue = await readCatalogue(ctx.db, caller.organisationId);
  const base = current === null ? blankValues(defaultLanguage) : rowValues(current);
  const write = fromScimUser(body, base, catalogue);
  // Who needs an email is the organisation's choice here too (a User without one needs a userName-made username and a mobile).
  const checked = checkValues(write.values, defaultLanguage, { emailPolicy: emailPolicyOf(org), usernameMade: current === null && org.username_format !== null });
  if (!checked.ok) {
    const problems = Object.entries(checked.fields).map(([field, message]) => `${field}: ${message}`);
    throw new ScimError(400, `The User breaks the profile rules. ${problems.join('; ')}`, 'invalidValue');
  }
  const values = checked.value;
  // A new profile without a username gets one from the organisation's format, like any other.
  const usernames = noUsernameNeeds();
  noteUsernameNeeds(usernames, values, current === null);
  const ids = { id, emails: [values.email], externalIds: values.externalId === null ? [] : [values.externalId], usernames };
  const row = await applyProfileChange(ctx, caller.organisationId, whoOf(request), ids, (batch) => {
    let outcome;
    if (current === null) outcome = batch.create(id, values);
    else {
      const fields = VALUE_FIELDS.filter((f) => f !== 'grants' && !sameValue(values[f], base[f]));
      const changes: ValueChanges = Object.fromEntries(fields.map((f) => [f, values[f]]));
      const was: ValueChanges = Object.fromEntries(fields.map((f) => [f, base[f]]));
      outcome = batch.update(id, current.version, changes, was);
    }
    if (outcome.kind !== 'applied' || write.active === null) return outcome;
    return batch.setActive(id, write.active);
  });
  if (row === null) throw new ScimError(500, 'The written profile is missing.');
  return toScimUser(row, catalogue, scimBase(ctx));
}

function checkIfMatch(request: FastifyRequest, row: ProfileRow): void {
  const header = request.headers['if-match'];
  if (!ifMatchHolds(typeof header === 'string' ? header : undefined, row.version)) throw new ScimError(412, `The User changed: its version is now ${etagOf(row.version)}.`);
}

export function userRoutes(scope: FastifyInstance, ctx: ServerContext): void {
  scope.get('/Users', async (request) => {
    const q = listQuery(request.query);
    const { startIndex, count } = paging(q);
    const project = projector(q, USER_PATHS, URN.user);
    const listed = await listUsers(ctx.db, ctx.dialect, callerOf(request).organisationId, q, { startIndex, count }, scimBase(ctx));
    return { schemas: [URN.listResponse], totalResults: listed.total, startIndex, itemsPerPage: listed.page.length, Resources: listed.page.map(project) };
  });

  scope.get<{ Params: { id: string } }>('/Users/:id', async (request, reply) => {
    const row = await liveProfile(ctx, request, request.params.id);
    const user = toScimUser(row, await readCatalogue(ctx.db, callerOf(request).organisationId), scimBase(ctx));
    void reply.header('ETag', user.meta.version);
    return projector(listQuery(request.query), USER_PATHS, URN.user)(user as unknown as Record<string, unknown>);
  });

  scope.post('/Users', async (request, reply) => sendUser(reply, await writeUser(ctx, request, randomUUID(), null, request.body), 201));

  scope.put<{ Params: { id: string } }>('/Users/:id', async (request, reply) => {
    const row = await liveProfile(ctx, request, request.params.id);
    checkIfMatch(request, row);
    return sendUser(reply, await writeUser(ctx, request, row.id, row, request.body));
  });

  scope.patch<{ Params: { id: string } }>('/Users/:id', async (request, reply) => {
    const row = await liveProfile(ctx, request, request.params.id);
    checkIfMatch(request, row);
    const operations = patchOperations(request.body, URN.user);
    const current = toScimUser(row, await readCatalogue(ctx.db, callerOf(request).organisationId), scimBase(ctx));
    const patched = applyPatch(current as unknown as Record<string, unknown>, operations);
    return sendUser(reply, await writeUser(ctx, request, row.id, row, patched));
  });

  scope.delete<{ Params: { id: string } }>('/Users/:id', async (request, reply) => {
    const row = await liveProfile(ctx, request, request.params.id);
    checkIfMatch(request, row);
    await applyProfileChange(ctx, callerOf(request).organisationId, whoOf(request), { id: row.id, emails: [], externalIds: [] }, (batch) => batch.delete(row.id, row.version));
    return reply.status(204).send();
  });
}
