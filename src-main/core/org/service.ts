import { Buffer } from 'node:buffer';
import { AppError, formErrorFromWire, PASSWORD_REASONS, ruleError } from '../../../src-shared/errors';
import type { ErrorDetails } from '../../../src-shared/errors';
import type { AccountSession, AuditFilter, OrgAdmin, OrgAdminInvitation, OrgAdmins, OrgAuditPage, OrgScimTokens, OrgSettings, SettingsChange } from '../../../src-shared/contract/org';
import { AUDIT_PAGE_SIZE } from '../../../src-shared/contract/org';
import type { ExportedFile } from '../../../src-shared/import';
import { rule } from '../../../src-shared/messages';
import type { Role } from '../../../src-shared/wire';
import { SCIM_BASE_PATH } from '../../../src-shared/scim-wire';
import type { CreatedScimToken, ScimToken } from '../../../src-shared/scim-wire';
import type { SsoSettings, SsoSettingsChange, SsoTestResult } from '../../../src-shared/sso-wire';
import type { SignupLinks, SignupSettings, SignupSettingsChange } from '../../../src-shared/signup-wire';
import type { Clock } from '../ports';
import { TransportError } from '../sync/ports';
import type { OrgConnection, OrgSessionPort, OrgTransport } from './ports';

export interface OrgServiceDeps {
  transport: OrgTransport;
  session: OrgSessionPort;
  clock: Clock;
  /** Saved settings change what the console checks (the required attributes): it asks the server for them again. */
  settingsSaved?: () => Promise<void>;
}

const oneOf = <T extends string>(list: readonly T[], value: unknown): value is T => typeof value === 'string' && (list as readonly string[]).includes(value);

/**
 * The server's refusal as the console keeps it: what formErrorFromWire keeps
 * (the findings, the English per field), plus a password refusal's reason
 * and limit, which the forms show.
 */
function refusalDetails(code: AppError['code'], message: string, details: Readonly<Record<string, unknown>> | undefined): AppError {
  const wire = formErrorFromWire(code, message, details);
  const kept: ErrorDetails = { ...wire.details };
  if (code === 'PASSWORD_REJECTED' && oneOf(PASSWORD_REASONS, details?.reason)) kept.reason = details.reason;
  if (typeof details?.limit === 'number') kept.limit = details.limit;
  return new AppError(wire.code, wire.message, Object.keys(kept).length === 0 ? undefined : kept);
}

/**
 * The organisation's admins, settings and audit log, and my account, asked of
 * the server with the session the sync engine keeps. Online only: offline,
 * working offline or signed out, each call is refused with a clear rule.
 */
export class OrgService {
  constructor(private readonly deps: OrgServiceDeps) {}

