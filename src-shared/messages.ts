/**
 * What the shared rules, the import check and the console's services find,
 * as a code and its parameters: a RuleMessage `{ key, params }`. The English
 * text of every key is here, once (RULE_TEMPLATES); `englishText` renders it
 * for the server's API, logs and the English `message` every error and issue
 * keeps. The console renders the same RuleMessage in its reader's language:
 * its English `rules` area IS this catalogue, and `locales/<lang>/rules.json`
 * holds the other languages under the same keys.
 *
 * Conventions of the templates (i18next's syntax, so the console reads them as they are):
 * - Keys are flat (no dots). A key with `_one` / `_other` forms is a plural,
 *   chosen by its `count` param; no other key ends in a plural suffix.
 * - `{{name}}` is a param. `{{name, number}}` writes a number in the
 *   reader's locale (100,000 / 100 000); `{{name, bytes}}` a size in bytes
 *   as "7.5 KB" / "50 MB" (7,5 Ko in French).
 * - A param named `field` names a field: it holds the field's key (`email`,
 *   `serverUrl`…) and is shown as that field's label, the `field_<key>`
 *   entry of the reader's language. A value with no label entry is shown as
 *   it is (an argument path such as `mapping.2`, or a label a caller gave in
 *   English). Labels of profile fields are the form's names ("First name");
 *   labels of web addresses are the subject of their sentences ("The server
 *   address"), as the English templates use them.
 */

import type { z } from 'zod';

