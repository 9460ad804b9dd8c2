import { withChanges } from '../../../src-shared/profile-values';
import { AppError } from '../../../src-shared/errors';
import { deriveStatus } from '../../../src-shared/profile';
import type { Profile, ProfileValues } from '../../../src-shared/profile';
import type { Mutation } from '../../../src-shared/mutation';
import type { ChangeTopic } from '../../../src-shared/contract';
import type { ConflictClosing, SyncLogEntry } from '../../../src-shared/contract/sync';
import type { PullResponse, PushRequest, PushResponse, PushResult, RetryMailResponse, SignInResponse, WireMutation } from '../../../src-shared/wire';
import { INITIAL_CURSOR } from '../../../src-shared/wire';
import { isNotDelivered } from '../../../src-shared/mail-delivery';
import type { InvitationDelivery } from '../../../src-shared/mail-delivery';
import type { ChangeSink, Clock, IdSource, ReplicaPort, StoredProfile } from '../../../src-main/core/ports';
import type { ImportStorePort } from '../../../src-main/core/import/store';
import type { ConflictRecord, IndexBuilder, SecretStore, StoredState, SyncState, SyncStorePort, SyncTransport, Timers } from '../../../src-main/core/sync/ports';
import type { InviteBatchRecord } from '../../../src-main/core/invitations/ports';
import { noAttributeValues } from '../../../src-shared/profile-values';
import type { CatalogueEntry } from '../../../src-shared/attributes';
import type { AssignmentRule } from '../../../src-shared/assignment-rules';

/**
 * In-memory fakes of the sync core's ports: a replica (profiles, outbox,
 * conflicts, batches, sync state) with SQLite's unique rules and rollback,
 * a clock with timers that run when the test moves time on, and a server
 * the test scripts. No SQLite, no HTTP.
 */

export const T0 = Date.parse('2026-03-02T09:00:00.000Z');

export class FakeClock implements Clock {
  constructor(public ms = T0) {}
  now(): Date {
    return new Date(this.ms);
  }
}

export class FakeTimers implements Timers {
  private next = 1;
  private readonly pending = new Map<number, { at: number; fn: () => void }>();
  /** What random() answers (the backoff's jitter). */
  jitter = 0.5;
  constructor(private readonly clock: FakeClock) {}
  setTimeout(fn: () => void, ms: number): unknown {
    const id = this.next++;
    this.pending.set(id, { at: this.clock.ms + ms, fn });
    return id;
  }
  clearTimeout(handle: unknown): void {
    if (typeof handle === 'number') this.pending.delete(handle);
  }
  random(): number {
    return this.jitter;
  }
  /** How many timers wait. */
  get size(): number {
    return this.pending.size;
  }
  /** When the earliest timer is due (ms from now), or null. */
  dueIn(): number | null {
    const first = [...this.pending.values()].sort((a, b) => a.at - b.at)[0];
    return first === undefined ? null : first.at - this.clock.ms;
  }
  /** Moves time to the earliest timer and runs it (and lets the work it starts settle). */
  async fireNext(): Promise<void> {
    const entry = [...this.pending.entries()].sort((a, b) => a[1].at - b[1].at)[0];
    if (entry === undefined) throw new Error('no timer is set');
    this.pending.delete(entry[0]);
    this.clock.ms = Math.max(this.clock.ms, entry[1].at);
    entry[1].fn();
    await settle();
  }
}

/** Lets every promise chain started so far run to its end. */
export async function settle(): Promise<void> {
  for (let i = 0; i < 20; i++) await new Promise<void>((resolve) => setImmediate(resolve));
}

export class CountingIds implements IdSource {
  private n = 0;
  uuid(): string {
    this.n++;
    return `00000000-0000-4000-8000-${this.n.toString(16).padStart(12, '0')}`;
  }
}

export class RecordingEvents implements ChangeSink {
  readonly topics: ChangeTopic[][] = [];
  changed(topics: ChangeTopic[]): void {
    this.topics.push(topics);
  }
}

export class MemorySecrets implements SecretStore {
  readonly kind = 'file-0600' as const;
  constructor(public token: string | null = null) {}
  get(): string | null {
    return this.token;
  }
  set(token: string): void {
    this.token = token;
  }
  clear(): void {
    this.token = null;
  }
}

// ------------------------------------------------------------ the replica

interface Row extends StoredProfile {
  deleted: boolean;
  parked: { email: string; externalId: string | null } | null;
}

