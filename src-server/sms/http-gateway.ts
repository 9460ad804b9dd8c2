import { SmsSendError } from './gateway';
import type { SmsGateway, SmsMessage } from './gateway';

export interface HttpSmsOptions {
  /** The provider's endpoint taking a JSON POST {to, from, text}. */
  url: string;
  /** Basic authentication… */
  user: string | undefined;
  password: string | undefined;
  /** …or a bearer token (never both). */
  token: string | undefined;
  /** The sender name or number shown on the phone. */
  sender: string;
  /** A request without an answer this long is abandoned and retried. */
  timeoutMs: number;
}

/** 4xx answers that are the gateway's state, not the message's fault: retried. */
const RETRYABLE_4XX = new Set([408, 409, 423, 425, 429]);

/**
 * A generic HTTP SMS provider: POST {to, from, text} as JSON, with basic or
 * bearer authentication and an Idempotency-Key header (the outbox id), so a
 * provider that honours it sends a retried request once.
 *  - 2xx: sent (the answer, cut to 300 characters, is kept as the reference);
 *  - 4xx (but 408, 409, 423, 425, 429): refused for good, with the
 *    provider's own words (an invalid number, typically);
 *  - 5xx, 408, 429…, no connection, no answer within the timeout: retried.
 */
export class HttpSmsGateway implements SmsGateway {
  readonly #o: HttpSmsOptions;

  constructor(options: HttpSmsOptions) {
    this.#o = options;
  }

  async send(message: SmsMessage): Promise<string> {
    const headers: Record<string, string> = { 'content-type': 'application/json', accept: 'application/json', 'idempotency-key': message.id };
    if (this.#o.token !== undefined) headers.authorization = `Bearer ${this.#o.token}`;
    else if (this.#o.user !== undefined) headers.authorization = `Basic ${Buffer.from(`${this.#o.user}:${this.#o.password ?? ''}`).toString('base64')}`;
    let response: Response;
    let answer: string;
    try {
      response = await fetch(this.#o.url, {
        method: 'POST',
        headers,
        body: JSON.stringify({ to: message.to, from: this.#o.sender, text: message.text }),
        redirect: 'error',
        signal: AbortSignal.timeout(this.#o.timeoutMs),
      });
      answer = (await response.text()).replace(/\s+/g, ' ').trim().slice(0, 300);
    } catch (error) {
      const timedOut = error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError');
      if (timedOut) throw new SmsSendError(`SMS gateway: no answer within ${Math.round(this.#o.timeoutMs / 100) / 10} s`, false);
      const cause = error instanceof Error && error.cause instanceof Error ? error.cause.message : error instanceof Error ? error.message : String(error);
      throw new SmsSendError(`SMS gateway: cannot reach it (${cause})`, false);
    }
    if (response.ok) return answer === '' ? `${response.status}` : `${response.status} ${answer}`;
    const said = answer === '' ? '' : `: ${answer}`;
    if (response.status >= 400 && response.status < 500 && !RETRYABLE_4XX.has(response.status)) {
      throw new SmsSendError(`SMS gateway refused the message (HTTP ${response.status})${said}`, true);
    }
    throw new SmsSendError(`SMS gateway answered HTTP ${response.status}${said}`, false);
  }
}
