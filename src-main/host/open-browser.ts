import { spawn } from 'node:child_process';
import { isAbsolute } from 'node:path';

/**
 * The command that hands a web address or a local file to the OS's default
 * browser. Whatever is passed here is on that command line, which every user
 * of the machine can read (/proc/<pid>/cmdline): never a secret.
 */
export function openerCommand(target: string, platform: NodeJS.Platform = process.platform): [string, string[]] {
  if (platform === 'darwin') return ['open', [target]];
  if (platform === 'win32') return ['cmd', ['/c', 'start', '""', target]];
  return ['xdg-open', [target]];
}

/** How long an opener may take to say it failed; one still running then (xdg-open may wait for the browser it started) counts as done. */
const OPENER_VERDICT_MS = 5_000;

function runOpener(target: string): Promise<boolean> {
  const [command, args] = openerCommand(target);
  return new Promise((resolve) => {
    let settled = false;
    const settle = (opened: boolean): void => {
      if (settled) return;
      settled = true;
      resolve(opened);
    };
    try {
      const child = spawn(command, args, { stdio: 'ignore', detached: true });
      const timer = setTimeout(() => {
        child.unref();
        settle(true);
      }, OPENER_VERDICT_MS);
      timer.unref();
      child.once('error', () => {
        clearTimeout(timer);
        settle(false);
      });
      child.once('exit', (code) => {
        clearTimeout(timer);
        settle(code === 0);
      });
    } catch {
      settle(false);
    }
  });
}

/** Opens a web link (http or https) in the system browser; resolves false when there is none to open it with. */
export function openInSystemBrowser(url: string): Promise<boolean> {
  if (!/^https?:\/\//.test(url)) return Promise.resolve(false);
  return runOpener(url);
}

/** Opens a local file (the browser mode's launch page) in the system browser. */
export function openFileInSystemBrowser(file: string): Promise<boolean> {
  if (!isAbsolute(file)) return Promise.resolve(false);
  return runOpener(file);
}
