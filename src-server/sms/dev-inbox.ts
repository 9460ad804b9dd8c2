import { readdirSync, readFileSync, renameSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { ensurePrivateDir, PRIVATE_FILE_MODE, tightenFile } from '../lib/private-files';
import { smsPhoneProblem } from '../../src-shared/sms';
import { SmsSendError } from './gateway';
import type { SmsGateway, SmsMessage } from './gateway';

export interface StoredSms {
  id: string;
  receivedAt: string;
  from: string;
  to: string;
  text: string;
  links: string[];
}

/**
 * The dev SMS inbox: with no SMS gateway configured, messages are "sent"
 * here: one JSON file per message in <data dir>/sms (the file is named by
 * the outbox id, so a message written twice is kept once), readable at
 * /dev/sms. Like a real gateway it refuses a number that cannot receive
 * an SMS (not a valid number, or a fixed line), for good.
 */
export class DevSmsInbox implements SmsGateway {
  readonly dir: string;
  readonly #dataDir: string;
  readonly #sender: string;
  readonly #now: () => Date;

  constructor(dataDir: string, sender: string, now: () => Date = () => new Date()) {
    this.#dataDir = dataDir;
    this.dir = join(dataDir, 'sms');
    this.#sender = sender;
    this.#now = now;
  }

  start(): void {
    // The messages hold raw invitation links: for this user only (folders 0700, files 0600).
    ensurePrivateDir(this.#dataDir);
    ensurePrivateDir(this.dir);
    for (const entry of readdirSync(this.dir, { withFileTypes: true })) if (entry.isFile()) tightenFile(join(this.dir, entry.name));
  }

  send(message: SmsMessage): Promise<string> {
    const problem = smsPhoneProblem(message.to);
    if (problem !== null) return Promise.reject(new SmsSendError(`SMS gateway refused the message: ${message.to} ${problem === 'not_mobile' ? 'is not a mobile number, it cannot receive an SMS' : 'is not a valid phone number'}`, true));
    if (!/^[\w-]+$/.test(message.id)) return Promise.reject(new SmsSendError('SMS gateway refused the message: bad id', true));
    const file = join(this.dir, `${message.id}.json`);
    if (!existsSync(file)) {
      const stored: StoredSms = { id: message.id, receivedAt: this.#now().toISOString(), from: this.#sender, to: message.to, text: message.text, links: linksOf(message.text) };
      const tmp = join(this.dir, `.${message.id}.tmp`);
      writeFileSync(tmp, JSON.stringify(stored), { mode: PRIVATE_FILE_MODE });
      renameSync(tmp, file);
    }
    return Promise.resolve(`dev inbox ${message.id}`);
  }

  /** Newest first. */
  list(limit = 200): StoredSms[] {
    let files: string[];
    try {
      files = readdirSync(this.dir).filter((f) => f.endsWith('.json') && !f.startsWith('.'));
    } catch {
      return [];
    }
    const out: StoredSms[] = [];
    for (const file of files) {
      const message = this.read(file.replace(/\.json$/, ''));
      if (message !== null) out.push(message);
    }
    return out.sort((a, b) => (a.receivedAt < b.receivedAt ? 1 : a.receivedAt > b.receivedAt ? -1 : 0)).slice(0, limit);
  }

  read(id: string): StoredSms | null {
    if (!/^[\w-]+$/.test(id)) return null;
    try {
      return JSON.parse(readFileSync(join(this.dir, `${id}.json`), 'utf8')) as StoredSms;
    } catch {
      return null;
    }
  }
}

const linksOf = (text: string): string[] => [...new Set(text.match(/https?:\/\/[^\s<>"]+/g) ?? [])];
