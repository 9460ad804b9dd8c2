import { prepared, uniqueValueClash } from './database';
import type { Db } from './database';
import { profilesRepo } from './profiles.repo';
import { rowToStored } from './profile-rows';
import { settingsRepo } from './settings.repo';
import { replicaIndexes } from './replica-indexes';
import { outboxRepo } from './outbox.repo';
import { deliveryRepo } from './delivery.repo';
import { catalogueChangesRepo, cataloguesRepo } from './catalogues.repo';
import { ruleChangesRepo, rulesRepo } from './rules.repo';
import type { ConflictRecord, StoredState, SyncState, SyncStorePort } from '../core/sync/ports';
import { stripForbiddenCharacters } from '../../src-shared/text-safety';
import type { InviteBatchRecord } from '../core/invitations/ports';
import type { ProfileRow } from './profile-rows';
import { storedMutation } from '../../src-shared/mutation';
import type { Mutation } from '../../src-shared/mutation';
import type { ConflictKind, InviteBatchStatus, SyncLogEntry, SyncText } from '../../src-shared/contract/sync';
import { INITIAL_CURSOR } from '../../src-shared/wire';
import { errorFromWire } from '../../src-shared/errors';
import type { ApiError, ErrorCode } from '../../src-shared/errors';
import { apiErrorSchema } from '../../src-shared/wire';
import { isRuleMessage } from '../../src-shared/messages';
import type { RuleMessage } from '../../src-shared/messages';

const STATE_KEY = 'sync.state';
/** SQLite's default: a commit that leaves the WAL longer than this copies it into the database file. */
const WAL_AUTOCHECKPOINT_PAGES = 1000;

const DEFAULT_STATE: SyncState = {
  serverUrl: null,
  clientId: null,
  cursor: INITIAL_CURSOR,
  lastSyncAt: null,
  lastError: null,
  workOffline: false,
  account: null,
  organisation: null,
  catalogues: false,
  rules: false,
};

interface ConflictRow {
  id: string;
  entity_id: string;
  kind: ConflictKind;
  code: ErrorCode | null;
  message: string;
  cause: string | null;
  base: string;
  mine: string | null;
  theirs: string | null;
  existing_id: string | null;
  created_at: string;
}

interface BatchRow {
  id: string;
  mutation_id: string;
  status: InviteBatchStatus;
  profile_ids: string;
  skipped_local: string;
  invited: string | null;
  skipped: string | null;
  error: string | null;
  error_cause: string | null;
  created_at: string;
  sent_at: string | null;
}

interface LogRow {
  at: string;
  level: SyncLogEntry['level'];
  message: string;
  rule: string | null;
  cause: string | null;
}

const parseJson = (text: string | null): unknown => {
  if (text === null) return null;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return null;
  }
};

/** A stored error, checked as one from the wire is (a file written by another build may hold anything). */
const storedError = (text: string | null): ApiError | null => {
  const parsed = apiErrorSchema.safeParse(parseJson(text));
  return parsed.success ? errorFromWire(parsed.data.code, parsed.data.message, parsed.data.details) : null;
};

const storedRule = (text: string | null): RuleMessage | null => {
  const parsed = parseJson(text);
  return isRuleMessage(parsed) ? parsed : null;
};

/** The last error as a console of this build stored it, or as older ones did (its English only). */
function storedLastError(value: unknown): SyncText | null {
  if (typeof value === 'string') return { message: value, rule: null, cause: null };
  if (typeof value !== 'object' || value === null || !('message' in value) || typeof value.message !== 'string') return null;
  const { rule, cause } = value as { rule?: unknown; cause?: unknown };
  const parsedCause = apiErrorSchema.safeParse(cause);
  return {
    message: value.message,
    rule: isRuleMessage(rule) ? rule : null,
    cause: parsedCause.success ? errorFromWire(parsedCause.data.code, parsedCause.data.message, parsedCause.data.details) : null,
  };
}

const toLogEntry = (r: LogRow): SyncLogEntry => ({ at: r.at, level: r.level, message: r.message, rule: storedRule(r.rule), cause: storedError(r.cause) });


const toConflict = (r: ConflictRow): ConflictRecord => ({
  id: r.id,
  entityId: r.entity_id,
  kind: r.kind,
  code: r.code,
  message: r.message,
  cause: storedError(r.cause),
  base: JSON.parse(r.base) as ConflictRecord['base'],
  mine: r.mine === null ? null : (JSON.parse(r.mine) as ConflictRecord['mine']),
  theirs: r.theirs === null ? null : (JSON.parse(r.theirs) as ConflictRecord['theirs']),
  holderId: r.existing_id,
  createdAt: r.created_at,
});

