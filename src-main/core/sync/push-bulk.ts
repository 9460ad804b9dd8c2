import { createHash } from 'node:crypto';
import { MAX_BULK_PROFILES } from '../../../src-shared/bulk-change';
import type { BulkChange, BulkSkipReason } from '../../../src-shared/bulk-change';
import { ATTRIBUTE_LIMITS } from '../../../src-shared/attributes';
import { englishText, rule } from '../../../src-shared/messages';
import type { RuleMessage } from '../../../src-shared/messages';
import type { Mutation, MutationOf } from '../../../src-shared/mutation';
import type { PushResult, WireMutation } from '../../../src-shared/wire';

/**
 * A list action's edits go to the server as bulk changes: the consecutive
 * edits of one action (tagged ProfileUpdatePayload.bulk) are sent as one
 * `profile.bulk` mutation naming their profiles, and its answer is taken
 * apart again into one answer per edit, so everything after (rebasing what
 * waits, conflicts, the changes-waiting count) sees edits as before.
 */

type Tagged = MutationOf<'profile.update'> & { payload: { bulk: { actionId: string; change: BulkChange } } };

const tagOf = (m: Mutation): Tagged['payload']['bulk'] | null => (m.kind === 'profile.update' && m.payload.bulk !== undefined ? m.payload.bulk : null);

/**
 * The page to push from the oldest mutations that can go (`candidates`, in
 * order): a run of one action's edits (at most `bulkCap`) on its own, or up
 * to `page` mutations ending before the next such run, so each run goes
 * whole in as few bulk changes as it can.
 */
export function shapePage(candidates: readonly Mutation[], page: number, bulkCap: number): Mutation[] {
  const first = candidates[0];
  if (first === undefined) return [];
  const tag = tagOf(first);
  const out: Mutation[] = [];
  for (const m of candidates) {
    const own = tagOf(m);
    if (tag === null ? own !== null || out.length === page : own?.actionId !== tag.actionId || out.length === bulkCap) break;
    out.push(m);
  }
  return out;
}

/** Whether the page's first mutation is an edit of a list action (its page may hold up to MAX_BULK_PROFILES of them). */
export const startsBulkRun = (candidates: readonly Mutation[]): boolean => candidates[0] !== undefined && tagOf(candidates[0]) !== null;

/**
 * A run's bulk change has an id made from its edits' ids: pushed again with
 * the same edits (a retry after a lost answer) it is the same mutation, which
 * the server answers from its record without applying it twice.
 */
function runId(members: readonly Mutation[]): string {
  const hex = createHash('sha256')
    .update(members.map((m) => m.id).join(','))
    .digest('hex');
  // A version 8 (custom) UUID with the RFC 4122 variant.
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-8${hex.slice(13, 16)}-${((parseInt(hex.slice(16, 17), 16) & 0x3) | 0x8).toString(16)}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

interface Packed {
  /** What goes on the wire, in order. */
  wire: WireMutation[];
  /** The server's answers (one per wire mutation) as one answer per mutation of the page. */
  unpack(results: readonly PushResult[]): PushResult[];
}

/** A page as the server takes it: each run of one action's edits as one bulk change, the rest as they are. */
export function packPage(batch: readonly Mutation[]): Packed {
  const wire: WireMutation[] = [];
  /** Per wire mutation: the page's mutations it stands for (one, or a run). */
  const members: Mutation[][] = [];
  for (const m of batch) {
    const tag = tagOf(m);
    const last = members.at(-1);
    const lastTag = last?.[0] === undefined ? null : tagOf(last[0]);
    if (tag !== null && last !== undefined && lastTag?.actionId === tag.actionId && last.length < MAX_BULK_PROFILES) {
      last.push(m);
      continue;
    }
    members.push([m]);
  }
  for (const group of members) {
    const head = group[0];
    if (head === undefined) continue;
    const tag = tagOf(head);
    if (tag === null) {
      wire.push(head);
      continue;
    }
    wire.push({ id: runId(group), kind: 'profile.bulk', entityId: tag.actionId, baseVersion: 0, createdAt: head.createdAt, payload: { change: tag.change, profileIds: group.map((m) => m.entityId) } });
  }
  return {
    wire,
    unpack(results) {
      if (results.length !== wire.length) return [...results]; // the caller's length check names the mismatch
      return members.flatMap((group, i) => {
        const result = results[i];
        const head = group[0];
        if (result === undefined || head === undefined) return [];
        const tag = tagOf(head);
        return tag === null ? [result] : group.map((m) => memberResult(m, tag.change, result));
      });
    },
  };
}

/** One edit's answer out of its run's: applied with the profile's new version, left as it was (applied, nothing to rebase), or refused. */
function memberResult(m: Mutation, change: BulkChange, r: PushResult): PushResult {
  const head = { mutationId: m.id, entityId: m.entityId };
  if (r.status !== 'applied') return { ...r, ...head };
  const changed = r.bulk?.changed.find((c) => c.profileId === m.entityId);
  if (changed !== undefined) return { ...head, status: 'applied', version: changed.version, row: null, invite: null };
  const skipped = r.bulk?.skipped.find((s) => s.profileId === m.entityId);
  if (skipped === undefined || skipped.reason === 'has_it' || skipped.reason === 'lacks_it') return { ...head, status: 'applied', version: 0, row: null, invite: null };
  return refusal(head, change, skipped.reason);
}

/** A profile the server left as it was for a reason of its own: refused, worded as the server words that refusal for one edit. */
function refusal(head: { mutationId: string; entityId: string }, change: BulkChange, reason: Exclude<BulkSkipReason, 'has_it' | 'lacks_it'>): PushResult {
  if (reason === 'not_found' || reason === 'deleted') return { ...head, status: 'rejected', code: 'NOT_FOUND', message: 'No such profile.' };
  if (reason === 'no_seat') return { ...head, status: 'rejected', code: 'VALIDATION_FAILED', message: 'No seat is left on the licence.' };
  const found: RuleMessage = reason === 'required' ? rule('required', { field: change.field }) : rule('too_many_entries', { field: change.field, max: ATTRIBUTE_LIMITS.entriesPerProfile });
  return { ...head, status: 'rejected', code: 'VALIDATION_FAILED', message: englishText(found), details: { fields: { [change.field]: englishText(found) }, fieldRules: { [change.field]: found } } };
}
