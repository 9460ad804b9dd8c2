import type { Generated, Insertable, Selectable } from 'kysely';
import type { Role } from '../../src-shared/wire';
import type { ProfileSource } from '../../src-shared/profile';
import type { ImportTables } from './schema-imports';

/**
 * The server's tables. Both SQLite and PostgreSQL store the same column
 * types: ids are UUID text, timestamps ISO-8601 UTC text of fixed width
 * (so they compare as text), booleans 0/1 integers, tags JSON text.
 */

export interface OrganisationsTable {
  id: string;
  name: string;
  default_language: string;
  invitation_lifetime_days: number;
  /** JSON AppLinks for email 2. */
  app_links: string;
  /** The last change sequence number handed out in this organisation: the pull cursor's clock. */
  change_seq: number;
  created_at: string;
  updated_at: string;
  /** Set by the operator: nobody signs in to a disabled organisation, its sessions stop working. */
  disabled_at: Generated<string | null>;
  /** 1: email 1 leaves as soon as a profile is created (the "communication setting"); 0 (default): only when invited. */
  invite_on_create: Generated<number>;
  /** Two-letter country (ISO 3166-1) whose calling code numbers without one take (the console's import); null: none. */
  default_phone_country: Generated<string | null>;
  /** Invitations (emails 1) this organisation may send per hour; null: the server's configured limit. */
  invitations_per_hour: Generated<number | null>;
  /** How long audit entries are kept, in days. */
  audit_retention_days: Generated<number>;
  /** JSON list of the attribute fields every profile must have (src-shared/attributes.ts ATTRIBUTE_FIELDS); '[]': none. */
  required_attributes: Generated<string>;
  /** Which channels an invitation goes out on (src-shared/sms.ts InvitationChannels): 'email' (default), 'sms', 'both'. */
  invitation_channels: Generated<string>;
  /** How usernames are made for new profiles (src-shared/usernames.ts), e.g. {first}.{last}; null: they are not. */
  username_format: Generated<string | null>;
  /** Who needs an email (src-shared/profile.ts EMAIL_POLICIES): 'required' (default) or 'or_username_phone' (0200). */
  email_policy: Generated<string>;
}

/** One per normalised email across all organisations, and one per person without an email (0200: the profile's account_id points at it). */
export interface AccountsTable {
  id: string;
  /** Null: the account of a person without an email (a profile of an organisation whose email policy allows it). */
  email: string | null;
  password_hash: string | null;
  confirmed_at: string | null;
  /** The latest invitation sent to this person (any organisation). Never shown to an organisation: profiles keep their own. */
  invited_at: string | null;
  invitation_expires_at: string | null;
  created_at: string;
  updated_at: string;
}

export interface MembersTable {
  organisation_id: string;
  account_id: string;
  role: Role;
  created_at: string;
}

export interface SessionsTable {
  token_hash: string;
  account_id: string;
  organisation_id: string;
  created_at: string;
  /** The absolute end: the session ends then whatever happens. */
  expires_at: string;
  /** The last request: the session also ends after the idle time without one. */
  last_seen_at: string;
  /** The caller's address and client when the session began (shown in "my sessions"). */
  ip: Generated<string | null>;
  client: Generated<string | null>;
}

/** Single-use links to set a password: an owner's or admin's invitation, or a password reset. Only the token's hash is kept. */
export interface AccountLinksTable {
  id: string;
  purpose: 'admin_invitation' | 'password_reset';
  /** The organisation an invitation is to (null for a reset). */
  organisation_id: string | null;
  account_id: string;
  email: string;
  /** The role an invitation gives (null for a reset). */
  role: Role | null;
  language: string;
  token_hash: string;
  created_at: string;
  expires_at: string;
  used_at: string | null;
  revoked_at: string | null;
  /** The admin who invited (null: the operator, or a reset). */
  created_by: string | null;
}

/**
 * The audit log: append-only (triggers refuse updates, and deletes newer
 * than the organisation's retention cut), each entry carrying the hash of
 * the one before it in its organisation.
 */