export const RULE_TEMPLATES = {
  // ------------------------------------------------------------ field labels
  field_firstName: 'First name',
  field_lastName: 'Last name',
  field_fullName: 'Full name',
  field_email: 'Email',
  field_phoneCountryCode: 'Phone country code',
  field_phoneNumber: 'Phone number',
  field_tags: 'Tags',
  field_externalId: 'External ID',
  field_language: 'Language',
  field_organisationName: 'The organisation name',
  field_serverUrl: 'The server address',
  field_appLinkIos: 'The iOS app link',
  field_appLinkAndroid: 'The Android app link',
  field_appLinkWeb: 'The web app link',
  field_code: 'Code',
  field_entryName: 'Name',
  field_description: 'Description',
  field_seats: 'Seats',
  field_ruleName: "The rule's name",
  field_condition: 'A condition',
  field_accessRights: 'Access rights',
  field_department: 'Department',
  field_jobProfile: 'Job profile',
  field_permissionType: 'Permission type',
  field_userGroup: 'User group',
  field_paymentMethods: 'Payment methods',
  field_licences: 'Licences',

  // ------------------------------------------------------------ profile rules (src-shared/profile.ts)
  hidden_character: '{{field}} contains an invisible control or text-direction character ({{codePoint}}) that cannot be stored; remove it.',
  required: '{{field}} is required.',
  too_long: '{{field}} is longer than {{max}} characters.',
  email_invalid: '"{{value}}" is not a valid email address.',
  country_unknown: '"{{value}}" is not a known country.',
  country_code_invalid: '"{{value}}" is not a phone country code.',
  country_code_not_in_use: '+{{code}} is not a phone country code in use.',
  country_code_required: 'Phone country code is required for a number without a leading +.',
  phone_too_long: 'Phone number is too long.',
  phone_not_a_number: '"{{value}}" is not a phone number.',
  phone_invalid: '"{{value}}" is not a valid phone number.',
  phone_invalid_for_country: '"{{value}}" is not a valid phone number for +{{code}}.',
  tag_too_long: 'Tag "{{tag}}…" is longer than {{max}} characters.',
  too_many_tags: 'A profile can have at most {{max}} tags.',
  language_invalid: 'Language must be exactly one of {{allowed}} (got "{{value}}").',
  fields_need_attention_one: '{{count}} field needs attention.',
  fields_need_attention_other: '{{count}} fields need attention.',
  some_fields_need_attention: 'Some fields need attention.',

  // ------------------------------------------------------------ web addresses (src-shared/urls.ts)
  url_invalid: '{{field}} is not a web address (e.g. https://roster.example.org).',
  url_scheme: '{{field}} must start with https:// (it starts with {{scheme}}).',
  url_insecure:
    '{{field}} must use https:// for {{host}}: over http:// passwords and personal data would cross the network unencrypted. http:// is accepted only for this machine (localhost, 127.0.0.1, ::1).',
  url_credentials: '{{field}} must not contain a user name or password.',
  server_url_too_long: 'The server address is too long (at most {{max}} characters).',
  server_url_query: 'The server address must not contain a query (?…) or a fragment (#…): give only the address, e.g. https://roster.example.org.',

  // ------------------------------------------------------------ passwords (the server's rule; PasswordReason)
  password_too_short: 'The password is too short: use at least {{min}} characters (a few words in a row work well).',
  password_too_long: 'The password is too long: use at most {{max}} characters.',
  password_mismatch: 'The two passwords are not the same.',
  password_is_email: 'The password cannot be the email address.',
  password_repetitive: 'The password repeats the same characters or pattern (like "aaaa" or "abcabc"): choose one that does not.',
  password_sequential: 'The password is a sequence (like "123456789" or "qwertyuiop"): choose one that is not.',
  password_common: 'The password is one of the most commonly used passwords, or a small variation of one, which attackers try first: choose another.',
  password_context: 'The password is made of a name, the email address, the organisation’s name or “Roster”: choose one that is not.',

  // ------------------------------------------------------------ catalogues and assignment rules (src-shared/attributes.ts, assignment-rules.ts)
  entry_code_invalid: '"{{value}}" is not a code: use letters, digits, "_", "." and "-", starting with a letter or digit.',
  entry_code_taken: 'The code "{{value}}" is already used by another entry of this list.',
  seats_only_licences: 'Only a licence has a number of seats.',
  seats_invalid: '"{{value}}" is not a number of seats: give a whole number from 0 to {{max, number}}, or leave it empty for unlimited.',
  seats_below_use: '{{used, number}} profiles hold this licence: its seats cannot go below that.',
  entry_unknown: '{{field}} names an entry that does not exist (or was deleted): {{value}}.',
  too_many_entries: '{{field}} holds at most {{max}} entries.',
  entry_not_found: 'This entry does not exist (it may have been deleted).',
  entry_changed: 'This entry was changed since you read it: look at it again, then make your change.',
  catalogue_full: 'This list already holds {{max, number}} entries, the most a list can hold.',
  entry_in_use_one: '{{count, number}} profile holds this entry: move it to another entry, or remove the entry from it.',
  entry_in_use_other: '{{count, number}} profiles hold this entry: move them to another entry, or remove the entry from them.',
  entry_required_in_use: '{{field}} is required: the {{n, number}} profiles that hold this entry cannot be left without one. Move them to another entry instead.',
  replacement_invalid: 'The entry to move the profiles to must be another entry of the same list.',
  delete_move_or_remove: 'Either move the profiles to another entry or remove the entry from them, not both.',
  no_seat_left: 'No seat is left on the licence "{{licence}}": all {{seats, number}} of its seats are taken.',
  rule_too_many_conditions: 'A rule has at most {{max}} conditions.',
  rule_condition_empty: 'A condition needs a value.',
  rule_domain_invalid: '"{{value}}" is not an email domain (e.g. acme.example).',
  rule_subject_unknown: '"{{value}}" is not something a condition can look at.',
  rule_no_action: 'A rule needs at least one action.',
  rule_too_many_actions: 'A rule has at most {{max}} actions.',
  rule_field_unknown: '"{{value}}" is not an attribute a rule can set.',
  rule_action_shape: '{{field}} cannot be set this way by a rule.',
  rule_action_empty: 'The action on {{field}} names no entry.',
  rule_not_found: 'This rule does not exist (it may have been deleted).',
  rule_changed: 'This rule was changed since you read it: look at it again, then make your change.',
  rules_full: 'The organisation already has {{max, number}} rules, the most it can have.',
  rule_order_mismatch: 'The new order must name each of the {{n, number}} rules once: the rules changed meanwhile, look at them again.',
  entry_named_by_rule: 'The rule "{{rule}}" uses this entry: change or delete the rule first.',
  rule_apply_not_found: 'This application of a rule does not exist.',
  rule_apply_undone: 'This application of the rule was already undone.',

  // ------------------------------------------------------------ copies of the data file (src-main/db/backup.ts)
  backup_restore_busy: "An import is working on this data: finish or cancel it, then restore the copy.",
  backup_missing: "There is no copy named {{name}} (it may have been removed since the list was shown).",
  reset_busy: 'An import is open or a sync is running: finish or cancel it, then reset the local data. Nothing was changed.',
  reset_count_changed: 'The number of profiles not yet on the server is now {{now, number}}, not {{confirmed, number}}: look again before resetting. Nothing was changed.',
  backup_damaged: "The copy {{name}} fails SQLite's integrity check: it cannot be restored. The data in use was left as it is.",
  backup_restore_failed: "The copy {{name}} could not be put in place ({{detail}}). The data in use was left as it was.",

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

  // ------------------------------------------------------------ the console's directory and sync
  profile_not_found: 'This profile does not exist (it may have been deleted).',
  list_action_undo_gone: 'This change can no longer be undone (it was undone already, or the console was restarted since).',
  list_action_one_tag: 'Give one tag at a time.',
  email_taken: 'Another profile already uses {{email}}.',
  external_id_taken: 'Another profile already has external ID {{externalId}}.',
  conflict_resolution_mismatch: '"{{resolution}}" does not resolve a conflict of kind "{{kind}}".',
  conflict_already_resolved: 'This conflict is already resolved.',
  conflict_no_server_side: 'This conflict has no server side to compare with.',
  conflict_nothing_to_restore: 'There is nothing of yours to restore.',
  conflict_no_values: 'There are no values to send.',
  server_unreachable: 'The Roster server at {{url}} cannot be reached: {{detail}}',
  sign_in_wrong: 'The email or password is not right.',
  sign_in_rate_limited: 'Too many sign-in attempts: wait a minute and try again.',
  sign_in_failed: 'Sign-in failed: {{detail}}',
  organisation_mismatch: "This console's data belongs to {{organisation}}; {{other}} needs its own data folder (start Roster with --data-dir).",
  organisation_switch_signed_out: 'Sign in to the Roster server first: this console has no data of that organisation yet.',
  organisation_switch_busy: 'An import is still at work in {{organisation}}: wait for it to finish or cancel it, then switch.',
  organisation_not_yours: 'You are not an admin of that organisation on {{url}}.',
  organisation_switch_refused: 'The server refused to open that organisation: {{detail}}',
  disk_full: "The disk that holds Roster's data is full: nothing was saved. Free some space, then try again; what was saved before is kept.",
  sync_log_disk_full: "Sync stopped: the disk that holds Roster's data is full, so the server's changes could not be stored. Free some space; the next sync takes them again.",
  sync_offline: 'Roster is set to work offline: switch it back on to sync.',
  sync_sign_in_first: 'Sign in to a Roster server first (Settings).',

  // ------------------------------------------------------------ the sync log and the status bar's last error (src-main/core/sync)
  // A `reason` is the error the entry quotes, worded by the reader's console (its English message in logs).
  sync_log_signed_in_owner: 'Signed in to {{url}} as {{email}} ({{organisation}}, owner).',
  sync_log_signed_in_admin: 'Signed in to {{url}} as {{email}} ({{organisation}}, admin).',
  sync_log_signed_in_viewer: 'Signed in to {{url}} as {{email}} ({{organisation}}, viewer).',
  sync_log_signed_out_one: 'Signed out; {{count}} change waits for the next sign-in.',
  sync_log_signed_out_other: 'Signed out; {{count}} changes wait for the next sign-in.',
  sync_log_work_offline: 'Working offline: nothing is sent until you switch back.',
  sync_log_back_online: 'Back online: syncing.',
  sync_log_unreachable: 'The server cannot be reached ({{detail}}). Your changes wait here and are sent when it answers.',
  sync_log_session_ended: 'The server ended this session: sign in again (your changes wait here).',
  sync_log_failed: 'Sync failed: {{reason}}',
  sync_log_index_failed: 'Building the search index failed: {{detail}}. The list answers without it, more slowly.',
  sync_log_taken_after_all: '{{name}}: the server took this profile after all; the conflict about it is closed.',
  sync_log_invitations_sent: 'Invitations sent: {{invited, number}} invited, {{skipped, number}} skipped.',
  sync_log_edit_merged: '{{name}}: your edit was merged with changes made elsewhere (no field overlapped).',
  sync_log_refused_change_dropped: 'A change the server refused ({{reason}}) was dropped: the profile was deleted here since.',
  sync_log_batch_refused: 'An invitation batch was refused: {{reason}}',
  sync_log_batch_refused_unexplained: 'An invitation batch was refused by the server.',
  sync_log_already_gone: '{{name}} was already gone on the server.',
  sync_log_already_gone_unnamed: 'A profile was already gone on the server.',
  sync_log_resolved_fields: 'Conflict about {{name}} resolved: the values you chose were kept.',
  sync_log_resolved_link: 'Conflict about {{name}} resolved: your new profile was set aside for the one on the server.',
  sync_log_resolved_discard: 'Conflict about {{name}} resolved: the server’s version was kept.',
  sync_log_resolved_restore: 'Conflict about {{name}} resolved: the profile is created again on the server.',
  conflict_not_a_holder: 'That profile does not hold this licence (any more): choose another one.',
  sync_log_resolved_release: 'Conflict about {{name}} resolved: a seat is freed on another profile and the licence is sent again.',
  sync_log_resolved_retry: 'Conflict about {{name}} resolved: your corrected values are sent again.',
  sync_log_resolved_unnamed: 'A conflict was resolved.',
  // Conflicts: the English is the conflict's message; the log keeps the finding.
  sync_conflict_edit: '{{name}} was changed here and on the server.',
  sync_conflict_no_seat: 'No seat was left for {{name}} on the licence {{licences}}; the server kept the rest of the change.',
  sync_conflict_deleted_there: '{{name}} was deleted on the server while you edited it here.',
  sync_conflict_deleted_there_unnamed: 'A profile you edited here was deleted on the server.',
  sync_conflict_changed_after_delete: '{{name}} was changed on the server after you deleted it here.',
  sync_conflict_gone: '{{name}} no longer exists on the server.',
  sync_conflict_gone_unnamed: 'A profile you changed here no longer exists on the server.',
  sync_conflict_refused: 'The server refused a change to {{name}}: {{reason}}',
  sync_conflict_refused_unnamed: 'The server refused a change: {{reason}}',
  sync_conflict_email_on_server: '{{name}}, created here, has the email {{email}}, which {{other}} already has on the server.',
  sync_conflict_external_id_on_server: '{{name}}, created here, has the external ID {{externalId}}, which {{other}} already has on the server.',
  console_host_silent: 'The Roster console host is not answering. Is its terminal still open?',
  invite_none_selected: 'No profile is selected.',
  invite_all_confirmed: 'Everyone selected has already confirmed: there is nobody to invite.',
  invite_batch_missing: 'This invitation batch does not exist.',
  invite_batch_being_sent: 'This batch is being sent and can no longer be cancelled.',
  invite_batch_sent: 'This batch is sent and can no longer be cancelled.',
  invite_batch_cancelled: 'This batch is cancelled and can no longer be cancelled.',
  invite_batch_failed: 'This batch is failed and can no longer be cancelled.',

  // ------------------------------------------------------------ the import: cells and rows
  import_hidden_character:
    '{{field}} contains an invisible control or text-direction character ({{codePoint}}); it will be removed when imported. Use “Remove hidden characters” to remove it now.',
  import_name_split: '“{{fullName}}” was split into first name “{{firstName}}” and last name “{{lastName}}”; check the split.',
  import_language_default: 'No language given: {{language}} will be used.',
  import_phone_default_country: 'No country code given: {{code}} was assumed for {{number}}.',
  import_duplicate_email_first_one: 'The same email (ignoring case) is also on row {{rows}}; only this row will be imported.',
  import_duplicate_email_first_other: 'The same email (ignoring case) is also on rows {{rows}}; only this row will be imported.',
  import_duplicate_email: 'The same email (ignoring case) is already on row {{row}}.',
  import_duplicate_external_id_first_one: 'The same external ID is also on row {{rows}}; only this row will be imported.',
  import_duplicate_external_id_first_other: 'The same external ID is also on rows {{rows}}; only this row will be imported.',
  import_duplicate_external_id: 'The same external ID is already on row {{row}}.',
  import_external_id_elsewhere: "External ID {{externalId}} already belongs to {{holder}}; this row's email is new. Fix the email or the external ID.",
  import_external_id_elsewhere_email_exists: '{{email}} already exists, but external ID {{externalId}} belongs to another profile ({{holder}}).',
  import_error_value: '{{field}} holds the error value {{value}} from the file (a formula that failed), not a value: correct it in the file, or type the value here.',
  import_date_out_of_range: '{{field}} holds a date before 1900 or after 9999 from the file (shown as #### in a spreadsheet): its stored value {{value}} was kept. Check it.',

  // ------------------------------------------------------------ the import: files it refuses, and notes on files
  import_empty_file: '“{{fileName}}” is empty.',
  import_too_large: '“{{fileName}}” is {{size, bytes}}; an import takes files up to {{limit, bytes}}.',
  import_zip_not_spreadsheet:
    '“{{fileName}}” is a zip archive but not a spreadsheet (for example a Word document). Use an .xlsx, .xls, .ods, .numbers, .csv or .tsv file.',
  import_not_a_spreadsheet:
    '“{{fileName}}” is named .{{extension}} but its content is not a spreadsheet: it may be damaged, or another kind of file renamed. Open it in its program and save it again.',
  import_unsupported: '“{{fileName}}” is not a spreadsheet or a text file. Use an .xlsx, .xls, .ods, .numbers, .csv or .tsv file.',
  import_several_numbers_documents: '“{{fileName}}” holds {{documents}} Numbers documents ({{names}}); drop them one at a time.',
  import_numbers_not_zip: 'This Numbers document is damaged (its {{part}} is not a zip archive). Open it in Numbers and save it again.',
  import_numbers_no_document: 'This Numbers document is damaged (its {{part}} holds no Index/Document.iwa). Open it in Numbers and save it again.',
  import_no_sheets: '“{{fileName}}” has no sheets.',
  import_workbook_encrypted_excel:
    'This workbook is protected with a password. Open it in Excel, remove the password (File › Info › Protect Workbook) or save an unprotected copy, and drop that copy.',
  import_workbook_encrypted: 'This workbook is protected with a password. Open it, remove the password (or save an unprotected copy) and drop that copy.',
  import_spreadsheet_encrypted: 'This spreadsheet is protected with a password. Open it, remove the password (or save an unprotected copy) and drop that copy.',
  import_variant_unsupported: 'This {{format}} file uses a variant Roster cannot read ({{detail}}). Save it as .xlsx and drop it again.',
  import_unreadable: 'This {{format}} file is damaged and cannot be read ({{detail}}). Open it in its spreadsheet program and save it again.',
  import_too_many_rows: 'This file has more than {{limit, number}} rows; an import takes at most that many. Split it into smaller files.',
  import_too_many_columns: 'This file has more than {{limit, number}} columns; check the delimiter, or remove unused columns.',
  import_sheet_too_many_rows: 'The sheet “{{sheet}}” has more than {{limit, number}} rows; an import takes at most that many. Split it into smaller files.',
  import_sheet_too_many_columns: 'The sheet “{{sheet}}” has more than {{limit, number}} columns; remove unused columns and drop it again.',
  import_truncated: 'This file is cut short: its zip archive has no end. It was probably not copied or downloaded completely; export it again.',
  import_damaged_contents: 'This workbook is damaged (its table of contents is unreadable). Open it in its spreadsheet program and save it again.',
  import_damaged_part_missing: 'This workbook is damaged (the part {{part}} is missing). Open it in its spreadsheet program and save it again.',
  import_damaged_part_unpack: 'This workbook is damaged (the part {{part}} cannot be unpacked). Open it in its spreadsheet program and save it again.',
  import_damaged_part_method: 'This workbook is damaged (the part {{part}} uses an unknown compression method). Open it in its spreadsheet program and save it again.',
  import_too_many_parts: 'This workbook holds {{parts}} parts, far more than any spreadsheet does; it was not opened.',
  import_zip_bomb: 'This file unpacks to {{unpacked, bytes}} or more from {{size, bytes}} (a "zip bomb"); it was not opened. The limit is {{limit, bytes}}.',
  import_zip_bomb_part: 'The part {{part}} unpacks to more than it declares (a "zip bomb"); the file was not opened.',
  import_xml_bomb: 'The part {{part}} declares XML entities, which no spreadsheet program writes (an "XML bomb"); the file was not opened.',
  import_note_web_table: 'This file is a web page or XML table saved with a spreadsheet name; it was read as a table.',
  import_note_named_text: 'This file is named .{{extension}} but holds plain text; it was read as delimited text.',
  import_note_text: 'Read as delimited text.',
  import_note_dates_out_of_range_one:
    'Sheet “{{sheet}}”, cell {{cells}}: a date before 1900 or after 9999, which spreadsheets show as ####; it was read as the value stored in the file, {{values}}.',
  import_note_dates_out_of_range_other:
    'Sheet “{{sheet}}”, {{count}} cells ({{cells}}): dates before 1900 or after 9999, which spreadsheets show as ####; they were read as the values stored in the file ({{values}}).',
  import_no_data: '“{{fileName}}” holds no data: every cell is empty. Check that this is the file you meant, or export it again.',
  import_no_data_sheets: '“{{fileName}}” holds no data: all its {{sheets}} sheets are empty. Check that this is the file you meant, or export it again.',
  import_word_document: '“{{fileName}}” is a Word document, not a spreadsheet. Use an .xlsx, .xls, .ods, .numbers, .csv or .tsv file.',
  import_powerpoint_document: '“{{fileName}}” is a PowerPoint presentation, not a spreadsheet. Use an .xlsx, .xls, .ods, .numbers, .csv or .tsv file.',
  import_visio_document: '“{{fileName}}” is a Visio drawing, not a spreadsheet. Use an .xlsx, .xls, .ods, .numbers, .csv or .tsv file.',
  import_odf_text: '“{{fileName}}” is an OpenDocument text document (Writer), not a spreadsheet. Use an .xlsx, .xls, .ods, .numbers, .csv or .tsv file.',
  import_odf_presentation: '“{{fileName}}” is an OpenDocument presentation (Impress), not a spreadsheet. Use an .xlsx, .xls, .ods, .numbers, .csv or .tsv file.',
  import_odf_drawing: '“{{fileName}}” is an OpenDocument drawing (Draw), not a spreadsheet. Use an .xlsx, .xls, .ods, .numbers, .csv or .tsv file.',
  import_odf_document: '“{{fileName}}” is an OpenDocument file but not a spreadsheet ({{mimetype}}). Use an .xlsx, .xls, .ods, .numbers, .csv or .tsv file.',
  import_early_excel_chart:
    '“{{fileName}}” is an Excel {{version}}.0 chart, which holds no table of data. Open the worksheet that holds the people in Excel or LibreOffice, save it as .xlsx and drop that file.',
  import_early_excel_macro_sheet:
    '“{{fileName}}” is an Excel {{version}}.0 macro sheet, which holds no table of data. Open the worksheet that holds the people in Excel or LibreOffice, save it as .xlsx and drop that file.',
  import_quattro: '“{{fileName}}” is a Quattro Pro worksheet (.wq1), which Roster does not read. Open it in LibreOffice or Quattro Pro, save it as .xlsx and drop that file.',
  import_rtf:
    '“{{fileName}}” is a rich-text (RTF) document, not a spreadsheet. Copy its table into a spreadsheet program and save it as .xlsx, or use an .xlsx, .xls, .ods, .numbers, .csv or .tsv file.',
  import_socialcalc: '“{{fileName}}” is a SocialCalc (EtherCalc) sheet, which Roster does not read. Export it from EtherCalc as .xlsx or .csv and drop that file.',
  import_xml_not_spreadsheet: '“{{fileName}}” is an XML file but not a spreadsheet. Export the people from the program that made it as .xlsx or .csv and drop that file.',
  import_xml_not_spreadsheet_root:
    '“{{fileName}}” is an XML file but not a spreadsheet (its content is <{{root}}>). Export the people from the program that made it as .xlsx or .csv and drop that file.',

  // ------------------------------------------------------------ the import: steps, commit, history
  import_gone: 'This import is no longer open; drop the file again.',
  import_released_idle: 'This import was closed after {{minutes, number}} minutes without use, to give its memory back. Nothing was saved from it; drop the file again to start over.',
  import_released_replaced: 'This import was closed to make room for newer ones (at most {{max, number}} stay open at once). Nothing was saved from it; drop the file again to start over.',
  import_released_left: 'This import was closed when its page was closed. Nothing was saved from it; drop the file again to start over.',
  import_finished: 'This import is finished and was closed to give its memory back. What it wrote is on the History tab, where it can be undone.',
  import_out_of_memory: 'This file is too large for the memory an import may use ({{limitMb, number}} MB); it was stopped and nothing was saved. Split it into smaller files.',
  import_reader_failed: 'The file reader failed ({{detail}}). Try again; if it fails again, save the file again from its spreadsheet program.',
  import_reader_exited: 'The file reader stopped unexpectedly (exit code {{exitCode}}). Try again; if it stops again, save the file again from its spreadsheet program.',
  import_busy_reading: 'This import is busy reading the file; wait for it to finish or cancel it.',
  import_busy_checking: 'This import is busy checking the rows; wait for it to finish or cancel it.',
  import_busy_comparing: 'This import is busy comparing with the directory; wait for it to finish or cancel it.',
  import_busy_committing: 'This import is busy committing; wait for it to finish or cancel it.',
  import_sheet_gone: 'This sheet is gone.',
  import_no_sheet_number: 'This file has no sheet number {{number}}.',
  import_sheet_rows_one: 'The sheet has only {{count}} row.',
  import_sheet_rows_other: 'The sheet has only {{count}} rows.',
  import_mapping_length: 'The mapping has {{entries}} entries but the sheet has {{columns}} columns.',
  import_choose_language: 'Choose en_US, fr_BE or nl_BE.',
  import_give_country_code: 'Give a country code.',
  import_not_country_code: 'Not a country code.',
  import_no_row: 'There is no data row {{row}}.',
  import_target_twice: '{{field}} is chosen for two columns; each field can come from one column only.',
  import_target_taken: '{{field}} is already chosen for another column.',
  import_full_name_unused: 'A full-name column is only used when first or last name has no column of its own.',
  import_names_have_columns: 'First and last name already have columns.',
  import_nothing_new: 'There is nothing to import: no row is new (existing profiles are only updated with “update existing”).',
  import_nothing_new_or_changed: 'There is nothing to import: no row is new or changed.',
  import_row_invalid: 'The row is not valid.',
  import_row_external_id_now_taken: 'External ID {{externalId}} now belongs to another profile.',
  import_row_exists: '{{email}} already exists (existing profiles are only updated with “update existing”).',
  import_row_existing_gone: 'The existing profile is gone.',
  import_row_nothing_to_change: 'Nothing to change any more.',
  import_row_external_id_taken: 'External ID {{externalId}} belongs to another profile.',
  import_not_in_history: 'This import is not in the history.',
  import_undo_already: 'This import was already undone.',
  import_undo_running: 'This import is still running.',
  import_undo_nothing: 'This import wrote nothing.',
  import_undo_sent: 'Some of these changes were already sent to the server; change or delete those profiles instead.',
  import_undo_changed: 'Some of these profiles were changed after the import; undo would lose those changes.',
} as const;

