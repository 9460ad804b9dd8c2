import { createHash } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { CatalogueEntryRow } from '../db/schema';
import { getEntry, liveEntries } from '../services/catalogue-reads';
import { createEntry, deleteEntry } from '../services/catalogues';
import { sourceOf } from '../services/audit';
import { scimActor } from '../services/scim-tokens';
import type { ServerContext } from '../services/context';
import { applyProfileChanges } from '../services/profile-apply';
import type { ProfileOutcome } from '../services/profile-outcomes';
import { callerOf, scimBase } from './caller';
import { applyPatch, patchOperations } from './patch';
import { ScimError, URN } from './protocol';
import { compileFilter, listQuery, paging, projector, sortResources } from './query';
import { GROUP_PATHS } from './schemas';
import { whoOf } from './users';

/**
 * Groups: the user groups of the organisation's catalogue (kind
 * `userGroup`); a group's members are the profiles holding it. A profile
 * holds one user group, so adding it to a group moves it out of its other.
 */

type Json = Record<string, unknown>;
const isRecord = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);

interface Member {
  id: string;
  first_name: string;
  last_name: string;
  email: string;
}

async function membersOf(ctx: ServerContext, organisationId: string): Promise<Map<string, Member[]>> {
  const rows = await ctx.db
    .selectFrom('profiles')
    .select(['id', 'first_name', 'last_name', 'email', 'user_group'])
    .where('organisation_id', '=', organisationId)
    .where('deleted', '=', 0)
    .where('user_group', 'is not', null)
    .orderBy('id')
    .execute();
  const out = new Map<string, Member[]>();
  for (const r of rows) {
    if (r.user_group === null) continue;
    const list = out.get(r.user_group) ?? [];
    list.push(r);
    out.set(r.user_group, list);
  }
  return out;
}

