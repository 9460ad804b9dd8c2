import { DEFAULT_EMAIL_POLICY } from '../../../src-shared/profile';
import type { IdentityOptions } from '../../../src-shared/profile';
import { ATTRIBUTE_LIMITS, catalogueEntrySchema, checkCatalogueEntry, sameCode } from '../../../src-shared/attributes';
import type { CatalogueEntry, CatalogueEntryDraft, CatalogueEntryValues, CatalogueKind, RequiredAttributes } from '../../../src-shared/attributes';
import { entriesNamed } from '../../../src-shared/assignment-rules';
import type { CatalogueChange, CatalogueView, DeletedEntry, SavedEntry } from '../../../src-shared/contract/catalogues';
import { AppError, fieldsError, ruleError } from '../../../src-shared/errors';
import { englishText, rule } from '../../../src-shared/messages';
import type { RuleMessage } from '../../../src-shared/messages';
import type { Role } from '../../../src-shared/wire';
import type { ChangeSink, Clock, IdSource, ReplicaPort } from '../ports';
import type { CatalogueTransport, SyncStorePort } from '../sync/ports';
import { callServer, ensureMayWrite, isRefusal, isUnreachable, serverRefusal } from './server-call';
import type { ServerSessionPort } from './server-call';

/** This console's catalogue changes not yet taken by the server (src-main/db/catalogues.repo.ts). */
export interface CatalogueChangesPort {
  all(): CatalogueChange[];
  get(entryId: string): CatalogueChange | undefined;
  put(change: CatalogueChange): void;
  remove(entryId: string): void;
  /** The server's entry as the replica last received it, without a change made here. */
  server(entryId: string): CatalogueEntry | undefined;
}

export interface CatalogueServiceDeps {
  replica: ReplicaPort;
  store: Pick<SyncStorePort, 'putEntry' | 'removeEntry'>;
  changes: CatalogueChangesPort;
  transport: CatalogueTransport;
  session: ServerSessionPort;
  /** This console's role in its organisation (null: signed out). */
  role: () => Role | null;
  clock: Clock;
  ids: IdSource;
  /** The attributes every profile must have, as the server last said. */
  required: () => RequiredAttributes;
  /** Who needs an email (as the server last said); everyone when not given. */
  identity?: () => IdentityOptions;
  events: ChangeSink;
  /** A sync soon: queued changes go with it, and the profiles a deletion moved come with its pull. */
  sync: { poke(): void };
}

type SaveInput = { kind: CatalogueKind; id?: string | undefined; baseVersion?: number | undefined; draft: CatalogueEntryDraft };
type DeleteInput = { id: string; baseVersion?: number | undefined; replaceWith?: string | undefined; removeFromProfiles?: boolean | undefined };

/** VALIDATION_FAILED naming one field, with its finding (the server's refusal, made here). */
function fieldError(field: string, found: RuleMessage): AppError {
  const message = englishText(found);
  return new AppError('VALIDATION_FAILED', message, { fields: { [field]: message }, fieldRules: { [field]: found }, rule: found });
}

const sameValues = (a: CatalogueEntryValues, b: CatalogueEntryValues): boolean =>
  a.code === b.code && a.name === b.name && a.description === b.description && a.seats === b.seats;

/**
 * The organisation's catalogues in this console: listed from the replica
 * (offline too, with the changes made here over the server's entries), each
 * entry with how many of its profiles hold it. A save or a deletion goes to
 * the server at once when it can be reached and nothing else waits; else it
 * is checked here with the shared rules and queued, and the sync sends it
 * (flush) before the profiles' changes. What the server refuses, or an
 * entry another admin changed meanwhile, waits for a person (resolve).
 */
export class CatalogueService {
  constructor(private readonly deps: CatalogueServiceDeps) {}

  list(): CatalogueView {
    const used = this.deps.replica.catalogues.usage();
    const identity = this.deps.identity?.();
    return {
      entries: this.deps.replica.catalogues.list().map((e) => ({ ...e, profiles: used.get(e.id) ?? 0 })),
      requiredAttributes: [...this.deps.required()],
      identity: { emailPolicy: identity?.emailPolicy ?? DEFAULT_EMAIL_POLICY, usernameMade: identity?.usernameMade === true },
      ruleNames: Object.fromEntries(this.deps.replica.catalogues.ruleNames()),
      changes: this.deps.changes.all(),
    };
  }

