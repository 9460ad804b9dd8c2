import { AppError } from '../../../src-shared/errors';
import type { Profile, ProfileValues } from '../../../src-shared/profile';
import type { Mutation } from '../../../src-shared/mutation';
import type { SyncStatus } from '../../../src-shared/contract/sync';
import type { Change, PushResponse, PushResult, WireMutation } from '../../../src-shared/sync';
import { MAX_PULL_LIMIT, MAX_PUSH_MUTATIONS } from '../../../src-shared/sync';
import type { ChangeSink, Clock, IdSource, ReplicaPort, StoredProfile } from '../ports';
import type { ConflictRecord, IndexBuilder, SecretStore, SyncStorePort, SyncTransport, Timers } from './ports';
import { TransportError } from './ports';
import { sameValues, valuesOf } from './merge';
import { PageFeed } from './feed';
import { toStored } from '../stored';
import { planPage, writePlain } from './pull-page';

export interface SyncEngineOptions {
  pushPage: number;
  pullPage: number;
  /** Between background syncs while online. */
  intervalMs: number;
  /** First retry after a failure; doubles up to maxBackoffMs, with jitter. */
  backoffMs: number;
  maxBackoffMs: number;
  /** Delay between a local change and the push it triggers (changes in a burst go together). */
  debounceMs: number;
}

export const DEFAULT_SYNC_OPTIONS: SyncEngineOptions = {
  pushPage: 500,
  pullPage: MAX_PULL_LIMIT,
  intervalMs: 15_000,
  backoffMs: 1_000,
  maxBackoffMs: 60_000,
  debounceMs: 400,
};

export interface SyncEngineDeps {
  replica: ReplicaPort;
  store: SyncStorePort;
  transport: SyncTransport;
  secrets: SecretStore;
  clock: Clock;
  ids: IdSource;
  events: ChangeSink;
  timers: Timers;
  indexes: IndexBuilder;
  options?: Partial<SyncEngineOptions>;
}

/** Pages fetched ahead of the writes during a pull (each up to pullPage rows). */
const PULL_PAGES_AHEAD = 4;

/** Below this many rows written by one pull, the list, tag and search indexes follow row by row. */
const BULK_INDEX_MIN_ROWS = 2_000;

const describe = (error: unknown): string => (error instanceof Error ? error.message : String(error));

/**
 * The console's sync engine: pushes the outbox in order, pulls the server's
 * changes from a cursor, turns what collided into conflicts for a person, and
 * keeps doing so in the background while online — with exponential backoff
 * and jitter while the server cannot be reached.
 */
export class SyncEngine {
  private readonly o: SyncEngineOptions;
  private online: boolean | null = null;
  private running: Promise<void> | null = null;
  private timer: unknown = null;
  private nextAttemptAt: Date | null = null;
  private failures = 0;
  private started = false;
  private readonly inFlight = new Set<string>();
  /** Changes stored by the pull under way (the status bar counts a long first sync). */
  private received: number | null = null;
  /** The build of the indexes a bulk pull left out, while it runs. */
  private indexing: Promise<void> | null = null;

  private readonly deps: SyncEngineDeps;

  constructor(deps: SyncEngineDeps) {
    // The token is read on every sync and status: keep it in memory once read (only this engine writes it).
    this.deps = { ...deps, secrets: remembered(deps.secrets) };
    this.o = { ...DEFAULT_SYNC_OPTIONS, ...deps.options };
  }

  // ------------------------------------------------------------ status & control

  status(): SyncStatus {
    const state = this.deps.store.state();
    const connected = state.serverUrl !== null && this.deps.secrets.get() !== null;
    return {
      connected,
      serverUrl: state.serverUrl,
      account: state.account,
      organisation: state.organisation,
      online: this.online,
      workOffline: state.workOffline,
      syncing: this.running !== null,
      received: this.received,
      indexing: this.indexing !== null,
      waiting: this.deps.store.waiting(),
      openConflicts: this.deps.store.openConflictCount(),
      lastSyncAt: state.lastSyncAt,
      lastError: state.lastError,
      nextAttemptAt: this.nextAttemptAt?.toISOString() ?? null,
      tokenStorage: this.deps.secrets.kind,
    };
  }

