import type { SsoTransport } from '../core/sync/sso-sign-in';
import { ssoStartResponseSchema } from '../../src-shared/sso-wire';
import { API_PREFIX, signInResponseSchema } from '../../src-shared/wire';
import { readAnswer, schemaReader, sendToServer } from './server-http';
import type { Reader } from './server-http';

/** The server's admin sign-in through the identity provider over HTTP(S), every answer checked. */
export function createSsoTransport(options: { timeoutMs?: number; fetch?: typeof fetch } = {}): SsoTransport {
  const timeoutMs = options.timeoutMs ?? 30_000;
  const doFetch = options.fetch ?? fetch;
  const post = async <T>(serverUrl: string, path: string, read: Reader<T>, body: unknown): Promise<T> =>
    readAnswer(await sendToServer(doFetch, timeoutMs, { serverUrl, method: 'POST', path, token: null, body }), path, read);
  return {
    ssoStart: (url, request) => post(url, `${API_PREFIX}/auth/sso/start`, schemaReader(ssoStartResponseSchema), request),
    ssoFinish: (url, request) => post(url, `${API_PREFIX}/auth/sso/finish`, schemaReader(signInResponseSchema), request),
  };
}
