import { ruleError } from '../../../src-shared/errors';
import type { AppError } from '../../../src-shared/errors';
import { rule } from '../../../src-shared/messages';
import type { RuleKey, RuleMessage } from '../../../src-shared/messages';
import { validateProfile } from '../../../src-shared/profile';
import type { IdentityOptions, Profile, ProfileValues } from '../../../src-shared/profile';
import { syncText } from '../../../src-shared/contract/sync';
import type { ConflictKind, ConflictResolution, ConflictView } from '../../../src-shared/contract/sync';
import type { ChangeSink, Clock, IdSource, ReplicaPort, StoredProfile } from '../ports';
import type { ConflictRecord, SyncStorePort } from './ports';
import { clearUniqueHolder, collectBase, logSync } from './local-rules';
import { toStored } from '../stored';
import { keepUnsaidAttributes, valuesOf } from '../../../src-shared/profile-values';
import { threeWayMerge } from './merge';
import { ATTRIBUTE_FIELDS } from '../../../src-shared/attributes';
import { assertUnique, queueCreate, queueDelete, queueUpdate } from '../profiles/writes';

export interface ConflictServiceDeps {
  replica: ReplicaPort;
  store: SyncStorePort;
  clock: Clock;
  ids: IdSource;
  events: ChangeSink;
  sync: { poke(): void };
  /** Who needs an email (as the server last said); everyone when not given. */
  identity?: () => IdentityOptions;
}

/** How many holders of a licence a no-seat conflict offers to free a seat from. */
const SEAT_HOLDERS_SHOWN = 200;

const NOT_ALLOWED = (kind: ConflictKind, resolution: ConflictResolution['kind']): AppError =>
  ruleError('VALIDATION_FAILED', rule('conflict_resolution_mismatch', { resolution, kind }));

/**
 * Conflicts waiting for a person, and what resolving them does. Every
 * resolution writes new mutations (or none, when the server's side is kept);
 * nothing is dropped without a person choosing it.
 */
const RESOLVED = {
  fields: 'sync_log_resolved_fields',
  link: 'sync_log_resolved_link',
  discard: 'sync_log_resolved_discard',
  restore: 'sync_log_resolved_restore',
  retry: 'sync_log_resolved_retry',
  release: 'sync_log_resolved_release',
} as const satisfies Record<ConflictResolution['kind'], RuleKey>;

/** The sync log's line for a conflict a person settled: how, and about whom (when a side still names them). */
function resolvedText(c: ConflictRecord, how: ConflictResolution['kind']): RuleMessage {
  const named = c.mine ?? c.theirs;
  return named === null ? rule('sync_log_resolved_unnamed', {}) : rule(RESOLVED[how], { name: `${named.firstName} ${named.lastName}` });
}

/** Every catalogue entry some values name. */
function entryIdsIn(values: Partial<ProfileValues>): string[] {
  const ids: string[] = [];
  for (const field of ATTRIBUTE_FIELDS) {
    const value = values[field];
    if (Array.isArray(value)) ids.push(...value);
    else if (typeof value === 'string') ids.push(value);
  }
  return ids;
}

export class ConflictService {
  constructor(private readonly deps: ConflictServiceDeps) {}

  list(): ConflictView[] {
    const names = new Map(this.deps.replica.catalogues.list().map((e) => [e.id, e.name]));
    return this.deps.store.openConflicts().map((c) => {
      const mine = this.currentMine(c);
      const base = this.baseOf(c);
      // A licence without a seat is the one thing a no-seat conflict asks about.
      const overlapping: ConflictView['overlapping'] =
        c.kind === 'no_seat' ? ['licences'] : mine !== null && c.theirs !== null ? threeWayMerge(base, mine, valuesOf(c.theirs)).overlapping : [];
      const entryNames: Record<string, string> = {};
      for (const side of [mine, c.theirs, base]) {
        if (side === null) continue;
        for (const id of entryIdsIn(side)) entryNames[id] = names.get(id) ?? id;
      }
      return {
        id: c.id,
        entityId: c.entityId,
        kind: c.kind,
        message: c.message,
        code: c.code,
        cause: c.cause,
        base,
        mine,
        theirs: c.theirs,
        overlapping,
        holderId: c.holderId,
        entryNames,
        seatHolders: c.kind === 'no_seat' ? this.seatHolders(c, mine) : [],
        createdAt: c.createdAt,
      };
    });
  }

  /** The licences my side holds and the server's row lacks, each with the other profiles here that hold it. */
  private seatHolders(c: ConflictRecord, mine: ProfileValues | null): ConflictView['seatHolders'] {
    const kept = new Set(c.theirs?.licences ?? []);
    return (mine?.licences ?? [])
      .filter((licence) => !kept.has(licence))
      .map((licence) => ({
        licence,
        holders: this.deps.replica.catalogues
          .licenceHolders(licence, SEAT_HOLDERS_SHOWN + 1)
          .filter((h) => h.id !== c.entityId)
          .slice(0, SEAT_HOLDERS_SHOWN)
          .map((h) => ({ id: h.id, name: `${h.firstName} ${h.lastName}` })),
      }));
  }