  /** Whether a mutation is being pushed right now (an invitation batch shows "sending"). */
  isInFlight(mutationId: string): boolean {
    return this.inFlight.has(mutationId);
  }

  /** Background sync: runs now, then on every local change and every interval while online. */
  start(): void {
    this.started = true;
    this.schedule(0);
  }

  stop(): void {
    this.started = false;
    this.clearTimer();
  }

  /**
   * Builds the indexes bulk writes left out (after a large pull, or left
   * pending by a crash), one build at a time and never during a pull: the
   * pull's next bulk write would make it stop early. Resolves when no build
   * runs; a failure is logged (the list keeps answering by scanning, and the
   * next large pull or start tries again).
   */
  buildIndexes(): Promise<void> {
    if (this.indexing !== null) return this.indexing;
    if (this.running !== null || !this.deps.store.indexesPending()) return Promise.resolve();
    // A large WAL waits (the pull's, or one left by a crash before the build): the build's commits copy it, not this connection's next one.
    this.deps.store.holdCheckpoints();
    const build = async (): Promise<void> => {
      let failure: unknown = null;
      try {
        await this.deps.indexes.build();
      } catch (error) {
        failure = error;
      }
      try {
        this.deps.store.resumeCheckpoints();
        if (failure !== null) {
          this.deps.replica.transaction(() => {
            this.log('error', `Building the search index failed: ${describe(failure)}. The list answers without it, more slowly.`);
          });
        }
      } catch {
        // The replica closed meanwhile (the app is closing): the next start builds again.
      }
    };
    this.indexing = build().finally(() => {
      this.indexing = null;
      this.deps.events.changed(['profiles', 'sync']);
    });
    this.deps.events.changed(['sync']);
    return this.indexing;
  }

  /** A local change happened: push it soon. */
  poke(): void {
    if (this.started && this.running === null) this.schedule(this.o.debounceMs);
  }

  async connect(serverUrl: string, email: string, password: string, organisationId?: string): Promise<SyncStatus> {
    const url = serverUrl.replace(/\/+$/, '');
    let session;
    try {
      session = await this.deps.transport.signIn(url, { email, password, ...(organisationId === undefined ? {} : { organisationId }) });
    } catch (error) {
      if (error instanceof TransportError && error.kind === 'network') {
        throw new AppError('NETWORK', `The Roster server at ${url} cannot be reached: ${error.message}`);
      }
      if (error instanceof TransportError && error.status === 401) throw new AppError('UNAUTHORIZED', 'The email or password is not right.');
      if (error instanceof TransportError && error.status === 429) throw new AppError('RATE_LIMITED', 'Too many sign-in attempts: wait a minute and try again.');
      throw new AppError('NETWORK', `Sign-in failed: ${describe(error)}`);
    }
    const state = this.deps.store.state();
    if (state.organisation !== null && state.organisation.id !== session.organisation.organisationId) {
      throw new AppError(
        'FORBIDDEN',
        `This console's data belongs to ${state.organisation.name}; ${session.organisation.organisationName} needs its own data folder (start Roster with --data-dir).`,
      );
    }
    this.deps.secrets.set(session.token);
    this.deps.replica.transaction(() => {
      this.deps.store.saveState({
        serverUrl: url,
        clientId: state.clientId ?? this.deps.ids.uuid(),
        account: session.account.email,
        organisation: { id: session.organisation.organisationId, name: session.organisation.organisationName, role: session.organisation.role },
        lastError: null,
      });
      this.log('info', `Signed in to ${url} as ${session.account.email} (${session.organisation.organisationName}, ${session.organisation.role}).`);
    });
    this.deps.events.changed(['sync', 'settings']);
    this.failures = 0;
    if (this.started) this.schedule(0);
    return this.status();
  }

  /** Signs out. Unsynced work stays in the outbox for the next sign-in. */
  async disconnect(): Promise<{ waiting: number }> {
    const state = this.deps.store.state();
    const token = this.deps.secrets.get();
    if (state.serverUrl !== null && token !== null) {
      try {
        await this.deps.transport.signOut(state.serverUrl, token);
      } catch {
        // Offline: the server's session simply expires.
      }
    }
    this.deps.secrets.clear();
    this.clearTimer();
    this.online = null;
    const waiting = this.deps.store.waiting().mutations;
    this.deps.replica.transaction(() => {
      this.log('info', `Signed out; ${waiting} change(s) wait for the next sign-in.`);
    });
    this.deps.events.changed(['sync', 'settings']);
    return { waiting };
  }