interface ConflictRow extends ConflictRecord {
  resolvedAt: string | null;
  resolution: ConflictClosing | null;
}

interface Tables {
  state: SyncState;
  profiles: Map<string, Row>;
  outbox: Mutation[];
  conflicts: ConflictRow[];
  batches: Map<string, InviteBatchRecord>;
  log: SyncLogEntry[];
  indexesPending: boolean;
  deliveries: Map<string, InvitationDelivery>;
  entries: Map<string, CatalogueEntry>;
  rules: Map<string, AssignmentRule>;
}

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

const unused = (what: string) => (): never => {
  throw new Error(`${what} is not part of the sync fakes`);
};

const stored = (r: Row): StoredProfile & { deleted: boolean } => {
  const { parked: _parked, ...rest } = r;
  return { ...rest, tags: [...r.tags] };
};

/**
 * The replica in memory: the core's ReplicaPort and the sync store over the
 * same tables. Live profiles keep their email and external ID unique (a
 * write that breaks that throws, like SQLite's unique indexes); a
 * transaction that throws leaves the tables as they were.
 */
export class MemoryReplica {
  t: Tables = {
    state: { ...DEFAULT_STATE },
    profiles: new Map(),
    outbox: [],
    conflicts: [],
    batches: new Map(),
    log: [],
    indexesPending: false,
    deliveries: new Map(),
    entries: new Map(),
    rules: new Map(),
  };
  private depth = 0;
  bulk = false;

  // ---------------------------------------------------------- helpers for tests

  /** A profile row as the server sent it (version ≥ 1) or as made here (version 0). */
  seed(p: StoredProfile): void {
    this.t.profiles.set(p.id, { ...p, tags: [...p.tags], deleted: false, parked: null });
  }
  row(id: string): (StoredProfile & { deleted: boolean }) | undefined {
    const r = this.t.profiles.get(id);
    return r === undefined ? undefined : stored(r);
  }
  openConflicts(): ConflictRow[] {
    return this.t.conflicts.filter((c) => c.resolvedAt === null);
  }

  private holder(field: 'email' | 'externalId', value: string, exceptId: string): string | undefined {
    for (const r of this.t.profiles.values()) if (!r.deleted && r.id !== exceptId && r[field] === value) return r.id;
    return undefined;
  }
  private clash(p: StoredProfile): 'email' | 'externalId' | null {
    if (this.holder('email', p.email, p.id) !== undefined) return 'email';
    if (p.externalId !== null && this.holder('externalId', p.externalId, p.id) !== undefined) return 'externalId';
    return null;
  }
  /** Writes a live row, refusing a unique value another live row holds (as the unique indexes do). */
  private write(p: StoredProfile, parked: Row['parked'] = null): void {
    const clash = this.clash(p);
    if (clash !== null) throw new UniqueClash(clash);
    this.t.profiles.set(p.id, { ...p, tags: [...p.tags], deleted: false, parked });
  }

  transaction<T>(fn: () => T): T {
    if (this.depth > 0) return fn();
    const before = structuredClone(this.t);
    this.depth++;
    try {
      return fn();
    } catch (error) {
      this.t = before;
      throw error;
    } finally {
      this.depth--;
    }
  }

  // ---------------------------------------------------------- ReplicaPort

