import { errorFromWire, holderIdOf } from '../../../src-shared/errors';
import type { ApiError } from '../../../src-shared/errors';
import { syncText } from '../../../src-shared/contract/sync';
import { englishText, rule } from '../../../src-shared/messages';
import type { RuleMessage } from '../../../src-shared/messages';
import type { Profile } from '../../../src-shared/profile';
import type { Mutation } from '../../../src-shared/mutation';
import type { PushResponse, PushResult } from '../../../src-shared/wire';
import { MAX_PUSH_MUTATIONS } from '../../../src-shared/wire';
import { TransportError } from './ports';
import { packPage, shapePage, startsBulkRun } from './push-bulk';
import { MAX_BULK_PROFILES } from '../../../src-shared/bulk-change';
import { sameValues } from '../../../src-shared/profile-values';
import { toStored } from '../stored';
import { collectBase, deletedThere, liveValues, logSync, openConflict, rebaseOnServer } from './local-rules';
import type { NewConflict, SyncPartDeps } from './local-rules';

export type PushDeps = SyncPartDeps;

/** The server's refusal of one change, as the console keeps it. */
const refusalOf = (r: Extract<PushResult, { status: 'rejected' }>): ApiError => errorFromWire(r.code, r.message, r.details);

/**
 * Pushes the outbox in order, in pages, and stores the server's answer to
 * each mutation: applied (the server's row and version come back), conflict
 * or rejected (a conflict for a person; the profile's later mutations wait
 * with it).
 */
export class OutboxPusher {
  private readonly inFlight = new Set<string>();

  constructor(
    private readonly deps: PushDeps,
    /** Mutations per push (at most the server's limit). */
    private readonly pageSize: number,
  ) {}

  /** Whether a mutation is being pushed right now (an invitation batch shows "sending"). */
  isInFlight(mutationId: string): boolean {
    return this.inFlight.has(mutationId);
  }

  async pushAll(serverUrl: string, token: string, clientId: string): Promise<void> {
    let page = Math.min(this.pageSize, MAX_PUSH_MUTATIONS);
    let bulkCap = MAX_BULK_PROFILES;
    const send = (batch: Mutation[]): Promise<PushResponse> | null => {
      if (batch.length === 0) return null;
      for (const m of batch) this.inFlight.add(m.id);
      if (batch.some((m) => m.kind === 'profile.invite')) this.deps.events.changed(['invites']);
      const imports = this.deps.store.importsOf(batch.map((m) => m.id));
      // A list action's edits go as bulk changes; the answer comes back as one result per edit.
      const packed = packPage(batch);
      const request = this.deps.transport
        .push(serverUrl, token, { clientId, mutations: packed.wire, ...(imports.length === 0 ? {} : { imports }) })
        .then((response) => ({ results: packed.unpack(response.results) }));
      request.catch(() => undefined); // awaited below; a failure surfaces there, not as an unhandled rejection
      return request;
    };
    const first = (): Mutation[] => independentPrefix(this.pageFrom([], page, bulkCap));
    let batch = first();
    let request = send(batch);
    try {
      while (request !== null) {
        let response;
        try {
          response = await request;
        } catch (error) {
          // A batch the server fails on as a whole (5xx) goes again in smaller pages, down to one mutation,
          // so one change the server cannot take does not hold back all the others.
          if (error instanceof TransportError && error.kind === 'http' && (error.status ?? 0) >= 500 && batch.length > 1) {
            this.inFlight.clear();
            page = Math.min(page, Math.ceil(batch.length / 2));
            bulkCap = Math.ceil(batch.length / 2);
            batch = first();
            request = send(batch);
            continue;
          }
          throw error;
        }
        const results = response.results;
        if (results.length !== batch.length) {
          throw new TransportError('protocol', `the server answered ${results.length} results for ${batch.length} changes`);
        }
        batch.forEach((m, i) => {
          if (results[i]?.mutationId !== m.id) throw new TransportError('protocol', 'the server answered out of order');
        });
        // The next batch goes out now, so the server works on it while this console stores these results.
        let next = this.nextBatch(page, bulkCap, batch);
        let nextRequest = send(next);
        this.applyPushResults(batch, results);
        for (const m of batch) this.inFlight.delete(m.id);
        this.deps.events.changed(['profiles', 'outbox', 'conflicts', 'invites']);
        if (nextRequest === null) {
          // Nothing could go ahead (what waits stands on these results): it can go now.
          next = first();
          nextRequest = send(next);
        }
        batch = next;
        request = nextRequest;
      }
    } finally {
      this.inFlight.clear();
    }
  }

