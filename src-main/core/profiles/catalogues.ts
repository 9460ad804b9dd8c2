import { AppError, formErrorFromWire, ruleError } from '../../../src-shared/errors';
import type { ErrorDetails } from '../../../src-shared/errors';
import { rule } from '../../../src-shared/messages';
import type { CatalogueEntry, CatalogueEntryDraft, CatalogueKind, RequiredAttributes } from '../../../src-shared/attributes';
import type { CatalogueView, DeletedEntry } from '../../../src-shared/contract/catalogues';
import type { ChangeSink, ReplicaPort } from '../ports';
import { TransportError } from '../sync/ports';
import type { CatalogueTransport, SyncStorePort } from '../sync/ports';

/** Where and as whom the console talks to its server (the sync engine's session). */
export interface CatalogueSessionPort {
  current(): { serverUrl: string | null; token: string | null; workOffline: boolean };
  /** The server no longer knows this session: forget it here too. */
  ended(): Promise<void>;
}

export interface CatalogueServiceDeps {
  replica: ReplicaPort;
  store: Pick<SyncStorePort, 'putEntry' | 'removeEntry'>;
  transport: CatalogueTransport;
  session: CatalogueSessionPort;
  /** The attributes every profile must have, as the server last said. */
  required: () => RequiredAttributes;
  events: ChangeSink;
  /** A sync soon: the profiles a deletion moved come with its pull. */
  sync: { poke(): void };
}

/** What the console keeps of the server's refusal: the findings, the English per field, and what an entry in use or a seat says. */
function refusal(code: AppError['code'], message: string, details: Readonly<Record<string, unknown>> | undefined): AppError {
  const wire = formErrorFromWire(code, message, details);
  const kept: ErrorDetails = { ...wire.details };
  const inUse = details?.inUse as { profiles?: unknown; rules?: unknown } | undefined;
  if (typeof inUse?.profiles === 'number' && Array.isArray(inUse.rules)) {
    const rules = inUse.rules.filter((r): r is { id: string; name: string } => typeof r === 'object' && r !== null && typeof (r as { id?: unknown }).id === 'string' && typeof (r as { name?: unknown }).name === 'string');
    kept.inUse = { profiles: inUse.profiles, rules };
  }
  if (Array.isArray(details?.licences)) kept.licences = details.licences.filter((l): l is string => typeof l === 'string');
  if (typeof details?.limit === 'number') kept.limit = details.limit;
  return new AppError(wire.code, wire.message, Object.keys(kept).length === 0 ? undefined : kept);
}

/**
 * The organisation's catalogues in this console: listed from the replica
 * (offline too), each entry with how many of its profiles hold it; saved and
 * deleted on the server (online only), the answer kept in the replica at
 * once and the rest brought by the next sync.
 */
export class CatalogueService {
  constructor(private readonly deps: CatalogueServiceDeps) {}

  list(): CatalogueView {
    const used = this.deps.replica.catalogues.usage();
    return {
      entries: this.deps.replica.catalogues.list().map((e) => ({ ...e, profiles: used.get(e.id) ?? 0 })),
      requiredAttributes: [...this.deps.required()],
      ruleNames: Object.fromEntries(this.deps.replica.catalogues.ruleNames()),
    };
  }

  async save(input: { kind: CatalogueKind; id?: string | undefined; baseVersion?: number | undefined; draft: CatalogueEntryDraft }): Promise<CatalogueEntry> {
    const entry = await this.#call((url, token) => {
      if (input.baseVersion !== undefined && input.id !== undefined) {
        return this.deps.transport.updateEntry(url, token, input.id, { baseVersion: input.baseVersion, draft: input.draft });
      }
      return this.deps.transport.createEntry(url, token, { kind: input.kind, ...(input.id === undefined ? {} : { id: input.id }), draft: input.draft });
    });
    this.deps.replica.transaction(() => this.deps.store.putEntry(entry));
    this.deps.events.changed(['catalogues']);
    return entry;
  }

  async delete(input: { id: string; baseVersion?: number | undefined; replaceWith?: string | undefined; removeFromProfiles?: boolean | undefined }): Promise<DeletedEntry> {
    const { id, ...query } = input;
    const done = await this.#call((url, token) => this.deps.transport.deleteEntry(url, token, id, query));
    this.deps.replica.transaction(() => this.deps.store.removeEntry(id));
    this.deps.events.changed(['catalogues']);
    if (done.profilesChanged > 0) this.deps.sync.poke();
    return done;
  }

  async #call<T>(fn: (serverUrl: string, token: string) => Promise<T>): Promise<T> {
    const state = this.deps.session.current();
    if (state.serverUrl === null || state.token === null) throw ruleError('UNAUTHORIZED', rule('sync_sign_in_first', {}));
    if (state.workOffline) throw ruleError('OFFLINE', rule('sync_offline', {}));
    try {
      return await fn(state.serverUrl, state.token);
    } catch (error) {
      if (!(error instanceof TransportError)) throw error;
      if (error.kind === 'network') throw ruleError('NETWORK', rule('server_unreachable', { url: state.serverUrl, detail: error.message }));
      if (error.status === 401) {
        await this.deps.session.ended();
        throw ruleError('UNAUTHORIZED', rule('sync_log_session_ended', {}));
      }
      if (error.code !== null) throw refusal(error.code, error.message, error.details);
      throw new AppError('NETWORK', `The Roster server at ${state.serverUrl} gave an answer this Roster does not understand: ${error.message}`);
    }
  }
}
