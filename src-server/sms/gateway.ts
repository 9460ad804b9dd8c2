/**
 * The SMS gateway port: what the SMS worker sends through. Two adapters:
 * an HTTP provider (http-gateway.ts, configured by ROSTER_SMS_*) and, with
 * nothing configured, the dev SMS inbox on this machine (dev-inbox.ts).
 */
export interface SmsMessage {
  /** The outbox id: sent as the provider's idempotency key, so a repeated request is one message. */
  id: string;
  /** E.164, e.g. +32470123456. */
  to: string;
  text: string;
}

export interface SmsGateway {
  /** Sends one message; resolves with what the gateway answered (its reference), throws SmsSendError. */
  send(message: SmsMessage): Promise<string>;
}

/**
 * A send that did not go through. `permanent`: the gateway refused this
 * message itself (an invalid number, a text it will not take): sending it
 * again cannot help. Otherwise (no answer, a timeout, a 5xx, 429) it is
 * retried with backoff.
 */
export class SmsSendError extends Error {
  override name = 'SmsSendError';
  constructor(
    message: string,
    readonly permanent: boolean,
  ) {
    super(message);
  }
}
