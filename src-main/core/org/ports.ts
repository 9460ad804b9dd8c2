import type { AccountSession, AuditFilter, OrgAdmin, OrgAdminInvitation, OrgAuditPage, OrgSettings, SettingsChange } from '../../../src-shared/contract/org';
import type { Role } from '../../../src-shared/wire';
import type { CreatedScimToken, ScimToken } from '../../../src-shared/scim-wire';
import type { SsoSettings, SsoSettingsChange, SsoTestResult } from '../../../src-shared/sso-wire';
import type { SignupLinks, SignupSettings, SignupSettingsChange } from '../../../src-shared/signup-wire';
import type { ImportRun, ImportSource, ImportSourceDraft } from '../../../src-shared/import-sources-wire';

/** Where and as whom the console talks to its server: the address and session token the sync engine keeps. */
export interface OrgConnection {
  serverUrl: string;
  token: string;
}

/** The sync engine's session, as the organisation's screens use it. */
export interface OrgSessionPort {
  /** The server address and token the console keeps (null: signed out), whether it is set to work offline, and the account signed in. */
  current(): { serverUrl: string | null; token: string | null; workOffline: boolean; account: string | null };
  /** This console's session has ended on the server (signed out there, or no longer valid): forget it here too. */
  ended(): Promise<void>;
}

/** The server's answer to a page of the audit log. */
export interface AuditQuery {
  filter: AuditFilter;
  before?: number | undefined;
  limit: number;
}

/**
 * The Roster server's organisation, admin, audit and account API, as the
 * console uses it. Implemented over HTTP in runtime/org-transport.ts, every
 * answer checked; a failure is a TransportError (core/sync/ports.ts).
 */
export interface OrgTransport {
  admins(c: OrgConnection): Promise<{ admins: OrgAdmin[]; invitations: OrgAdminInvitation[] }>;
  inviteAdmin(c: OrgConnection, input: { email: string; role: Role }): Promise<OrgAdminInvitation>;
  setRole(c: OrgConnection, accountId: string, role: Role): Promise<OrgAdmin>;
  removeAdmin(c: OrgConnection, accountId: string): Promise<void>;
  cancelInvitation(c: OrgConnection, id: string): Promise<void>;
  settings(c: OrgConnection): Promise<OrgSettings>;
  saveSettings(c: OrgConnection, change: SettingsChange): Promise<OrgSettings>;
  audit(c: OrgConnection, query: AuditQuery): Promise<OrgAuditPage>;
  /** The server's CSV of the log with these filters, as it sent it (UTF-8 text). */
  auditCsv(c: OrgConnection, filter: AuditFilter): Promise<string>;
  scimTokens(c: OrgConnection): Promise<ScimToken[]>;
  createScimToken(c: OrgConnection, name: string): Promise<CreatedScimToken>;
  revokeScimToken(c: OrgConnection, id: string): Promise<ScimToken>;
  changePassword(c: OrgConnection, input: { currentPassword: string; newPassword: string }): Promise<{ otherSessionsEnded: number }>;
  forgotPassword(serverUrl: string, email: string): Promise<void>;
  sessions(c: OrgConnection): Promise<AccountSession[]>;
  endSession(c: OrgConnection, id: string): Promise<void>;
  signOutEverywhere(c: OrgConnection): Promise<{ ended: number }>;
  /** The organisation's OpenID Connect settings (GET/PUT /api/v1/sso) and the connection test (POST /api/v1/sso/test). */
  sso(c: OrgConnection): Promise<SsoSettings>;
  saveSso(c: OrgConnection, change: SsoSettingsChange): Promise<SsoSettings>;
  testSso(c: OrgConnection, issuer: string | undefined): Promise<SsoTestResult>;
  /** The organisation's self sign-up settings (GET/PUT /api/v1/signup) and its links with QR codes (GET /api/v1/signup/links). */
  signup(c: OrgConnection): Promise<SignupSettings>;
  saveSignup(c: OrgConnection, change: SignupSettingsChange): Promise<SignupSettings>;
  signupLinks(c: OrgConnection): Promise<SignupLinks>;
}

/** The organisation's import sources on the server (/api/v1/import-sources, docs/IMPORT-SOURCES.md), every answer checked. */
export interface ImportSourcesTransport {
  list(c: OrgConnection): Promise<ImportSource[]>;
  create(c: OrgConnection, draft: ImportSourceDraft): Promise<ImportSource>;
  update(c: OrgConnection, id: string, draft: ImportSourceDraft): Promise<ImportSource>;
  remove(c: OrgConnection, id: string): Promise<void>;
  run(c: OrgConnection, id: string): Promise<ImportRun>;
  runs(c: OrgConnection, id: string): Promise<ImportRun[]>;
  confirmDeactivation(c: OrgConnection, id: string, runId: string): Promise<ImportRun>;
  /** The server's CSV of a run's rejected rows, as it sent it (UTF-8 text with its BOM). */
  rejectedCsv(c: OrgConnection, id: string, runId: string): Promise<string>;
}