  resolve(id: string, resolution: ConflictResolution): void {
    const { replica, store } = this.deps;
    replica.transaction(() => {
      const c = store.openConflict(id);
      if (c === undefined) throw ruleError('NOT_FOUND', rule('conflict_already_resolved', {}));
      const mine = this.currentMine(c);
      const base = this.baseOf(c);
      // Edits made while the conflict waited are part of "mine": they are replaced by what the resolution writes.
      store.removeMutations(store.mutationsFor(c.entityId).map((m) => m.id));
      switch (c.kind) {
        case 'edit':
          this.resolveEdit(c, mine, base, resolution);
          break;
        case 'edit_deleted':
          this.resolveDeleted(c, mine, resolution);
          break;
        case 'create_taken':
          this.resolveTaken(c, mine, resolution);
          break;
        case 'rejected':
          this.resolveRejected(c, mine, base, resolution);
          break;
        case 'no_seat':
          this.resolveNoSeat(c, mine, resolution);
          break;
      }
      store.closeConflict(c.id, resolution.kind, this.now());
      logSync(this.deps, 'info', syncText(resolvedText(c, resolution.kind)));
    });
    this.deps.events.changed(['conflicts', 'profiles', 'outbox', 'sync']);
    this.deps.sync.poke();
  }

  // ------------------------------------------------------------ per kind

  private resolveEdit(c: ConflictRecord, mine: ProfileValues | null, base: Partial<ProfileValues>, r: ConflictResolution): void {
    const theirs = c.theirs;
    if (theirs === null) throw ruleError('INTERNAL', rule('conflict_no_server_side', {}));
    if (mine === null) {
      // I deleted it here; they changed it there.
      if (r.kind === 'discard') this.serverSide(theirs);
      else if (r.kind === 'retry') queueDelete(this.deps, c.entityId, theirs.version, this.now());
      else throw NOT_ALLOWED(c.kind, r.kind);
      return;
    }
    if (r.kind === 'discard') {
      this.serverSide(theirs);
      return;
    }
    if (r.kind !== 'fields') throw NOT_ALLOWED(c.kind, r.kind);
    const theirValues = valuesOf(theirs);
    const { merged } = threeWayMerge(base, mine, theirValues, r.choices);
    this.assertFree(merged, c.entityId);
    this.deps.store.putProfile(toStored(theirs, merged));
    queueUpdate(this.deps, c.entityId, theirs.version, theirValues, merged, this.now());
  }

  /**
   * The server applied my change without a licence that had no seat: keep
   * its row (the profile goes on without that licence), or send my values
   * again on top of it (once a seat is free: else the server answers the same).
   */
  private resolveNoSeat(c: ConflictRecord, mine: ProfileValues | null, r: ConflictResolution): void {
    const theirs = c.theirs;
    if (theirs === null) throw ruleError('INTERNAL', rule('conflict_no_server_side', {}));
    if (r.kind === 'discard') {
      this.serverSide(theirs);
      return;
    }
    if (r.kind === 'release') this.releaseSeat(r.licence, r.from, c.entityId);
    else if (r.kind !== 'retry') throw NOT_ALLOWED(c.kind, r.kind);
    if (mine === null) throw ruleError('VALIDATION_FAILED', rule('conflict_no_values', {}));
    const values = r.kind === 'retry' ? this.checked(r.draft, mine) : mine;
    this.assertFree(values, c.entityId);
    const theirValues = valuesOf(theirs);
    this.deps.store.putProfile(toStored(theirs, values));
    queueUpdate(this.deps, c.entityId, theirs.version, theirValues, values, this.now());
  }

  /** Takes a licence off another profile that holds it, queued before my retry so the server frees the seat first. */
  private releaseSeat(licence: string, from: string, self: string): void {
    const holder = from === self ? undefined : this.deps.store.stored(from);
    if (holder === undefined || holder.deleted || !holder.licences.includes(licence)) throw ruleError('VALIDATION_FAILED', rule('conflict_not_a_holder', {}));
    const before = valuesOf(holder);
    const after: ProfileValues = { ...before, licences: before.licences.filter((id) => id !== licence) };
    this.deps.store.putProfile({ ...holder, ...after, updatedAt: this.now() });
    queueUpdate(this.deps, holder.id, holder.version, before, after, this.now());
  }

  private resolveDeleted(c: ConflictRecord, mine: ProfileValues | null, r: ConflictResolution): void {
    const { store } = this.deps;
    if (r.kind === 'discard') {
      store.removeProfile(c.entityId);
      return;
    }
    if (r.kind !== 'restore') throw NOT_ALLOWED(c.kind, r.kind);
    if (mine === null) throw ruleError('VALIDATION_FAILED', rule('conflict_nothing_to_restore', {}));
    // The server keeps the deleted id retired: the profile comes back under a new one.
    store.removeProfile(c.entityId);
    this.createLocally(mine);
  }