  setWorkOffline(offline: boolean): SyncStatus {
    this.deps.replica.transaction(() => {
      this.deps.store.saveState({ workOffline: offline });
      this.log('info', offline ? 'Working offline: nothing is sent until you switch back.' : 'Back online: syncing.');
    });
    this.deps.events.changed(['sync']);
    if (offline) this.clearTimer();
    else if (this.started) this.schedule(0);
    return this.status();
  }

  /** Runs one sync now (or waits for the one under way) and reports the outcome. */
  async syncNow(): Promise<SyncStatus> {
    const state = this.deps.store.state();
    if (state.workOffline) throw new AppError('OFFLINE', 'Roster is set to work offline: switch it back on to sync.');
    if (state.serverUrl === null || this.deps.secrets.get() === null) throw new AppError('UNAUTHORIZED', 'Sign in to a Roster server first (Settings).');
    try {
      await this.run();
    } catch (error) {
      // The outcome is in the status (offline, last error); only a bug is an error of this call.
      if (!(error instanceof TransportError)) throw error;
    }
    return this.status();
  }

  // ------------------------------------------------------------ scheduling

  private clearTimer(): void {
    if (this.timer !== null) this.deps.timers.clearTimeout(this.timer);
    this.timer = null;
    this.nextAttemptAt = null;
  }

  private schedule(ms: number): void {
    this.clearTimer();
    const state = this.deps.store.state();
    if (!this.started || state.workOffline || state.serverUrl === null || this.deps.secrets.get() === null) return;
    this.nextAttemptAt = new Date(this.deps.clock.now().getTime() + ms);
    this.timer = this.deps.timers.setTimeout(() => {
      this.timer = null;
      this.nextAttemptAt = null;
      void this.run().catch(() => undefined);
    }, ms);
  }

  private backoff(): number {
    const ceiling = Math.min(this.o.maxBackoffMs, this.o.backoffMs * 2 ** Math.min(this.failures - 1, 20));
    return Math.round(ceiling * (0.5 + this.deps.timers.random() / 2));
  }

  private async run(): Promise<void> {
    if (this.running !== null) return this.running;
    this.running = this.runOnce().finally(() => {
      this.running = null;
      void this.buildIndexes();
      this.deps.events.changed(['sync']);
      this.schedule(this.failures === 0 ? this.o.intervalMs : this.backoff());
    });
    this.deps.events.changed(['sync']);
    return this.running;
  }

  private async runOnce(): Promise<void> {
    const state = this.deps.store.state();
    const token = this.deps.secrets.get();
    if (state.serverUrl === null || token === null || state.workOffline) return;
    try {
      await this.pushAll(state.serverUrl, token, state.clientId ?? this.ensureClientId());
      await this.pullAll(state.serverUrl, token);
      this.online = true;
      this.failures = 0;
      const restored = this.deps.replica.transaction(() => {
        this.deps.store.saveState({ lastSyncAt: this.deps.clock.now().toISOString(), lastError: null });
        // Values that stepped aside for a server row take their place again once nothing here holds them.
        return this.deps.store.unparkProfiles();
      });
      if (restored > 0) this.deps.events.changed(['profiles']);
    } catch (error) {
      this.failures += 1;
      let message: string;
      if (error instanceof TransportError && error.kind === 'network') {
        this.online = false;
        message = `The server cannot be reached (${error.message}). Your changes wait here and are sent when it answers.`;
      } else if (error instanceof TransportError && error.status === 401) {
        this.online = true;
        this.deps.secrets.clear();
        message = 'The server ended this session: sign in again (your changes wait here).';
      } else {
        this.online = error instanceof TransportError;
        message = `Sync failed: ${describe(error)}`;
      }
      this.deps.replica.transaction(() => {
        this.deps.store.saveState({ lastError: message });
        this.log(error instanceof TransportError && error.kind === 'network' ? 'warning' : 'error', message);
      });
      throw error;
    }
  }

