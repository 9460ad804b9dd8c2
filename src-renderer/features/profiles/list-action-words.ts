import type { MultiField, SingleField } from '../../../src-shared/attributes';
import type { ListSkipReason } from '../../../src-shared/contract/list-actions';

/** What the list actions menu offers, in its order: each names its action and what the admin picks for it. */
export type ListActionChoice =
  | { kind: 'add' | 'remove'; field: MultiField }
  | { kind: 'set' | 'clear'; field: SingleField }
  | { kind: 'addTag' | 'removeTag' | 'setLanguage' | 'delete' };

export const ATTRIBUTE_ACTIONS = [
  { label: 'profiles.listActions.addAccessRights', choice: { kind: 'add', field: 'accessRights' } },
  { label: 'profiles.listActions.removeAccessRights', choice: { kind: 'remove', field: 'accessRights' } },
  { label: 'profiles.listActions.addPaymentMethods', choice: { kind: 'add', field: 'paymentMethods' } },
  { label: 'profiles.listActions.removePaymentMethods', choice: { kind: 'remove', field: 'paymentMethods' } },
  { label: 'profiles.listActions.setDepartment', choice: { kind: 'set', field: 'department' } },
  { label: 'profiles.listActions.clearDepartment', choice: { kind: 'clear', field: 'department' } },
  { label: 'profiles.listActions.setJobProfile', choice: { kind: 'set', field: 'jobProfile' } },
  { label: 'profiles.listActions.clearJobProfile', choice: { kind: 'clear', field: 'jobProfile' } },
  { label: 'profiles.listActions.setPermissionType', choice: { kind: 'set', field: 'permissionType' } },
  { label: 'profiles.listActions.clearPermissionType', choice: { kind: 'clear', field: 'permissionType' } },
  { label: 'profiles.listActions.setUserGroup', choice: { kind: 'set', field: 'userGroup' } },
  { label: 'profiles.listActions.clearUserGroup', choice: { kind: 'clear', field: 'userGroup' } },
  { label: 'profiles.listActions.addLicences', choice: { kind: 'add', field: 'licences' } },
  { label: 'profiles.listActions.removeLicences', choice: { kind: 'remove', field: 'licences' } },
] as const satisfies readonly { label: string; choice: ListActionChoice }[];

export const OTHER_ACTIONS = [
  { label: 'profiles.listActions.addTag', choice: { kind: 'addTag' } },
  { label: 'profiles.listActions.removeTag', choice: { kind: 'removeTag' } },
  { label: 'profiles.listActions.setLanguage', choice: { kind: 'setLanguage' } },
  { label: 'profiles.listActions.delete', choice: { kind: 'delete' } },
] as const satisfies readonly { label: string; choice: ListActionChoice }[];

export type ListActionItem = (typeof ATTRIBUTE_ACTIONS)[number] | (typeof OTHER_ACTIONS)[number];

/** Why a profile is skipped, as the confirmation and the undo say it. */
export const LIST_SKIP_KEYS = {
  has_it: 'profiles.listActions.reason.hasIt',
  lacks_it: 'profiles.listActions.reason.lacksIt',
  no_seat: 'profiles.listActions.reason.noSeat',
  required: 'profiles.listActions.reason.required',
  too_many: 'profiles.listActions.reason.tooMany',
  changed_since: 'profiles.listActions.reason.changedSince',
  already_sent: 'profiles.listActions.reason.alreadySent',
  taken: 'profiles.listActions.reason.taken',
} as const satisfies Record<ListSkipReason, string>;
