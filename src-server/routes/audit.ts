import { z } from 'zod';
import type { FastifyInstance } from 'fastify';
import { orgAuditEntrySchema, orgAuditPageSchema } from '../../src-shared/org-wire';
import { API_PREFIX } from '../../src-shared/wire';
import type { Executor } from '../db/tx';
import { apiRoute } from '../plugins/zod-routes';
import { ACTOR_TYPES, SERVER_AUDIT_ACTIONS, verifyChain } from '../services/audit';
import type { ServerContext } from '../services/context';

const isoTimestamp = z.iso.datetime({ offset: true });

/** The shared entry, its actor type and action narrowed to what this server records. */
export const auditEntrySchema = orgAuditEntrySchema.extend({ actorType: z.enum(ACTOR_TYPES), action: z.enum(SERVER_AUDIT_ACTIONS) });
export type AuditEntry = z.infer<typeof auditEntrySchema>;

export const AUDIT_PAGE_MAX = 500;

const filterSchema = z.object({
  /** Who: an account id or an email (exact, any case). */
  who: z.string().trim().min(1).max(254).optional(),
  action: z.enum(SERVER_AUDIT_ACTIONS, { error: `action must be one of ${SERVER_AUDIT_ACTIONS.join(', ')}.` }).optional(),
  profileId: z.uuid({ error: 'profileId must be a profile id (a UUID).' }).optional(),
  from: isoTimestamp.optional(),
  to: isoTimestamp.optional(),
});

const pageSchema = filterSchema.extend({
  /** The `next` of the previous page: entries older than it. */
  before: z.coerce.number().int().min(1).optional(),
  limit: z.coerce.number().int().min(1).max(AUDIT_PAGE_MAX).default(100),
});

type Filter = z.output<typeof filterSchema>;

const toIso = (value: string): string => new Date(value).toISOString();

function query(db: Executor, organisationId: string, filter: Filter) {
  let q = db.selectFrom('audit_log').selectAll().where('organisation_id', '=', organisationId);
  if (filter.who !== undefined) {
    const who = filter.who;
    q = who.includes('@') ? q.where('actor_email', '=', who.toLowerCase()) : q.where('actor_account_id', '=', who);
  }
  if (filter.action !== undefined) q = q.where('action', '=', filter.action);
  if (filter.profileId !== undefined) q = q.where('profile_id', '=', filter.profileId);
  if (filter.from !== undefined) q = q.where('at', '>=', toIso(filter.from));
  if (filter.to !== undefined) q = q.where('at', '<', toIso(filter.to));
  return q;
}

type Row = Awaited<ReturnType<ReturnType<typeof query>['execute']>>[number];

function toEntry(row: Row): AuditEntry {
  let details: Record<string, unknown> = {};
  try {
    const parsed: unknown = JSON.parse(row.details);
    if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) details = parsed as Record<string, unknown>;
  } catch {
    details = {};
  }
  return {
    seq: row.seq,
    at: row.at,
    actorType: (ACTOR_TYPES as readonly string[]).includes(row.actor_type) ? (row.actor_type as AuditEntry['actorType']) : 'system',
    actorAccountId: row.actor_account_id,
    actorEmail: row.actor_email,
    action: row.action as AuditEntry['action'],
    targetType: row.target_type,
    targetId: row.target_id,
    profileId: row.profile_id,
    details,
    ip: row.ip,
    client: row.client,
  };
}

/** A CSV field: quoted when needed, and a leading = + - @ defused (a spreadsheet would run it as a formula). */
const csvField = (value: string | number | null): string => {
  if (value === null) return '';
  let text = String(value);
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n;]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
};

const CSV_COLUMNS = ['seq', 'at', 'actor_type', 'actor_email', 'actor_account_id', 'action', 'target_type', 'target_id', 'profile_id', 'details', 'ip', 'client'] as const;

export function auditRoutes(app: FastifyInstance, ctx: ServerContext): void {
  apiRoute(app, {
    method: 'GET',
    url: `${API_PREFIX}/audit`,
    summary: 'The organisation’s audit log, newest first: filter by who (account id or email), action, profile and period; page with `before`',
    tags: ['audit'],
    access: 'read',
    querystring: pageSchema,
    response: orgAuditPageSchema.extend({ entries: z.array(auditEntrySchema) }),
    handler: async ({ query: q, actor }) => {
      let rows = query(ctx.db, actor.organisationId, q);
      if (q.before !== undefined) rows = rows.where('seq', '<', q.before);
      const page = await rows.orderBy('seq', 'desc').limit(q.limit + 1).execute();
      const entries = page.slice(0, q.limit).map(toEntry);
      const last = entries.at(-1);
      return { entries, next: page.length > q.limit && last !== undefined ? last.seq : null };
    },
  });

  apiRoute(app, {
    method: 'GET',
    url: `${API_PREFIX}/audit/verify`,
    summary: 'Checks the organisation’s audit chain: every entry’s hash and its link to the one before; names the first that does not hold',
    tags: ['audit'],
    access: 'read',
    response: z.object({
      ok: z.boolean(),
      checked: z.int(),
      broken: z.object({ seq: z.int(), id: z.string(), at: z.string(), action: z.string(), reason: z.string() }).nullable(),
      startsAt: z.int().nullable(),
    }),
    handler: async ({ actor }) => verifyChain(ctx.db, actor.organisationId),
  });

  // CSV is not a Result envelope: declared directly, with the same access word and filters.
  app.route({
    method: 'GET',
    url: `${API_PREFIX}/audit.csv`,
    schema: { summary: 'The audit log as CSV (UTF-8 with BOM), oldest first, with the same filters', tags: ['audit'], security: [{ bearer: [] }], produces: ['text/csv'] },
    config: { access: 'read' },
    handler: async (request, reply) => {
      const parsed = filterSchema.safeParse(request.query);
      if (!parsed.success) {
        const message = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
        return reply.status(400).send({ ok: false, error: { code: 'VALIDATION_FAILED', message } });
      }
      const actor = request.actor;
      if (actor === null) throw new Error('auth hook did not run');
      const rows = await query(ctx.db, actor.organisationId, parsed.data).orderBy('seq').execute();
      const lines = [CSV_COLUMNS.join(',')];
      for (const r of rows) lines.push([r.seq, r.at, r.actor_type, r.actor_email, r.actor_account_id, r.action, r.target_type, r.target_id, r.profile_id, r.details, r.ip, r.client].map(csvField).join(','));
      return reply
        .status(200)
        .headers({ 'content-type': 'text/csv; charset=utf-8', 'content-disposition': 'attachment; filename="roster-audit.csv"', 'cache-control': 'no-store' })
        .send(`\uFEFF${lines.join('\r\n')}\r\n`);
    },
  });
}