  readonly replica: ReplicaPort = {
    transaction: (fn) => this.transaction(fn),
    profiles: {
      insert: (p) => {
        if (this.t.profiles.has(p.id)) throw new Error(`profile ${p.id} exists`);
        translate(() => this.write(p));
      },
      update: (p) => {
        const current = this.t.profiles.get(p.id);
        if (current === undefined || current.deleted) return;
        translate(() => this.write(p, current.parked));
      },
      markDeleted: (id, at) => {
        const r = this.t.profiles.get(id);
        if (r === undefined || r.deleted) return false;
        this.t.profiles.set(id, { ...r, deleted: true, updatedAt: at });
        return true;
      },
      get: (id, now): Profile | undefined => {
        const r = this.t.profiles.get(id);
        if (r === undefined || r.deleted) return undefined;
        const { deleted: _deleted, ...rest } = stored(r);
        return { ...rest, status: deriveStatus(r, now) };
      },
      findIdByEmail: (email) => this.holder('email', email, ''),
      findIdByExternalId: (externalId) => this.holder('externalId', externalId, ''),
      findIdByUsername: (username) => {
        for (const r of this.t.profiles.values()) if (!r.deleted && r.username?.toLowerCase() === username.toLowerCase()) return r.id;
        return undefined;
      },
      list: unused('profiles.list'),
      countSelection: unused('profiles.countSelection'),
      facets: unused('profiles.facets'),
      undelete: unused('profiles.undelete'),
      selectionIds: unused('profiles.selectionIds'),
      getMany: unused('profiles.getMany'),
      possibleDuplicates: unused('profiles.possibleDuplicates'),
    },
    catalogues: {
      get: (id) => this.t.entries.get(id),
      list: () => [...this.t.entries.values()],
      rules: () => [...this.t.rules.values()].sort((a, b) => a.position - b.position || (a.id < b.id ? -1 : 1)),
      ruleHolders: unused('catalogues.ruleHolders'),
      usage: () => {
        const used = new Map<string, number>();
        for (const r of this.t.profiles.values()) {
          if (r.deleted) continue;
          for (const id of [...r.accessRights, ...r.paymentMethods, ...r.licences, r.department, r.jobProfile, r.permissionType, r.userGroup]) {
            if (id !== null) used.set(id, (used.get(id) ?? 0) + 1);
          }
        }
        return used;
      },
      ruleNames: () => new Map([...this.t.rules.values()].map((r) => [r.id, r.name])),
      licenceHolders: (licenceId, limit) =>
        [...this.t.profiles.values()]
          .filter((r) => !r.deleted && r.licences.includes(licenceId))
          .sort((a, b) => a.lastName.localeCompare(b.lastName) || a.firstName.localeCompare(b.firstName))
          .slice(0, limit)
          .map((r) => ({ id: r.id, firstName: r.firstName, lastName: r.lastName })),
    },
    outbox: {
      append: (m) => {
        this.t.outbox.push(structuredClone(m));
      },
      count: () => this.t.outbox.length,
      has: unused('outbox.has'),
      remove: unused('outbox.remove'),
    },
    imports: unusedImports(),
  };

  // ---------------------------------------------------------- SyncStorePort