export interface AuditLogTable {
  id: string;
  organisation_id: string;
  /** 1, 2, 3… within the organisation. */
  seq: number;
  at: string;
  /** 'admin' (a session), 'operator', 'person' (an invitation page), 'system'. */
  actor_type: string;
  actor_account_id: string | null;
  actor_email: string | null;
  action: string;
  /** What was acted on: an account, a profile, the organisation… */
  target_type: string | null;
  target_id: string | null;
  /** The profile concerned, for a profile's history. */
  profile_id: string | null;
  /** JSON: counts, fields before and after… */
  details: string;
  ip: string | null;
  client: string | null;
  prev_hash: string;
  hash: string;
}

/** Where each organisation's chain starts after retention removed older entries. */
export interface AuditAnchorsTable {
  organisation_id: string;
  /** The seq of the first kept entry, and the hash its prev_hash must equal. */
  seq: number;
  prev_hash: string;
}

export interface ProfilesTable {
  id: string;
  organisation_id: string;
  first_name: string;
  last_name: string;
  email: string;
  phone: string | null;
  tags: string;
  external_id: string | null;
  /** Lower-case; unique per organisation among live profiles (profiles_username_unique, on lower(username)). */
  username: Generated<string | null>;
  language: string;
  /** Several-valued attributes: JSON lists of entry ids, sorted. */
  access_rights: Generated<string>;
  payment_methods: Generated<string>;
  licences: Generated<string>;
  /** Single-valued attributes: an entry id, or null. */
  department: Generated<string | null>;
  job_profile: Generated<string | null>;
  permission_type: Generated<string | null>;
  user_group: Generated<string | null>;
  /** JSON Grants: which rule gave each value. */
  grants: Generated<string>;
  /** This organisation's latest invitation of the person (never another organisation's). */
  invited_at: string | null;
  invitation_expires_at: string | null;
  /**
   * When this organisation learned that the person has a confirmed account:
   * its own invitation accepted, or the profile created (or given the email)
   * or invited once the account was confirmed. Null: not known here.
   */
  confirmed_at: string | null;
  /** Content version: bumped by edits, not by invitations or confirmations. */
  version: number;
  /** Organisation change sequence of the last change of any kind (pull order). */
  change_seq: number;
  deleted: number;
  created_at: string;
  updated_at: string;
  /** When SCIM set `active: false` (the person can no longer sign in); null: active. */
  deactivated_at: string | null;
  /** Where it came from (0110): set by ProfileBatch.create, never written again. */
  source: Generated<ProfileSource>;
  /** A one-time password an admin set (0170): its scrypt hash and when it stops working; null: none. */
  otp_hash: Generated<string | null>;
  otp_expires_at: Generated<string | null>;
  /** The single-use ticket of the "choose your own password" step after a sign-in with it: its sha-256 and its end. */
  otp_ticket_hash: Generated<string | null>;
  otp_ticket_expires_at: Generated<string | null>;
  /** The account of a profile without an email (0200): its person's own; null for a profile with an email (its account is the email's). */
  account_id: Generated<string | null>;
}

/**
 * Which live profile holds which catalogue entry: one row per (profile,
 * entry), for every attribute. Kept by the profile writes beside the row's own
 * JSON columns, so that "how many profiles hold this entry" (a licence's
 * seats, deleting an entry in use, the filters) is an index lookup, not a
 * scan of every profile's JSON.
 */
export interface ProfileEntriesTable {
  organisation_id: string;
  entry_id: string;
  profile_id: string;
}

/** One entry of one of an organisation's catalogues (src-shared/attributes.ts CatalogueEntry). */
export interface CatalogueEntriesTable {
  organisation_id: string;
  id: string;
  kind: string;
  code: string;
  /** lower(code): unique per organisation and kind among live entries. */
  code_key: string;
  name: string;
  description: string;
  /** Licences only: how many profiles may hold it; null: unlimited. */
  seats: number | null;
  version: number;
  /** Organisation change sequence of the last change (the pull's order, shared with profiles). */
  change_seq: number;
  deleted: number;
  created_at: string;
  updated_at: string;
}

/** An organisation's assignment rule (issue 14); conditions and actions as JSON (src-shared/assignment-rules.ts). */
export interface AssignmentRulesTable {
  organisation_id: string;
  id: string;
  name: string;
  /** Its place in the order, from 1 (rules run lowest first). */
  position: number;
  enabled: number;
  conditions: string;
  actions: string;
  version: number;
  /** Organisation change sequence of the last change (the pull's order, shared with profiles and entries). */
  change_seq: number;
  deleted: number;
  created_at: string;
  updated_at: string;
}

