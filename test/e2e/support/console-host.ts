import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Browser, Page } from '@playwright/test';

/**
 * A real console host (the built out/main/host.js) on a free loopback port with
 * its own data dir, as `npm start -- --browser` runs it.
 */
export interface ConsoleHost {
  url: string;
  launchUrl: string;
  dataDir: string;
  process: ChildProcess;
  stop(): Promise<void>;
}

const HOST_ENTRY = resolve('out/main/host.js');

export function makeDataDir(): string {
  return mkdtempSync(join(tmpdir(), 'roster-e2e-'));
}

export function removeDataDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

export async function startConsoleHost(dataDir: string, extraEnv: NodeJS.ProcessEnv = {}): Promise<ConsoleHost> {
  const child = spawn(process.execPath, [HOST_ENTRY, '--data-dir', dataDir, '--port', '0', '--no-open'], {
    env: { ...process.env, ...extraEnv },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const launchUrl = await new Promise<string>((resolvePromise, reject) => {
    const timer = setTimeout(() => {
      reject(new Error(`console host did not start within 20 s:\n${output}`));
    }, 20_000);
    const onData = (chunk: Buffer): void => {
      output += chunk.toString();
      const match = /(http:\/\/127\.0\.0\.1:\d+\/#token=[A-Za-z0-9_-]+)/.exec(output);
      if (match?.[1] !== undefined && output.includes('ROSTER_READY')) {
        clearTimeout(timer);
        resolvePromise(match[1]);
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`console host exited with ${code}:\n${output}`));
    });
  });
  return {
    url: launchUrl.replace(/\/#token=.*$/, ''),
    launchUrl,
    dataDir,
    process: child,
    stop: () =>
      new Promise<void>((resolveStop) => {
        if (child.exitCode !== null) {
          resolveStop();
          return;
        }
        child.once('exit', () => {
          resolveStop();
        });
        child.kill('SIGTERM');
      }),
  };
}

/**
 * Console hosts a spec starts on freshly seeded data dirs, each opened in a
 * new browser context in a given locale (the browser's language picks the
 * console's); `stopAll` (in afterEach) stops them and removes their data.
 */
export class SeededConsoles {
  private readonly hosts: ConsoleHost[] = [];

  /** `env` may depend on the data dir (a file inside it, say). */
  async open(browser: Browser, locale: string, seed: (dataDir: string) => void, env: (dataDir: string) => NodeJS.ProcessEnv = () => ({})): Promise<Page> {
    const dataDir = makeDataDir();
    seed(dataDir);
    const host = await startConsoleHost(dataDir, env(dataDir));
    this.hosts.push(host);
    const context = await browser.newContext({ locale });
    const page = await context.newPage();
    await page.goto(host.launchUrl);
    return page;
  }

  async stopAll(): Promise<void> {
    for (const h of this.hosts.splice(0)) {
      await h.stop();
      removeDataDir(h.dataDir);
    }
  }
}