  #connection(): OrgConnection {
    const state = this.deps.session.current();
    if (state.serverUrl === null || state.token === null) throw ruleError('UNAUTHORIZED', rule('sync_sign_in_first', {}));
    if (state.workOffline) throw ruleError('OFFLINE', rule('sync_offline', {}));
    return { serverUrl: state.serverUrl, token: state.token };
  }

  async #refusal(error: unknown, serverUrl: string, signedIn: boolean): Promise<unknown> {
    if (!(error instanceof TransportError)) return error;
    if (error.kind === 'network') return ruleError('NETWORK', rule('server_unreachable', { url: serverUrl, detail: error.message }));
    if (signedIn && error.status === 401) {
      // The server no longer knows this session (it ended, expired or was signed out elsewhere): this console forgets it too.
      await this.deps.session.ended();
      return ruleError('UNAUTHORIZED', rule('sync_log_session_ended', {}));
    }
    if (error.code !== null) return refusalDetails(error.code, error.message, error.details);
    return new AppError('NETWORK', `The Roster server at ${serverUrl} gave an answer this Roster does not understand: ${error.message}`);
  }

  async #call<T>(fn: (c: OrgConnection) => Promise<T>): Promise<T> {
    const c = this.#connection();
    try {
      return await fn(c);
    } catch (error) {
      throw await this.#refusal(error, c.serverUrl, true);
    }
  }

  /** A request of another screen of the organisation, with this console's session, refused and worded as these are. */
  withServer<T>(fn: (c: OrgConnection) => Promise<T>): Promise<T> {
    return this.#call(fn);
  }

  async admins(): Promise<OrgAdmins> {
    const account = this.deps.session.current().account ?? '';
    const list = await this.#call((c) => this.deps.transport.admins(c));
    const mine = list.admins.find((a) => a.email.toLowerCase() === account.toLowerCase());
    return { ...list, me: { email: account, role: mine?.role ?? null } };
  }

  inviteAdmin(input: { email: string; role: Role }): Promise<OrgAdminInvitation> {
    return this.#call((c) => this.deps.transport.inviteAdmin(c, input));
  }

  setRole(accountId: string, role: Role): Promise<OrgAdmin> {
    return this.#call((c) => this.deps.transport.setRole(c, accountId, role));
  }

  async removeAdmin(accountId: string): Promise<{ removed: true }> {
    await this.#call((c) => this.deps.transport.removeAdmin(c, accountId));
    return { removed: true };
  }

  async cancelInvitation(id: string): Promise<{ revoked: true }> {
    await this.#call((c) => this.deps.transport.cancelInvitation(c, id));
    return { revoked: true };
  }

  settings(): Promise<OrgSettings> {
    return this.#call((c) => this.deps.transport.settings(c));
  }

  async saveSettings(change: SettingsChange): Promise<OrgSettings> {
    const saved = await this.#call((c) => this.deps.transport.saveSettings(c, change));
    await this.deps.settingsSaved?.();
    return saved;
  }

  audit(filter: AuditFilter, before: number | undefined, limit: number): Promise<OrgAuditPage> {
    return this.#call((c) => this.deps.transport.audit(c, { filter, before, limit }));
  }

  profileHistory(profileId: string, before: number | undefined): Promise<OrgAuditPage> {
    return this.audit({ profileId }, before, AUDIT_PAGE_SIZE);
  }

  /** The server's CSV, as a file the console saves the way it saves every export. */
  async auditExport(filter: AuditFilter): Promise<ExportedFile> {
    const csv = await this.#call((c) => this.deps.transport.auditCsv(c, filter));
    const day = this.deps.clock.now().toISOString().slice(0, 10);
    return { fileName: `roster-audit-${day}.csv`, mimeType: 'text/csv;charset=utf-8', base64: Buffer.from(csv, 'utf8').toString('base64') };
  }

  /** The SCIM tokens, with the base URL identity providers send to: the server this console talks to. */
  async scimTokens(): Promise<OrgScimTokens> {
    let baseUrl = '';
    const tokens = await this.#call((c) => {
      baseUrl = `${c.serverUrl.replace(/\/+$/, '')}${SCIM_BASE_PATH}`;
      return this.deps.transport.scimTokens(c);
    });
    return { tokens, baseUrl };
  }

  createScimToken(name: string): Promise<CreatedScimToken> {
    return this.#call((c) => this.deps.transport.createScimToken(c, name));
  }

  revokeScimToken(id: string): Promise<ScimToken> {
    return this.#call((c) => this.deps.transport.revokeScimToken(c, id));
  }

  sso(): Promise<SsoSettings> {
    return this.#call((c) => this.deps.transport.sso(c));
  }

  saveSso(change: SsoSettingsChange): Promise<SsoSettings> {
    return this.#call((c) => this.deps.transport.saveSso(c, change));
  }

  /** The server's finding on the provider's discovery document, as it gave it (its `problem` and `details` are worded by the page). */
  testSso(issuer: string | undefined): Promise<SsoTestResult> {
    return this.#call((c) => this.deps.transport.testSso(c, issuer));
  }

  signup(): Promise<SignupSettings> {
    return this.#call((c) => this.deps.transport.signup(c));
  }

  saveSignup(change: SignupSettingsChange): Promise<SignupSettings> {
    return this.#call((c) => this.deps.transport.saveSignup(c, change));
  }

  signupLinks(): Promise<SignupLinks> {
    return this.#call((c) => this.deps.transport.signupLinks(c));
  }

  changePassword(input: { currentPassword: string; newPassword: string }): Promise<{ otherSessionsEnded: number }> {
    return this.#call((c) => this.deps.transport.changePassword(c, input));
  }

  /** Asks the server to email a reset link; the server answers the same whatever the email, and so does this. */
  async forgotPassword(serverUrl: string, email: string): Promise<{ requested: true }> {
    const url = serverUrl.replace(/\/+$/, '');
    try {
      await this.deps.transport.forgotPassword(url, email);
    } catch (error) {
      throw await this.#refusal(error, url, false);
    }
    return { requested: true };
  }

  sessions(): Promise<AccountSession[]> {
    return this.#call((c) => this.deps.transport.sessions(c));
  }

  /** Ends one of my sessions; ending this console's own signs it out here too. */
  async endSession(id: string): Promise<{ ended: true; signedOut: boolean }> {
    const list = await this.sessions();
    const current = list.some((s) => s.id === id && s.current);
    await this.#call((c) => this.deps.transport.endSession(c, id));
    if (current) await this.deps.session.ended();
    return { ended: true, signedOut: current };
  }

  /** Ends every session of my account, this console's included: it is signed out here too. */
  async signOutEverywhere(): Promise<{ ended: number }> {
    const result = await this.#call((c) => this.deps.transport.signOutEverywhere(c));
    await this.deps.session.ended();
    return result;
  }
}