/** One "apply to existing profiles" of a rule: how many it changed, and when it was undone (null: not). */
export interface RuleAppliesTable {
  organisation_id: string;
  id: string;
  rule_id: string;
  rule_name: string;
  profiles: number;
  created_at: string;
  undone_at: string | null;
}

/** What one apply added to one profile (JSON), for its undo. */
export interface RuleApplyProfilesTable {
  organisation_id: string;
  apply_id: string;
  profile_id: string;
  added: string;
}

export interface InvitationsTable {
  id: string;
  organisation_id: string;
  profile_id: string;
  account_id: string;
  email: string;
  /** SHA-256 (hex) of the link's token; the token itself is never stored in clear. */
  token_hash: string;
  created_at: string;
  expires_at: string;
  accepted_at: string | null;
  /** Set when a newer invitation for the same profile replaced this one. */
  revoked_at: string | null;
  created_by: string | null;
  /** When its expiry was written in the audit log (services/invitation-expiry.ts). */
  expiry_logged_at: string | null;
}

export const OUTBOX_STATES = ['queued', 'sending', 'handed', 'sent', 'failed', 'unknown', 'cancelled'] as const;
/**
 * queued → sending (claimed, lease) → handed (the end of DATA may be on the
 * wire) → sent. A lapsed lease in `sending` is retried (the server cannot
 * have the message: its end-of-data was never written); a lapsed lease in
 * `handed` becomes `unknown` and is never re-sent automatically.
 */
export type OutboxState = (typeof OUTBOX_STATES)[number];
export type MailKind = 'invitation' | 'welcome' | 'admin_invitation' | 'password_reset' | 'signup_verification' | 'import_report' | 'sign_in_details';
/** How a message of the outbox goes out: an email (the SMTP worker), or an SMS (the SMS worker; only invitations). */
export type OutboxChannel = 'email' | 'sms';

export interface MailOutboxTable {
  id: string;
  organisation_id: string;
  kind: MailKind;
  /** 'email' (the default) or 'sms': then `recipient` is an E.164 number and `smtp_response` the gateway's answer. */
  channel: Generated<OutboxChannel>;
  invitation_id: string | null;
  profile_id: string | null;
  recipient: string;
  language: string;
  /** JSON template variables (names, organisation, links; never the token). */
  payload: string;
  /** The link's token, AES-256-GCM sealed with the server secret, erased once the message is settled. */
  sealed_token: string | null;
  message_id: string;
  state: OutboxState;
  attempts: number;
  next_attempt_at: string;
  lease_owner: string | null;
  lease_expires_at: string | null;
  last_error: string | null;
  smtp_response: string | null;
  created_at: string;
  /** Start of the current retry period: null = created_at; an admin's retry starts a new one. */
  retry_since: string | null;
  /** When the latest attempt began (null: never tried). */
  last_attempt_at: Generated<string | null>;
  handed_at: string | null;
  sent_at: string | null;
}

export interface AppliedMutationsTable {
  organisation_id: string;
  client_id: string;
  mutation_id: string;
  /** JSON PushResult, returned again for a retried push. */
  result: string;
  created_at: string;
}

/** One counted sign-in attempt in one bucket (a SHA-256 of what it counts: an IP, an email and IP, an email). */
export interface RateLimitHitsTable {
  id: string;
  bucket: string;
  at: string;
}

/** A SCIM bearer token of an organisation (only its SHA-256 is kept); a revoked one stays listed. */
export interface ScimTokensTable {
  id: string;
  organisation_id: string;
  name: string;
  token_hash: string;
  created_at: string;
  /** The account that created it. */
  created_by: string | null;
  last_used_at: string | null;
  revoked_at: string | null;
}

export interface MetaTable {
  key: string;
  value: string;
}