  readonly store: SyncStorePort = {
    importsOf: () => [],
    state: () => ({ ...this.t.state }),
    saveState: (patch) => {
      this.t.state = { ...this.t.state, ...patch };
    },
    sendable: (limit) => {
      const blocked = new Set(this.openConflicts().map((c) => c.entityId));
      return structuredClone(this.t.outbox.filter((m) => !blocked.has(m.entityId)).slice(0, limit));
    },
    mutationsFor: (entityId) => structuredClone(this.t.outbox.filter((m) => m.entityId === entityId)),
    pendingEntityIds: () => new Set(this.t.outbox.map((m) => m.entityId)),
    conflictEntityIds: () => new Set(this.openConflicts().map((c) => c.entityId)),
    versions: (ids) => {
      const out = new Map<string, StoredState>();
      for (const id of ids) {
        const r = this.t.profiles.get(id);
        if (r !== undefined) out.set(id, { version: r.version, deleted: r.deleted, status: r.status, invitedAt: r.invitedAt, invitationExpiresAt: r.invitationExpiresAt, confirmedAt: r.confirmedAt, deactivatedAt: r.deactivatedAt ?? null });
      }
      return out;
    },
    beginBulkWrites: () => {
      this.bulk = true;
      this.t.indexesPending = true;
    },
    endBulkWrites: () => {
      this.bulk = false;
    },
    resumeCheckpoints: () => undefined,
    holdCheckpoints: () => undefined,
    indexesPending: () => this.t.indexesPending,
    profileRows: () => this.t.profiles.size,
    presentMutations: (ids) => new Set(this.t.outbox.filter((m) => ids.includes(m.id)).map((m) => m.id)),
    outboxCounts: (entityIds) => {
      const out = new Map<string, number>();
      for (const m of this.t.outbox) if (entityIds.includes(m.entityId)) out.set(m.entityId, (out.get(m.entityId) ?? 0) + 1);
      return out;
    },
    removeMutations: (ids) => {
      this.t.outbox = this.t.outbox.filter((m) => !ids.includes(m.id));
    },
    rebaseMutations: (entityId, from, to) => {
      for (const m of this.t.outbox) if (m.entityId === entityId && m.baseVersion === from) m.baseVersion = to;
    },
    waiting: () => {
      const blocked = new Set(this.openConflicts().map((c) => c.entityId));
      const invitations = [...this.t.batches.values()].filter((b) => b.status === 'queued' || b.status === 'sending').reduce((n, b) => n + b.profileIds.length, 0);
      return { mutations: this.t.outbox.length, invitations, blocked: this.t.outbox.filter((m) => blocked.has(m.entityId)).length };
    },
    selectionMembers: (selection, now) => {
      if (selection.kind !== 'ids') throw new Error('the fakes select by ids only');
      return selection.ids.flatMap((id) => {
        const r = this.t.profiles.get(id);
        return r === undefined || r.deleted ? [] : [{ id, name: `${r.firstName} ${r.lastName}`, email: r.email, phone: r.phone, status: deriveStatus(r, now), deactivated: r.deactivatedAt == null ? (0 as const) : (1 as const) }];
      });
    },
    stored: (id) => this.row(id),
    storedMany: (ids) => {
      const out = new Map<string, StoredProfile & { deleted: boolean }>();
      for (const id of ids) {
        const r = this.row(id);
        if (r !== undefined) out.set(id, r);
      }
      return out;
    },
    // The server's row is here now: values set aside earlier are moot.
    putProfile: (p) => {
      this.write(p);
    },
    tryPutProfile: (p) => {
      if (this.clash(p) !== null) return false;
      this.write(p);
      return true;
    },
    removeProfile: (id) => {
      this.t.profiles.delete(id);
    },
    setServerState: (p) => {
      const r = this.t.profiles.get(p.id);
      if (r === undefined || r.deleted) return;
      this.t.profiles.set(p.id, { ...r, version: p.version, status: p.status, invitedAt: p.invitedAt, invitationExpiresAt: p.invitationExpiresAt, confirmedAt: p.confirmedAt, createdAt: p.createdAt, updatedAt: p.updatedAt });
    },
    holderOf: (email, externalId, exceptId) => this.holder('email', email, exceptId) ?? (externalId === null ? undefined : this.holder('externalId', externalId, exceptId)),
    parkUniqueValues: (id, remember) => {
      const r = this.t.profiles.get(id);
      if (r === undefined) return;
      this.t.profiles.set(id, { ...r, email: `parked+${id}@roster.invalid`, externalId: null, parked: r.parked ?? remember });
    },
    unparkProfiles: () => {
      const waiting = this.store.pendingEntityIds();
      const open = this.store.conflictEntityIds();
      let restored = 0;
      for (const r of [...this.t.profiles.values()]) {
        if (r.parked === null || r.deleted || waiting.has(r.id) || open.has(r.id)) continue;
        const back = { ...stored(r), ...r.parked };
        if (this.clash(back) !== null) continue;
        this.t.profiles.set(r.id, { ...r, ...r.parked, parked: null });
        restored++;
      }
      return restored;
    },
    addConflict: (c) => {
      this.t.conflicts.push({ ...structuredClone(c), resolvedAt: null, resolution: null });
    },
    openConflicts: () => structuredClone(this.openConflicts()).map(record),
    openConflictCount: () => this.openConflicts().length,
    // This fake keeps no catalogue or rule changes (the replica's store is tested with a real database).
    offlineDecisions: () => ({ catalogues: 0, rules: 0 }),
    openConflict: (id) => {
      const c = this.openConflicts().find((x) => x.id === id);
      return c === undefined ? undefined : record(structuredClone(c));
    },
    openConflictFor: (entityId) => {
      const c = this.openConflicts().find((x) => x.entityId === entityId);
      return c === undefined ? undefined : record(structuredClone(c));
    },
    closeConflict: (id, resolution, at) => {
      const c = this.t.conflicts.find((x) => x.id === id);
      if (c !== undefined) Object.assign(c, { resolvedAt: at, resolution });
    },
    updateConflictTheirs: (id, theirs) => {
      const c = this.t.conflicts.find((x) => x.id === id);
      if (c !== undefined) c.theirs = structuredClone(theirs);
    },
    addBatch: (b) => {
      this.t.batches.set(b.id, structuredClone(b));
    },
    batch: (id) => structuredClone(this.t.batches.get(id)),
    batchByMutation: (mutationId) => structuredClone([...this.t.batches.values()].find((b) => b.mutationId === mutationId)),
    batches: (limit) => structuredClone([...this.t.batches.values()].slice(0, limit)),
    updateBatch: (id, patch) => {
      const b = this.t.batches.get(id);
      if (b !== undefined) this.t.batches.set(id, { ...b, ...structuredClone(patch) });
    },
    log: (entry) => {
      this.t.log.push(entry);
    },
    recentLog: (limit) => this.t.log.slice(-limit).reverse(),
    putEntry: (entry) => {
      this.t.entries.set(entry.id, { ...entry });
    },
    removeEntry: (id) => {
      this.t.entries.delete(id);
    },
    putRule: (rule) => {
      this.t.rules.set(rule.id, { ...rule });
    },
    removeRule: (id) => {
      this.t.rules.delete(id);
    },
    replaceRules: (rules) => {
      this.t.rules = new Map(rules.map((r) => [r.id, { ...r }]));
    },
    replaceEntries: (entries) => {
      this.t.entries = new Map(entries.map((e) => [e.id, { ...e }]));
    },
    putDelivery: (profileId, delivery) => {
      if (delivery === null) this.t.deliveries.delete(profileId);
      else this.t.deliveries.set(profileId, { ...delivery });
    },
    delivery: (profileId) => this.t.deliveries.get(profileId) ?? null,
    notDeliveredCount: () => this.notDeliveredAmong([...this.t.deliveries.keys()]),
    notDeliveredAmong: (profileIds) => this.notDeliveredAmong(profileIds),
  };