  private ensureClientId(): string {
    const id = this.deps.ids.uuid();
    this.deps.replica.transaction(() => {
      this.deps.store.saveState({ clientId: id });
    });
    return id;
  }

  private log(level: 'info' | 'warning' | 'error', message: string): void {
    this.deps.store.log({ at: this.deps.clock.now().toISOString(), level, message });
  }

  // ------------------------------------------------------------ push

  private async pushAll(serverUrl: string, token: string, clientId: string): Promise<void> {
    let page = Math.min(this.o.pushPage, MAX_PUSH_MUTATIONS);
    const send = (batch: Mutation[]): Promise<PushResponse> | null => {
      if (batch.length === 0) return null;
      for (const m of batch) this.inFlight.add(m.id);
      if (batch.some((m) => m.kind === 'profile.invite')) this.deps.events.changed(['invites']);
      const request = this.deps.transport.push(serverUrl, token, { clientId, mutations: batch as WireMutation[] });
      request.catch(() => undefined); // awaited below; a failure surfaces there, not as an unhandled rejection
      return request;
    };
    let batch = independentPrefix(this.deps.store.sendable(page));
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
            page = Math.ceil(batch.length / 2);
            batch = independentPrefix(this.deps.store.sendable(page));
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
        let next = this.nextBatch(page, batch);
        let nextRequest = send(next);
        this.applyPushResults(batch, results);
        for (const m of batch) this.inFlight.delete(m.id);
        this.deps.events.changed(['profiles', 'outbox', 'conflicts', 'invites']);
        if (nextRequest === null) {
          // Nothing could go ahead (what waits stands on these results): it can go now.
          next = independentPrefix(this.deps.store.sendable(page));
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
  private nextBatch(page: number, unsettled: readonly Mutation[]): Mutation[] {
    const ids = new Set(unsettled.map((m) => m.id));
    const touched = new Set(unsettled.flatMap((m) => (m.kind === 'profile.invite' ? [] : [m.entityId])));
    const out: Mutation[] = [];
    for (const m of this.deps.store.sendable(page + ids.size)) {
      if (ids.has(m.id)) continue;
      if (m.kind !== 'profile.invite' && touched.has(m.entityId)) break;
      out.push(m);
      if (out.length === page) break;
    }
    return independentPrefix(out);
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
      this.log('info', `${r.row.firstName} ${r.row.lastName}: the server took this profile after all; the conflict about it is closed.`);
    }
    this.rebaseOnServer(r.row);
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
          this.log('info', `Invitations sent: ${outcome.invited.length} invited, ${outcome.skipped.length} skipped.`);
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
          this.log('info', `${r.row.firstName} ${r.row.lastName}: your edit was merged with changes made elsewhere (no field overlapped).`);
        }
        this.rebaseOnServer(r.row);
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
      this.log('info', `A change the server refused (${r.message}) was dropped: the profile was deleted here since.`);
      return m.kind !== 'profile.create'; // the rest of a refused creation's batch is moot too
    }
    store.removeMutations(pending.map((p) => p.id));
    if (m.kind === 'profile.invite') {
      const batch = store.batchByMutation(m.id);
      const message = r.status === 'rejected' ? r.message : 'the server refused the batch';
      if (batch !== undefined) store.updateBatch(batch.id, { status: 'failed', error: message });
      this.log('error', `An invitation batch was refused: ${message}`);
      return true;
    }

