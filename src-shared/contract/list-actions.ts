import { z } from 'zod';
import { channel } from './channel';
import { selectionSchema } from './profiles';
import { LANGUAGES } from '../languages';
import { MULTI_FIELDS, SINGLE_FIELDS } from '../attributes';

/**
 * List actions: one change made to every profile of a selection (grant an
 * access right, set a department, add a tag, delete…). A preview says how
 * many profiles change and who is skipped and why; applying queues one edit
 * per profile (offline too) in one transaction and answers an undo id; the
 * undo reverses exactly what that action changed.
 */
export const listActionSchema = z.discriminatedUnion('kind', [
  /** Several-valued attributes: grant / remove an access right, add / remove a payment method, assign / release a licence. */
  z.strictObject({ kind: z.literal('add'), field: z.enum(MULTI_FIELDS), entryId: z.uuid() }),
  z.strictObject({ kind: z.literal('remove'), field: z.enum(MULTI_FIELDS), entryId: z.uuid() }),
  /** Single-valued ones: department, job profile, permission type, user group. */
  z.strictObject({ kind: z.literal('set'), field: z.enum(SINGLE_FIELDS), entryId: z.uuid() }),
  z.strictObject({ kind: z.literal('clear'), field: z.enum(SINGLE_FIELDS) }),
  z.strictObject({ kind: z.literal('addTag'), tag: z.string().min(1).max(200) }),
  z.strictObject({ kind: z.literal('removeTag'), tag: z.string().min(1).max(200) }),
  z.strictObject({ kind: z.literal('setLanguage'), language: z.enum(LANGUAGES) }),
  z.strictObject({ kind: z.literal('delete') }),
]);
export type ListAction = z.infer<typeof listActionSchema>;

/**
 * Why a profile of the selection is left as it is: it already has the value
 * (or already lacks it), no seat is left on the licence, the attribute is
 * required and would be emptied, it holds as many entries or tags as a
 * profile may; for an undo, it changed since, or its deletion already
 * reached the server (or its email is someone else's now).
 */
export const LIST_SKIP_REASONS = ['has_it', 'lacks_it', 'no_seat', 'required', 'too_many', 'changed_since', 'already_sent', 'taken'] as const;
export type ListSkipReason = (typeof LIST_SKIP_REASONS)[number];

export interface SkippedGroup {
  reason: ListSkipReason;
  count: number;
  /** The first few names, for the confirmation to show. */
  names: string[];
}

export interface ListActionOutcome {
  /** Profiles that change (a preview), or changed. */
  changes: number;
  skipped: SkippedGroup[];
}

export interface AppliedListAction extends ListActionOutcome {
  /** What `profiles:undoAction` takes; kept while the console runs. */
  undoId: string;
}

export const listActionChannels = {
  'profiles:previewAction': channel<ListActionOutcome>()(z.strictObject({ selection: selectionSchema, action: listActionSchema })),
  'profiles:applyAction': channel<AppliedListAction>()(z.strictObject({ selection: selectionSchema, action: listActionSchema })),
  'profiles:undoAction': channel<ListActionOutcome>()(z.strictObject({ undoId: z.uuid() })),
};
