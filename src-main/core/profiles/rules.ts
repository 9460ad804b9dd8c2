import type { z } from 'zod';
import { assignmentRuleSchema, checkRule, RULE_LIMITS } from '../../../src-shared/assignment-rules';
import type { AssignmentRule, RuleValues, ruleDraftSchema } from '../../../src-shared/assignment-rules';
import { lookupOf } from '../../../src-shared/attributes';
import { RULE_ORDER } from '../../../src-shared/contract/rules';
import type { RuleChange, RuleOrderChange, RulesView } from '../../../src-shared/contract/rules';
import { fieldsError, ruleError } from '../../../src-shared/errors';
import { rule } from '../../../src-shared/messages';
import type { RuleApply, RulePreview, UndoApplyResponse } from '../../../src-shared/rules-wire';
import type { Role } from '../../../src-shared/wire';
import type { ChangeSink, Clock, IdSource, ReplicaPort } from '../ports';
import type { RuleTransport, SyncStorePort } from '../sync/ports';
import { callServer, ensureMayWrite, isRefusal, isUnreachable, serverRefusal } from './server-call';
import type { ServerSessionPort } from './server-call';

/** A rule as an admin wrote it, as the channels pass it on (the server checks it against the catalogues). */
type RuleDraft = z.infer<typeof ruleDraftSchema>;

/** This console's rule changes not yet taken by the server (src-main/db/rules.repo.ts). */
export interface RuleChangesPort {
  all(): RuleChange[];
  get(ruleId: string): RuleChange | undefined;
  put(change: RuleChange): void;
  remove(ruleId: string): void;
  order(): RuleOrderChange | null;
  setOrder(order: RuleOrderChange | null): void;
  /** The server's rules as the replica last received them. */
  server(): AssignmentRule[];
}

export interface RuleServiceDeps {
  replica: ReplicaPort;
  store: Pick<SyncStorePort, 'putRule' | 'removeRule'>;
  changes: RuleChangesPort;
  transport: RuleTransport;
  session: ServerSessionPort;
  role: () => Role | null;
  clock: Clock;
  ids: IdSource;
  events: ChangeSink;
  /** A sync soon: queued changes go with it, and the profiles an apply or its undo changed come with its pull. */
  sync: { poke(): void };
}

const sameRule = (a: RuleValues, b: RuleValues): boolean =>
  a.name === b.name && a.enabled === b.enabled && JSON.stringify(a.conditions) === JSON.stringify(b.conditions) && JSON.stringify(a.actions) === JSON.stringify(b.actions);


/**
 * The organisation's assignment rules in this console: listed from the
 * replica (offline too, with the changes made here over the server's, in
 * the order they run). Writing, deleting and ordering go to the server at
 * once when it can be reached and nothing else waits; else they are checked
 * here with the shared rules and queued, and the sync sends them (flush)
 * after the catalogue changes. Previewing, applying and undoing are the
 * server's alone (online only). What the server refuses, or a rule another
 * admin changed meanwhile, waits for a person (resolve).
 */
export class RuleService {
  constructor(private readonly deps: RuleServiceDeps) {}

  list(): RulesView {
    return { rules: this.deps.replica.catalogues.rules(), changes: this.deps.changes.all(), order: this.deps.changes.order() };
  }

  async save(input: { id?: string | undefined; baseVersion?: number | undefined; draft: RuleDraft }): Promise<AssignmentRule & { queued?: boolean }> {
    this.#mayWrite();
    if (!this.#mustQueue(input.id)) {
      try {
        const saved = await callServer(this.deps.session, (url, token) => {
          if (input.baseVersion !== undefined && input.id !== undefined) return this.deps.transport.updateRule(url, token, input.id, { baseVersion: input.baseVersion, draft: input.draft });
          return this.deps.transport.createRule(url, token, { ...(input.id === undefined ? {} : { id: input.id }), draft: input.draft });
        });
        this.keep([saved]);
        return saved;
      } catch (error) {
        if (!isUnreachable(error)) throw error;
      }
    }
    return this.#queueSave(input);
  }

