import { createHash, randomBytes } from 'node:crypto';
import type { ConsoleLanguage } from '../../../src-shared/console-languages';
import type { SsoBegun } from '../../../src-shared/contract/sso';
import { ruleError } from '../../../src-shared/errors';
import { rule } from '../../../src-shared/messages';
import type { RuleMessage } from '../../../src-shared/messages';
import { SSO_REFUSALS } from '../../../src-shared/sso-wire';
import type { SsoRefusal } from '../../../src-shared/sso-wire';
import type { SignInResponse } from '../../../src-shared/wire';
import { TransportError } from './ports';

/** The server's admin sign-in through the provider (POST /api/v1/auth/sso/start and /finish). Over HTTP in runtime/sso-transport.ts. */
export interface SsoTransport {
  ssoStart(serverUrl: string, request: { organisation: string; redirectUri: string; codeChallenge: string }): Promise<{ authorizationUrl: string; state: string; expiresAt: string }>;
  ssoFinish(serverUrl: string, request: { code: string; state: string; codeVerifier: string; iss?: string }): Promise<SignInResponse>;
}

/** What came back to the loopback: the browser's request, held open until the console answers its tab. */
export type LoopbackArrival =
  | { kind: 'callback'; params: URLSearchParams; answer(outcome: 'signed_in' | 'refused'): void }
  | { kind: 'timeout' }
  | { kind: 'closed' };

/** A one-shot listener on 127.0.0.1 (RFC 8252 §7.3). */
export interface LoopbackReceiver {
  /** http://127.0.0.1:<port>/callback */
  readonly redirectUri: string;
  /** The first request to the redirect URI's path; `timeout` after `ms`, `closed` once closed. */
  next(ms: number): Promise<LoopbackArrival>;
  close(): Promise<void>;
}

/** Opens the loopback listener; its tab's page speaks `language`. Over node:http in runtime/sso-loopback.ts. */
export interface LoopbackPort {
  listen(language: ConsoleLanguage): Promise<LoopbackReceiver>;
}

/** How long the console waits for the browser to come back. */
export const SSO_WAIT_MS = 5 * 60_000;

interface Flow {
  url: string;
  receiver: LoopbackReceiver;
  verifier: string;
  state: string;
}

const detailOf = (error: unknown): string => (error instanceof Error ? error.message : String(error));

/**
 * An admin's sign-in through the organisation's identity provider, the
 * console's half of RFC 8252: a PKCE verifier kept here, a one-shot loopback
 * listener, the server's start and finish. One at a time: a new one ends the
 * one before. What it answers is the server's session, as a password sign-in's.
 */
export class SsoSignIn {
  #flow: Flow | null = null;

  constructor(private readonly deps: { transport: SsoTransport; loopback: LoopbackPort; waitMs?: number }) {}

  async begin(serverUrl: string, organisationId: string, language: ConsoleLanguage): Promise<SsoBegun> {
    await this.cancel();
    const url = serverUrl.replace(/\/+$/, '');
    const receiver = await this.deps.loopback.listen(language);
    const verifier = randomBytes(32).toString('base64url');
    const codeChallenge = createHash('sha256').update(verifier).digest('base64url');
    try {
      const started = await this.deps.transport.ssoStart(url, { organisation: organisationId, redirectUri: receiver.redirectUri, codeChallenge });
      this.#flow = { url, receiver, verifier, state: started.state };
      return { authorizationUrl: started.authorizationUrl, expiresAt: started.expiresAt };
    } catch (error) {
      await receiver.close();
      throw startRefusal(error, url);
    }
  }

