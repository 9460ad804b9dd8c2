/** What the server refuses as it stores, for admins and accounts, and for request arguments. English templates of src-shared/messages.ts (its header says how they are written). */
export const SERVER_TEMPLATES = {
  // ------------------------------------------------------------ what storing needs (the server)
  broken_character: '{{field}} contains a broken character (an unpaired surrogate, {{codePoint}}) that cannot be stored; retype it.',
  database_refused:
    "The server's database refused to store this change (error {{code}}): a value in it cannot be kept as it is. Nothing of the change was saved; correct it and try again.",
  organisation_name_required: 'The organisation name is required.',
  organisation_name_one_line: 'The organisation name must fit on one line: remove the line break or tab.',
  organisation_name_too_long: 'The organisation name is at most {{max}} characters.',

  // ------------------------------------------------------------ the organisation's admins and my account (the server's refusals)
  admin_already_owner: '{{email}} is already an owner of this organisation; change their role instead.',
  admin_already_admin: '{{email}} is already an admin of this organisation; change their role instead.',
  admin_already_viewer: '{{email}} is already a viewer of this organisation; change their role instead.',
  last_owner_not_admin: '{{email}} is the last owner and cannot be made an admin. The organisation needs at least one owner: make another admin an owner first.',
  last_owner_not_viewer: '{{email}} is the last owner and cannot be made a viewer. The organisation needs at least one owner: make another admin an owner first.',
  last_owner_not_removed: '{{email}} is the last owner and cannot be removed. The organisation needs at least one owner: make another admin an owner first.',
  owner_only: 'Only an owner of the organisation can do this.',
  role_read_only: 'Your role can read but not change this organisation.',
  current_password_wrong: 'The current password is not right.',

  // ------------------------------------------------------------ request arguments (zod issues without a rule of their own)
  value_required: 'This value is required.',
  value_too_long: 'This value is longer than {{max, number}} characters.',
  value_too_short: 'This value is shorter than {{min, number}} characters.',
  value_too_large: 'This value is larger than {{max, number}}.',
  value_too_small: 'This value is smaller than {{min, number}}.',
  value_too_many_items: 'This list has more than {{max, number}} items.',
  value_too_few_items: 'This list has fewer than {{min, number}} items.',
  value_wrong_type: 'This value is missing or not of the expected kind.',
  value_bad_format: 'This value is not in the expected format ({{format}}).',
  value_not_allowed: 'This value is not one of those allowed.',
  value_unknown_keys: 'Unknown fields: {{keys}}.',
  value_invalid: 'This value is not valid.',
  invalid_arguments: 'Invalid arguments for {{channel}}.',
} as const;
