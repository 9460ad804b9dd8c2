import { ruleError } from '../../../src-shared/errors';
import { rule } from '../../../src-shared/messages';
import { LIMITS, checkTags, fullName } from '../../../src-shared/profile';
import type { Profile, ProfileValues } from '../../../src-shared/profile';
import { ATTRIBUTE_LIMITS, KIND_OF, grantKey, isMultiField, keptGrants, sortedIds } from '../../../src-shared/attributes';
import type { AttributeField, Grants, RequiredAttributes } from '../../../src-shared/attributes';
import { valuesOf } from '../../../src-shared/profile-values';
import type { Selection } from '../../../src-shared/contract/profiles';
import type { AppliedListAction, ListAction, ListActionOutcome, ListSkipReason } from '../../../src-shared/contract/list-actions';
import type { BulkPlanRow, BulkWritePort, BulkWriteRow, ChangeSink, Clock, IdSource, ReplicaPort } from '../ports';
import { deleteProfile, tryUpdateProfile } from './writes';
import type { BulkTag } from './writes';
import type { BulkChange } from '../../../src-shared/bulk-change';

/**
 * The change an action makes as the server can apply it in bulk: an entry
 * granted or removed, a single attribute set or cleared. Licences are left to
 * one edit per profile, whose "no seat left" answer opens the licence's own
 * conflict; tags, language and deletion are not attribute changes.
 */
function bulkChangeOf(action: ListAction): BulkChange | null {
  switch (action.kind) {
    case 'add':
    case 'remove':
      return action.field === 'licences' ? null : { kind: action.kind, field: action.field, entryId: action.entryId };
    case 'set':
      return { kind: 'set', field: action.field, entryId: action.entryId };
    case 'clear':
      return { kind: 'clear', field: action.field };
    default:
      return null;
  }
}

/** The bulk change that takes an action back on every profile alike: only a grant's or a removal's (a set or clear goes back to each profile's own value). */
function reverseBulkChange(action: ListAction): BulkChange | null {
  const change = bulkChangeOf(action);
  if (change?.kind === 'add') return { ...change, kind: 'remove' };
  if (change?.kind === 'remove') return { ...change, kind: 'add' };
  return null;
}

export interface ListActionDeps {
  replica: ReplicaPort;
  clock: Clock;
  ids: IdSource;
  events: ChangeSink;
  requiredAttributes?: () => RequiredAttributes;
  /** False: an attribute change is written row by row even where the replica could write it set-wise (the same result; tests and the benchmark compare the two). */
  setWise?: boolean;
}

/** What one profile of the selection gets: its new values, a deletion, or a reason to be left alone. */
type Plan = { next: ProfileValues } | { delete: true } | { skip: ListSkipReason };

/** What an applied action changed on one profile: enough to reverse exactly that. */
type Done = RowDone | SetWiseDone;

/** A profile changed row by row: its values before. */
interface RowDone {
  id: string;
  before: ProfileValues;
  /** A deletion's queued mutation (taken back by the undo while it waits in the outbox). */
  mutationId?: string;
}

/** A profile changed set-wise: it held no grants, and its other values are as the change left them but for the attribute's (`was`: a single-valued one's). */
interface SetWiseDone {
  id: string;
  names: Names;
  was: string | null;
}

type Names = Pick<ProfileValues, 'firstName' | 'lastName'>;

interface UndoRecord {
  action: ListAction;
  done: Done[];
}

/** Profiles read at a time (a selection may be every profile). */
const CHUNK = 2000;
/** Names a skipped group shows. */
const NAMES_SHOWN = 5;
/** Undo records kept (the newest). */
const UNDO_KEPT = 20;

const sameTag = (a: string, b: string): boolean => a.toLowerCase() === b.toLowerCase();

/** The grants of `values` as they stand once `restore` (the grants before a change) is laid back over the values held again. */
const grantsFor = (values: ProfileValues, restore: Grants): Grants => keptGrants(values, { ...restore, ...values.grants });

/** Tallies skipped profiles by reason, keeping the first names of each. */
class Skips {
  private readonly groups = new Map<ListSkipReason, { count: number; names: string[] }>();
  add(reason: ListSkipReason, profile: Names): void {
    const group = this.groups.get(reason) ?? { count: 0, names: [] };
    group.count += 1;
    if (group.names.length < NAMES_SHOWN) group.names.push(fullName(profile));
    this.groups.set(reason, group);
  }
  list(): ListActionOutcome['skipped'] {
    return [...this.groups].map(([reason, g]) => ({ reason, ...g }));
  }
}