    const local = store.stored(m.entityId);
    const mine = local === undefined || local.deleted ? null : valuesOf(local);
    const base = collectBase(pending);
    const now = this.deps.clock.now().toISOString();
    const conflict: ConflictRecord = {
      id: this.deps.ids.uuid(),
      entityId: m.entityId,
      kind: 'edit',
      code: null,
      message: '',
      base,
      mine,
      theirs: null,
      existingId: null,
      createdAt: now,
    };
    const who = mine === null ? 'A profile' : `${mine.firstName} ${mine.lastName}`;
    if (r.status === 'conflict') {
      conflict.theirs = r.row;
      if (r.reason === 'deleted' || r.deleted) {
        conflict.kind = 'edit_deleted';
        conflict.message = `${who} was deleted on the server while you edited it here.`;
      } else if (mine === null) {
        conflict.message = `${r.row.firstName} ${r.row.lastName} was changed on the server after you deleted it here.`;
      } else {
        conflict.message = `${who} was changed here and on the server.`;
      }
    } else {
      conflict.code = r.code;
      // The server names the profile that holds the email or external ID as details.profileId.
      const holder = r.details?.profileId ?? r.details?.existingId;
      const existing = typeof holder === 'string' ? holder : null;
      if ((r.code === 'EMAIL_TAKEN' || r.code === 'EXTERNAL_ID_TAKEN') && m.kind === 'profile.create') {
        conflict.kind = 'create_taken';
        conflict.existingId = existing;
        conflict.message = r.message;
      } else if (r.code === 'NOT_FOUND' && m.kind === 'profile.delete') {
        this.log('info', `${who} was already gone on the server.`);
        store.removeProfile(m.entityId);
        return false;
      } else if (r.code === 'NOT_FOUND') {
        conflict.kind = 'edit_deleted';
        conflict.message = `${who} no longer exists on the server.`;
      } else {
        conflict.kind = 'rejected';
        conflict.message = r.message;
        conflict.existingId = existing;
      }
    }
    const previous = store.openConflictFor(m.entityId);
    if (previous !== undefined) store.closeConflict(previous.id, 'superseded', now);
    store.addConflict(conflict);
    this.log('warning', `Conflict: ${conflict.message}`);
    return false;
  }

  // ------------------------------------------------------------ pull

  private async pullAll(serverUrl: string, token: string): Promise<void> {
    const { store } = this.deps;
    const cursor = store.state().cursor;
    const check = await this.deps.transport.check(serverUrl, token, cursor);
    if (!check.changed) return;
    const rowsBefore = store.profileRows();
    // Into an empty replica (a first sync), a row this pull has not written yet cannot be here: no need to look it up.
    const fresh = rowsBefore === 0 ? new Set<string>() : null;
    // Writing a large share of the table row by row through the search triggers costs more than one rebuild at the end.
    const bulkFrom = Math.max(BULK_INDEX_MIN_ROWS, Math.ceil(rowsBefore / 4));
    let written = 0;
    let finished = false;
    this.received = 0;
    // Pages keep coming while this console writes the ones that arrived, all of those in one transaction.
    const feed = new PageFeed((at) => this.deps.transport.pull(serverUrl, token, at, this.o.pullPage), cursor, PULL_PAGES_AHEAD);
    try {
      for (;;) {
        const pages = await feed.take();
        const last = pages[pages.length - 1];
        if (last === undefined) continue;
        this.deps.replica.transaction(() => {
          for (const page of pages) {
            written += this.applyPage(page.changes, fresh, (writes) => {
              if (written + writes >= bulkFrom) store.beginBulkWrites();
            });
          }
          store.saveState({ cursor: last.cursor });
        });
        const changes = pages.reduce((n, page) => n + page.changes.length, 0);
        this.received += changes;
        if (changes > 0) this.deps.events.changed(['profiles', 'conflicts', 'outbox', 'sync']);
        if (!last.hasMore) {
          finished = true;
          return;
        }
      }
    } finally {
      this.received = null;
      // The indexes are built once this sync ends (buildIndexes), also when it was cut off half-way.
      store.endBulkWrites();
      if (!finished) feed.stop();
    }
  }

  /**
   * One pull page; answers how many rows it wrote. Most rows are plain: no
   * local edit waits for them and no conflict is open about them, so they
   * are written straight (and when another local profile holds their email
   * or external ID, the replica refuses the write and the row takes the
   * careful path, like the others). `fresh`: the ids written so far by a
   * pull into an empty replica. `beforeWrites` hears how many rows are about
   * to be written, before the first one is.
   */
  private applyPage(changes: readonly Change[], fresh: Set<string> | null, beforeWrites: (count: number) => void): number {
    const { plans, known, writes } = planPage(this.deps.store, changes, fresh);
    if (writes > 0) beforeWrites(writes);
    changes.forEach((change, i) => {
      const plan = plans[i] ?? 'careful';
      if (!writePlain(this.deps.store, change, plan, known)) this.applyChange(change);
    });
    return writes;
  }

  private applyChange(change: Change): void {
    const { store } = this.deps;
    if (change.op === 'upsert') {
      const open = store.openConflictFor(change.profile.id);
      if (open === undefined) {
        this.rebaseOnServer(change.profile);
      } else if (open.kind !== 'create_taken') {
        // My side stays until a person resolves it, against the server's latest row (the cursor moves past this change).
        store.updateConflictTheirs(open.id, change.profile);
      }
      return;
    }
    const pending = store.mutationsFor(change.id);
    const local = store.stored(change.id);
    const open = store.openConflictFor(change.id);
    if (open !== undefined && (open.kind === 'edit' || open.kind === 'rejected')) {
      // Deleted on the server while a conflict about it waits: it becomes "edited what was deleted there" (or ends, if I deleted it too).
      const now = this.deps.clock.now().toISOString();
      store.closeConflict(open.id, 'superseded', now);
      store.removeMutations(pending.map((m) => m.id));
      const mine = local === undefined || local.deleted ? null : valuesOf(local);
      if (mine === null) {
        store.removeProfile(change.id);
        return;
      }
      store.addConflict({
        id: this.deps.ids.uuid(),
        entityId: change.id,
        kind: 'edit_deleted',
        code: null,
        message: `${mine.firstName} ${mine.lastName} was deleted on the server while you edited it here.`,
        base: { ...collectBase(pending), ...open.base },
        mine,
        theirs: open.theirs,
        existingId: null,
        createdAt: now,
      });
      this.log('warning', 'Conflict: a profile you edited was deleted on the server.');
      return;
    }
    if (pending.length === 0 || pending.every((m) => m.kind === 'profile.delete')) {
      store.removeMutations(pending.map((m) => m.id));
      store.removeProfile(change.id);
      return;
    }
    if (store.openConflictFor(change.id) !== undefined) return;
    store.removeMutations(pending.map((m) => m.id));
    const mine = local === undefined || local.deleted ? null : valuesOf(local);
    store.addConflict({
      id: this.deps.ids.uuid(),
      entityId: change.id,
      kind: 'edit_deleted',
      code: null,
      message: `${mine === null ? 'A profile' : `${mine.firstName} ${mine.lastName}`} was deleted on the server while you edited it here.`,
      base: collectBase(pending),
      mine,
      theirs: null,
      existingId: null,
      createdAt: this.deps.clock.now().toISOString(),
    });
    this.log('warning', 'Conflict: a profile you edited was deleted on the server.');
  }

  /**
   * Takes the server's row as the truth, then lays this console's unsent edits
   * of that profile back on top, so the admin keeps seeing their own work.
   */
  private rebaseOnServer(row: Profile): void {
    const { store } = this.deps;
    const pending = store.mutationsFor(row.id);
    if (pending.some((m) => m.kind === 'profile.delete')) return;
    const values: ProfileValues = valuesOf(row);
    for (const m of pending) {
      if (m.kind === 'profile.update') Object.assign(values, (m as Mutation<'profile.update'>).payload.changes);
    }
    const current = store.stored(row.id);
    const next = toStored(row, values);
    const live = current !== undefined && !current.deleted;
    if (live && current.version === next.version && sameStored(current, next)) return;
    // The values this row already holds here (the common answer to my own push): its email and
    // external ID are already its own in this replica, so only the server's bookkeeping changes.
    if (live && sameValues(current, next)) {
      store.setServerState(next);
      return;
    }
    this.clearUniqueHolder(row.id, values.email, values.externalId, row);
    store.putProfile(next, current !== undefined);
  }

  /** Another local profile holds this email or external ID: an unsent one becomes a conflict, a stale one steps aside. */
  private clearUniqueHolder(id: string, email: string, externalId: string | null, incoming: Profile): void {
    clearUniqueHolder(this.deps, id, email, externalId, incoming);
  }
}

