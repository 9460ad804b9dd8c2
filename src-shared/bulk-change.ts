import { z } from 'zod';
import { ATTRIBUTE_LIMITS, KIND_OF, MULTI_FIELDS, SINGLE_FIELDS, keptGrants, sortedIds } from './attributes';
import type { AttributeField, RequiredAttributes } from './attributes';
import type { ProfileValues } from './profile';

/**
 * One attribute change made to many profiles at once (a list action over a
 * selection): grant or remove an entry of a several-valued attribute, set or
 * clear a single-valued one. It is pushed as one `profile.bulk` mutation
 * naming the profiles, not one edit per profile, and it needs no version: an
 * entry added to a set, or a department set, means the same whatever else
 * changed on the profile meanwhile. The server applies it to each profile as
 * that profile stands, and says which it left as they were and why.
 */
export const bulkChangeSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('add'), field: z.enum(MULTI_FIELDS), entryId: z.uuid() }),
  z.strictObject({ kind: z.literal('remove'), field: z.enum(MULTI_FIELDS), entryId: z.uuid() }),
  z.strictObject({ kind: z.literal('set'), field: z.enum(SINGLE_FIELDS), entryId: z.uuid() }),
  z.strictObject({ kind: z.literal('clear'), field: z.enum(SINGLE_FIELDS) }),
]);
export type BulkChange = z.infer<typeof bulkChangeSchema>;

/** The most profiles one bulk mutation names (a bigger selection is several of them). */
export const MAX_BULK_PROFILES = 10_000;

/**
 * Why a profile a bulk change names is left as it is: it already has the
 * value (or already lacks it), it holds as many entries as a profile may,
 * the attribute is required and would be emptied, the licence has no seat
 * left, or the profile is not in the directory (any more).
 */
export const BULK_SKIP_REASONS = ['has_it', 'lacks_it', 'too_many', 'required', 'no_seat', 'not_found', 'deleted'] as const;
export type BulkSkipReason = (typeof BULK_SKIP_REASONS)[number];

/** The catalogue kind the change's entry must be of (null for a clear, which names none). */
export const bulkEntryKind = (change: BulkChange): { entryId: string; kind: (typeof KIND_OF)[AttributeField] } | null =>
  change.kind === 'clear' ? null : { entryId: change.entryId, kind: KIND_OF[change.field] };

/** The values with `patch`, and the rules' grants that still name a value they hold (as every other edit keeps them: keptGrants). */
function withGrantsKept(values: ProfileValues, patch: Partial<ProfileValues>): ProfileValues {
  const next = { ...values, ...patch };
  return { ...next, grants: keptGrants(next, values.grants) };
}

/**
 * What a bulk change makes of one profile's values: the new values, or why
 * it leaves them as they are. Seats are the caller's to count (the server
 * knows them; a console only its own view).
 */
export function planBulkChange(values: ProfileValues, change: BulkChange, required: RequiredAttributes): { next: ProfileValues } | { skip: BulkSkipReason } {
  switch (change.kind) {
    case 'add': {
      const held = values[change.field];
      if (held.includes(change.entryId)) return { skip: 'has_it' };
      if (held.length >= ATTRIBUTE_LIMITS.entriesPerProfile) return { skip: 'too_many' };
      return { next: withGrantsKept(values, { [change.field]: sortedIds([...held, change.entryId]) }) };
    }
    case 'remove': {
      const held = values[change.field];
      if (!held.includes(change.entryId)) return { skip: 'lacks_it' };
      if (held.length === 1 && required.includes(change.field)) return { skip: 'required' };
      return { next: withGrantsKept(values, { [change.field]: held.filter((id) => id !== change.entryId) }) };
    }
    case 'set':
      if (values[change.field] === change.entryId) return { skip: 'has_it' };
      return { next: withGrantsKept(values, { [change.field]: change.entryId }) };
    case 'clear':
      if (values[change.field] === null) return { skip: 'lacks_it' };
      if (required.includes(change.field)) return { skip: 'required' };
      return { next: withGrantsKept(values, { [change.field]: null }) };
  }
}