  holders(id: string): { profiles: number } {
    return { profiles: this.deps.replica.catalogues.ruleHolders(id) };
  }

  async delete(input: { id: string; baseVersion?: number | undefined }): Promise<{ id: string; deleted: true; queued?: boolean }> {
    this.#mayWrite();
    if (!this.#mustQueue(input.id)) {
      try {
        const done = await callServer(this.deps.session, (url, token) => this.deps.transport.deleteRule(url, token, input.id, input.baseVersion));
        this.deps.replica.transaction(() => this.deps.store.removeRule(input.id));
        this.deps.events.changed(['catalogues']);
        // The rules after it moved up one place: their new positions come with the pull.
        this.deps.sync.poke();
        return done;
      } catch (error) {
        if (!isUnreachable(error)) throw error;
      }
    }
    return this.#queueDelete(input.id);
  }

  async reorder(ids: readonly string[]): Promise<RulesView> {
    this.#mayWrite();
    if (!this.#mustQueue(undefined)) {
      try {
        const listed = await callServer(this.deps.session, (url, token) => this.deps.transport.reorderRules(url, token, ids));
        this.keep(listed.rules);
        return this.list();
      } catch (error) {
        if (!isUnreachable(error)) throw error;
      }
    }
    const rules = this.deps.replica.catalogues.rules();
    if (ids.length !== rules.length || !rules.every((r) => ids.includes(r.id))) throw ruleError('VALIDATION_FAILED', rule('rule_order_mismatch', { n: rules.length }));
    this.deps.replica.transaction(() => this.deps.changes.setOrder({ ids: [...ids], state: 'queued', error: null, createdAt: this.deps.clock.now().toISOString() }));
    this.#queued();
    return this.list();
  }

  preview(input: { id?: string | undefined; draft?: RuleDraft | undefined }): Promise<RulePreview> {
    return callServer(this.deps.session, (url, token) =>
      this.deps.transport.previewRule(url, token, { ...(input.id === undefined ? {} : { id: input.id }), ...(input.draft === undefined ? {} : { draft: input.draft }) }),
    );
  }

  async apply(input: { id: string; baseVersion: number }): Promise<RuleApply> {
    const done = await callServer(this.deps.session, (url, token) => this.deps.transport.applyRule(url, token, input.id, input.baseVersion));
    this.deps.sync.poke();
    return done;
  }

  applies(): Promise<RuleApply[]> {
    return callServer(this.deps.session, (url, token) => this.deps.transport.ruleApplies(url, token));
  }

  async undo(id: string): Promise<UndoApplyResponse> {
    const done = await callServer(this.deps.session, (url, token) => this.deps.transport.undoApply(url, token, id));
    this.deps.sync.poke();
    return done;
  }

  /** Settles a change in conflict or refused (or the order): `mine` queues it again over the server's rule; `theirs` drops it. */
  resolve(input: { ruleId: string; choice: 'mine' | 'theirs' }): { ruleId: string } {
    this.#mayWrite();
    const { changes } = this.deps;
    if (input.ruleId === RULE_ORDER) {
      const order = changes.order();
      if (order?.state !== 'refused') throw ruleError('NOT_FOUND', rule('rule_change_missing', {}));
      this.deps.replica.transaction(() => changes.setOrder(input.choice === 'theirs' ? null : { ...order, state: 'queued', error: null }));
    } else {
      const change = changes.get(input.ruleId);
      if (change === undefined || change.state === 'queued') throw ruleError('NOT_FOUND', rule('rule_change_missing', {}));
      this.deps.replica.transaction(() => {
        if (input.choice === 'theirs') {
          changes.remove(change.ruleId);
          if (change.theirs !== null) this.deps.store.putRule(change.theirs);
          return;
        }
        const baseVersion = change.theirs?.version ?? change.baseVersion;
        changes.put({ ...change, baseVersion, state: 'queued', error: null, theirs: null, updatedAt: this.deps.clock.now().toISOString() });
      });
    }
    this.deps.events.changed(['catalogues', 'sync']);
    if (input.choice === 'mine') this.deps.sync.poke();
    return { ruleId: input.ruleId };
  }