  async save(input: SaveInput): Promise<SavedEntry> {
    this.#mayWrite();
    if (!this.#mustQueue(input.id)) {
      try {
        const entry = await callServer(this.deps.session, (url, token) => {
          if (input.baseVersion !== undefined && input.id !== undefined) {
            return this.deps.transport.updateEntry(url, token, input.id, { baseVersion: input.baseVersion, draft: input.draft });
          }
          return this.deps.transport.createEntry(url, token, { kind: input.kind, ...(input.id === undefined ? {} : { id: input.id }), draft: input.draft });
        });
        this.deps.replica.transaction(() => this.deps.store.putEntry(entry));
        this.deps.events.changed(['catalogues']);
        return entry;
      } catch (error) {
        if (!isUnreachable(error)) throw error;
      }
    }
    return this.#queueSave(input);
  }

  async delete(input: DeleteInput): Promise<DeletedEntry> {
    this.#mayWrite();
    if (!this.#mustQueue(input.id)) {
      try {
        const { id, ...query } = input;
        const done = await callServer(this.deps.session, (url, token) => this.deps.transport.deleteEntry(url, token, id, query));
        this.deps.replica.transaction(() => this.deps.store.removeEntry(id));
        this.deps.events.changed(['catalogues']);
        if (done.profilesChanged > 0) this.deps.sync.poke();
        return done;
      } catch (error) {
        if (!isUnreachable(error)) throw error;
      }
    }
    return this.#queueDelete(input);
  }

  /** Settles a change in conflict or refused: `mine` queues it again over the server's entry; `theirs` drops it. */
  resolve(input: { entryId: string; choice: 'mine' | 'theirs' }): { entryId: string } {
    this.#mayWrite();
    const change = this.deps.changes.get(input.entryId);
    if (change === undefined || change.state === 'queued') throw ruleError('NOT_FOUND', rule('catalogue_change_missing', {}));
    const now = this.deps.clock.now().toISOString();
    this.deps.replica.transaction(() => {
      if (input.choice === 'theirs') {
        this.deps.changes.remove(change.entryId);
        if (change.theirs !== null) this.deps.store.putEntry(change.theirs);
        return;
      }
      // Mine again: over the server's entry as it now is (a refused one goes as it was, after a fix elsewhere).
      const baseVersion = change.theirs?.version ?? change.baseVersion;
      this.deps.changes.put({ ...change, baseVersion, state: 'queued', error: null, theirs: null, updatedAt: now });
    });
    this.deps.events.changed(['catalogues', 'sync']);
    if (input.choice === 'mine') this.deps.sync.poke();
    return { entryId: change.entryId };
  }

  /**
   * Sends the queued changes in the order they were made (the sync engine
   * calls this before pushing the profiles' changes). A transport failure
   * stops here and leaves the rest queued; a refusal is kept with its change.
   */
  async flush(serverUrl: string, token: string): Promise<void> {
    for (const change of this.deps.changes.all()) {
      if (change.state !== 'queued') continue;
      await this.#send(serverUrl, token, change);
      this.deps.events.changed(['catalogues', 'sync']);
    }
  }