  /** Live, unconfirmed profiles among these whose invitation email was reported not delivered. */
  private notDeliveredAmong(profileIds: readonly string[]): number {
    return [...new Set(profileIds)].filter((id) => {
      const row = this.t.profiles.get(id);
      const delivery = this.t.deliveries.get(id);
      return row !== undefined && !row.deleted && row.status !== 'confirmed' && delivery !== undefined && isNotDelivered(delivery.state);
    }).length;
  }
}

const record = (c: ConflictRow): ConflictRecord => {
  const { resolvedAt: _at, resolution: _resolution, ...rest } = c;
  return rest;
};

class UniqueClash extends Error {
  constructor(readonly field: 'email' | 'externalId') {
    super(`UNIQUE constraint failed: profiles.${field}`);
  }
}

/** What the replica's profile writes answer a unique clash with (src-main/db/replica.ts). */
function translate(write: () => void): void {
  try {
    write();
  } catch (error) {
    if (!(error instanceof UniqueClash)) throw error;
    throw error.field === 'email' ? new AppError('EMAIL_TAKEN', 'Another profile already uses this email.') : new AppError('EXTERNAL_ID_TAKEN', 'Another profile already has this external ID.');
  }
}

function unusedImports(): ImportStorePort {
  return {
    start: unused('imports'),
    addItem: unused('imports'),
    progress: unused('imports'),
    finish: unused('imports'),
    get: unused('imports'),
    list: unused('imports'),
    items: unused('imports'),
    undoCheck: unused('imports'),
    removeCreated: unused('imports'),
    removeMutation: unused('imports'),
    markUndone: unused('imports'),
    rememberSource: unused('imports'),
    rememberedSources: unused('imports'),
  };
}

// ------------------------------------------------------------ the server

/** A profile row as the server would send it. */
export function serverRow(id: string, values: Partial<ProfileValues> = {}, version = 1): Profile {
  return {
    id,
    firstName: 'Ann',
    lastName: 'Peeters',
    email: `${id.slice(-6)}@example.com`,
    phone: null,
    tags: [],
    externalId: null,
    username: null,
    language: 'en_US',
    ...noAttributeValues(),
    ...values,
    status: 'not_invited',
    invitedAt: null,
    invitationExpiresAt: null,
    confirmedAt: null,
    version,
    createdAt: '2026-03-01T08:00:00.000Z',
    updatedAt: `2026-03-01T08:00:0${Math.min(version, 9)}.000Z`,
  };
}

/**
 * The Roster server as the engine sees it: every push and pull is recorded;
 * a push is answered by `answer` (a small server by default: creates, edits
 * and deletes apply, invitations invite everyone), pulls by the pages queued
 * in `pages`.
 */