  private resolveTaken(c: ConflictRecord, mine: ProfileValues | null, r: ConflictResolution): void {
    const { store } = this.deps;
    if (r.kind === 'discard') {
      store.removeProfile(c.entityId);
      return;
    }
    if (r.kind === 'link') {
      store.removeProfile(c.entityId);
      const existing = c.holderId === null ? undefined : store.stored(c.holderId);
      if (r.applyMine && mine !== null && existing !== undefined && !existing.deleted) {
        const before = valuesOf(existing);
        const after = { ...mine, email: before.email };
        this.assertFree(after, existing.id);
        store.putProfile({ ...existing, ...after, updatedAt: this.now() });
        queueUpdate(this.deps, existing.id, existing.version, before, after, this.now());
      }
      return;
    }
    if (r.kind !== 'retry') throw NOT_ALLOWED(c.kind, r.kind);
    const values = this.checked(r.draft, mine);
    this.assertFree(values, c.entityId);
    const existing = store.stored(c.entityId);
    store.putProfile(this.localRow(c.entityId, values, existing));
    queueCreate(this.deps, c.entityId, values, this.now());
  }

  private resolveRejected(c: ConflictRecord, mine: ProfileValues | null, base: Partial<ProfileValues>, r: ConflictResolution): void {
    const { store } = this.deps;
    const local = store.stored(c.entityId);
    if (r.kind === 'discard') {
      // The server's row, when one was pulled while this waited, is the server's side; else my values before the refused change.
      if (c.theirs !== null) this.serverSide(c.theirs);
      else if (local === undefined || local.version === 0) store.removeProfile(c.entityId);
      else if (mine !== null) {
        // The server still has the values from before the refused change: a local profile that took one of them since steps aside (as a pull does).
        const restored = { ...local, ...mine, ...base };
        clearUniqueHolder(this.deps, restored.id, restored.email, restored.externalId, restored);
        store.putProfile(restored);
      }
      return;
    }
    if (r.kind !== 'retry') throw NOT_ALLOWED(c.kind, r.kind);
    const values = this.checked(r.draft, mine);
    this.assertFree(values, c.entityId);
    store.putProfile(this.localRow(c.entityId, values, local));
    if (local === undefined || local.version === 0) queueCreate(this.deps, c.entityId, values, this.now());
    else queueUpdate(this.deps, c.entityId, local.version, { ...valuesOf(local), ...base }, values, this.now());
  }

  // ------------------------------------------------------------ helpers

  /** Keeps the server's row: a local profile holding its email or external ID steps aside first (as a pull does). */
  private serverSide(theirs: Profile): void {
    clearUniqueHolder(this.deps, theirs.id, theirs.email, theirs.externalId, theirs);
    this.deps.store.putProfile(toStored(theirs));
  }

  private now(): string {
    return this.deps.clock.now().toISOString();
  }

  /** My side as this console holds it now (it may have been edited since the conflict). */
  private currentMine(c: ConflictRecord): ProfileValues | null {
    const local = this.deps.store.stored(c.entityId);
    if (local !== undefined && !local.deleted) return valuesOf(local);
    return c.kind === 'edit' && local?.deleted === true ? null : c.mine;
  }

  /** The conflict's base, completed by the base of edits made while it waited. */
  private baseOf(c: ConflictRecord): Partial<ProfileValues> {
    return { ...collectBase(this.deps.store.mutationsFor(c.entityId)), ...c.base };
  }

  private checked(draft: Partial<Record<string, string | readonly string[]>> | undefined, mine: ProfileValues | null): ProfileValues {
    if (draft === undefined) {
      if (mine === null) throw ruleError('VALIDATION_FAILED', rule('conflict_no_values', {}));
      return mine;
    }
    const result = validateProfile(draft, { ...this.deps.identity?.(), usernameMade: false });
    if (!result.ok) throw ruleError('VALIDATION_FAILED', rule('some_fields_need_attention', {}), { fields: result.fields, fieldRules: result.rules });
    // The retry form gives who the person is; the attributes (and their grants) stay as my side has them.
    return mine === null ? result.value : keepUnsaidAttributes(mine, result.value, () => false);
  }

  /** The replica's own unique indexes must hold before anything is queued (the rule every local write keeps). */
  private assertFree(values: ProfileValues, selfId: string): void {
    assertUnique(this.deps.replica.profiles, values, selfId);
  }

  private localRow(id: string, values: ProfileValues, existing: (StoredProfile & { deleted: boolean }) | undefined): StoredProfile {
    const stamp = this.now();
    return {
      ...values,
      id,
      status: existing?.status ?? 'not_invited',
      invitedAt: existing?.invitedAt ?? null,
      invitationExpiresAt: existing?.invitationExpiresAt ?? null,
      confirmedAt: existing?.confirmedAt ?? null,
      version: existing?.version ?? 0,
      createdAt: existing?.createdAt ?? stamp,
      updatedAt: stamp,
    };
  }

  private createLocally(values: ProfileValues): void {
    const id = this.deps.ids.uuid();
    this.assertFree(values, id);
    this.deps.store.putProfile(this.localRow(id, values, undefined));
    queueCreate(this.deps, id, values, this.now());
  }
}
