import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runBrowserMode } from '../../../src-main/host/browser-mode';
import type { BrowserMode, BrowserModeOptions } from '../../../src-main/host/browser-mode';
import { openerCommand } from '../../../src-main/host/open-browser';

/**
 * Browser mode as `npm start` runs it: a real data dir, a real host on a
 * loopback port, and a stand-in for the OS's opener that records what it is
 * given (what would be on a command line every local user can read).
 */

let dir: string;
let staticDir: string;
let launchRoot: string;
let running: BrowserMode[] = [];

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'roster-browser-mode-'));
  staticDir = join(dir, 'ui');
  launchRoot = join(dir, 'tmp');
  mkdirSync(staticDir);
  mkdirSync(launchRoot);
  writeFileSync(join(staticDir, 'index.html'), '<!doctype html><title>Roster</title>');
  running = [];
});

afterEach(async () => {
  for (const mode of running) await mode.stop();
  rmSync(dir, { recursive: true, force: true });
});

interface Run {
  mode: BrowserMode;
  printed: string[];
  opened: string[];
}

async function run(options: Partial<BrowserModeOptions> & { opener?: boolean } = {}): Promise<Run> {
  const printed: string[] = [];
  const opened: string[] = [];
  const mode = await runBrowserMode({
    argv: ['--data-dir', join(dir, 'data'), '--port', '0'],
    env: { DISPLAY: ':0' },
    platform: 'linux',
    version: 'test',
    staticDir,
    openFile: (file) => {
      opened.push(file);
      return Promise.resolve(options.opener ?? true);
    },
    openExternal: () => Promise.resolve(false),
    print: (line) => printed.push(line),
    log: () => undefined,
    launchRoot,
    roster: { sync: { background: false } },
    ...options,
  });
  running.push(mode);
  return { mode, printed, opened };
}

/** What a browser does once it has the secret: the console's first API call. */
function callWithSecret(mode: BrowserMode): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port: mode.host.port,
        method: 'POST',
        path: '/api/invoke/app:info',
        headers: { Authorization: `Bearer ${mode.host.secret}`, 'Content-Type': 'application/json' },
      },
      (res) => {
        res.resume();
        res.on('end', () => {
          resolve(res.statusCode ?? 0);
        });
      },
    );
    req.on('error', reject);
    req.end('{}');
  });
}

const modeOf = (path: string): string => (statSync(path).mode & 0o777).toString(8).padStart(4, '0');

describe('browser mode with a display', () => {
  it('gives the opener a private launch page, never the secret, and deletes the page once the browser has the console', async () => {
    const { mode, printed, opened } = await run();
    const secret = mode.host.secret;
    expect(opened).toHaveLength(1);
    const page = opened[0] ?? '';
    // The command line the OS would run: no secret in it.
    const [command, args] = openerCommand(page, 'linux');
    expect([command, ...args].join(' ')).not.toContain(secret);
    expect(page).not.toContain(secret);
    // The page itself is for this user only, and sends the browser on to the address with the secret.
    expect(modeOf(page)).toBe('0600');
    expect(modeOf(dirname(page))).toBe('0700');
    expect(readFileSync(page, 'utf8')).toContain(`url=${mode.host.launchUrl}`);
    // Nothing printed carries the secret while a browser is on its way.
    expect(printed.join('\n')).not.toContain(secret);
    expect(printed).toContain('Asked your browser to open the console. Keep this terminal open; Ctrl+C stops Roster.');
    expect(printed).toContain(`ROSTER_READY ${mode.host.url}`);

    expect(await callWithSecret(mode)).toBe(200);
    expect(await mode.launched).toBe('browser');
    expect(existsSync(page)).toBe(false);
    expect(existsSync(dirname(page))).toBe(false);
  });

  it('prints the address after a while when the browser never loads the console, and deletes the page', async () => {
    const { mode, printed } = await run({ launchWaitMs: 50, launchPageMs: 100 });
    expect(await mode.launched).toBe('printed:timeout');
    expect(printed).toContain(`Open this address in a browser (it carries this launch's secret): ${mode.host.launchUrl}`);
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect(mode.launchPage).toBeUndefined();
    expect(readdir(launchRoot)).toEqual([]);
  });

  it('prints the address when no browser could be opened', async () => {
    const { mode, printed } = await run({ opener: false });
    expect(await mode.launched).toBe('printed:no-opener');
    expect(printed).toContain(`Open this address in a browser (it carries this launch's secret): ${mode.host.launchUrl}`);
    expect(readdir(launchRoot)).toEqual([]);
  });

  it('opens on macOS and Windows, which need no DISPLAY', async () => {
    for (const platform of ['darwin', 'win32'] as const) {
      const { opened, mode } = await run({ env: {}, platform });
      expect(opened, platform).toHaveLength(1);
      expect(opened[0]).not.toContain(mode.host.secret);
    }
  });
});

