import { z } from 'zod';
import { channel } from './channel';
import { serverUrlSchema } from './sync';
import type { SignInOutcome } from './sync';
import { CONSOLE_LANGUAGES } from '../console-languages';
import { ssoSettingsChangeSchema, ssoTestRequestSchema } from '../sso-wire';
import type { SsoSettings, SsoTestResult } from '../sso-wire';

/**
 * Single sign-on in the console (issue 17): an admin's sign-in through the
 * organisation's identity provider (RFC 8252: the system browser, a loopback
 * redirect, PKCE), and the organisation's OpenID Connect settings on the
 * server (online only, the console keeps none of them).
 */

/** A sign-in through the provider begun: the page to open in the browser, and until when the server waits for it. */
export interface SsoBegun {
  authorizationUrl: string;
  expiresAt: string;
}

export const ssoChannels = {
  /**
   * Begins an admin's sign-in through the organisation's provider: main listens
   * on 127.0.0.1 (a random port), and answers the provider's page for the
   * renderer to open in the browser; then sync:ssoFinish waits for it.
   */
  'sync:ssoBegin': channel<SsoBegun>()(z.strictObject({ serverUrl: serverUrlSchema, organisationId: z.uuid(), language: z.enum(CONSOLE_LANGUAGES) })),
  /** Waits for the browser to come back to the console (5 minutes at most), then signs in as sync:signIn does. */
  'sync:ssoFinish': channel<SignInOutcome>()(z.strictObject({})),
  /** Stops waiting for the browser: the listener closes, nothing is kept. */
  'sync:ssoCancel': channel<{ cancelled: boolean }>()(z.strictObject({})),
  /** The organisation's OpenID Connect settings as the server has them (never the client secret). */
  'org:sso': channel<SsoSettings>()(z.strictObject({})),
  /** Saves the whole configuration (owner); a client secret left out keeps the stored one. */
  'org:saveSso': channel<SsoSettings>()(z.strictObject({ change: ssoSettingsChangeSchema })),
  /** The server fetches the provider's discovery document and says what is wrong with it (owner). */
  'org:testSso': channel<SsoTestResult>()(ssoTestRequestSchema),
};