  /**
   * The batch to send while the results of `unsettled` are being stored: the
   * oldest mutations after it, up to the first one of a profile that batch
   * touches (that one stands on a result not stored yet, and waits).
   */
  private nextBatch(page: number, bulkCap: number, unsettled: readonly Mutation[]): Mutation[] {
    const touched = new Set(unsettled.flatMap((m) => (m.kind === 'profile.invite' ? [] : [m.entityId])));
    const out: Mutation[] = [];
    for (const m of this.pageFrom(unsettled, page, bulkCap)) {
      if (m.kind !== 'profile.invite' && touched.has(m.entityId)) break;
      out.push(m);
    }
    return independentPrefix(out);
  }

  /**
   * The oldest mutations that can go, past those of `unsettled` (on their way
   * already), shaped into a page: up to `page` of them, or a run of one list
   * action's edits, up to `bulkCap`, that goes as bulk changes (push-bulk.ts).
   */
  private pageFrom(unsettled: readonly Mutation[], page: number, bulkCap: number): Mutation[] {
    const ids = new Set(unsettled.map((m) => m.id));
    const read = (limit: number): Mutation[] => this.deps.store.sendable(limit + ids.size).filter((m) => !ids.has(m.id));
    let candidates = read(page);
    // A run of a list action's edits is read whole (up to the cap), not a page at a time.
    if (startsBulkRun(candidates) && bulkCap > page) candidates = read(bulkCap);
    return shapePage(candidates, page, bulkCap);
  }

  /** Stores the server's answers to one batch, in one transaction. */
  private applyPushResults(batch: readonly Mutation[], results: readonly PushResult[]): void {
    const { store } = this.deps;
    this.deps.replica.transaction(() => {
      // Storing the batch before may have set some of these aside (a creation whose email the server gave to
      // another profile became a conflict): the server's answer about them must not open a second one.
      const present = store.presentMutations(batch.map((m) => m.id));
      const acknowledged = this.acknowledgePlain(batch, results, present);
      const settled = new Set<string>();
      const bases = new Map<string, number>();
      batch.forEach((m, i) => {
        const result = results[i];
        if (result === undefined || acknowledged.has(m.id)) return;
        if (settled.has(m.entityId) && m.kind !== 'profile.invite') return; // folded into that entity's conflict
        if (!present.has(m.id)) {
          this.settleWithdrawn(m, result);
          return;
        }
        if (!this.applyPushResult(m, result, bases)) settled.add(m.entityId);
      });
    });
  }

  /** The server's answer to a mutation this console withdrew while it was on its way. */
  private settleWithdrawn(m: Mutation, r: PushResult): void {
    if (r.status !== 'applied' || r.row === null) return; // refused there too: what was set aside stays as it is
    // The server took it after all: its row is the truth, and a conflict about it here is moot.
    const open = this.deps.store.openConflictFor(m.entityId);
    if (open !== undefined) {
      this.deps.store.closeConflict(open.id, 'superseded', this.deps.clock.now().toISOString());
      logSync(this.deps, 'info', syncText(rule('sync_log_taken_after_all', { name: `${r.row.firstName} ${r.row.lastName}` })));
    }
    rebaseOnServer(this.deps, r.row);
  }