/**
 * Before a server row is written here: another local profile that holds its
 * email or external ID either is an unsent creation (it becomes a
 * create_taken conflict) or is stale (its values step aside until the
 * server's change for it arrives).
 */
export function clearUniqueHolder(
  deps: { store: SyncStorePort; ids: IdSource; clock: Clock },
  id: string,
  email: string,
  externalId: string | null,
  incoming: Profile,
): void {
  const { store } = deps;
  for (let guard = 0; guard < 2; guard++) {
    const holderId = store.holderOf(email, externalId, id);
    if (holderId === undefined) return;
    const holder = store.stored(holderId);
    if (holder === undefined) return;
    if (holder.version === 0) {
      const pending = store.mutationsFor(holderId);
      store.removeMutations(pending.map((m) => m.id));
      store.removeProfile(holderId);
      const previous = store.openConflictFor(holderId);
      const now = deps.clock.now().toISOString();
      if (previous !== undefined) store.closeConflict(previous.id, 'superseded', now);
      const same = holder.email === email ? `the email ${email}` : `the external ID ${externalId ?? ''}`;
      store.addConflict({
        id: deps.ids.uuid(),
        entityId: holderId,
        kind: 'create_taken',
        code: holder.email === email ? 'EMAIL_TAKEN' : 'EXTERNAL_ID_TAKEN',
        message: `${holder.firstName} ${holder.lastName}, created here, has ${same}, which ${incoming.firstName} ${incoming.lastName} already has on the server.`,
        base: {},
        mine: valuesOf(holder),
        theirs: incoming,
        existingId: incoming.id,
        createdAt: now,
      });
      store.log({ at: now, level: 'warning', message: `Conflict: ${holder.firstName} ${holder.lastName} duplicates a profile on the server.` });
    } else {
      // The clashing value may be an unsent edit of mine (pending, or under review in a conflict): the server still
      // has the value from before it, and the server will refuse that edit. Go back to that value; else step aside.
      const open = store.openConflictFor(holderId);
      const base = { ...collectBase(store.mutationsFor(holderId)), ...(open?.base ?? {}) };
      const before = { ...valuesOf(holder), ...base };
      const clashes = before.email === email || (externalId !== null && before.externalId === externalId);
      if (!clashes && store.holderOf(before.email, before.externalId, holderId) === undefined) store.putProfile({ ...holder, ...before });
      else store.parkUniqueValues(holderId, { email: before.email, externalId: before.externalId });
    }
  }
}

