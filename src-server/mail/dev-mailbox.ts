import { randomUUID } from 'node:crypto';
import { readdirSync, readFileSync, writeFileSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import type { Readable } from 'node:stream';
import { ensurePrivateDir, PRIVATE_FILE_MODE, tightenFile } from '../lib/private-files';

/**
 * The dev mailbox: with no SMTP URL configured, the server starts this tiny
 * SMTP server on 127.0.0.1 and sends to it like to any relay (the same code
 * path as production). Messages land as .eml files in <data dir>/mailbox
 * and are readable at /dev/mailbox. smtp-server and mailparser are loaded
 * only here, only then.
 */
export interface StoredMessageSummary {
  id: string;
  receivedAt: string;
  from: string;
  to: string;
  subject: string;
}

export interface StoredMessage extends StoredMessageSummary {
  text: string;
  html: string | null;
  messageId: string | null;
  links: string[];
}

export class DevMailbox {
  readonly dir: string;
  readonly #dataDir: string;
  #port = 0;
  #close: (() => Promise<void>) | null = null;

  constructor(dataDir: string) {
    this.#dataDir = dataDir;
    this.dir = join(dataDir, 'mailbox');
  }

  get port(): number {
    return this.#port;
  }

  async start(): Promise<void> {
    // The messages hold raw invitation links: for this user only (folders 0700, files 0600), also those an earlier version wrote.
    ensurePrivateDir(this.#dataDir);
    ensurePrivateDir(this.dir);
    for (const entry of readdirSync(this.dir, { withFileTypes: true })) if (entry.isFile()) tightenFile(join(this.dir, entry.name));
    const { SMTPServer } = await import('smtp-server');
    const server = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS', 'AUTH'],
      logger: false,
      size: 10 * 1024 * 1024,
      onData: (stream: Readable, _session, callback) => {
        const parts: Buffer[] = [];
        stream.on('data', (chunk: Buffer) => parts.push(chunk));
        stream.on('end', () => {
          // A message cut off before its end-of-data marker is not a message.
          if ((stream as Readable & { sizeExceeded?: boolean }).sizeExceeded === true) {
            callback(new Error('Message too big'));
            return;
          }
          const name = `${new Date().toISOString().replace(/[:.]/g, '-')}_${randomUUID()}.eml`;
          const tmp = join(this.dir, `.${name}.tmp`);
          writeFileSync(tmp, Buffer.concat(parts), { mode: PRIVATE_FILE_MODE });
          renameSync(tmp, join(this.dir, name));
          callback();
        });
        stream.on('error', (error: Error) => {
          callback(error);
        });
      },
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => {
        server.removeListener('error', reject);
        resolve();
      });
    });
    server.on('error', () => undefined);
    this.#port = (server.server.address() as AddressInfo).port;
    this.#close = () => new Promise<void>((resolve) => server.close(() => resolve()));
  }

  get smtpUrl(): string {
    return `smtp://127.0.0.1:${this.#port}`;
  }

  async stop(): Promise<void> {
    await this.#close?.();
    this.#close = null;
  }

  #files(): string[] {
    try {
      return readdirSync(this.dir)
        .filter((f) => f.endsWith('.eml') && !f.startsWith('.'))
        .sort()
        .reverse();
    } catch {
      return [];
    }
  }

  async list(limit = 200): Promise<StoredMessageSummary[]> {
    const out: StoredMessageSummary[] = [];
    for (const file of this.#files().slice(0, limit)) {
      const message = await this.read(file.replace(/\.eml$/, ''));
      if (message !== null) out.push({ id: message.id, receivedAt: message.receivedAt, from: message.from, to: message.to, subject: message.subject });
    }
    return out;
  }

  async read(id: string): Promise<StoredMessage | null> {
    if (!/^[\w-]+$/.test(id)) return null;
    let raw: Buffer;
    try {
      raw = readFileSync(join(this.dir, `${id}.eml`));
    } catch {
      return null;
    }
    const { simpleParser } = await import('mailparser');
    const parsed = await simpleParser(raw);
    const text = parsed.text ?? '';
    const html = typeof parsed.html === 'string' ? parsed.html : null;
    const addressText = (a: typeof parsed.to): string => (a === undefined ? '' : Array.isArray(a) ? a.map((x) => x.text).join(', ') : a.text);
    return {
      id,
      receivedAt: (parsed.date ?? new Date(0)).toISOString(),
      from: addressText(parsed.from),
      to: addressText(parsed.to),
      subject: parsed.subject ?? '',
      text,
      html,
      messageId: parsed.messageId ?? null,
      links: [...new Set(text.match(/https?:\/\/[^\s<>"]+/g) ?? [])],
    };
  }
}