  /**
   * The common answer to a push, settled for the whole batch at once: a
   * creation or edit the server applied as sent, of a profile with no other
   * change waiting, whose values here are already the server's. Only the
   * server's bookkeeping (version, times) is written. Answers the mutation
   * ids settled; the others go through applyPushResult one by one.
   */
  private acknowledgePlain(batch: readonly Mutation[], results: readonly PushResult[], present: ReadonlySet<string>): Set<string> {
    const { store } = this.deps;
    const candidates: { m: Mutation; row: Profile }[] = [];
    batch.forEach((m, i) => {
      const r = results[i];
      if (r?.status !== 'applied' || r.row === null || !present.has(m.id)) return;
      if (m.kind === 'profile.create' || (m.kind === 'profile.update' && r.version === m.baseVersion + 1)) candidates.push({ m, row: r.row });
    });
    const done = new Set<string>();
    if (candidates.length === 0) return done;
    const ids = candidates.map((c) => c.m.entityId);
    const waiting = store.outboxCounts(ids);
    const local = store.storedMany(ids);
    for (const { m, row } of candidates) {
      const current = local.get(m.entityId);
      if (waiting.get(m.entityId) !== 1 || current === undefined || current.deleted || row.id !== m.entityId || !sameValues(current, row)) continue;
      store.setServerState(toStored(row));
      done.add(m.id);
    }
    store.removeMutations([...done]);
    return done;
  }