export class ScriptedServer implements SyncTransport {
  readonly pushes: PushRequest[] = [];
  readonly pulls: { cursor: string; limit: number }[] = [];
  readonly rows = new Map<string, Profile>();
  /** Pull pages still to serve, in order; a function answers (or throws) when asked. */
  pages: (PullResponse | ((cursor: string) => PullResponse))[] = [];
  /** Answers one mutation; undefined leaves it to the default server. */
  answer: (m: WireMutation) => PushResult | undefined = () => undefined;
  /** Fails a whole push (thrown), when set. */
  failPush: ((request: PushRequest) => Error | null) | null = null;
  failCheck: Error | null = null;
  /** Runs when the engine asks whether anything changed: after its push, before its pull (a person editing meanwhile). */
  onCheck: (() => void) | null = null;
  signedOut = 0;
  /** The emails the engine asked to send again. */
  readonly retried: string[] = [];

  signIn(): Promise<SignInResponse> {
    return Promise.resolve({
      token: 'token-1',
      account: { id: '10000000-0000-4000-8000-000000000001', email: 'admin@example.com' },
      organisation: { organisationId: '20000000-0000-4000-8000-000000000001', organisationName: 'Test Org', role: 'owner' },
      memberships: [],
      expiresAt: '2026-04-01T00:00:00.000Z',
    });
  }
  signOut(): Promise<void> {
    this.signedOut++;
    return Promise.resolve();
  }
  push(_url: string, _token: string, request: PushRequest): Promise<PushResponse> {
    this.pushes.push(structuredClone(request));
    const failure = this.failPush?.(request) ?? null;
    if (failure !== null) return Promise.reject(failure);
    return Promise.resolve({ results: request.mutations.map((m) => this.answer(m) ?? this.apply(m)) });
  }
  pull(_url: string, _token: string, cursor: string, limit: number): Promise<PullResponse> {
    this.pulls.push({ cursor, limit });
    const next = this.pages.shift();
    if (next === undefined) return Promise.resolve({ changes: [], cursor, hasMore: false, serverTime: '2026-03-02T09:00:00.000Z' });
    try {
      return Promise.resolve(typeof next === 'function' ? next(cursor) : next);
    } catch (error) {
      return Promise.reject(error instanceof Error ? error : new Error(String(error)));
    }
  }
  retryMail(_url: string, _token: string, mailId: string): Promise<RetryMailResponse> {
    this.retried.push(mailId);
    return Promise.resolve({ id: mailId, state: 'queued', retrySince: '2026-03-02T09:00:00.000Z' });
  }
  check(_url: string, _token: string, cursor: string): Promise<{ changed: boolean; latest: string }> {
    this.onCheck?.();
    if (this.failCheck !== null) return Promise.reject(this.failCheck);
    return Promise.resolve({ changed: this.pages.length > 0, latest: cursor });
  }

  private apply(m: WireMutation): PushResult {
    const head = { mutationId: m.id, entityId: m.entityId };
    switch (m.kind) {
      case 'profile.create': {
        const row = serverRow(m.entityId, m.payload.values, 1);
        this.rows.set(m.entityId, row);
        return { ...head, status: 'applied', version: 1, row, invite: null };
      }
      case 'profile.update': {
        const current = this.rows.get(m.entityId) ?? serverRow(m.entityId, {}, m.baseVersion);
        const row: Profile = { ...current, ...withChanges(current, m.payload.changes), version: current.version + 1 };
        this.rows.set(m.entityId, row);
        return { ...head, status: 'applied', version: row.version, row, invite: null };
      }
      case 'profile.delete': {
        const version = (this.rows.get(m.entityId)?.version ?? m.baseVersion) + 1;
        this.rows.delete(m.entityId);
        return { ...head, status: 'applied', version, row: null, invite: null };
      }
      case 'profile.invite':
        return { ...head, status: 'applied', version: 0, row: null, invite: { invited: m.payload.profileIds, skipped: [] } };
      case 'profile.bulk':
        // The console does not send bulk changes yet: this fake server has no need to apply them.
        return { ...head, status: 'rejected', code: 'VALIDATION_FAILED', message: 'This fake server takes no bulk changes.' };
    }
  }
}

export class InstantIndexes implements IndexBuilder {
  builds = 0;
  constructor(private readonly replica: MemoryReplica) {}
  build(): Promise<boolean> {
    this.builds++;
    this.replica.t.indexesPending = false;
    return Promise.resolve(true);
  }
}

/** A row made in this console (version 0) or pulled (version ≥ 1), as the replica stores it. */
export function storedRow(id: string, values: Partial<ProfileValues> = {}, version = 1): StoredProfile {
  const p = serverRow(id, values, version);
  return { ...p, status: 'not_invited' };
}