/**
 * List actions over a selection: preview, apply (every change through the
 * one write path, writes.ts, in one transaction), undo.
 */
export class ListActionService {
  private readonly undo = new Map<string, UndoRecord>();

  constructor(private readonly deps: ListActionDeps) {}

  preview(selection: Selection, action: ListAction): ListActionOutcome {
    this.checkAction(action);
    const skips = new Skips();
    let changes = 0;
    const count = (who: Names, skip: ListSkipReason | null): void => {
      if (skip === null) changes += 1;
      else skips.add(skip, who);
    };
    const change = bulkChangeOf(action);
    const writer = this.setWiseWriter();
    if (change === null || writer === undefined) {
      this.walk(selection, action, (profile, plan) => count(profile, 'skip' in plan ? plan.skip : null));
    } else {
      this.walkSetWise(selection, action, change, writer, (row, own) => count(own?.profile ?? row, own === null ? row.skip : 'skip' in own.plan ? own.plan.skip : null));
    }
    return { changes, skipped: skips.list() };
  }

  /** The replica's set-wise writes, unless this service is to go row by row. */
  private setWiseWriter(): BulkWritePort | undefined {
    return this.deps.setWise === false ? undefined : this.deps.replica.bulk;
  }

  /**
   * The set-wise plan of an attribute change over a selection, in the
   * list's order: each row the replica writes set-wise as planned (`own`
   * null), any other with its profile and its row-by-row plan.
   */
  private walkSetWise(selection: Selection, action: ListAction, change: BulkChange, writer: BulkWritePort, each: (row: BulkPlanRow, own: { profile: Profile; plan: Plan } | null) => void): void {
    const now = this.deps.clock.now();
    const required = this.deps.requiredAttributes?.() ?? [];
    for (const row of writer.plan(selection, now, change, required.includes(change.field))) {
      if (row.setWise) {
        each(row, null);
        continue;
      }
      const profile = this.deps.replica.profiles.get(row.id, now);
      if (profile !== undefined) each(row, { profile, plan: this.plan(action, profile, required, true) });
    }
  }

  apply(selection: Selection, action: ListAction): AppliedListAction {
    this.checkAction(action);
    const stamp = this.deps.clock.now().toISOString();
    const skips = new Skips();
    const done: Done[] = [];
    const bulk = this.bulkTag(bulkChangeOf(action));
    const applyOne = (profile: Profile, plan: Plan): void => {
      if ('skip' in plan) {
        skips.add(plan.skip, profile);
      } else if ('delete' in plan) {
        const mutation = deleteProfile(this.deps, profile, stamp);
        done.push({ id: profile.id, before: valuesOf(profile), mutationId: mutation.id });
      } else {
        const written = tryUpdateProfile(this.deps, profile, plan.next, stamp, bulk);
        if (written !== null && 'clash' in written) skips.add('taken', profile);
        else if (written !== null) done.push({ id: profile.id, before: valuesOf(profile) });
      }
    };
    const writer = this.setWiseWriter();
    this.deps.replica.transaction(() => {
      if (bulk === undefined || writer === undefined) {
        this.walk(selection, action, applyOne);
        return;
      }
      // Set-wise: each run of planned rows that change goes in one write; a row the replica cannot write set-wise goes row by row, in its place.
      let run: BulkWriteRow[] = [];
      const flush = (): void => {
        if (run.length > 0) writer.write(run, bulk, stamp);
        run = [];
      };
      this.walkSetWise(selection, action, bulk.change, writer, (row, own) => {
        if (own !== null) {
          flush();
          applyOne(own.profile, own.plan);
        } else if (row.skip !== null) {
          skips.add(row.skip, row);
        } else {
          run.push({ rid: row.rid, mutationId: this.deps.ids.uuid() });
          done.push({ id: row.id, names: { firstName: row.firstName, lastName: row.lastName }, was: row.was });
        }
      });
      flush();
    });
    const undoId = this.deps.ids.uuid();
    this.undo.set(undoId, { action, done });
    for (const key of [...this.undo.keys()].slice(0, Math.max(0, this.undo.size - UNDO_KEPT))) this.undo.delete(key);
    if (done.length > 0) this.deps.events.changed(['profiles', 'outbox']);
    return { changes: done.length, skipped: skips.list(), undoId };
  }

