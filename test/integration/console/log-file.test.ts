import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openLogFile, readLog, scrub } from '../../../src-main/runtime/log-file';
import { openTestConsole } from '../../support/console';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'roster-log-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('scrubbing a line', () => {
  it('takes out emails, bearer tokens, secrets in addresses and parameters, and long tokens; keeps ids and the rest', () => {
    const line = scrub(
      'sign-in of ada.lovelace+x@acme.example failed; Authorization: Bearer abc.def-ghi; GET http://127.0.0.1:4711/launch?secret=s3cr3t#k=v; token=abcd password: "hunter2" ' +
        `key ${'Zx9'.repeat(12)} profile 4f1c2a9e-8b7d-4c3e-9a1b-2c3d4e5f6a7b\nsecond line`,
    );
    expect(line).toBe(
      'sign-in of [email] failed; Authorization: Bearer [hidden]; GET http://127.0.0.1:4711/launch?[hidden] token=[hidden] password: "[hidden]" ' +
        'key [hidden] profile 4f1c2a9e-8b7d-4c3e-9a1b-2c3d4e5f6a7b ⏎ second line',
    );
  });
});

describe('the log file', () => {
  it('is written in logs/ of the data folder, private, each line with its time and level', () => {
    const log = openLogFile(dir, { now: () => new Date('2026-11-27T09:00:00.000Z') });
    log.write('info', 'started');
    log.write('warn', 'the daily copy failed for bob@example.com');
    expect(readLog(log)).toBe('2026-11-27T09:00:00.000Z INFO  started\n2026-11-27T09:00:00.000Z WARN  the daily copy failed for [email]\n');
    expect(log.lastProblems(5)).toEqual(['2026-11-27T09:00:00.000Z WARN  the daily copy failed for [email]']);
    if (process.platform !== 'win32') {
      expect(statSync(log.path).mode & 0o077).toBe(0);
      expect(statSync(log.folder).mode & 0o077).toBe(0);
    }
  });

  it('is capped: past its size it moves to .1, older ones move up, and never more than the files kept', () => {
    const log = openLogFile(dir, { maxBytes: 1000, files: 3 });
    for (let i = 0; i < 100; i++) log.write('info', `line ${String(i).padStart(3, '0')} ${'x'.repeat(60)}`);
    const names = readdirSync(log.folder).sort();
    expect(names).toEqual(['roster.log', 'roster.log.1', 'roster.log.2']);
    for (const name of names) expect(statSync(join(log.folder, name)).size).toBeLessThanOrEqual(1000);
    // The newest line is in the current file, the lines before it in .1, none lost between the two.
    const current = readFileSync(log.path, 'utf8').trim().split('\n');
    const previous = readFileSync(`${log.path}.1`, 'utf8').trim().split('\n');
    expect(current.at(-1)).toContain('line 099');
    const number = (l: string | undefined): number => Number(/line (\d+)/.exec(l ?? '')?.[1]);
    expect(number(current[0])).toBe(number(previous.at(-1)) + 1);
  });

  it('a log that cannot be written does not stop the console', () => {
    const log = openLogFile(join(dir, 'missing', '\0bad'));
    expect(() => log.write('error', 'nowhere to go')).not.toThrow();
    expect(log.lastProblems(1)).toHaveLength(1);
  });
});

describe('the console', () => {
  it('logs its start and its warnings, and its diagnostics say nothing personal', async () => {
    const warnings: string[] = [];
    const console1 = openTestConsole({ dataDir: dir, suggestedServerUrl: 'ftp://nope.example', warn: (m) => warnings.push(m) });
    try {
      await console1.call('profiles:create', { draft: { firstName: 'Ada', lastName: 'Lovelace', email: 'ada@example.com' } });
      const text = readLog(console1.roster.log);
      expect(text).toMatch(/INFO {2}Roster test \(browser\) starting\n/);
      expect(text).toMatch(/WARN {2}The server address in ROSTER_SERVER_URL/);
      expect(warnings).toHaveLength(1);

      const { text: diagnostics } = await console1.call('app:diagnostics', {});
      expect(diagnostics).toContain('Roster test (browser mode)');
      expect(diagnostics).toContain('Profiles: 1');
      expect(diagnostics).toMatch(/Data file: format \d+, \d+\.\d MiB/);
      expect(diagnostics).toContain('Waiting to sync: 1 changes');
      expect(diagnostics).toContain('Last problems in the log (1):');
      expect(diagnostics).not.toContain('ada@example.com');
      expect(diagnostics).not.toContain('Lovelace');
      expect(diagnostics).not.toContain(dir);
      expect(existsSync(join(dir, 'logs', 'roster.log'))).toBe(true);
    } finally {
      console1.close();
    }
  });

  it('opens the data and logs folders through the system, or says it cannot', async () => {
    const opened: string[] = [];
    const withOpener = openTestConsole({ dataDir: dir, openPath: (path) => (opened.push(path), Promise.resolve(true)) });
    try {
      expect(await withOpener.call('app:openFolder', { folder: 'data' })).toEqual({ opened: true });
      expect(await withOpener.call('app:openFolder', { folder: 'logs' })).toEqual({ opened: true });
      expect(opened).toEqual([dir, join(dir, 'logs')]);
    } finally {
      withOpener.close();
    }
    const without = openTestConsole({ dataDir: dir });
    try {
      expect(await without.call('app:openFolder', { folder: 'logs' })).toEqual({ opened: false });
    } finally {
      without.close();
    }
  });
});