  /**
   * Sends the queued changes in the order they were made, then the order
   * (named over the rules the server then has: the ones set here first, in
   * that order, any other after them). A transport failure stops here and
   * leaves the rest queued; a refusal is kept with its change.
   */
  async flush(serverUrl: string, token: string): Promise<void> {
    for (const change of this.deps.changes.all()) {
      if (change.state !== 'queued') continue;
      await this.#send(serverUrl, token, change);
      this.deps.events.changed(['catalogues', 'sync']);
    }
    const order = this.deps.changes.order();
    if (order?.state !== 'queued') return;
    const server = this.deps.changes.server();
    const known = new Set(server.map((r) => r.id));
    const mine = order.ids.filter((id) => known.has(id));
    const ids = [...mine, ...server.map((r) => r.id).filter((id) => !mine.includes(id))];
    try {
      const listed = await this.deps.transport.reorderRules(serverUrl, token, ids);
      this.deps.replica.transaction(() => {
        for (const r of listed.rules) this.deps.store.putRule(r);
        this.deps.changes.setOrder(null);
      });
    } catch (error) {
      if (!isRefusal(error)) throw error;
      this.deps.replica.transaction(() => this.deps.changes.setOrder({ ...order, state: 'refused', error: serverRefusal(error.code, error.message, error.details).toApiError() }));
    }
    this.deps.events.changed(['catalogues', 'sync']);
  }