  async #send(url: string, token: string, c: CatalogueChange): Promise<void> {
    const { transport } = this.deps;
    try {
      if (c.op === 'delete') {
        const query = { ...(c.baseVersion === null ? {} : { baseVersion: c.baseVersion }), ...(c.replaceWith === null ? {} : { replaceWith: c.replaceWith }), ...(c.removeFromProfiles ? { removeFromProfiles: true } : {}) };
        const done = await transport.deleteEntry(url, token, c.entryId, query);
        this.#taken(c, null);
        if (done.profilesChanged > 0) this.deps.sync.poke();
        return;
      }
      const draft = c.values ?? {};
      const entry = c.baseVersion === null ? await transport.createEntry(url, token, { kind: c.kind, id: c.entryId, draft }) : await transport.updateEntry(url, token, c.entryId, { baseVersion: c.baseVersion, draft });
      this.#taken(c, entry);
    } catch (error) {
      if (!isRefusal(error)) throw error;
      if (error.code === 'ID_TAKEN' && c.op === 'save' && c.baseVersion === null) {
        // The server has it (an earlier send whose answer was lost): the change goes on as an edit of its first version.
        await this.#send(url, token, { ...c, baseVersion: 1 });
        return;
      }
      if (error.code === 'NOT_FOUND' && c.op === 'delete') {
        this.#taken(c, null); // gone there already
        return;
      }
      const theirs = catalogueEntrySchema.safeParse(error.details?.currentEntry);
      if (error.code === 'VERSION_CONFLICT' && theirs.success) {
        if (c.op === 'save' && c.values !== null && sameValues(theirs.data, c.values)) {
          this.#taken(c, theirs.data); // the server already holds these values
          return;
        }
        this.#park(c, 'conflict', serverRefusal(error.code, error.message, error.details).toApiError(), theirs.data);
        return;
      }
      this.#park(c, 'refused', serverRefusal(error.code, error.message, error.details).toApiError(), null);
    }
  }

  /** The server took the change: its entry (none: deleted) replaces what the replica held, and the change is done. */
  #taken(c: CatalogueChange, entry: CatalogueEntry | null): void {
    this.deps.replica.transaction(() => {
      const now = this.deps.changes.get(c.entryId);
      // Changed here again while it was on its way: that later change stays queued, over the server's new version.
      if (now !== undefined && now.updatedAt !== c.updatedAt && entry !== null) this.deps.changes.put({ ...now, baseVersion: entry.version });
      else this.deps.changes.remove(c.entryId);
      if (entry === null) this.deps.store.removeEntry(c.entryId);
      else this.deps.store.putEntry(entry);
    });
  }

  #park(c: CatalogueChange, state: 'conflict' | 'refused', error: CatalogueChange['error'], theirs: CatalogueEntry | null): void {
    this.deps.replica.transaction(() => {
      const now = this.deps.changes.get(c.entryId);
      if (now === undefined) return;
      this.deps.changes.put({ ...now, state, error, theirs, updatedAt: now.updatedAt });
      if (theirs !== null) this.deps.store.putEntry(theirs);
    });
  }

  /** Owners and admins of a signed-in organisation change its catalogues; a viewer reads them. */
  #mayWrite(): void {
    ensureMayWrite(this.deps.session, this.deps.role(), 'catalogue_viewer');
  }

  /** Queue rather than ask: working offline, changes already waiting (they go first), or this entry has one. */
  #mustQueue(entryId: string | undefined): boolean {
    if (this.deps.session.current().workOffline) return true;
    return this.deps.changes.all().some((c) => c.state === 'queued' || c.entryId === entryId);
  }

  /** A save checked here as the server would, then kept for the next sync over any earlier change of the entry. */
  #queueSave(input: SaveInput): SavedEntry {
    const { replica, changes, clock } = this.deps;
    const now = clock.now().toISOString();
    const current = input.id === undefined ? undefined : replica.catalogues.get(input.id);
    if (input.baseVersion !== undefined && current === undefined) throw ruleError('NOT_FOUND', rule('entry_not_found', {}));
    const kind = current?.kind ?? input.kind;
    const d = input.draft;
    // A field the draft leaves out stays as it is (as on the server).
    const checked = checkCatalogueEntry(kind, {
      code: d.code === undefined ? current?.code : d.code,
      name: d.name === undefined ? current?.name : d.name,
      description: d.description === undefined ? current?.description : d.description,
      seats: d.seats === undefined ? current?.seats : d.seats,
    });
    if (!checked.ok) throw fieldsError(checked.fields, checked.rules);
    const value = checked.value;
    const entryId = input.id ?? this.deps.ids.uuid();
    const ofKind = replica.catalogues.list().filter((e) => e.kind === kind && e.id !== entryId);
    if (current === undefined && ofKind.length >= ATTRIBUTE_LIMITS.entriesPerCatalogue) {
      throw ruleError('VALIDATION_FAILED', rule('catalogue_full', { max: ATTRIBUTE_LIMITS.entriesPerCatalogue }), { limit: ATTRIBUTE_LIMITS.entriesPerCatalogue });
    }
    if (ofKind.some((e) => sameCode(e.code, value.code))) throw fieldError('code', rule('entry_code_taken', { value: value.code }));
    if (value.seats !== null) {
      const used = replica.catalogues.usage().get(entryId) ?? 0;
      if (used > value.seats) throw fieldError('seats', rule('seats_below_use', { used }));
    }
    const before = changes.get(entryId);
    if (before?.op === 'delete') throw ruleError('NOT_FOUND', rule('entry_not_found', {}));
    // The version the server last gave the entry: a new one has none; an earlier change here keeps the base it was made on.
    const baseVersion = before !== undefined ? before.baseVersion : current === undefined || current.version === 0 ? null : current.version;
    const change: CatalogueChange = {
      entryId,
      op: 'save',
      kind,
      baseVersion,
      values: value,
      replaceWith: null,
      removeFromProfiles: false,
      state: before?.state === 'conflict' ? 'conflict' : 'queued',
      error: before?.state === 'conflict' ? before.error : null,
      theirs: before?.state === 'conflict' ? before.theirs : null,
      createdAt: before?.createdAt ?? now,
      updatedAt: now,
    };
    replica.transaction(() => changes.put(change));
    this.#queued();
    return { ...(current ?? { id: entryId, kind, version: 0, createdAt: now }), ...value, id: entryId, kind, updatedAt: now, queued: true };
  }

  /** A deletion checked here as the server would, then kept for the next sync (an entry made here and never sent is simply dropped). */
  #queueDelete(input: DeleteInput): DeletedEntry {
    const { replica, changes, clock } = this.deps;
    const now = clock.now().toISOString();
    const entry = replica.catalogues.get(input.id);
    const before = changes.get(input.id);
    if (entry === undefined || before?.op === 'delete') throw ruleError('NOT_FOUND', rule('entry_not_found', {}));
    const remove = input.removeFromProfiles === true;
    if (input.replaceWith !== undefined && remove) throw ruleError('VALIDATION_FAILED', rule('delete_move_or_remove', {}));
    const namedBy = replica.catalogues.rules().filter((r) => entriesNamed(r).includes(entry.id));
    const holders = replica.catalogues.usage().get(entry.id) ?? 0;
    const first = namedBy[0];
    if (first !== undefined) throw ruleError('IN_USE', rule('entry_named_by_rule', { rule: first.name }), { inUse: { profiles: holders, rules: namedBy.map((r) => ({ id: r.id, name: r.name })) } });
    const server = this.deps.changes.server(entry.id);
    // Made here and never sent: profiles here that hold it cannot be moved before the server has it.
    if (server === undefined && holders > 0) throw ruleError('IN_USE', rule('entry_new_in_use', { count: holders }), { inUse: { profiles: holders, rules: [] } });
    if (holders > 0 && input.replaceWith === undefined && !remove) throw ruleError('IN_USE', rule('entry_in_use', { count: holders }), { inUse: { profiles: holders, rules: [] } });
    if (input.replaceWith !== undefined) {
      const target = replica.catalogues.get(input.replaceWith);
      if (target === undefined || target.kind !== entry.kind || target.id === entry.id || changes.get(target.id)?.op === 'delete') throw fieldError('replaceWith', rule('replacement_invalid', {}));
    }
    if (server === undefined) {
      // Made here, never sent, and nobody holds it: nothing to ask the server.
      replica.transaction(() => changes.remove(entry.id));
      this.deps.events.changed(['catalogues', 'sync']);
      return { id: entry.id, deleted: true, profilesChanged: 0 };
    }
    const change: CatalogueChange = {
      entryId: entry.id,
      op: 'delete',
      kind: entry.kind,
      baseVersion: server.version,
      values: null,
      replaceWith: input.replaceWith ?? null,
      removeFromProfiles: remove,
      state: 'queued',
      error: null,
      theirs: null,
      createdAt: before?.createdAt ?? now,
      updatedAt: now,
    };
    replica.transaction(() => changes.put(change));
    this.#queued();
    return { id: entry.id, deleted: true, profilesChanged: 0, queued: true };
  }

  #queued(): void {
    this.deps.events.changed(['catalogues', 'sync']);
    this.deps.sync.poke();
  }
}