const toBatch = (r: BatchRow): InviteBatchRecord => ({
  id: r.id,
  mutationId: r.mutation_id,
  status: r.status,
  profileIds: JSON.parse(r.profile_ids) as string[],
  skippedLocal: JSON.parse(r.skipped_local) as InviteBatchRecord['skippedLocal'],
  invited: r.invited === null ? null : (JSON.parse(r.invited) as string[]),
  skipped: r.skipped === null ? null : (JSON.parse(r.skipped) as InviteBatchRecord['skipped']),
  error: r.error,
  errorCause: storedError(r.error_cause),
  createdAt: r.created_at,
  sentAt: r.sent_at,
});


/** The sync tables of the replica, bound to one open database. */
export function createSyncStore(db: Db): SyncStorePort {
  const outboxMutations = (where: string, limit: number, ...params: unknown[]): Mutation[] =>
    (
      prepared(db, `SELECT * FROM outbox WHERE ${where} ORDER BY seq LIMIT ?`).all(...params, limit) as {
        id: string;
        kind: Mutation['kind'];
        entity_id: string;
        base_version: number;
        payload: string;
        created_at: string;
      }[]
    ).map((r) => storedMutation({ id: r.id, kind: r.kind, entityId: r.entity_id, baseVersion: r.base_version, payload: JSON.parse(r.payload), createdAt: r.created_at }));

  /** The rows a query over a list of ids answers (the list goes in as one JSON parameter); none for no ids. */
  const rowsFor = <T>(sql: string, ids: readonly string[]): T[] => (ids.length === 0 ? [] : (prepared(db, sql).all(JSON.stringify(ids)) as T[]));

  // Between beginBulkWrites and endBulkWrites, inserted rows leave their tags to the deferred build.
  let bulk = false;

  return {
    importsOf: (mutationIds) => {
      const rows = rowsFor<{ import_id: string; file_name: string; mutation_id: string }>(
        'SELECT i.import_id, m.file_name, i.mutation_id FROM import_items i JOIN imports m ON m.id = i.import_id WHERE i.mutation_id IN (SELECT value FROM json_each(?)) ORDER BY m.started_at, i.row_number',
        mutationIds,
      );
      const byImport = new Map<string, { id: string; fileName: string; mutationIds: string[] }>();
      for (const r of rows) {
        let entry = byImport.get(r.import_id);
        if (entry === undefined) {
          entry = { id: r.import_id, fileName: stripForbiddenCharacters(r.file_name).slice(0, 255), mutationIds: [] };
          byImport.set(r.import_id, entry);
        }
        entry.mutationIds.push(r.mutation_id);
      }
      return [...byImport.values()];
    },
    state: () => {
      const text = settingsRepo.get(db, STATE_KEY);
      if (text === undefined) return { ...DEFAULT_STATE };
      const stored = JSON.parse(text) as Partial<Omit<SyncState, 'lastError'>> & { lastError?: unknown };
      return { ...DEFAULT_STATE, ...stored, lastError: storedLastError(stored.lastError) };
    },
    saveState(patch) {
      const current = this.state();
      settingsRepo.set(db, STATE_KEY, JSON.stringify({ ...current, ...patch }));
    },

    sendable: (limit) => outboxMutations('entity_id NOT IN (SELECT entity_id FROM conflicts WHERE resolved_at IS NULL)', limit),
    mutationsFor: (entityId) => outboxMutations('entity_id = ?', -1, entityId),
    pendingEntityIds: () => new Set((prepared(db, 'SELECT DISTINCT entity_id AS id FROM outbox').all() as { id: string }[]).map((r) => r.id)),
    conflictEntityIds: () =>
      new Set((prepared(db, 'SELECT entity_id AS id FROM conflicts WHERE resolved_at IS NULL').all() as { id: string }[]).map((r) => r.id)),
    versions(ids) {
      const out = new Map<string, StoredState>();
      const rows = rowsFor<Pick<ProfileRow, 'id' | 'version' | 'deleted' | 'status' | 'invited_at' | 'invitation_expires_at' | 'confirmed_at' | 'deactivated_at'>>(
        'SELECT id, version, deleted, status, invited_at, invitation_expires_at, confirmed_at, deactivated_at FROM profiles WHERE id IN (SELECT value FROM json_each(?))',
        ids,
      );
      for (const r of rows) {
        out.set(r.id, {
          version: r.version,
          deleted: r.deleted === 1,
          status: r.status,
          invitedAt: r.invited_at,
          invitationExpiresAt: r.invitation_expires_at,
          confirmedAt: r.confirmed_at,
          deactivatedAt: r.deactivated_at,
        });
      }
      return out;
    },
    beginBulkWrites() {
      if (bulk) return;
      replicaIndexes.beginBulk(db);
      // The WAL is copied into the file by the index build's connection afterwards, not by each of these commits.
      this.holdCheckpoints();
      bulk = true;
    },
    endBulkWrites: () => {
      bulk = false;
    },
    resumeCheckpoints: () => {
      db.pragma(`wal_autocheckpoint = ${WAL_AUTOCHECKPOINT_PAGES}`);
    },
    holdCheckpoints: () => {
      db.pragma('wal_autocheckpoint = 0');
    },
    indexesPending: () => replicaIndexes.pending(db),
    profileRows: () => (prepared(db, 'SELECT count(*) AS n FROM profiles').get() as { n: number }).n,
    presentMutations: (ids) => new Set(rowsFor<{ id: string }>('SELECT id FROM outbox WHERE id IN (SELECT value FROM json_each(?))', ids).map((r) => r.id)),
    outboxCounts: (entityIds) =>
      new Map(
        rowsFor<{ id: string; n: number }>(
          'SELECT entity_id AS id, count(*) AS n FROM outbox WHERE entity_id IN (SELECT value FROM json_each(?)) GROUP BY entity_id',
          entityIds,
        ).map((r) => [r.id, r.n]),
      ),
    removeMutations(ids) {
      if (ids.length === 1) prepared(db, 'DELETE FROM outbox WHERE id = ?').run(ids[0]);
      else if (ids.length > 1) prepared(db, 'DELETE FROM outbox WHERE id IN (SELECT value FROM json_each(?))').run(JSON.stringify(ids));
    },
    rebaseMutations(entityId, from, to) {
      prepared(db, 'UPDATE outbox SET base_version = ? WHERE entity_id = ? AND base_version = ?').run(to, entityId, from);
    },
    waiting() {
      // A catalogue change made here goes with the same sync (before the outbox): it counts as a change waiting.
      const mutations = outboxRepo.count(db) + catalogueChangesRepo.queuedCount(db) + ruleChangesRepo.queuedCount(db);
      const invitations = (
        prepared(db, "SELECT coalesce(sum(json_array_length(profile_ids)), 0) AS n FROM invite_batches WHERE status IN ('queued', 'sending')").get() as { n: number }
      ).n;
      const blocked = (prepared(db, 'SELECT count(*) AS n FROM outbox WHERE entity_id IN (SELECT entity_id FROM conflicts WHERE resolved_at IS NULL)').get() as { n: number }).n;
      return { mutations, invitations, blocked };
    },

    selectionMembers: (selection, now) => profilesRepo.selectionMembers(db, selection, now),
    stored(id) {
      const row = prepared(db, 'SELECT * FROM profiles WHERE id = ?').get(id) as ProfileRow | undefined;
      return row === undefined ? undefined : rowToStored(row);
    },
    storedMany: (ids) => new Map(rowsFor<ProfileRow>('SELECT * FROM profiles WHERE id IN (SELECT value FROM json_each(?))', ids).map((r) => [r.id, rowToStored(r)])),
    tryPutProfile(profile, exists) {
      try {
        if (exists) {
          // A savepoint: a deleted row comes back as a delete and an insert, and a refused insert must not leave it gone.
          db.transaction(() => {
            this.putProfile(profile, true);
          })();
        } else {
          profilesRepo.insert(db, profile, !bulk);
        }
        return true;
      } catch (error) {
        if (uniqueValueClash(error) !== null) return false;
        throw error;
      }
    },
    putProfile(profile, exists) {
      if (exists === false) {
        profilesRepo.insert(db, profile, !bulk);
        return;
      }
      const existing = prepared(db, 'SELECT deleted FROM profiles WHERE id = ?').get(profile.id) as { deleted: number } | undefined;
      if (existing === undefined) {
        profilesRepo.insert(db, profile, !bulk);
        return;
      }
      if (existing.deleted === 1) {
        // The deleted row comes back with its new values in one step: its old email may belong to another profile by now.
        prepared(db, 'DELETE FROM profiles WHERE id = ?').run(profile.id);
        profilesRepo.insert(db, profile, !bulk);
        return;
      }
      profilesRepo.update(db, profile);
      // The server's row is here now: values set aside earlier are moot.
      prepared(db, 'UPDATE profiles SET parked_email = NULL, parked_external_id = NULL WHERE id = ? AND parked_email IS NOT NULL').run(profile.id);
    },
    setServerState(p) {
      prepared(
        db,
        // Only live rows come here; leaving deleted out of the SET spares every index that starts with it.
        `UPDATE profiles SET version = ?, status = ?, invited_at = ?, invitation_expires_at = ?, confirmed_at = ?, created_at = ?, updated_at = ?, deactivated_at = ?
         WHERE id = ? AND deleted = 0`,
      ).run(p.version, p.status, p.invitedAt, p.invitationExpiresAt, p.confirmedAt, p.createdAt, p.updatedAt, p.deactivatedAt ?? null, p.id);
    },
    removeProfile(id) {
      prepared(db, 'DELETE FROM profiles WHERE id = ?').run(id);
    },
    holderOf(email, externalId, exceptId) {
      // Two indexed lookups (an OR across both columns would scan the table).
      // No email ('') is nobody's: it clashes with no other profile without one.
      const byEmail = email === '' ? undefined : (prepared(db, 'SELECT id FROM profiles WHERE email = ? AND deleted = 0 AND id <> ? LIMIT 1').get(email, exceptId) as { id: string } | undefined);
      if (byEmail !== undefined || externalId === null) return byEmail?.id;
      const byExternal = prepared(db, 'SELECT id FROM profiles WHERE external_id = ? AND deleted = 0 AND id <> ? LIMIT 1').get(externalId, exceptId) as { id: string } | undefined;
      return byExternal?.id;
    },
    parkUniqueValues(id, remember) {
      // A row parked twice keeps what it had first.
      prepared(
        db,
        `UPDATE profiles SET
           parked_external_id = CASE WHEN parked_email IS NULL THEN ? ELSE parked_external_id END,
           parked_email = coalesce(parked_email, ?),
           email = 'parked+' || id || '@roster.invalid', external_id = NULL
         WHERE id = ?`,
      ).run(remember.externalId, remember.email, id);
    },
    unparkProfiles() {
      // Rows with changes waiting or a conflict open get their values back from the server's answer, not from here.
      // Only parked_email in the row filter: so SQLite walks the small partial index of parked rows, not a list index.
      const rows = prepared(
        db,
        `SELECT id, parked_email AS email, parked_external_id AS externalId, deleted FROM profiles
         WHERE parked_email IS NOT NULL
           AND id NOT IN (SELECT entity_id FROM outbox) AND id NOT IN (SELECT entity_id FROM conflicts WHERE resolved_at IS NULL)`,
      ).all() as { id: string; email: string; externalId: string | null; deleted: number }[];
      let restored = 0;
      for (const row of rows) {
        if (row.deleted === 1) continue;
        try {
          prepared(db, 'UPDATE profiles SET email = ?, external_id = ?, parked_email = NULL, parked_external_id = NULL WHERE id = ?').run(row.email, row.externalId, row.id);
          restored++;
        } catch (error) {
          if (uniqueValueClash(error) === null) throw error; // still taken here: it waits for the next sync
        }
      }
      return restored;
    },

    addConflict(c) {
      prepared(db, 
        `INSERT INTO conflicts (id, entity_id, kind, code, message, cause, base, mine, theirs, existing_id, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      ).run(
        c.id,
        c.entityId,
        c.kind,
        c.code,
        c.message,
        c.cause === null ? null : JSON.stringify(c.cause),
        JSON.stringify(c.base),
        c.mine === null ? null : JSON.stringify(c.mine),
        c.theirs === null ? null : JSON.stringify(c.theirs),
        c.holderId,
        c.createdAt,
      );
    },
    openConflicts: () => (prepared(db, 'SELECT * FROM conflicts WHERE resolved_at IS NULL ORDER BY created_at, id').all() as ConflictRow[]).map(toConflict),
    openConflictCount: () => (prepared(db, 'SELECT count(*) AS n FROM conflicts WHERE resolved_at IS NULL').get() as { n: number }).n,
    offlineDecisions: () => ({ catalogues: catalogueChangesRepo.decisionCount(db), rules: ruleChangesRepo.decisionCount(db) }),
    openConflict(id) {
      const row = prepared(db, 'SELECT * FROM conflicts WHERE id = ? AND resolved_at IS NULL').get(id) as ConflictRow | undefined;
      return row === undefined ? undefined : toConflict(row);
    },
    openConflictFor(entityId) {
      const row = prepared(db, 'SELECT * FROM conflicts WHERE entity_id = ? AND resolved_at IS NULL').get(entityId) as ConflictRow | undefined;
      return row === undefined ? undefined : toConflict(row);
    },
    closeConflict(id, resolution, at) {
      prepared(db, 'UPDATE conflicts SET resolved_at = ?, resolution = ? WHERE id = ?').run(at, resolution, id);
    },

    updateConflictTheirs(id, theirs) {
      db.prepare('UPDATE conflicts SET theirs = ? WHERE id = ?').run(JSON.stringify(theirs), id);
    },

    addBatch(b) {
      prepared(db, 
        `INSERT INTO invite_batches (id, mutation_id, status, profile_ids, skipped_local, invited, skipped, error, error_cause, created_at, sent_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      ).run(
        b.id,
        b.mutationId,
        b.status,
        JSON.stringify(b.profileIds),
        JSON.stringify(b.skippedLocal),
        b.invited === null ? null : JSON.stringify(b.invited),
        b.skipped === null ? null : JSON.stringify(b.skipped),
        b.error,
        b.errorCause === null ? null : JSON.stringify(b.errorCause),
        b.createdAt,
        b.sentAt,
      );
    },
    batch(id) {
      const row = prepared(db, 'SELECT * FROM invite_batches WHERE id = ?').get(id) as BatchRow | undefined;
      return row === undefined ? undefined : toBatch(row);
    },
    batchByMutation(mutationId) {
      const row = prepared(db, 'SELECT * FROM invite_batches WHERE mutation_id = ?').get(mutationId) as BatchRow | undefined;
      return row === undefined ? undefined : toBatch(row);
    },
    batches: (limit) => (prepared(db, 'SELECT * FROM invite_batches ORDER BY created_at DESC, id LIMIT ?').all(limit) as BatchRow[]).map(toBatch),
    updateBatch(id, patch) {
      const current = this.batch(id);
      if (current === undefined) return;
      const next = { ...current, ...patch };
      prepared(db, 'UPDATE invite_batches SET status = ?, invited = ?, skipped = ?, error = ?, error_cause = ?, sent_at = ? WHERE id = ?').run(
        next.status,
        next.invited === null ? null : JSON.stringify(next.invited),
        next.skipped === null ? null : JSON.stringify(next.skipped),
        next.error,
        next.errorCause === null ? null : JSON.stringify(next.errorCause),
        next.sentAt,
        id,
      );
    },

    log(entry: SyncLogEntry) {
      prepared(db, 'INSERT INTO sync_log (at, level, message, rule, cause) VALUES (?, ?, ?, ?, ?)').run(
        entry.at,
        entry.level,
        entry.message,
        entry.rule === null ? null : JSON.stringify(entry.rule),
        entry.cause === null ? null : JSON.stringify(entry.cause),
      );
      prepared(db, 'DELETE FROM sync_log WHERE seq <= (SELECT max(seq) - 2000 FROM sync_log)').run();
    },
    recentLog: (limit) => (prepared(db, 'SELECT at, level, message, rule, cause FROM sync_log ORDER BY seq DESC LIMIT ?').all(limit) as LogRow[]).map(toLogEntry),

    putEntry: (entry) => cataloguesRepo.put(db, entry),
    removeEntry: (id) => cataloguesRepo.remove(db, id),
    replaceEntries: (entries) => {
      prepared(db, 'DELETE FROM catalogue_entries').run();
      for (const entry of entries) cataloguesRepo.put(db, entry);
    },
    putRule: (rule) => rulesRepo.put(db, rule),
    removeRule: (id) => rulesRepo.remove(db, id),
    replaceRules: (rules) => rulesRepo.replace(db, rules),

    putDelivery: (profileId, delivery) => deliveryRepo.put(db, profileId, delivery),
    delivery: (profileId) => deliveryRepo.get(db, profileId),
    notDeliveredCount: () => deliveryRepo.notDeliveredCount(db),
    notDeliveredAmong: (profileIds) => deliveryRepo.notDeliveredAmong(db, profileIds),
  };
}
