import { appendFileSync, chmodSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { PRIVATE_DIR_MODE, PRIVATE_FILE_MODE } from '../db/database';

/**
 * The console's log: what a support desk reads (start-up, warnings, failed
 * requests, sync errors), in `logs/roster.log` in the data folder, capped in
 * size: past the cap the file becomes `roster.log.1` (the older ones move up,
 * the oldest goes), so the folder never holds more than `files` logs. Every
 * line is scrubbed before it is written: email addresses, bearer tokens,
 * secrets in addresses, and long token-like strings never reach the file.
 */

export const LOG_FOLDER = 'logs';
export const LOG_FILE = 'roster.log';
const DEFAULT_MAX_BYTES = 2 * 1024 * 1024;
const DEFAULT_FILES = 3;

export type LogLevel = 'info' | 'warn' | 'error';

export interface LogFile {
  /** The current log file. */
  readonly path: string;
  readonly folder: string;
  write(level: LogLevel, message: string): void;
  /** The last lines at warn or error level (already scrubbed), newest last. */
  lastProblems(count: number): string[];
}

/**
 * A line as it may be written: no email address, no bearer token, no query
 * or fragment of a web address (the launch secret, search terms), no value
 * of a `token`, `secret` or `password` parameter, no long run of token
 * characters (a UUID, which names no person, stays).
 */
export function scrub(text: string): string {
  return text
    .replace(/\bBearer\s+[^\s,;"']+/gi, 'Bearer [hidden]')
    .replace(/\b(https?:\/\/[^\s?#"'<>]*)[?#][^\s"'<>]*/gi, '$1?[hidden]')
    .replace(/\b(token|secret|password)(["']?\s*[=:]\s*["']?)[^\s&"',;]+/gi, '$1$2[hidden]')
    .replace(/[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+/g, '[email]')
    .replace(/[A-Za-z0-9+/_=]{32,}/g, '[hidden]')
    .replace(/[\r\n]+/g, ' ⏎ ');
}

export interface LogFileOptions {
  maxBytes?: number;
  files?: number;
  now?: () => Date;
}

/** Opens (creating if needed, 0600 in a 0700 folder) the log of a data folder. Writing never throws: a log that cannot be written is skipped. */
export function openLogFile(dataDir: string, options: LogFileOptions = {}): LogFile {
  const folder = join(dataDir, LOG_FOLDER);
  const path = join(folder, LOG_FILE);
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES;
  const files = Math.max(1, options.files ?? DEFAULT_FILES);
  const now = options.now ?? (() => new Date());
  let size: number | null = null;
  const problems: string[] = [];

  const rotate = (): void => {
    rmSync(`${path}.${String(files - 1)}`, { force: true });
    for (let n = files - 2; n >= 1; n--) if (existsSync(`${path}.${String(n)}`)) renameSync(`${path}.${String(n)}`, `${path}.${String(n + 1)}`);
    if (files > 1) renameSync(path, `${path}.1`);
    else rmSync(path, { force: true });
    size = 0;
  };

  return {
    path,
    folder,
    write(level, message) {
      const line = `${now().toISOString()} ${level.toUpperCase().padEnd(5)} ${scrub(message)}\n`;
      if (level !== 'info') {
        problems.push(line.trimEnd());
        if (problems.length > 50) problems.shift();
      }
      try {
        if (size === null) {
          mkdirSync(folder, { recursive: true, mode: PRIVATE_DIR_MODE });
          size = existsSync(path) ? statSync(path).size : 0;
        }
        const bytes = Buffer.byteLength(line);
        if (size > 0 && size + bytes > maxBytes) rotate();
        appendFileSync(path, line, { mode: PRIVATE_FILE_MODE });
        if (size === 0 && process.platform !== 'win32') chmodSync(path, PRIVATE_FILE_MODE);
        size += bytes;
      } catch {
        // A full disk or a removed folder must not stop the console; the next write tries again.
        size = null;
      }
    },
    lastProblems(count) {
      return problems.slice(-count);
    },
  };
}

/** The log's text (current file), for tests and a support request; empty when there is none. */
export const readLog = (log: LogFile): string => (existsSync(log.path) ? readFileSync(log.path, 'utf8') : '');
