import { AppError, errorFromWire, ruleError } from '../../../src-shared/errors';
import { isRetryable } from '../../../src-shared/mail-delivery';
import type { InvitationDelivery } from '../../../src-shared/mail-delivery';
import { rule } from '../../../src-shared/messages';
import type { RuleKey } from '../../../src-shared/messages';
import { syncText } from '../../../src-shared/contract/sync';
import type { SyncLogEntry, SyncStatus, SyncText } from '../../../src-shared/contract/sync';
import { MAX_PULL_LIMIT } from '../../../src-shared/wire';
import type { Role, SignInResponse } from '../../../src-shared/wire';
import type { ChangeSink, Clock, IdSource, ReplicaPort } from '../ports';
import type { IndexBuilder, SecretStore, SyncStorePort, SyncTransport, Timers } from './ports';
import { TransportError } from './ports';
import { OutboxPusher } from './push';
import { ChangePuller } from './pull';
import { logSync } from './local-rules';
import { isDiskFull } from '../storage-errors';

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
  /** What goes to the server before the outbox on every sync (the catalogue changes made offline, which profiles may name). */
  beforePush?: (serverUrl: string, token: string) => Promise<void>;
  options?: Partial<SyncEngineOptions>;
}

const describe = (error: unknown): string => (error instanceof Error ? error.message : String(error));

