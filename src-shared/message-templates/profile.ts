/** What the profile rules, web addresses and passwords refuse. English templates of src-shared/messages.ts (its header says how they are written). */
export const PROFILE_TEMPLATES = {
  // ------------------------------------------------------------ profile rules (src-shared/profile.ts)
  hidden_character: '{{field}} contains an invisible control or text-direction character ({{codePoint}}) that cannot be stored; remove it.',
  required: '{{field}} is required.',
  too_long: '{{field}} is longer than {{max}} characters.',
  email_invalid: '"{{value}}" is not a valid email address.',
  email_or_username_phone: 'Email is required, unless the profile has a username and a mobile number instead.',
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

  // ------------------------------------------------------------ one-time passwords (src-server/services/one-time-passwords.ts)
  otp_has_password: '{{email}} already has a password of their own: a one-time password is only for someone who has none yet. They can use “Forgot your password?” on the sign-in page.',
  profile_not_on_server: 'This profile is not on the server yet: sync first, then try again.',
  otp_deactivated: 'The identity provider deactivated this profile: it cannot be given a password.',
  sign_in_details_no_email: 'This profile has no email to send the sign-in details to: give it one, or tell the person their username yourself.',

  // ------------------------------------------------------------ usernames (src-shared/usernames.ts)
  username_too_short: 'A username has at least {{min}} characters.',
  username_character: 'A username may hold only letters a–z, digits, dots, hyphens and underscores (not "{{character}}").',
  username_edges: 'A username begins and ends with a letter or a digit.',
  username_cannot_generate: 'No username can be made for {{firstName}} {{lastName}} with the organisation’s format: type one.',
  username_format_token: '{{token}} is not a username format token: use {first}, {last}, {f}, {l}, {nn} or {n}.',
  username_format_character: 'A username format may hold only tokens, letters a–z, digits, dots, hyphens and underscores (not "{{character}}").',
  username_format_no_name: 'A username format needs at least one of {first}, {last}, {f} or {l}.',
  username_format_two_numbers: 'A username format holds at most one number token ({nn} or {n}).',

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
} as const;