type Templates = typeof RULE_TEMPLATES;
type TemplateKey = keyof Templates;
type PluralSuffix = 'zero' | 'one' | 'two' | 'few' | 'many' | 'other';
type Stem<K extends string> = K extends `${infer B}_${PluralSuffix}` ? B : K;
type LabelKey = Extract<TemplateKey, `field_${string}`>;

/** The fields a `field` param can name with a label of its own. */
export type LabelledField = LabelKey extends `field_${infer F}` ? F : never;

/** A finding's code: a catalogue key, plural forms folded (`fields_need_attention`). */
export type RuleKey = Stem<Exclude<TemplateKey, LabelKey>>;

type TemplateOf<K extends RuleKey> = K extends TemplateKey ? Templates[K] : Templates[Extract<TemplateKey, `${K}_${PluralSuffix}`>];
type Trim<S extends string> = S extends ` ${infer R}` ? Trim<R> : S extends `${infer R} ` ? Trim<R> : S;
type NameOf<P extends string> = P extends `${infer N},${string}` ? Trim<N> : Trim<P>;
type Placeholders<S extends string> = S extends `${string}{{${infer P}}}${infer Rest}` ? NameOf<P> | Placeholders<Rest> : never;
type ParamValue<P extends string> = P extends 'field' ? LabelledField | (string & Record<never, never>) : P extends 'count' ? number : string | number;