const SIGNED_IN = { owner: 'sync_log_signed_in_owner', admin: 'sync_log_signed_in_admin', viewer: 'sync_log_signed_in_viewer' } as const satisfies Record<Role, RuleKey>;

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
  /** The build of the indexes a bulk pull left out, while it runs. */
  private indexing: Promise<void> | null = null;

  private readonly deps: SyncEngineDeps;
  private readonly pusher: OutboxPusher;
  private readonly puller: ChangePuller;

  constructor(deps: SyncEngineDeps) {
    // The token is read on every sync and status: keep it in memory once read (only this engine writes it).
    this.deps = { ...deps, secrets: remembered(deps.secrets) };
    this.o = { ...DEFAULT_SYNC_OPTIONS, ...deps.options };
    this.pusher = new OutboxPusher(deps, this.o.pushPage);
    this.puller = new ChangePuller(deps, this.o.pullPage);
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
      received: this.puller.received,
      indexing: this.indexing !== null,
      waiting: this.deps.store.waiting(),
      openConflicts: this.deps.store.openConflictCount(),
      offlineDecisions: this.deps.store.offlineDecisions(),
      undeliveredInvitations: this.deps.store.notDeliveredCount(),
      lastSyncAt: state.lastSyncAt,
      lastError: state.lastError,
      nextAttemptAt: this.nextAttemptAt?.toISOString() ?? null,
      tokenStorage: this.deps.secrets.kind,
    };
  }

  /** Whether a mutation is being pushed right now (an invitation batch shows "sending"). */
  isInFlight(mutationId: string): boolean {
    return this.pusher.isInFlight(mutationId);
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
            this.log('error', syncText(rule('sync_log_index_failed', { detail: describe(failure) })));
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
    const { url, session } = await this.signIn(serverUrl, email, password, organisationId);
    return this.adopt(url, session);
  }

  /** Asks the server for a session; nothing is kept yet (see adopt). The address comes back without its trailing slashes. */
  async signIn(serverUrl: string, email: string, password: string, organisationId?: string): Promise<{ url: string; session: SignInResponse }> {
    const url = serverUrl.replace(/\/+$/, '');
    try {
      return { url, session: await this.deps.transport.signIn(url, { email, password, ...(organisationId === undefined ? {} : { organisationId }) }) };
    } catch (error) {
      if (error instanceof TransportError && error.kind === 'network') {
        throw ruleError('NETWORK', rule('server_unreachable', { url, detail: error.message }));
      }
      if (error instanceof TransportError && error.status === 401) throw ruleError('UNAUTHORIZED', rule('sign_in_wrong', {}));
      if (error instanceof TransportError && error.status === 429) throw ruleError('RATE_LIMITED', rule('sign_in_rate_limited', {}));
      throw ruleError('NETWORK', rule('sign_in_failed', { detail: describe(error) }));
    }
  }

  /** Keeps a session the server gave: this replica belongs to its organisation from now on (one bound to another refuses it). */
  adopt(url: string, session: SignInResponse): SyncStatus {
    const state = this.deps.store.state();
    if (state.organisation !== null && state.organisation.id !== session.organisation.organisationId) {
      throw ruleError('FORBIDDEN', rule('organisation_mismatch', { organisation: state.organisation.name, other: session.organisation.organisationName }));
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
      this.log('info', syncText(rule(SIGNED_IN[session.organisation.role], { url, email: session.account.email, organisation: session.organisation.organisationName })));
    });
    this.deps.events.changed(['sync', 'settings']);
    this.failures = 0;
    if (this.started) this.schedule(0);
    return this.status();
  }

  /** Ends a session the console does not keep (best effort: offline, it simply expires on the server). */
  async endSession(url: string, token: string): Promise<void> {
    try {
      await this.deps.transport.signOut(url, token);
    } catch {
      // The server's idle limit ends it.
    }
  }

  /** The server address and session token this replica signs in with, when it has both. */
  credentials(): { url: string; token: string } | null {
    const url = this.deps.store.state().serverUrl;
    const token = this.deps.secrets.get();
    return url === null || token === null ? null : { url, token };
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
      this.log('info', syncText(rule('sync_log_signed_out', { count: waiting })));
    });
    this.deps.events.changed(['sync', 'settings']);
    return { waiting };
  }

  setWorkOffline(offline: boolean): SyncStatus {
    this.deps.replica.transaction(() => {
      this.deps.store.saveState({ workOffline: offline });
      this.log('info', syncText(offline ? rule('sync_log_work_offline', {}) : rule('sync_log_back_online', {})));
    });
    this.deps.events.changed(['sync']);
    if (offline) this.clearTimer();
    else if (this.started) this.schedule(0);
    return this.status();
  }

  /** Runs one sync now (or waits for the one under way) and reports the outcome. */
  async syncNow(): Promise<SyncStatus> {
    const state = this.deps.store.state();
    if (state.workOffline) throw ruleError('OFFLINE', rule('sync_offline', {}));
    if (state.serverUrl === null || this.deps.secrets.get() === null) throw ruleError('UNAUTHORIZED', rule('sync_sign_in_first', {}));
    try {
      await this.run();
    } catch (error) {
      // The outcome is in the status (offline, last error); only a bug is an error of this call.
      if (!(error instanceof TransportError)) throw error;
    }
    return this.status();
  }

  /**
   * An admin's "Send again" of a profile's undelivered invitation email: the
   * server queues it at once with a new retry period; then a sync brings
   * its new state back. Online only: it needs the server's answer.
   */
  async retryDelivery(profileId: string): Promise<InvitationDelivery | null> {
    const state = this.deps.store.state();
    const token = this.deps.secrets.get();
    if (state.workOffline) throw ruleError('OFFLINE', rule('sync_offline', {}));
    if (state.serverUrl === null || token === null) throw ruleError('UNAUTHORIZED', rule('sync_sign_in_first', {}));
    if (state.organisation?.role === 'viewer') throw new AppError('FORBIDDEN', 'A viewer cannot send invitations: ask an admin of the organisation.');
    const delivery = this.deps.store.delivery(profileId);
    if (delivery === null) throw new AppError('NOT_FOUND', 'The server has reported no invitation email for this profile.');
    if (!isRetryable(delivery.state)) throw new AppError('VALIDATION_FAILED', 'This invitation email is not waiting for a retry: only one not delivered can be sent again.');
    try {
      await this.deps.transport.retryMail(state.serverUrl, token, delivery.mailId);
    } catch (error) {
      if (!(error instanceof TransportError)) throw error;
      if (error.kind === 'network') {
        this.online = false;
        this.deps.events.changed(['sync']);
        throw ruleError('OFFLINE', rule('server_unreachable', { url: state.serverUrl, detail: error.message }));
      }
      // The server's refusal as it gave it (its finding too, for the console to word): a link expired, a newer invitation…
      const refused = errorFromWire(error.code ?? 'INTERNAL', error.message, error.details);
      throw new AppError(refused.code, refused.message, refused.details);
    }
    await this.run().catch(() => undefined);
    return this.deps.store.delivery(profileId);
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
      await this.deps.beforePush?.(state.serverUrl, token);
      await this.pusher.pushAll(state.serverUrl, token, state.clientId ?? this.ensureClientId());
      await this.puller.pullAll(state.serverUrl, token);
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
      let text: SyncText;
      if (error instanceof TransportError && error.kind === 'network') {
        this.online = false;
        text = syncText(rule('sync_log_unreachable', { detail: error.message }));
      } else if (isDiskFull(error)) {
        this.online = true;
        text = syncText(rule('sync_log_disk_full', {}));
      } else if (error instanceof TransportError && error.status === 401) {
        this.online = true;
        this.deps.secrets.clear();
        text = syncText(rule('sync_log_session_ended', {}));
      } else {
        this.online = error instanceof TransportError;
        const cause = error instanceof TransportError && error.code !== null ? errorFromWire(error.code, error.message, error.details) : null;
        text = syncText(rule('sync_log_failed', { reason: describe(error) }), cause);
      }
      this.deps.replica.transaction(() => {
        this.deps.store.saveState({ lastError: text });
        this.log(error instanceof TransportError && error.kind === 'network' ? 'warning' : 'error', text);
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

  private log(level: SyncLogEntry['level'], text: SyncText): void {
    logSync(this.deps, level, text);
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
