import { regexes } from 'zod/v4/core';
import { LANGUAGES } from './languages';
import type { Language } from './languages';
import { PROFILE_SOURCES, PROFILE_STATUSES } from './profile';
import type { Profile, ProfileSource, ProfileStatus } from './profile';
import { MAIL_DELIVERY_STATES } from './mail-delivery';
import type { InvitationDelivery, MailDelivery } from './mail-delivery';
import { CURSOR_PATTERN } from './wire';
import { ATTRIBUTE_LIMITS, CATALOGUE_KINDS } from './attributes';
import type { CatalogueEntry, CatalogueKind, Grants } from './attributes';
import type { Change, PullResponse } from './wire';
import { assignmentRuleSchema } from './assignment-rules';

/**
 * The pull answer's check on the console's hot path: the rules of
 * `pullResponseSchema` written out by hand (with zod's own patterns for ids
 * and times), answering what that schema answers. A first sync checks
 * 100,000 rows, and zod's general machinery (a parser per object, a copy of
 * it, the issues it keeps) made that about a fifth of the sync. A test holds
 * the two to the same answers on generated pages, valid and broken.
 *
 * Like zod's objects, it leaves keys it does not know out of what it returns
 * (a newer server may send more), and refuses the first value that breaks a
 * rule, naming where it is.
 */
export class PullShapeError extends Error {
  constructor(
    readonly path: string,
    problem: string,
  ) {
    super(`${path === '' ? 'the answer' : path}: ${problem}`);
    this.name = 'PullShapeError';
  }
}

const UUID = regexes.uuid();
const TIMESTAMP = regexes.datetime({ offset: true });
const LANGUAGE_SET: ReadonlySet<string> = new Set(LANGUAGES);
const STATUS_SET: ReadonlySet<string> = new Set(PROFILE_STATUSES);
const SOURCE_SET: ReadonlySet<string> = new Set(PROFILE_SOURCES);
const DELIVERY_SET: ReadonlySet<string> = new Set(MAIL_DELIVERY_STATES);
const KIND_SET: ReadonlySet<string> = new Set(CATALOGUE_KINDS);
/** Most grants a profile may carry (grantsSchema's limit). */
const MAX_GRANTS = 3 * ATTRIBUTE_LIMITS.entriesPerProfile + 4;

type Fields = Record<string, unknown>;

const at = (path: string, key: string): string => (path === '' ? key : `${path}.${key}`);

const isObject = (value: unknown): value is Fields => typeof value === 'object' && value !== null && !Array.isArray(value);

function object(value: unknown, path: string): Fields {
  if (!isObject(value)) throw new PullShapeError(path, 'expected an object');
  return value;
}

function string(fields: Fields, key: string, path: string): string {
  const value = fields[key];
  if (typeof value !== 'string') throw new PullShapeError(at(path, key), 'expected a string');
  return value;
}

function nullableString(fields: Fields, key: string, path: string): string | null {
  const value = fields[key];
  if (value === null) return null;
  if (typeof value !== 'string') throw new PullShapeError(at(path, key), 'expected a string or null');
  return value;
}

function matching(fields: Fields, key: string, pattern: RegExp, what: string, path: string): string {
  const value = string(fields, key, path);
  if (!pattern.test(value)) throw new PullShapeError(at(path, key), `not ${what}`);
  return value;
}

function timestampOrNull(fields: Fields, key: string, path: string): string | null {
  if (fields[key] === null) return null;
  return matching(fields, key, TIMESTAMP, 'an ISO date-time', path);
}

function version(fields: Fields, path: string): number {
  const value = fields.version;
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 1) throw new PullShapeError(at(path, 'version'), 'expected an integer of at least 1');
  return value;
}

function tags(fields: Fields, path: string): string[] {
  const value = fields.tags;
  if (!Array.isArray(value)) throw new PullShapeError(at(path, 'tags'), 'expected an array');
  for (let i = 0; i < value.length; i++) {
    if (typeof value[i] !== 'string') throw new PullShapeError(`${at(path, 'tags')}[${i}]`, 'expected a string');
  }
  return value as string[];
}