/** A secret store that reads its backing store once and then answers from memory. */
function remembered(store: SecretStore): SecretStore {
  let known = false;
  let token: string | null = null;
  return {
    kind: store.kind,
    get() {
      if (!known) {
        token = store.get();
        known = true;
      }
      return token;
    },
    set(value) {
      store.set(value);
      token = value;
      known = true;
    },
    clear() {
      store.clear();
      token = null;
      known = true;
    },
  };
}

/**
 * The batch up to a deletion of a profile that an earlier mutation in it
 * touches: the server checks a deletion's base version strictly, and that
 * version is only known once the earlier mutation's result is back (a profile
 * created and deleted before a sync must not come back as a conflict).
 */
function independentPrefix(batch: Mutation[]): Mutation[] {
  const touched = new Set<string>();
  for (const [i, m] of batch.entries()) {
    if (m.kind === 'profile.delete' && touched.has(m.entityId)) return batch.slice(0, i);
    if (m.kind !== 'profile.invite') touched.add(m.entityId);
  }
  return batch;
}

/** The values before the first of these edits, field by field. */
function collectBase(pending: readonly Mutation[]): Partial<ProfileValues> {
  const base: Partial<ProfileValues> = {};
  for (const m of pending) {
    if (m.kind !== 'profile.update') continue;
    const payload = (m as Mutation<'profile.update'>).payload;
    for (const [field, value] of Object.entries(payload.base)) {
      if (!(field in base)) Object.assign(base, { [field]: value });
    }
  }
  return base;
}

const sameStored = (a: StoredProfile, b: StoredProfile): boolean =>
  sameValues(a, b) &&
  a.status === b.status &&
  a.invitedAt === b.invitedAt &&
  a.invitationExpiresAt === b.invitationExpiresAt &&
  a.confirmedAt === b.confirmedAt &&
  a.updatedAt === b.updatedAt;