  /** The tag that lets the edits of one action go to the server as bulk changes (none for a change that is not one). */
  private bulkTag(change: BulkChange | null): BulkTag | undefined {
    return change === null ? undefined : { actionId: this.deps.ids.uuid(), change };
  }

  /** Reverses what an applied action changed, on the profiles where that change still stands; the others are skipped. */
  undoAction(undoId: string): ListActionOutcome {
    const record = this.undo.get(undoId);
    if (record === undefined) throw ruleError('NOT_FOUND', rule('list_action_undo_gone', {}));
    this.undo.delete(undoId);
    const stamp = this.deps.clock.now().toISOString();
    const now = this.deps.clock.now();
    const skips = new Skips();
    let changes = 0;
    const bulk = this.bulkTag(reverseBulkChange(record.action));
    this.deps.replica.transaction(() => {
      for (const item of record.done) {
        if (record.action.kind === 'delete' && 'before' in item) {
          const reason = this.restore(item, stamp);
          if (reason === null) changes += 1;
          else skips.add(reason, item.before);
          continue;
        }
        const current = this.deps.replica.profiles.get(item.id, now);
        const next = current === undefined ? null : this.reverse(record.action, current, beforeOf(item, record.action, current));
        if (current === undefined || next === null) {
          skips.add('changed_since', current ?? ('before' in item ? item.before : item.names));
          continue;
        }
        const written = tryUpdateProfile(this.deps, current, next, stamp, bulk);
        if (written !== null && 'clash' in written) skips.add('taken', current);
        else if (written !== null) changes += 1;
      }
    });
    if (changes > 0) this.deps.events.changed(['profiles', 'outbox']);
    return { changes, skipped: skips.list() };
  }

  /** Bad input is refused before anything is read: an entry that is not a live one of the attribute's catalogue, a tag the rules refuse. */
  private checkAction(action: ListAction): void {
    if (action.kind === 'add' || action.kind === 'remove' || action.kind === 'set') {
      const entry = this.deps.replica.catalogues.get(action.entryId);
      if (entry?.kind !== KIND_OF[action.field]) {
        throw ruleError('VALIDATION_FAILED', rule('entry_unknown', { field: action.field, value: action.entryId }));
      }
    }
    if (action.kind === 'addTag' || action.kind === 'removeTag') {
      const checked = checkTags([action.tag]);
      if (!checked.ok) throw ruleError('VALIDATION_FAILED', checked.rule);
      if (checked.value.length !== 1) throw ruleError('VALIDATION_FAILED', rule('list_action_one_tag', {}));
    }
  }

  /** Reads the selection in chunks, in name order, and plans each profile (licence seats counted down as they are given). */
  private walk(selection: Selection, action: ListAction, each: (profile: Profile, plan: Plan) => void): void {
    const now = this.deps.clock.now();
    const ids = this.deps.replica.profiles.selectionIds(selection, now);
    const required = this.deps.requiredAttributes?.() ?? [];
    let seatsLeft = Number.POSITIVE_INFINITY;
    if (action.kind === 'add' && action.field === 'licences') {
      const seats = this.deps.replica.catalogues.get(action.entryId)?.seats ?? null;
      if (seats !== null) seatsLeft = seats - (this.deps.replica.catalogues.usage().get(action.entryId) ?? 0);
    }
    for (let i = 0; i < ids.length; i += CHUNK) {
      for (const profile of this.deps.replica.profiles.getMany(ids.slice(i, i + CHUNK), now)) {
        const plan = this.plan(action, profile, required, seatsLeft > 0);
        if ('next' in plan && action.kind === 'add' && action.field === 'licences') seatsLeft -= 1;
        each(profile, plan);
      }
    }
  }

