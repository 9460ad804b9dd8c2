import { INITIAL_CURSOR } from '../../../src-shared/wire';
import { TransportError } from './ports';
import type { Change } from '../../../src-shared/wire';
import { PageFeed } from './feed';
import { planPage, writePlain } from './pull-page';
import { collectBase, deletedThere, liveValues, openConflict, rebaseOnServer } from './local-rules';
import { syncText } from '../../../src-shared/contract/sync';
import { englishText } from '../../../src-shared/messages';
import type { SyncPartDeps } from './local-rules';

export type PullDeps = SyncPartDeps;

/** What the server listed, or undefined from a server from before that list (a 404: the ones it makes once upgraded come after the cursor). */
async function listedOrNone<T>(list: () => Promise<T> | undefined): Promise<T | undefined> {
  try {
    return await list();
  } catch (error) {
    if (error instanceof TransportError && error.status === 404) return undefined;
    throw error;
  }
}

/** Pages fetched ahead of the writes during a pull (each up to the page size). */
const PULL_PAGES_AHEAD = 4;

/** Below this many rows written by one pull, the list, tag and search indexes follow row by row. */
const BULK_INDEX_MIN_ROWS = 2_000;

/**
 * Pulls the server's changes from the saved cursor, page after page, and
 * applies them: a row nothing local waits for is written straight; otherwise
 * the server's row is taken and this console's unsent edits are laid back on
 * top, or the change becomes a conflict for a person.
 */
export class ChangePuller {
  /** Changes stored by the pull under way (the status bar counts a long first sync); null when none runs. */
  received: number | null = null;

  constructor(
    private readonly deps: PullDeps,
    /** Changes per pull request. */
    private readonly pageSize: number,
  ) {}

  async pullAll(serverUrl: string, token: string): Promise<void> {
    const { store } = this.deps;
    const cursor = store.state().cursor;
    await this.fillCatalogues(serverUrl, token, cursor);
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
    const feed = new PageFeed((at) => this.deps.transport.pull(serverUrl, token, at, this.pageSize), cursor, PULL_PAGES_AHEAD);
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
        if (changes > 0) this.deps.events.changed(['profiles', 'conflicts', 'outbox', 'sync', 'catalogues']);
        if (!last.hasMore) {
          finished = true;
          return;
        }
      }
    } finally {
      this.received = null;
      // The indexes are built once this sync ends (the engine's buildIndexes), also when it was cut off half-way.
      store.endBulkWrites();
      if (!finished) feed.stop();
    }
  }

  /**
   * Once per replica: the catalogues and the assignment rules, when its
   * cursor is already past entries or rules it never asked for (synced by a
   * console from before them). A replica starting from the beginning gets
   * them from the pull itself.
   */
  private async fillCatalogues(serverUrl: string, token: string, cursor: string): Promise<void> {
    const { store, transport } = this.deps;
    const state = store.state();
    if (state.catalogues && state.rules) return;
    if (cursor === INITIAL_CURSOR) {
      store.saveState({ catalogues: true, rules: true });
      return;
    }
    const entries = state.catalogues || transport.catalogues === undefined ? null : await listedOrNone(() => transport.catalogues?.(serverUrl, token)).then((l) => l?.entries ?? []);
    const rules = state.rules || transport.rules === undefined ? null : await listedOrNone(() => transport.rules?.(serverUrl, token)).then((l) => l?.rules ?? []);
    this.deps.replica.transaction(() => {
      if (entries !== null) store.replaceEntries(entries);
      if (rules !== null) store.replaceRules(rules);
      store.saveState({ catalogues: true, rules: true });
    });
    this.deps.events.changed(['catalogues']);
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
      keepDelivery(this.deps.store, change, fresh !== null);
    });
    return writes;
  }

  private applyChange(change: Change): void {
    const { store } = this.deps;
    if (change.op === 'entry') {
      // The catalogues are the server's: an entry is kept as it comes, or forgotten once deleted there.
      if (change.deleted) store.removeEntry(change.entry.id);
      else store.putEntry(change.entry);
      return;
    }
    if (change.op === 'rule') {
      // The rules are the server's too: kept as they come (created, changed, moved), or forgotten once deleted there.
      if (change.deleted) store.removeRule(change.rule.id);
      else store.putRule(change.rule);
      return;
    }
    if (change.op === 'upsert') {
      const open = store.openConflictFor(change.profile.id);
      if (open === undefined) {
        rebaseOnServer(this.deps, change.profile);
      } else if (open.kind !== 'create_taken') {
        // My side stays until a person resolves it, against the server's latest row (the cursor moves past this change).
        store.updateConflictTheirs(open.id, change.profile);
      }
      return;
    }
    const pending = store.mutationsFor(change.id);
    const local = store.stored(change.id);
    const open = store.openConflictFor(change.id);
    if (open !== undefined && (open.kind === 'edit' || open.kind === 'rejected' || open.kind === 'no_seat')) {
      // Deleted on the server while a conflict about it waits: it becomes "edited what was deleted there" (or ends, if I deleted it too).
      store.closeConflict(open.id, 'superseded', this.deps.clock.now().toISOString());
      store.removeMutations(pending.map((m) => m.id));
      const mine = liveValues(local);
      if (mine === null) {
        store.removeProfile(change.id);
        return;
      }
      openConflict(
        this.deps,
        {
          entityId: change.id,
          kind: 'edit_deleted',
          code: null,
          message: englishText(deletedThere(mine)),
          cause: null,
          base: { ...collectBase(pending), ...open.base },
          mine,
          theirs: open.theirs,
          holderId: null,
        },
        syncText(deletedThere(mine)),
      );
      return;
    }
    if (pending.length === 0 || pending.every((m) => m.kind === 'profile.delete')) {
      store.removeMutations(pending.map((m) => m.id));
      store.removeProfile(change.id);
      return;
    }
    if (open !== undefined) return;
    store.removeMutations(pending.map((m) => m.id));
    const mine = liveValues(local);
    openConflict(
      this.deps,
      {
        entityId: change.id,
        kind: 'edit_deleted',
        code: null,
        message: englishText(deletedThere(mine)),
        cause: null,
        base: collectBase(pending),
        mine,
        theirs: null,
        holderId: null,
      },
      syncText(deletedThere(mine)),
    );
  }
}

/**
 * The invitation email's delivery the change carries, kept beside the row
 * (also when the row itself was already here: a delivery change alone moves
 * a profile up the server's feed). A server older than the delivery state
 * leaves it out: what is stored stays. A deleted profile's goes. `empty`:
 * a first sync into an empty replica, where a row without an invitation
 * email has nothing stored to remove (no delete per never-invited row).
 */
function keepDelivery(store: PullDeps['store'], change: Change, empty: boolean): void {
  if (change.op === 'entry' || change.op === 'rule') return;
  if (change.op === 'delete') store.putDelivery(change.id, null);
  else if (change.delivery !== undefined && !(empty && change.delivery === null)) {
    store.putDelivery(change.profile.id, change.delivery);
  }
}