/** An organisation's OpenID Connect configuration (issue 17). */
export interface SsoConfigsTable {
  organisation_id: string;
  enabled: number;
  issuer: string;
  client_id: string;
  /** Sealed with the server secret (lib/crypto.ts Sealer); null: none (a public client). */
  client_secret_sealed: string | null;
  /** The name people read on the button; null: the issuer's host. */
  provider_name: string | null;
  /** JSON list of scopes. */
  scopes: string;
  email_claim: string;
  department_claim: string | null;
  groups_claim: string | null;
  language_claim: string | null;
  jit_creation: number;
  require_sso: number;
  /** JSON list of lower-case domains; '[]': any. */
  allowed_domains: string;
  created_at: string;
  updated_at: string;
}

/** A sign-in through the provider in flight: its state only as a SHA-256, used once, until it expires. */
export interface SsoStatesTable {
  state_hash: string;
  organisation_id: string;
  /** person: the people's sign-in page; admin: the console's loopback flow. */
  purpose: 'person' | 'admin';
  nonce: string;
  /** The PKCE verifier, sealed, when the server holds it (person); null when the console does (admin). */
  code_verifier_sealed: string | null;
  redirect_uri: string;
  language: string;
  created_at: string;
  expires_at: string;
  used_at: string | null;
}

/** Every table by name; the import sources' come from schema-imports.ts. */
export interface Database extends ImportTables {
  organisations: OrganisationsTable;
  accounts: AccountsTable;
  members: MembersTable;
  sessions: SessionsTable;
  profiles: ProfilesTable;
  invitations: InvitationsTable;
  mail_outbox: MailOutboxTable;
  applied_mutations: AppliedMutationsTable;
  meta: MetaTable;
  rate_limit_hits: RateLimitHitsTable;
  account_links: AccountLinksTable;
  audit_log: AuditLogTable;
  audit_anchors: AuditAnchorsTable;
  catalogue_entries: CatalogueEntriesTable;
  profile_entries: ProfileEntriesTable;
  assignment_rules: AssignmentRulesTable;
  rule_applies: RuleAppliesTable;
  rule_apply_profiles: RuleApplyProfilesTable;
  sso_configs: SsoConfigsTable;
  sso_states: SsoStatesTable;
  scim_tokens: ScimTokensTable;
  signup_configs: SignupConfigsTable;
  signup_requests: SignupRequestsTable;
}

export type OrganisationRow = Selectable<OrganisationsTable>;
export type ProfileRow = Selectable<ProfilesTable>;
export type NewProfileRow = Insertable<ProfilesTable>;
export type OutboxRow = Selectable<MailOutboxTable>;
export type CatalogueEntryRow = Selectable<CatalogueEntriesTable>;
export type AssignmentRuleRow = Selectable<AssignmentRulesTable>;
export type SsoConfigRow = Selectable<SsoConfigsTable>;

/** An organisation's self sign-up settings (0130); no row: closed. */
export interface SignupConfigsTable {
  organisation_id: string;
  enabled: number;
  /** 1: the sign-up page lets a person choose their department (a department link fixes it). */
  department_choice: number;
  /** JSON list of email domains a sign-up may use; empty: any. */
  allowed_domains: string;
  created_at: string;
  updated_at: string;
}
export type SignupConfigRow = Selectable<SignupConfigsTable>;

/** A sign-up waiting for its email to be verified (0130): the link's token only as its hash. */
export interface SignupRequestsTable {
  id: string;
  organisation_id: string;
  token_hash: string;
  email: string;
  /** JSON: the profile draft the person entered (names, email, phone, language, department). */
  draft: string;
  created_at: string;
  expires_at: string;
  used_at: string | null;
  /** The profile the verified sign-up made. */
  profile_id: string | null;
  /** 0190: the mobile number (E.164) a verification code was texted to; null: verified by the email link only. */
  code_phone: string | null;
  /** The code's HMAC under the server secret, with the request's id (never the code). */
  code_hash: string | null;
  /** SHA-256 of the ticket the code page carries in its form (never in an address). */
  code_ticket_hash: string | null;
  code_expires_at: string | null;
  /** Wrong codes typed so far; the fifth voids the code. */
  code_attempts: Generated<number>;
  /** Why the code stopped working before its time: too many wrong tries, or a newer request to the same number. */
  code_void: 'tries' | 'replaced' | null;
}
export type SignupRequestRow = Selectable<SignupRequestsTable>;