function toGroup(entry: CatalogueEntryRow, members: readonly Member[], base: string): Json {
  // The entry's version and who is in it: a member added or removed gives a new ETag.
  const digest = createHash('sha256').update(members.map((m) => m.id).join(',')).digest('hex').slice(0, 12);
  return {
    schemas: [URN.group],
    id: entry.id,
    displayName: entry.name,
    members: members.map((m) => ({ value: m.id, display: [m.first_name, m.last_name].filter((s) => s !== '').join(' ') || m.email, $ref: `${base}/Users/${m.id}` })),
    meta: { resourceType: 'Group', created: entry.created_at, lastModified: entry.updated_at, location: `${base}/Groups/${entry.id}`, version: `W/"${entry.version}-${digest}"` },
  };
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

async function liveGroup(ctx: ServerContext, request: FastifyRequest, id: string): Promise<CatalogueEntryRow> {
  const entry = UUID.test(id) ? await getEntry(ctx.db, callerOf(request).organisationId, id.toLowerCase()) : undefined;
  if (entry === undefined || entry.deleted !== 0 || entry.kind !== 'userGroup') throw new ScimError(404, `No Group ${id}.`);
  return entry;
}

/** The member ids a Group body lists. */
function memberIds(group: Json): string[] {
  const members = group.members;
  if (members === undefined || members === null) return [];
  if (!Array.isArray(members)) throw new ScimError(400, 'members is a list of {"value": "<User id>"}.', 'invalidValue');
  return [
    ...new Set(
      members.map((m) => {
        if (!isRecord(m) || typeof m.value !== 'string') throw new ScimError(400, 'members is a list of {"value": "<User id>"}.', 'invalidValue');
        return m.value.toLowerCase();
      }),
    ),
  ];
}

/**
 * Makes the group's members exactly `wanted`: profiles joining it get the
 * user group (leaving their other), profiles leaving it get none. A name
 * change is refused: a user group is renamed in Roster.
 */
async function setMembers(ctx: ServerContext, request: FastifyRequest, entry: CatalogueEntryRow, result: Json): Promise<void> {
  const caller = callerOf(request);
  if (typeof result.displayName === 'string' && result.displayName !== entry.name) {
    throw new ScimError(400, `A user group is renamed in Roster, not through SCIM (it is "${entry.name}").`, 'mutability');
  }
  const wanted = memberIds(result);
  const current = (await membersOf(ctx, caller.organisationId)).get(entry.id)?.map((m) => m.id) ?? [];
  const joining = wanted.filter((id) => !current.includes(id));
  const leaving = current.filter((id) => !wanted.includes(id));
  if (joining.length === 0 && leaving.length === 0) return;
  const invalid = joining.find((id) => !UUID.test(id));
  if (invalid !== undefined) throw new ScimError(400, `No User ${invalid}.`, 'invalidValue');
  await applyProfileChanges(ctx, caller.organisationId, whoOf(request), { ids: [...joining, ...leaving], emails: [], externalIds: [] }, (batch) => {
    const out: { id: string; outcome: ProfileOutcome }[] = [];
    for (const id of [...joining, ...leaving]) {
      const row = batch.rows.get(id);
      if (row === undefined || row.deleted !== 0) throw new ScimError(400, `No User ${id}.`, 'invalidValue');
      const userGroup = joining.includes(id) ? entry.id : null;
      out.push({ id, outcome: batch.update(id, row.version, { userGroup }, { userGroup: row.user_group }) });
    }
    return out;
  });
}

/** A free catalogue code made of the group's name (`Night shift` → `Night-shift`, then `Night-shift-2`…). */
function codeFor(name: string, taken: readonly string[]): string {
  const slug = name.replace(/[^A-Za-z0-9_.-]+/g, '-').replace(/^[^A-Za-z0-9]+/, '').replace(/-+$/, '').slice(0, 40) || 'GROUP';
  const used = new Set(taken.map((c) => c.toLowerCase()));
  for (let n = 1; ; n++) {
    const code = n === 1 ? slug : `${slug}-${n}`;
    if (!used.has(code.toLowerCase())) return code;
  }
}

export function groupRoutes(scope: FastifyInstance, ctx: ServerContext): void {
  const writer = (request: FastifyRequest) => ({ organisationId: callerOf(request).organisationId, auditActor: scimActor(callerOf(request)) });

  const one = async (request: FastifyRequest, entry: CatalogueEntryRow): Promise<Json> => {
    const members = (await membersOf(ctx, callerOf(request).organisationId)).get(entry.id) ?? [];
    return toGroup(entry, members, scimBase(ctx));
  };

  scope.get('/Groups', async (request) => {
    const caller = callerOf(request);
    const q = listQuery(request.query);
    const test = q.filter === undefined || q.filter.trim() === '' ? null : compileFilter(q.filter, GROUP_PATHS, URN.group);
    const { startIndex, count } = paging(q);
    const project = projector(q, GROUP_PATHS, URN.group);
    const entries = await ctx.db
      .selectFrom('catalogue_entries')
      .selectAll()
      .where('organisation_id', '=', caller.organisationId)
      .where('kind', '=', 'userGroup')
      .where('deleted', '=', 0)
      .orderBy('created_at')
      .orderBy('id')
      .execute();
    const members = await membersOf(ctx, caller.organisationId);
    const base = scimBase(ctx);
    const groups = entries.map((e) => toGroup(e, members.get(e.id) ?? [], base));
    const matching = test === null ? groups : groups.filter(test);
    sortResources(matching, q, GROUP_PATHS, URN.group);
    const page = matching.slice(startIndex - 1, startIndex - 1 + count);
    return { schemas: [URN.listResponse], totalResults: matching.length, startIndex, itemsPerPage: page.length, Resources: page.map(project) };
  });

  scope.get<{ Params: { id: string } }>('/Groups/:id', async (request, reply) => {
    const group = await one(request, await liveGroup(ctx, request, request.params.id));
    void reply.header('ETag', (group.meta as { version: string }).version);
    return projector(listQuery(request.query), GROUP_PATHS, URN.group)(group);
  });

  scope.patch<{ Params: { id: string } }>('/Groups/:id', async (request, reply) => {
    const entry = await liveGroup(ctx, request, request.params.id);
    const operations = patchOperations(request.body, URN.group);
    await setMembers(ctx, request, entry, applyPatch(await one(request, entry), operations));
    const group = await one(request, entry);
    void reply.header('ETag', (group.meta as { version: string }).version);
    return group;
  });

  scope.post('/Groups', async (request, reply) => {
    const caller = callerOf(request);
    const body = request.body;
    if (!isRecord(body) || typeof body.displayName !== 'string' || body.displayName.trim() === '') throw new ScimError(400, 'A Group needs a displayName.', 'invalidValue');
    const name = body.displayName.trim();
    const groups = await liveEntries(ctx.db, caller.organisationId, 'userGroup');
    if (groups.some((g) => g.name.toLowerCase() === name.toLowerCase())) throw new ScimError(409, `A user group named "${name}" already exists.`, 'uniqueness');
    const entry = await createEntry(ctx, writer(request), { kind: 'userGroup', draft: { code: codeFor(name, groups.map((g) => g.code)), name } }, sourceOf(request));
    const row = await getEntry(ctx.db, caller.organisationId, entry.id);
    if (row === undefined) throw new ScimError(500, 'The new group is missing.');
    if (memberIds(body).length > 0) await setMembers(ctx, request, row, body);
    const group = await one(request, row);
    const meta = group.meta as { version: string; location: string };
    void reply.status(201).header('ETag', meta.version).header('Location', meta.location);
    return group;
  });

  scope.delete<{ Params: { id: string } }>('/Groups/:id', async (request, reply) => {
    const entry = await liveGroup(ctx, request, request.params.id);
    // Its members lose the user group; a rule that gives it refuses the deletion (409).
    await deleteEntry(ctx, writer(request), entry.id, { removeFromProfiles: true }, sourceOf(request));
    return reply.status(204).send();
  });

  scope.put<{ Params: { id: string } }>('/Groups/:id', async (request, reply) => {
    const entry = await liveGroup(ctx, request, request.params.id);
    if (!isRecord(request.body)) throw new ScimError(400, 'The request body must be a Group JSON object.', 'invalidSyntax');
    await setMembers(ctx, request, entry, request.body);
    const group = await one(request, entry);
    void reply.header('ETag', (group.meta as { version: string }).version);
    return group;
  });
}
