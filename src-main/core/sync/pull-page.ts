import type { Change } from '../../../src-shared/wire';
import { storedStatus, toStored } from '../stored';
import type { StoredState, SyncStorePort } from './ports';

/**
 * What one pulled change needs: nothing (the replica already has it), the
 * server's bookkeeping only, a plain write, or the careful path (a delete, or
 * a row with local edits waiting or a conflict open about it).
 */
export type ChangePlan = 'skip' | 'state' | 'put' | 'careful';

export interface PagePlan {
  plans: ChangePlan[];
  /** The stored state of the rows the page upserts that the replica holds. */
  known: Map<string, StoredState>;
  /** How many changes write a row (plain or careful). */
  writes: number;
}

/**
 * Plans a pull page in one query per kind of lookup. `fresh`: the ids
 * written so far by a pull into a replica that had no profile rows (a row
 * not among them cannot be here, so it is not looked up); null looks every
 * row up. The page's ids join `fresh`.
 */
export function planPage(store: SyncStorePort, changes: readonly Change[], fresh: Set<string> | null): PagePlan {
  const pending = store.pendingEntityIds();
  const conflicted = store.conflictEntityIds();
  const lookup: string[] = [];
  for (const c of changes) {
    if (c.op !== 'upsert') continue;
    const id = c.profile.id;
    if (fresh === null) {
      lookup.push(id);
    } else {
      // One hash per row (a first sync plans 100,000 of them): the set grows unless the id was written before.
      const size = fresh.size;
      if (fresh.add(id).size === size) lookup.push(id);
    }
  }
  const known = store.versions(lookup);
  let writes = 0;
  const plans: ChangePlan[] = new Array<ChangePlan>(changes.length);
  for (let i = 0; i < changes.length; i++) {
    plans[i] = planChange(changes[i], pending, conflicted, known);
    if (plans[i] === 'put' || plans[i] === 'careful') writes += 1;
  }
  return { plans, known, writes };
}

function planChange(change: Change | undefined, pending: Set<string>, conflicted: Set<string>, known: PagePlan['known']): ChangePlan {
  if (change?.op !== 'upsert') return 'careful';
  const row = change.profile;
  if (pending.has(row.id) || conflicted.has(row.id)) return 'careful';
  const local = known.get(row.id);
  if (local === undefined || local.deleted || local.version !== row.version) return 'put';
  // The echo of this console's own push (or a row seen before): at most the invitation state changes.
  const same =
    local.status === storedStatus(row) &&
    local.invitedAt === row.invitedAt &&
    local.invitationExpiresAt === row.invitationExpiresAt &&
    local.confirmedAt === row.confirmedAt &&
    local.deactivatedAt === (row.deactivatedAt ?? null);
  return same ? 'skip' : 'state';
}

/**
 * Writes a page's planned change unless it needs the careful path; answers
 * whether it is done. A plain row whose email or external ID another local
 * profile holds is refused by the replica (false), like a careful one.
 */
export function writePlain(store: SyncStorePort, change: Change, plan: ChangePlan, known: PagePlan['known']): boolean {
  if (plan === 'skip') return true;
  if (change.op !== 'upsert' || plan === 'careful') return false;
  if (plan === 'state') {
    store.setServerState(toStored(change.profile));
    return true;
  }
  return store.tryPutProfile(toStored(change.profile), known.has(change.profile.id));
}