  private plan(action: ListAction, profile: Profile, required: RequiredAttributes, seatLeft: boolean): Plan {
    const values = valuesOf(profile);
    const next = (patch: Partial<ProfileValues>): Plan => {
      const out = { ...values, ...patch };
      return { next: { ...out, grants: keptGrants(out, values.grants) } };
    };
    switch (action.kind) {
      case 'add': {
        const held = values[action.field];
        if (held.includes(action.entryId)) return { skip: 'has_it' };
        if (held.length >= ATTRIBUTE_LIMITS.entriesPerProfile) return { skip: 'too_many' };
        if (!seatLeft) return { skip: 'no_seat' };
        return next({ [action.field]: sortedIds([...held, action.entryId]) });
      }
      case 'remove': {
        const held = values[action.field];
        if (!held.includes(action.entryId)) return { skip: 'lacks_it' };
        if (held.length === 1 && required.includes(action.field)) return { skip: 'required' };
        return next({ [action.field]: held.filter((id) => id !== action.entryId) });
      }
      case 'set':
        return values[action.field] === action.entryId ? { skip: 'has_it' } : next({ [action.field]: action.entryId });
      case 'clear':
        if (values[action.field] === null) return { skip: 'lacks_it' };
        return required.includes(action.field) ? { skip: 'required' } : next({ [action.field]: null });
      case 'addTag': {
        if (values.tags.some((t) => sameTag(t, action.tag))) return { skip: 'has_it' };
        if (values.tags.length >= LIMITS.tagCount) return { skip: 'too_many' };
        return next({ tags: [...values.tags, action.tag.replace(/\s+/g, ' ').trim()] });
      }
      case 'removeTag':
        return values.tags.some((t) => sameTag(t, action.tag)) ? next({ tags: values.tags.filter((t) => !sameTag(t, action.tag)) }) : { skip: 'lacks_it' };
      case 'setLanguage':
        return values.language === action.language ? { skip: 'has_it' } : next({ language: action.language });
      case 'delete':
        return { delete: true };
    }
  }

  /** The values that take back what `action` did to a profile that had `before`; null when that change no longer stands. */
  private reverse(action: ListAction, current: Profile, before: ProfileValues): ProfileValues | null {
    const values = valuesOf(current);
    const put = (patch: Partial<ProfileValues>): ProfileValues => {
      const out = { ...values, ...patch };
      return { ...out, grants: grantsFor(out, pick(before.grants, action)) };
    };
    switch (action.kind) {
      case 'add':
        return values[action.field].includes(action.entryId) ? put({ [action.field]: values[action.field].filter((id) => id !== action.entryId) }) : null;
      case 'remove':
        return values[action.field].includes(action.entryId) ? null : put({ [action.field]: sortedIds([...values[action.field], action.entryId]) });
      case 'set':
        return values[action.field] === action.entryId ? put({ [action.field]: before[action.field] }) : null;
      case 'clear':
        return values[action.field] === null ? put({ [action.field]: before[action.field] }) : null;
      case 'addTag':
        return values.tags.some((t) => sameTag(t, action.tag)) ? put({ tags: values.tags.filter((t) => !sameTag(t, action.tag)) }) : null;
      case 'removeTag': {
        const had = before.tags.find((t) => sameTag(t, action.tag));
        return had === undefined || values.tags.some((t) => sameTag(t, action.tag)) ? null : put({ tags: [...values.tags, had] });
      }
      case 'setLanguage':
        return values.language === action.language ? put({ language: before.language }) : null;
      case 'delete':
        return null;
    }
  }

  /** A deletion taken back while it waits in the outbox: the mutation removed, the row live again (unless its email or external ID is taken now). */
  private restore(item: RowDone, stamp: string): ListSkipReason | null {
    if (item.mutationId === undefined || !this.deps.replica.outbox.has(item.mutationId)) return 'already_sent';
    const store = this.deps.replica.profiles;
    const holder = store.findIdByEmail(item.before.email) ?? (item.before.externalId === null ? undefined : store.findIdByExternalId(item.before.externalId));
    if (holder !== undefined && holder !== item.id) return 'taken';
    this.deps.replica.outbox.remove(item.mutationId);
    return this.deps.replica.profiles.undelete(item.id, stamp) ? null : 'changed_since';
  }
}

/** A changed profile's values before the action, as its undo needs them: a set-wise one's are the current ones with no grants and its attribute as it `was`. */
function beforeOf(item: Done, action: ListAction, current: Profile): ProfileValues {
  if ('before' in item) return item.before;
  const values: ProfileValues = { ...valuesOf(current), ...item.names, grants: {} };
  return 'field' in action && !isMultiField(action.field) ? { ...values, [action.field]: item.was } : values;
}

/** The grants `before` held for the attribute an action changed (what its undo may give back). */
function pick(grants: Grants, action: ListAction): Grants {
  if (!('field' in action)) return {};
  const field: AttributeField = action.field;
  const key = grantKey(field, 'entryId' in action ? action.entryId : undefined);
  const out: Grants = {};
  for (const [k, ruleId] of Object.entries(grants)) if (k === key) out[k] = ruleId;
  return out;
}