/** A GET as a browser sends it, with its Fetch Metadata headers. */
function get(mode: BrowserMode, path: string, headers: Record<string, string>): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: mode.host.port, method: 'GET', path, headers }, (res) => {
      res.resume();
      res.on('end', () => {
        resolve(res.statusCode ?? 0);
      });
    });
    req.on('error', reject);
    req.end();
  });
}

describe("the launch page's forward to the console", () => {
  // A browser counts a file:// page sending it on to http://127.0.0.1 as cross-site.
  const forward = { 'Sec-Fetch-Site': 'cross-site', 'Sec-Fetch-Mode': 'navigate', 'Sec-Fetch-Dest': 'document' };

  it('is let in for the console page, and for nothing else from another site', async () => {
    const { mode } = await run({ argv: ['--data-dir', join(dir, 'data'), '--port', '0', '--no-open'] });
    expect(await get(mode, '/', forward)).toBe(200);
    const secret = { Authorization: `Bearer ${mode.host.secret}` };
    expect(await get(mode, '/api/events', { ...forward, ...secret })).toBe(403);
    expect(await get(mode, '/', { ...forward, 'Sec-Fetch-Mode': 'cors', 'Sec-Fetch-Dest': 'empty' })).toBe(403);
    expect(await get(mode, '/', { ...forward, 'Sec-Fetch-Dest': 'iframe' })).toBe(403);
  });
});

describe('browser mode without a display', () => {
  it('prints the address with its secret and does not claim a browser opened', async () => {
    for (const platform of ['linux', 'freebsd', 'openbsd'] as const) {
      const { mode, printed, opened } = await run({ env: {}, platform });
      expect(opened, platform).toEqual([]);
      expect(await mode.launched).toBe('printed:no-display');
      expect(printed).toContain(`Open this address in a browser (it carries this launch's secret): ${mode.host.launchUrl}`);
      expect(printed.join('\n')).not.toMatch(/Opened in your browser|Asked your browser/);
      expect(printed.indexOf(`ROSTER_READY ${mode.host.url}`)).toBeGreaterThan(printed.findIndex((l) => l.includes(mode.host.launchUrl)));
    }
  });

  it('opens when a Wayland display is named', async () => {
    const { opened } = await run({ env: { WAYLAND_DISPLAY: 'wayland-0' } });
    expect(opened).toHaveLength(1);
  });

  it('--no-open prints the address even with a display', async () => {
    const { mode, printed, opened } = await run({ argv: ['--data-dir', join(dir, 'data'), '--port', '0', '--no-open'] });
    expect(opened).toEqual([]);
    expect(await mode.launched).toBe('printed:no-open');
    expect(printed).toContain(`Open this address in a browser (it carries this launch's secret): ${mode.host.launchUrl}`);
  });
});

function readdir(path: string): string[] {
  return existsSync(path) ? readdirSync(path) : [];
}
