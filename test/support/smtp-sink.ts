import type { AddressInfo } from 'node:net';
import type { Readable } from 'node:stream';
import { SMTPServer } from 'smtp-server';
import { simpleParser } from 'mailparser';
import type { ParsedMail } from 'mailparser';

export interface SinkMessage {
  raw: Buffer;
  parsed: ParsedMail;
  envelopeTo: string[];
  messageId: string | null;
  to: string;
  subject: string;
  text: string;
  html: string | null;
  /** http(s) links of the plain-text part. */
  links: string[];
}

export interface SmtpSinkOptions {
  /**
   * Called once a message's data has fully arrived (end-of-data seen) and
   * before the server answers 250: resolve to answer, or return a reply code
   * (e.g. 451) to refuse it. Lets a test hold the answer, kill a client, etc.
   */
  beforeAccept?: (message: { raw: Buffer; index: number }) => Promise<number | undefined> | number | undefined;
  /** Called for each new connection (0, 1, …): a reply code (e.g. 421) refuses it before the greeting's end. */
  onConnect?: (index: number) => number | undefined;
  /** Called at MAIL FROM with the session's EHLO name: a reply code refuses it (e.g. 504, as Postfix's reject_non_fqdn_helo_hostname). */
  onMailFrom?: (ehloName: string) => number | undefined;
  /** Called for each recipient: a reply code (e.g. 550, 450) refuses it. */
  onRcptTo?: (address: string) => number | undefined;
  /** Offer STARTTLS with this key and certificate (PEM). Without it the sink speaks plain SMTP only. */
  tls?: { key: string | Buffer; cert: string | Buffer };
  /**
   * Called on each RCPT TO (index: how many came before), before it is
   * answered: lets a test kill the sender in the middle of the conversation,
   * before any of the message's data.
   */
  onRecipient?: (recipient: { address: string; index: number }) => Promise<void> | void;
}

const refusal = (code: number): Error & { responseCode: number } => {
  const error = new Error(`refused by the test (${code})`) as Error & { responseCode: number };
  error.responseCode = code;
  return error;
};

/**
 * A real SMTP server in the test process: records every message whose data
 * ended properly (end-of-data marker) and was answered 250. A message cut off
 * mid-data is not recorded. It never de-duplicates: duplicates show.
 */
export class SmtpSink {
  readonly messages: SinkMessage[] = [];
  /** Messages whose data arrived complete, accepted or not (counts what a real server may have kept). */
  completeDeliveries = 0;
  /** The EHLO/HELO name of the session, once per message (MAIL FROM), in order. */
  readonly ehloNames: string[] = [];
  /** Connections seen (refused ones too). */
  connections = 0;
  /** Connections open now, and the most that were open at once. */
  open = 0;
  peakOpen = 0;
  /** Whether each accepted message came over TLS. */
  readonly secured: boolean[] = [];
  #server: SMTPServer;
  #port = 0;
  #waiters: { count: number; resolve: () => void }[] = [];
  #recipients = 0;
  #options: SmtpSinkOptions;

  constructor(options: SmtpSinkOptions = {}) {
    this.#options = options;
    this.#server = new SMTPServer({
      authOptional: true,
      disabledCommands: options.tls === undefined ? ['STARTTLS', 'AUTH'] : ['AUTH'],
      ...(options.tls === undefined ? {} : { key: options.tls.key, cert: options.tls.cert }),
      logger: false,
      onConnect: (_session, callback) => {
        this.open++;
        this.peakOpen = Math.max(this.peakOpen, this.open);
        const code = this.#options.onConnect?.(this.connections++);
        callback(code !== undefined && code >= 400 ? refusal(code) : null);
      },
      onClose: () => {
        this.open--;
      },
      onMailFrom: (_address, session, callback) => {
        this.ehloNames.push(session.hostNameAppearsAs);
        const code = this.#options.onMailFrom?.(session.hostNameAppearsAs);
        callback(code !== undefined && code >= 400 ? refusal(code) : null);
      },
      onRcptTo: (address, _session, callback) => {
        const index = this.#recipients++;
        void Promise.resolve(this.#options.onRecipient?.({ address: address.address, index })).then(
          () => {
            const code = this.#options.onRcptTo?.(address.address);
            callback(code !== undefined && code >= 400 ? refusal(code) : null);
          },
          (error: unknown) => {
            callback(error instanceof Error ? error : new Error(String(error)));
          },
        );
      },
      onData: (stream: Readable, session, callback) => {
        const parts: Buffer[] = [];
        stream.on('data', (chunk: Buffer) => parts.push(chunk));
        stream.on('end', () => {
          const raw = Buffer.concat(parts);
          const index = this.completeDeliveries++;
          void (async () => {
            const code = await this.#options.beforeAccept?.({ raw, index });
            if (code !== undefined && code >= 400) {
              callback(refusal(code));
              return;
            }
            this.secured.push(session.secure);
            const parsed = await simpleParser(raw);
            const text = parsed.text ?? '';
            const to = parsed.to === undefined ? '' : Array.isArray(parsed.to) ? parsed.to.map((a) => a.text).join(', ') : parsed.to.text;
            this.messages.push({
              raw,
              parsed,
              envelopeTo: session.envelope.rcptTo.map((r) => r.address),
              messageId: parsed.messageId ?? null,
              to,
              subject: parsed.subject ?? '',
              text,
              html: typeof parsed.html === 'string' ? parsed.html : null,
              links: [...new Set(text.match(/https?:\/\/[^\s<>"]+/g) ?? [])],
            });
            callback();
            this.#notify();
          })();
        });
      },
    });
    this.#server.on('error', () => undefined);
  }

  async start(): Promise<this> {
    await new Promise<void>((resolve, reject) => {
      this.#server.once('error', reject);
      this.#server.listen(0, '127.0.0.1', () => {
        resolve();
      });
    });
    this.#port = (this.#server.server.address() as AddressInfo).port;
    return this;
  }

  get port(): number {
    return this.#port;
  }

  get url(): string {
    return `smtp://127.0.0.1:${this.#port}`;
  }

  setOptions(options: SmtpSinkOptions): void {
    this.#options = options;
  }

  #notify(): void {
    this.#waiters = this.#waiters.filter((w) => {
      if (this.messages.length >= w.count) {
        w.resolve();
        return false;
      }
      return true;
    });
  }

  /** Resolves once `count` messages in total have been accepted; rejects after `timeoutMs`. */
  waitFor(count: number, timeoutMs = 20_000): Promise<SinkMessage[]> {
    if (this.messages.length >= count) return Promise.resolve(this.messages);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        reject(new Error(`SMTP sink: waited ${timeoutMs} ms for ${count} messages, got ${this.messages.length}`));
      }, timeoutMs);
      this.#waiters.push({
        count,
        resolve: () => {
          clearTimeout(timer);
          resolve(this.messages);
        },
      });
    });
  }

  to(address: string): SinkMessage[] {
    return this.messages.filter((m) => m.envelopeTo.includes(address));
  }

  /** Message-IDs seen more than once. */
  duplicates(): string[] {
    const seen = new Map<string, number>();
    for (const m of this.messages) if (m.messageId !== null) seen.set(m.messageId, (seen.get(m.messageId) ?? 0) + 1);
    return [...seen].filter(([, n]) => n > 1).map(([id]) => id);
  }

  clear(): void {
    this.messages.length = 0;
    this.completeDeliveries = 0;
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      this.#server.close(() => {
        resolve();
      });
    });
  }
}

export async function startSmtpSink(options: SmtpSinkOptions = {}): Promise<SmtpSink> {
  return new SmtpSink(options).start();
}
