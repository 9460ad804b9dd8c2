import { AppError, formErrorFromWire, ruleError } from '../../../src-shared/errors';
import type { ErrorDetails } from '../../../src-shared/errors';
import type { RuleKey } from '../../../src-shared/messages';
import type { Role } from '../../../src-shared/wire';
import { rule } from '../../../src-shared/messages';
import { TransportError } from '../sync/ports';

/** Where and as whom the console talks to its server (the sync engine's session). */
export interface ServerSessionPort {
  current(): { serverUrl: string | null; token: string | null; workOffline: boolean };
  /** The server no longer knows this session: forget it here too. */
  ended(): Promise<void>;
}

/** What the console keeps of the server's refusal: the findings, the English per field, and what an entry in use or a seat says. */
export function serverRefusal(code: AppError['code'], message: string, details: Readonly<Record<string, unknown>> | undefined): AppError {
  const wire = formErrorFromWire(code, message, details);
  const kept: ErrorDetails = { ...wire.details };
  const inUse = details?.inUse as { profiles?: unknown; rules?: unknown } | undefined;
  if (typeof inUse?.profiles === 'number' && Array.isArray(inUse.rules)) {
    const rules = inUse.rules.filter((r): r is { id: string; name: string } => typeof r === 'object' && r !== null && typeof (r as { id?: unknown }).id === 'string' && typeof (r as { name?: unknown }).name === 'string');
    kept.inUse = { profiles: inUse.profiles, rules };
  }
  if (Array.isArray(details?.licences)) kept.licences = details.licences.filter((l): l is string => typeof l === 'string');
  if (typeof details?.limit === 'number') kept.limit = details.limit;
  return new AppError(wire.code, wire.message, Object.keys(kept).length === 0 ? undefined : kept);
}

/** The session's server and token, or the reason there is none to ask now (signed out, or working offline). */
export function ensureReachable(session: ServerSessionPort): { serverUrl: string; token: string } {
  const state = session.current();
  if (state.serverUrl === null || state.token === null) throw ruleError('UNAUTHORIZED', rule('sync_sign_in_first', {}));
  if (state.workOffline) throw ruleError('OFFLINE', rule('sync_offline', {}));
  return { serverUrl: state.serverUrl, token: state.token };
}

/**
 * One call to the server with the sync engine's session, for what only the
 * server can do (the catalogues' and the rules' writes): refused at once
 * when signed out or working offline, and the server's refusal kept with
 * its findings for the views to word.
 */
export async function callServer<T>(session: ServerSessionPort, fn: (serverUrl: string, token: string) => Promise<T>): Promise<T> {
  const state = ensureReachable(session);
  try {
    return await fn(state.serverUrl, state.token);
  } catch (error) {
    if (!(error instanceof TransportError)) throw error;
    if (error.kind === 'network') throw ruleError('NETWORK', rule('server_unreachable', { url: state.serverUrl, detail: error.message }));
    if (error.status === 401) {
      await session.ended();
      throw ruleError('UNAUTHORIZED', rule('sync_log_session_ended', {}));
    }
    if (error.code !== null) throw serverRefusal(error.code, error.message, error.details);
    throw new AppError('NETWORK', `The Roster server at ${state.serverUrl} gave an answer this Roster does not understand: ${error.message}`);
  }
}

/** Whether callServer failed only because the server could not be reached (a change can then wait for the next sync). */
export const isUnreachable = (error: unknown): boolean => error instanceof AppError && error.code === 'NETWORK';

/**
 * Whether a transport failure is the server's refusal of one queued change
 * (kept with that change), not a failure of the sync as a whole (unreachable,
 * a 5xx, a session that ended: the sync's to report and retry).
 */
export const isRefusal = (error: unknown): error is TransportError & { code: NonNullable<TransportError['code']> } =>
  error instanceof TransportError && error.kind === 'http' && error.code !== null && (error.status ?? 0) < 500 && error.status !== 401;

/** Owners and admins of a signed-in organisation change its settings (offline too); a viewer is refused in `viewerRule`'s words. */
export function ensureMayWrite(session: ServerSessionPort, role: Role | null, viewerRule: Extract<RuleKey, 'catalogue_viewer' | 'rules_viewer'>): void {
  const state = session.current();
  if (state.serverUrl === null || state.token === null) throw ruleError('UNAUTHORIZED', rule('sync_sign_in_first', {}));
  if (role === 'viewer') throw ruleError('FORBIDDEN', rule(viewerRule, {}));
}