  /** Waits for the browser, then asks the server for the session; the browser's tab is told how it ended. */
  async finish(): Promise<{ url: string; session: SignInResponse }> {
    const flow = this.#flow;
    if (flow === null) throw ruleError('VALIDATION_FAILED', rule('sso_none_waiting', {}));
    const waitMs = this.deps.waitMs ?? SSO_WAIT_MS;
    try {
      const arrival = await flow.receiver.next(waitMs);
      if (arrival.kind === 'timeout') throw ruleError('CANCELLED', rule('sso_timeout', { minutes: Math.round(waitMs / 60_000) }));
      if (arrival.kind === 'closed') throw ruleError('CANCELLED', rule('sso_cancelled', {}));
      try {
        const session = await this.#exchange(flow, arrival.params);
        arrival.answer('signed_in');
        return { url: flow.url, session };
      } catch (error) {
        arrival.answer('refused');
        throw error;
      }
    } finally {
      if (this.#flow === flow) this.#flow = null;
      await flow.receiver.close();
    }
  }

  /** Stops waiting: the listener closes; true when a sign-in was under way. */
  async cancel(): Promise<boolean> {
    const flow = this.#flow;
    this.#flow = null;
    if (flow === null) return false;
    await flow.receiver.close();
    return true;
  }

  async #exchange(flow: Flow, params: URLSearchParams): Promise<SignInResponse> {
    const error = params.get('error');
    if (error !== null) throw ruleError('UNAUTHORIZED', rule('sso_provider_refused', { detail: params.get('error_description') ?? error }));
    if (params.get('state') !== flow.state) throw ruleError('UNAUTHORIZED', rule('sso_state_mismatch', {}));
    const code = params.get('code');
    if (code === null || code === '') throw ruleError('UNAUTHORIZED', rule('sso_provider_refused', { detail: 'no authorisation code' }));
    const iss = params.get('iss');
    try {
      return await this.deps.transport.ssoFinish(flow.url, { code, state: flow.state, codeVerifier: flow.verifier, ...(iss === null ? {} : { iss }) });
    } catch (failure) {
      if (failure instanceof TransportError && failure.kind === 'network') throw ruleError('NETWORK', rule('server_unreachable', { url: flow.url, detail: failure.message }));
      if (failure instanceof TransportError && failure.status === 401) {
        // The provider's answer refused (ssoReason), or, without one, an account that is no member of the organisation.
        const reason = failure.details?.ssoReason;
        throw ruleError('UNAUTHORIZED', typeof reason === 'string' ? refusalRule(reason) : rule('sso_not_admin', {}));
      }
      if (failure instanceof TransportError && failure.status === 429) throw ruleError('RATE_LIMITED', rule('sign_in_rate_limited', {}));
      throw ruleError('NETWORK', rule('sign_in_failed', { detail: detailOf(failure) }));
    }
  }
}

/** Each reason the server gives for refusing (SSO_REFUSALS), in words the console translates. */
const REFUSAL_RULES: Record<SsoRefusal, () => RuleMessage> = {
  disabled: () => rule('sso_refused_disabled', {}),
  provider_unavailable: () => rule('sso_refused_provider_unavailable', {}),
  state: () => rule('sso_refused_state', {}),
  provider_error: () => rule('sso_refused_provider_error', {}),
  nonce: () => rule('sso_refused_nonce', {}),
  expired: () => rule('sso_refused_expired', {}),
  token: () => rule('sso_refused_token', {}),
  email_missing: () => rule('sso_refused_email_missing', {}),
  email_unverified: () => rule('sso_refused_email_unverified', {}),
};

/** The server's reason for refusing the sign-in, worded; one this console does not know (a newer server's) is named as it came. */
function refusalRule(reason: string): RuleMessage {
  return (SSO_REFUSALS as readonly string[]).includes(reason) ? REFUSAL_RULES[reason as SsoRefusal]() : rule('sso_refused', { reason });
}

/** The server's refusal to begin, in words. */
function startRefusal(error: unknown, url: string): unknown {
  if (!(error instanceof TransportError)) return error;
  if (error.kind === 'network') return ruleError('NETWORK', rule('server_unreachable', { url, detail: error.message }));
  if (error.status === 404) return ruleError('NOT_FOUND', rule('sso_not_enabled', { url }));
  if (error.status === 429) return ruleError('RATE_LIMITED', rule('sign_in_rate_limited', {}));
  if (typeof error.details?.ssoReason === 'string') return ruleError('NETWORK', rule('sso_provider_unusable', { detail: error.message.replace(/^[^:]*:\s*/, '') }));
  return ruleError(error.code ?? 'NETWORK', rule('sign_in_failed', { detail: error.message }));
}