/** A list of entry ids; left out (a server from before attributes): none. */
function entryIds(fields: Fields, key: string, path: string): string[] {
  const value = fields[key];
  if (value === undefined) return [];
  if (!Array.isArray(value)) throw new PullShapeError(at(path, key), 'expected an array');
  if (value.length > ATTRIBUTE_LIMITS.entriesPerProfile) throw new PullShapeError(at(path, key), `expected at most ${ATTRIBUTE_LIMITS.entriesPerProfile} items`);
  for (let i = 0; i < value.length; i++) {
    const id: unknown = value[i];
    if (typeof id !== 'string' || !UUID.test(id)) throw new PullShapeError(`${at(path, key)}[${i}]`, 'not a UUID');
  }
  return value as string[];
}

/** One entry id or null; left out: null. */
function entryIdOrNull(fields: Fields, key: string, path: string): string | null {
  const value = fields[key];
  if (value === undefined || value === null) return null;
  if (typeof value !== 'string' || !UUID.test(value)) throw new PullShapeError(at(path, key), 'not a UUID');
  return value;
}

/** Which rule gave each value: grant key → rule id; left out: none. */
function grants(fields: Fields, path: string): Grants {
  const value = fields.grants;
  if (value === undefined) return {};
  if (!isObject(value)) throw new PullShapeError(at(path, 'grants'), 'expected an object');
  const out: Grants = {};
  const keys = Object.keys(value);
  for (const key of keys) {
    const rule = value[key];
    if (key.length > 200) throw new PullShapeError(at(path, 'grants'), 'a key longer than 200 characters');
    if (typeof rule !== 'string' || !UUID.test(rule)) throw new PullShapeError(`${at(path, 'grants')}.${key}`, 'not a UUID');
    out[key] = rule;
  }
  if (keys.length > MAX_GRANTS) throw new PullShapeError(at(path, 'grants'), 'too many grants');
  return out;
}

function profile(value: unknown, path: string): Profile {
  const f = object(value, path);
  const language = string(f, 'language', path);
  if (!LANGUAGE_SET.has(language)) throw new PullShapeError(at(path, 'language'), `expected one of ${LANGUAGES.join(', ')}`);
  const status = string(f, 'status', path);
  if (!STATUS_SET.has(status)) throw new PullShapeError(at(path, 'status'), `expected one of ${PROFILE_STATUSES.join(', ')}`);
  return {
    id: matching(f, 'id', UUID, 'a UUID', path),
    firstName: string(f, 'firstName', path),
    lastName: string(f, 'lastName', path),
    email: string(f, 'email', path),
    phone: nullableString(f, 'phone', path),
    tags: tags(f, path),
    externalId: nullableString(f, 'externalId', path),
    // A server from before usernames sends none.
    username: f.username === undefined ? null : nullableString(f, 'username', path),
    language: language as Language,
    accessRights: entryIds(f, 'accessRights', path),
    department: entryIdOrNull(f, 'department', path),
    jobProfile: entryIdOrNull(f, 'jobProfile', path),
    permissionType: entryIdOrNull(f, 'permissionType', path),
    userGroup: entryIdOrNull(f, 'userGroup', path),
    paymentMethods: entryIds(f, 'paymentMethods', path),
    licences: entryIds(f, 'licences', path),
    grants: grants(f, path),
    status: status as ProfileStatus,
    invitedAt: timestampOrNull(f, 'invitedAt', path),
    invitationExpiresAt: timestampOrNull(f, 'invitationExpiresAt', path),
    confirmedAt: timestampOrNull(f, 'confirmedAt', path),
    version: version(f, path),
    createdAt: matching(f, 'createdAt', TIMESTAMP, 'an ISO date-time', path),
    updatedAt: matching(f, 'updatedAt', TIMESTAMP, 'an ISO date-time', path),
    // Absent from a server before SCIM, and while the profile is active: absent here too, as the schema reads it.
    ...(f.deactivatedAt === undefined ? {} : { deactivatedAt: timestampOrNull(f, 'deactivatedAt', path) }),
    // Absent from a server before sources (0110): the replica keeps its own (console).
    ...(f.source === undefined ? {} : { source: profileSource(f, path) }),
  };
}

function profileSource(f: Fields, path: string): ProfileSource {
  const source = string(f, 'source', path);
  if (!SOURCE_SET.has(source)) throw new PullShapeError(at(path, 'source'), `expected one of ${PROFILE_SOURCES.join(', ')}`);
  return source as ProfileSource;
}