/** The params a key's templates take, each required (and `count`, which chooses a plural's form): `rule('too_long', { field: 'email', max: 254 })`. */
export type RuleParams<K extends RuleKey> = { [P in Placeholders<TemplateOf<K>>]: ParamValue<P> } & (K extends TemplateKey ? unknown : { count: number });

/** A finding as a code and its params: what the console renders in its reader's language. */
export interface RuleMessage {
  key: RuleKey;
  params: Readonly<Record<string, string | number>>;
}

/** Builds a RuleMessage, its params checked against the key's templates. */
export const rule = <K extends RuleKey>(key: K, params: RuleParams<K>): RuleMessage => ({ key, params });

const TEMPLATES: Readonly<Record<string, string>> = RULE_TEMPLATES;

/** Is `key` a code of this catalogue (plain, or the stem of plural forms)? For messages that came over a wire. */
export const isRuleKey = (key: string): key is RuleKey =>
  !key.startsWith('field_') && (Object.prototype.hasOwnProperty.call(TEMPLATES, key) || Object.prototype.hasOwnProperty.call(TEMPLATES, `${key}_other`));

/** A RuleMessage as it may arrive over a wire (a newer server's code is not one): a known key and flat params. */
export function isRuleMessage(value: unknown): value is RuleMessage {
  if (typeof value !== 'object' || value === null) return false;
  const { key, params } = value as { key?: unknown; params?: unknown };
  if (typeof key !== 'string' || !isRuleKey(key)) return false;
  if (typeof params !== 'object' || params === null || Array.isArray(params)) return false;
  return Object.values(params).every((v) => typeof v === 'string' || typeof v === 'number');
}

