import type { CatalogueEntry, CatalogueEntryDraft, CatalogueKind, RequiredAttributes } from '../../../src-shared/attributes';
import type { CatalogueView, DeletedEntry } from '../../../src-shared/contract/catalogues';
import type { ChangeSink, ReplicaPort } from '../ports';
import type { CatalogueTransport, SyncStorePort } from '../sync/ports';
import { callServer } from './server-call';
import type { ServerSessionPort } from './server-call';

export interface CatalogueServiceDeps {
  replica: ReplicaPort;
  store: Pick<SyncStorePort, 'putEntry' | 'removeEntry'>;
  transport: CatalogueTransport;
  session: ServerSessionPort;
  /** The attributes every profile must have, as the server last said. */
  required: () => RequiredAttributes;
  events: ChangeSink;
  /** A sync soon: the profiles a deletion moved come with its pull. */
  sync: { poke(): void };
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

  #call<T>(fn: (serverUrl: string, token: string) => Promise<T>): Promise<T> {
    return callServer(this.deps.session, fn);
  }
}