  async #send(url: string, token: string, c: RuleChange): Promise<void> {
    const { transport } = this.deps;
    try {
      if (c.op === 'delete') {
        await transport.deleteRule(url, token, c.ruleId, c.baseVersion ?? undefined);
        this.#taken(c, null);
        this.deps.sync.poke(); // the rules after it moved up: their positions come with the pull
        return;
      }
      const draft = c.values ?? {};
      const saved = c.baseVersion === null ? await transport.createRule(url, token, { id: c.ruleId, draft }) : await transport.updateRule(url, token, c.ruleId, { baseVersion: c.baseVersion, draft });
      this.#taken(c, saved);
    } catch (error) {
      if (!isRefusal(error)) throw error;
      if (error.code === 'ID_TAKEN' && c.op === 'save' && c.baseVersion === null) {
        await this.#send(url, token, { ...c, baseVersion: 1 }); // the server has it already (an answer lost on the way)
        return;
      }
      if (error.code === 'NOT_FOUND' && c.op === 'delete') {
        this.#taken(c, null);
        return;
      }
      const theirs = assignmentRuleSchema.safeParse(error.details?.currentRule);
      const refusal = serverRefusal(error.code, error.message, error.details).toApiError();
      if (error.code === 'VERSION_CONFLICT' && theirs.success) {
        if (c.op === 'save' && c.values !== null && sameRule(theirs.data, c.values)) this.#taken(c, theirs.data);
        else this.#park(c, 'conflict', refusal, theirs.data);
        return;
      }
      this.#park(c, 'refused', refusal, null);
    }
  }

  #taken(c: RuleChange, saved: AssignmentRule | null): void {
    this.deps.replica.transaction(() => {
      const now = this.deps.changes.get(c.ruleId);
      if (now !== undefined && now.updatedAt !== c.updatedAt && saved !== null) this.deps.changes.put({ ...now, baseVersion: saved.version });
      else this.deps.changes.remove(c.ruleId);
      if (saved === null) this.deps.store.removeRule(c.ruleId);
      else this.deps.store.putRule(saved);
    });
  }

  #park(c: RuleChange, state: 'conflict' | 'refused', error: RuleChange['error'], theirs: AssignmentRule | null): void {
    this.deps.replica.transaction(() => {
      const now = this.deps.changes.get(c.ruleId);
      if (now === undefined) return;
      this.deps.changes.put({ ...now, state, error, theirs });
      if (theirs !== null) this.deps.store.putRule(theirs);
    });
  }

  #mayWrite(): void {
    ensureMayWrite(this.deps.session, this.deps.role(), 'rules_viewer');
  }

  /** Queue rather than ask: working offline, changes already waiting (they go first), or this rule has one. */
  #mustQueue(ruleId: string | undefined): boolean {
    if (this.deps.session.current().workOffline) return true;
    if (this.deps.changes.order() !== null) return true;
    return this.deps.changes.all().some((c) => c.state === 'queued' || c.ruleId === ruleId);
  }

  #queueSave(input: { id?: string | undefined; baseVersion?: number | undefined; draft: RuleDraft }): AssignmentRule & { queued: boolean } {
    const { replica, changes, clock } = this.deps;
    const now = clock.now().toISOString();
    const rules = replica.catalogues.rules();
    const current = input.id === undefined ? undefined : rules.find((r) => r.id === input.id);
    const before = input.id === undefined ? undefined : changes.get(input.id);
    if ((input.baseVersion !== undefined && current === undefined) || before?.op === 'delete') throw ruleError('NOT_FOUND', rule('rule_not_found', {}));
    if (current === undefined && rules.length >= RULE_LIMITS.rules) throw ruleError('VALIDATION_FAILED', rule('rules_full', { max: RULE_LIMITS.rules }), { limit: RULE_LIMITS.rules });
    const d = input.draft;
    // A part the draft leaves out stays as it is (as on the server); entries are checked against the catalogues as this console has them.
    const checked = checkRule(
      { name: d.name === undefined ? current?.name : d.name, enabled: d.enabled ?? current?.enabled, conditions: d.conditions ?? current?.conditions, actions: d.actions ?? current?.actions },
      lookupOf(replica.catalogues.list()),
    );
    if (!checked.ok) throw fieldsError(checked.fields, checked.rules);
    const ruleId = input.id ?? this.deps.ids.uuid();
    const baseVersion = before !== undefined ? before.baseVersion : current === undefined || current.version === 0 ? null : current.version;
    const conflict = before?.state === 'conflict';
    const change: RuleChange = {
      ruleId,
      op: 'save',
      baseVersion,
      values: checked.value,
      state: conflict ? 'conflict' : 'queued',
      error: conflict ? before.error : null,
      theirs: conflict ? before.theirs : null,
      createdAt: before?.createdAt ?? now,
      updatedAt: now,
    };
    replica.transaction(() => changes.put(change));
    this.#queued();
    const shown = replica.catalogues.rules().find((r) => r.id === ruleId);
    return { ...(shown ?? { id: ruleId, position: rules.length + 1, version: 0, createdAt: now, updatedAt: now, ...checked.value }), queued: true };
  }

  #queueDelete(id: string): { id: string; deleted: true; queued: boolean } {
    const { replica, changes, clock } = this.deps;
    const current = replica.catalogues.rules().find((r) => r.id === id);
    if (current === undefined) throw ruleError('NOT_FOUND', rule('rule_not_found', {}));
    const server = changes.server().find((r) => r.id === id);
    const now = clock.now().toISOString();
    replica.transaction(() => {
      // Made here and never sent: nothing to ask the server.
      if (server === undefined) changes.remove(id);
      else {
        const before = changes.get(id);
        // The deleted rule's values go with it, so the page can still name it while the deletion waits.
        const { name, enabled, conditions, actions } = current;
        changes.put({ ruleId: id, op: 'delete', baseVersion: server.version, values: { name, enabled, conditions, actions }, state: 'queued', error: null, theirs: null, createdAt: before?.createdAt ?? now, updatedAt: now });
      }
      const order = changes.order();
      if (order !== null) changes.setOrder({ ...order, ids: order.ids.filter((x) => x !== id) });
    });
    this.#queued();
    return { id, deleted: true, queued: server !== undefined };
  }

  #queued(): void {
    this.deps.events.changed(['catalogues', 'sync']);
    this.deps.sync.poke();
  }

  /** Rules as the server answered, kept in the replica at once. */
  private keep(rules: readonly AssignmentRule[]): void {
    this.deps.replica.transaction(() => {
      for (const r of rules) this.deps.store.putRule(r);
    });
    this.deps.events.changed(['catalogues']);
  }
}