/** The catalogue key of a field's label, or null when the value is not a field with a label (it is then shown as it is). */
export const labelKeyOf = (field: string): `field_${LabelledField}` | null =>
  Object.prototype.hasOwnProperty.call(TEMPLATES, `field_${field}`) ? (`field_${field}` as `field_${LabelledField}`) : null;

// ------------------------------------------------------------ sizes

const KIB = 1024;
const MIB = 1024 * 1024;

/** The unit people of a language write sizes in (French: Ko, Mo). */
const sizeUnits = (locale: string): [string, string] => (locale.toLowerCase().startsWith('fr') ? ['Ko', 'Mo'] : ['KB', 'MB']);

/**
 * A size in bytes as people read it: "7.5 KB", "50 MB" in English (as the
 * import has always said it), "7,5 Ko" in French, "7,5 KB" in Dutch.
 */
export function formatBytes(bytes: number, locale = 'en'): string {
  const small = bytes < MIB;
  const amount = Math.round((bytes / (small ? KIB : MIB)) * 10) / 10;
  const [kb, mb] = sizeUnits(locale);
  const number = locale.toLowerCase().startsWith('en') ? String(amount) : new Intl.NumberFormat(locale, { maximumFractionDigits: 1 }).format(amount);
  return `${number}${locale.toLowerCase().startsWith('en') ? ' ' : '\u00a0'}${small ? kb : mb}`;
}