function delivery(value: unknown, path: string): InvitationDelivery {
  const f = object(value, path);
  const state = string(f, 'state', path);
  if (!DELIVERY_SET.has(state)) throw new PullShapeError(at(path, 'state'), `expected one of ${MAIL_DELIVERY_STATES.join(', ')}`);
  return {
    mailId: matching(f, 'mailId', UUID, 'a UUID', path),
    state: state as MailDelivery,
    reason: nullableString(f, 'reason', path),
    lastAttemptAt: timestampOrNull(f, 'lastAttemptAt', path),
    nextAttemptAt: timestampOrNull(f, 'nextAttemptAt', path),
    retryUntil: timestampOrNull(f, 'retryUntil', path),
  };
}

/** A whole number (a safe integer) of at least `min`, or null where `nullable`. */
function integer(fields: Fields, key: string, min: number, path: string): number {
  const value = fields[key];
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min) throw new PullShapeError(at(path, key), `expected an integer of at least ${min}`);
  return value;
}

function entry(value: unknown, path: string): CatalogueEntry {
  const f = object(value, path);
  const kind = string(f, 'kind', path);
  if (!KIND_SET.has(kind)) throw new PullShapeError(at(path, 'kind'), `expected one of ${CATALOGUE_KINDS.join(', ')}`);
  return {
    id: matching(f, 'id', UUID, 'a UUID', path),
    kind: kind as CatalogueKind,
    code: string(f, 'code', path),
    name: string(f, 'name', path),
    description: string(f, 'description', path),
    seats: f.seats === null ? null : integer(f, 'seats', 0, path),
    version: integer(f, 'version', 1, path),
    createdAt: matching(f, 'createdAt', TIMESTAMP, 'an ISO date-time', path),
    updatedAt: matching(f, 'updatedAt', TIMESTAMP, 'an ISO date-time', path),
  };
}

function change(value: unknown, path: string): Change {
  const f = object(value, path);
  if (f.op === 'upsert') {
    const row = profile(f.profile, at(path, 'profile'));
    // Left out by a server older than the delivery state: absent here too.
    if (f.delivery === undefined) return { op: 'upsert', profile: row };
    return { op: 'upsert', profile: row, delivery: f.delivery === null ? null : delivery(f.delivery, at(path, 'delivery')) };
  }
  if (f.op === 'delete') return { op: 'delete', id: matching(f, 'id', UUID, 'a UUID', path), version: version(f, path) };
  if (f.op === 'entry') {
    const item = entry(f.entry, at(path, 'entry'));
    if (typeof f.deleted !== 'boolean') throw new PullShapeError(at(path, 'deleted'), 'expected a boolean');
    return { op: 'entry', entry: item, deleted: f.deleted };
  }
  if (f.op === 'rule') {
    // A few hundred at most, never on the hot path: the schema's own check.
    const parsed = assignmentRuleSchema.safeParse(f.rule);
    if (!parsed.success) throw new PullShapeError(at(at(path, 'rule'), parsed.error.issues[0]?.path.join('.') ?? ''), parsed.error.issues[0]?.message ?? 'expected a rule');
    if (typeof f.deleted !== 'boolean') throw new PullShapeError(at(path, 'deleted'), 'expected a boolean');
    return { op: 'rule', rule: parsed.data, deleted: f.deleted };
  }
  throw new PullShapeError(at(path, 'op'), "expected 'upsert', 'delete', 'entry' or 'rule'");
}

/** A pull answer's data, checked; throws PullShapeError naming the first value that breaks a rule. */
export function readPullResponse(value: unknown): PullResponse {
  const f = object(value, '');
  const list = f.changes;
  if (!Array.isArray(list)) throw new PullShapeError('changes', 'expected an array');
  const changes = new Array<Change>(list.length);
  for (let i = 0; i < list.length; i++) changes[i] = change(list[i], `changes[${i}]`);
  const cursor = matching(f, 'cursor', CURSOR_PATTERN, 'a cursor', '');
  if (typeof f.hasMore !== 'boolean') throw new PullShapeError('hasMore', 'expected a boolean');
  return { changes, cursor, hasMore: f.hasMore, serverTime: matching(f, 'serverTime', TIMESTAMP, 'an ISO date-time', '') };
}
