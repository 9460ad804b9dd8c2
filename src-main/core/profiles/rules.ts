import type { z } from 'zod';
import type { AssignmentRule, ruleDraftSchema } from '../../../src-shared/assignment-rules';
import type { RulesView } from '../../../src-shared/contract/rules';
import type { RuleApply, RulePreview, UndoApplyResponse } from '../../../src-shared/rules-wire';
import type { ChangeSink, ReplicaPort } from '../ports';
import type { RuleTransport, SyncStorePort } from '../sync/ports';
import { callServer } from './server-call';
import type { ServerSessionPort } from './server-call';

/** A rule as an admin wrote it, as the channels pass it on (the server checks it against the catalogues). */
type RuleDraft = z.infer<typeof ruleDraftSchema>;

export interface RuleServiceDeps {
  replica: ReplicaPort;
  store: Pick<SyncStorePort, 'putRule' | 'removeRule'>;
  transport: RuleTransport;
  session: ServerSessionPort;
  events: ChangeSink;
  /** A sync soon: the profiles an apply or its undo changed come with its pull. */
  sync: { poke(): void };
}

/**
 * The organisation's assignment rules in this console: listed from the
 * replica (offline too, the order they run in); written, previewed, applied
 * and undone on the server (online only), a rule the server answers with
 * kept in the replica at once and the rest brought by the next sync.
 */
export class RuleService {
  constructor(private readonly deps: RuleServiceDeps) {}

  list(): RulesView {
    return { rules: this.deps.replica.catalogues.rules() };
  }

  async save(input: { id?: string | undefined; baseVersion?: number | undefined; draft: RuleDraft }): Promise<AssignmentRule> {
    const saved = await callServer(this.deps.session, (url, token) => {
      if (input.baseVersion !== undefined && input.id !== undefined) return this.deps.transport.updateRule(url, token, input.id, { baseVersion: input.baseVersion, draft: input.draft });
      return this.deps.transport.createRule(url, token, { ...(input.id === undefined ? {} : { id: input.id }), draft: input.draft });
    });
    this.keep([saved]);
    return saved;
  }

  holders(id: string): { profiles: number } {
    return { profiles: this.deps.replica.catalogues.ruleHolders(id) };
  }

  async delete(input: { id: string; baseVersion?: number | undefined }): Promise<{ id: string; deleted: true }> {
    const done = await callServer(this.deps.session, (url, token) => this.deps.transport.deleteRule(url, token, input.id, input.baseVersion));
    this.deps.replica.transaction(() => this.deps.store.removeRule(input.id));
    this.deps.events.changed(['catalogues']);
    // The rules after it moved up one place: their new positions come with the pull.
    this.deps.sync.poke();
    return done;
  }

  async reorder(ids: readonly string[]): Promise<RulesView> {
    const listed = await callServer(this.deps.session, (url, token) => this.deps.transport.reorderRules(url, token, ids));
    this.keep(listed.rules);
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

  /** Rules as the server answered, kept in the replica at once. */
  private keep(rules: readonly AssignmentRule[]): void {
    this.deps.replica.transaction(() => {
      for (const r of rules) this.deps.store.putRule(r);
    });
    this.deps.events.changed(['catalogues']);
  }
}