// ------------------------------------------------------------ English

const PLACEHOLDER = /\{\{\s*(\w+)\s*(?:,\s*([^}]*?)\s*)?\}\}/g;
const englishPlurals = new Intl.PluralRules('en');
const englishNumbers = new Intl.NumberFormat('en');

/** The template a message uses: the key's own, or its plural form for `count`. */
function englishTemplate(message: RuleMessage): string | undefined {
  const own = TEMPLATES[message.key];
  if (own !== undefined) return own;
  const count = message.params.count;
  const form = typeof count === 'number' ? englishPlurals.select(count) : 'other';
  return TEMPLATES[`${message.key}_${form}`] ?? TEMPLATES[`${message.key}_other`];
}

function englishValue(name: string, format: string | undefined, value: string | number): string {
  if (name === 'field') {
    const label = labelKeyOf(String(value));
    return label === null ? String(value) : RULE_TEMPLATES[label];
  }
  if (typeof value === 'number' && format === 'number') return englishNumbers.format(value);
  if (typeof value === 'number' && format === 'bytes') return formatBytes(value, 'en');
  return String(value);
}

/** A RuleMessage in English: the text the API, the logs and every `message` carry. */
export function englishText(message: RuleMessage): string {
  const template = englishTemplate(message);
  if (template === undefined) return message.key;
  return template.replace(PLACEHOLDER, (whole, name: string, format: string | undefined) => {
    const value = message.params[name];
    return value === undefined ? whole : englishValue(name, format, value);
  });
}

