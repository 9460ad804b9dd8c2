import { Readable } from 'node:stream';
import SMTPConnection from 'nodemailer/lib/smtp-connection';
import type { SMTPError } from 'nodemailer/lib/smtp-connection';

export interface SmtpTarget {
  host: string;
  port: number;
  secure: boolean;
  user: string | undefined;
  pass: string | undefined;
}

/** How the relay's certificate is checked: against the system's CAs, against `ca` (--smtp-ca), or not at all (--smtp-insecure-tls). */
export interface SmtpTls {
  ca: Buffer | undefined;
  insecure: boolean;
}

/** smtp://user:pass@host:port (STARTTLS when offered) or smtps://…:465 (TLS from the start). */
export function parseSmtpUrl(raw: string): SmtpTarget {
  const url = new URL(raw);
  const secure = url.protocol === 'smtps:';
  if (!secure && url.protocol !== 'smtp:') throw new Error('SMTP URL must start with smtp:// or smtps://');
  return {
    host: url.hostname,
    port: url.port === '' ? (secure ? 465 : 587) : Number(url.port),
    secure,
    user: url.username === '' ? undefined : decodeURIComponent(url.username),
    pass: url.password === '' ? undefined : decodeURIComponent(url.password),
  };
}

/** Why a send failed, as far as the question "could the server have the message?" goes. */
export interface SendFailure {
  /** The server answered with this code (so it did not take the message). */
  responseCode: number | null;
  /** The end-of-data marker may have reached the server before the failure. */
  maybeDelivered: boolean;
  message: string;
}

export class SendError extends Error {
  readonly failure: SendFailure;
  constructor(failure: SendFailure) {
    super(failure.message);
    this.failure = failure;
  }
}

const CERTIFICATE_ERRORS = /self[- ]signed certificate|unable to (?:get|verify) (?:the first |local issuer )?certificate|certificate has expired|certificate is not yet valid|Hostname\/IP does not match|unable to verify the first certificate|CERT_/i;

const describe = (error: unknown): { code: number | null; message: string } => {
  const e = error as Partial<SMTPError> | null;
  const code = typeof e?.responseCode === 'number' ? e.responseCode : null;
  let text = typeof e?.response === 'string' ? e.response : error instanceof Error ? error.message : String(error);
  if (e?.command === 'STARTTLS' && code !== null) {
    text = `TLS: the relay refused STARTTLS (${text}); with --smtp-ca or --smtp-insecure-tls mail is never sent in plain text`;
  } else if (code === null && CERTIFICATE_ERRORS.test(text)) {
    text = `TLS: the relay's certificate is not trusted (${text}); give the CA that signed it with --smtp-ca FILE (or, knowingly, --smtp-insecure-tls)`;
  }
  return { code, message: text.slice(0, 500) };
};

/**
 * One SMTP connection used for a run of messages. send() writes the message
 * and then waits for `beforeEnd` before writing the end-of-data marker
 * ("\r\n.\r\n"): until that marker is written no SMTP server may deliver the
 * message, so a worker that dies before `beforeEnd` has resolved (where it
 * records "handed") can safely be retried, and one that dies after it is
 * never retried automatically.
 */
export class SmtpSession {
  readonly #connection: SMTPConnection;
  #broken = false;

  private constructor(connection: SMTPConnection) {
    this.#connection = connection;
    connection.on('error', () => {
      this.#broken = true;
    });
    connection.on('end', () => {
      this.#broken = true;
    });
  }

  /**
   * Connects, upgrades to TLS when the relay offers STARTTLS (always with
   * --smtp-ca or --smtp-insecure-tls: a relay that then does not offer it is
   * refused), and signs in. A failed TLS handshake is an error, never a
   * reason to go on in plain text.
   */
  static async open(target: SmtpTarget, clientName: string, tls: SmtpTls): Promise<SmtpSession> {
    const connection = new SMTPConnection({
      host: target.host,
      port: target.port,
      secure: target.secure,
      requireTLS: !target.secure && (tls.ca !== undefined || tls.insecure),
      opportunisticTLS: false,
      tls: { rejectUnauthorized: !tls.insecure, ...(tls.ca === undefined ? {} : { ca: tls.ca }) },
      name: clientName,
      connectionTimeout: 15_000,
      greetingTimeout: 15_000,
      socketTimeout: 60_000,
      logger: false,
      // Loopback and private relays are legitimate targets for a self-hosted server.
      allowInternalNetworkInterfaces: true,
    });
    const session = new SmtpSession(connection);
    await new Promise<void>((resolve, reject) => {
      connection.once('error', reject);
      connection.connect((err) => {
        connection.removeListener('error', reject);
        if (err === undefined) resolve();
        else reject(err);
      });
    }).catch((error: unknown) => {
      connection.close();
      const d = describe(error);
      throw new SendError({ responseCode: d.code, maybeDelivered: false, message: `connect: ${d.message}` });
    });
    if (target.user !== undefined) {
      await new Promise<void>((resolve, reject) => {
        connection.login({ user: target.user, pass: target.pass }, (err) => {
          if (err === null) resolve();
          else reject(err);
        });
      }).catch((error: unknown) => {
        connection.close();
        const d = describe(error);
        throw new SendError({ responseCode: d.code, maybeDelivered: false, message: `login: ${d.message}` });
      });
    }
    return session;
  }

  get usable(): boolean {
    return !this.#broken;
  }

  send(envelope: { from: string; to: string }, raw: Buffer, beforeEnd: () => Promise<void>): Promise<string> {
    let endWritten = false;
    let pushed = false;
    const source = new Readable({
      read() {
        if (!pushed) {
          pushed = true;
          this.push(raw);
          return;
        }
        if (endWritten) return;
        endWritten = true;
        beforeEnd().then(
          () => this.push(null),
          (error: unknown) => this.destroy(error instanceof Error ? error : new Error(String(error))),
        );
      },
    });
    return new Promise<string>((resolve, reject) => {
      this.#connection.send({ from: envelope.from, to: [envelope.to] }, source, (err, info) => {
        if (err === null) {
          resolve(info.response);
          return;
        }
        this.#broken = true;
        const d = describe(err);
        // A definite reply after the data (4xx/5xx) means the server did not take it.
        const answered = d.code !== null;
        reject(new SendError({ responseCode: d.code, maybeDelivered: endWritten && !answered && sourceEnded(source), message: d.message }));
      });
    });
  }

  /** RSET between messages keeps the connection clean for the next one. */
  reset(): Promise<void> {
    return new Promise((resolve, reject) => {
      this.#connection.reset((err) => {
        if (err === null) resolve();
        else {
          this.#broken = true;
          reject(err);
        }
      });
    });
  }

  /**
   * QUIT on a healthy connection; a broken one (a send abandoned mid-data,
   * e.g. when the lease was lost) is dropped at once: the server is still
   * reading message data, so a QUIT would only be taken as more of it and
   * the connection would linger until a timeout on both sides.
   */
  close(): void {
    if (this.#broken) {
      this.#connection.close();
      return;
    }
    try {
      this.#connection.quit();
    } catch {
      this.#connection.close();
    }
  }
}

const sourceEnded = (source: Readable): boolean => source.readableEnded;