  /** Applies one result; false when it opened a conflict for the entity or dropped it (its later mutations in the batch are folded in). */
  private applyPushResult(m: Mutation, r: PushResult, bases: Map<string, number>): boolean {
    const { store } = this.deps;
    if (r.status === 'applied') {
      store.removeMutations([m.id]);
      if (m.kind === 'profile.invite') {
        const batch = store.batchByMutation(m.id);
        if (batch !== undefined) {
          const outcome = r.invite ?? { invited: [], skipped: [] };
          store.updateBatch(batch.id, { status: 'sent', invited: outcome.invited, skipped: outcome.skipped, sentAt: this.deps.clock.now().toISOString() });
          logSync(this.deps, 'info', syncText(rule('sync_log_invitations_sent', { invited: outcome.invited.length, skipped: outcome.skipped.length })));
        }
        return true;
      }
      // Later edits and a deletion made here on top of this one stand on the version the server gave it
      // (not when the server merged changes made elsewhere: those were not seen here).
      const base = bases.get(m.entityId) ?? m.baseVersion;
      if (m.kind === 'profile.create' || (m.kind === 'profile.update' && r.version === base + 1)) {
        store.rebaseMutations(m.entityId, base, r.version);
        bases.set(m.entityId, r.version);
      }
      if (r.row !== null) {
        if (m.kind === 'profile.update' && r.version > m.baseVersion + 1) {
          logSync(this.deps, 'info', syncText(rule('sync_log_edit_merged', { name: `${r.row.firstName} ${r.row.lastName}` })));
        }
        rebaseOnServer(this.deps, r.row);
      }
      return true;
    }

    const pending = store.mutationsFor(m.entityId);
    if (r.status === 'rejected' && r.code !== 'NOT_FOUND' && (m.kind === 'profile.create' || m.kind === 'profile.update') && pending.some((p) => p.kind === 'profile.delete')) {
      // Deleted here after the refused change: the change no longer matters, the deletion still does
      // (a refused creation never reached the server: nothing is left to delete there).
      const drop = m.kind === 'profile.create' ? pending : pending.filter((p) => p.kind !== 'profile.delete');
      store.removeMutations(drop.map((p) => p.id));
      if (m.kind === 'profile.create') store.removeProfile(m.entityId);
      logSync(this.deps, 'info', syncText(rule('sync_log_refused_change_dropped', { reason: r.message }), refusalOf(r)));
      return m.kind !== 'profile.create'; // the rest of a refused creation's batch is moot too
    }
    store.removeMutations(pending.map((p) => p.id));
    if (m.kind === 'profile.invite') {
      const batch = store.batchByMutation(m.id);
      const cause: ApiError | null = r.status === 'rejected' ? refusalOf(r) : null;
      if (batch !== undefined) store.updateBatch(batch.id, { status: 'failed', error: cause?.message ?? 'the server refused the batch', errorCause: cause });
      logSync(this.deps, 'error', cause === null ? syncText(rule('sync_log_batch_refused_unexplained', {})) : syncText(rule('sync_log_batch_refused', { reason: cause.message }), cause));
      return true;
    }

    const mine = liveValues(store.stored(m.entityId));
    const who = mine === null ? null : `${mine.firstName} ${mine.lastName}`;
    const conflict: NewConflict = { entityId: m.entityId, kind: 'edit', code: null, message: '', cause: null, base: collectBase(pending), mine, theirs: null, holderId: null };
    let found: RuleMessage;
    if (r.status === 'conflict') {
      conflict.theirs = r.row;
      if (r.reason === 'no_seat') {
        // The server took the rest of my change; the licences without a seat wait here for a person (keep trying, or go without).
        conflict.kind = 'no_seat';
        const names = (r.licences ?? []).map((id) => this.deps.replica.catalogues.get(id)?.name ?? id).join(', ');
        found = rule('sync_conflict_no_seat', { name: who ?? `${r.row.firstName} ${r.row.lastName}`, licences: names });
      } else if (r.reason === 'deleted' || r.deleted) {
        conflict.kind = 'edit_deleted';
        found = deletedThere(mine);
      } else if (who === null) {
        found = rule('sync_conflict_changed_after_delete', { name: `${r.row.firstName} ${r.row.lastName}` });
      } else {
        found = rule('sync_conflict_edit', { name: who });
      }
    } else {
      conflict.code = r.code;
      const holderId = holderIdOf(r.details);
      if (r.code === 'NOT_FOUND' && m.kind === 'profile.delete') {
        logSync(this.deps, 'info', syncText(who === null ? rule('sync_log_already_gone_unnamed', {}) : rule('sync_log_already_gone', { name: who })));
        store.removeProfile(m.entityId);
        return false;
      }
      if (r.code === 'NOT_FOUND') {
        conflict.kind = 'edit_deleted';
        found = who === null ? rule('sync_conflict_gone_unnamed', {}) : rule('sync_conflict_gone', { name: who });
      } else {
        // The server's own words: its refusal is the conflict's message, and the console words its finding.
        // A value another profile holds (an email, external ID or username given explicitly): the new profile may be that one.
        const taken = r.code === 'EMAIL_TAKEN' || r.code === 'EXTERNAL_ID_TAKEN' || r.code === 'USERNAME_TAKEN';
        conflict.kind = taken && m.kind === 'profile.create' ? 'create_taken' : 'rejected';
        conflict.holderId = holderId;
        conflict.cause = refusalOf(r);
        found = who === null ? rule('sync_conflict_refused_unnamed', { reason: r.message }) : rule('sync_conflict_refused', { name: who, reason: r.message });
        conflict.message = r.message;
      }
    }
    if (conflict.message === '') conflict.message = englishText(found);
    openConflict(this.deps, conflict, syncText(found, conflict.cause));
    return false;
  }
}

/**
 * The batch up to a deletion of a profile that an earlier mutation in it
 * touches: the server checks a deletion's base version strictly, and that
 * version is only known once the earlier mutation's result is back (a profile
 * created and deleted before a sync must not come back as a conflict).
 */
export function independentPrefix(batch: Mutation[]): Mutation[] {
  const touched = new Set<string>();
  for (const [i, m] of batch.entries()) {
    if (m.kind === 'profile.delete' && touched.has(m.entityId)) return batch.slice(0, i);
    if (m.kind !== 'profile.invite') touched.add(m.entityId);
  }
  return batch;
}