// ------------------------------------------------------------ request validation

/**
 * The finding of one schema issue (zod): the rule a custom check put in its
 * params (`ctx.addIssue({ code: 'custom', message, params: { rule } })`),
 * else one of the generic `value_…` findings for its kind.
 */
export function issueRule(issue: z.core.$ZodIssue): RuleMessage {
  const n = (value: number | bigint): number => Number(value);
  switch (issue.code) {
    case 'custom': {
      const own: unknown = issue.params?.rule;
      return isRuleMessage(own) ? own : rule('value_invalid', {});
    }
    case 'too_big': {
      const max = n(issue.maximum) - (issue.inclusive === false ? 1 : 0);
      if (issue.origin === 'string') return rule('value_too_long', { max });
      if (issue.origin === 'array' || issue.origin === 'set') return rule('value_too_many_items', { max });
      return rule('value_too_large', { max });
    }
    case 'too_small': {
      const min = n(issue.minimum) + (issue.inclusive === false ? 1 : 0);
      if (issue.origin === 'string') return min <= 1 ? rule('value_required', {}) : rule('value_too_short', { min });
      if (issue.origin === 'array' || issue.origin === 'set') return rule('value_too_few_items', { min });
      return rule('value_too_small', { min });
    }
    case 'invalid_type':
      return rule('value_wrong_type', {});
    case 'invalid_format':
      return rule('value_bad_format', { format: issue.format });
    case 'invalid_value':
      return rule('value_not_allowed', {});
    case 'unrecognized_keys':
      return rule('value_unknown_keys', { keys: issue.keys.join(', ') });
    default:
      return rule('value_invalid', {});
  }
}
