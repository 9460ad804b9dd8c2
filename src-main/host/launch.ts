import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Handing the console's address to a browser without putting its secret
 * where other users of the machine can read it. A command line is readable
 * by everyone (/proc/<pid>/cmdline), and a browser started by the opener keeps
 * its arguments for as long as it runs. So the browser is given the path of a
 * launch page instead: a file in a fresh folder only this user may enter
 * (0700), readable by this user only (0600), that sends the browser on to the
 * address with the secret in its fragment. It is deleted as soon as the
 * console's first request carries the secret, or after a while regardless.
 */

export interface LaunchPage {
  /** The page's absolute path: what the opener is given. */
  file: string;
  /** Deletes the page and its folder (idempotent). */
  remove(): void;
}

const escapeHtml = (text: string): string => text.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** Writes the launch page that forwards to `launchUrl`, in a new private folder under `root` (the OS's temporary folder by default). */
export function writeLaunchPage(launchUrl: string, root: string = tmpdir()): LaunchPage {
  // mkdtemp makes the folder 0700.
  const dir = mkdtempSync(join(root, 'roster-launch-'));
  const file = join(dir, 'open-roster.html');
  const target = escapeHtml(launchUrl);
  const html = [
    '<!doctype html>',
    '<html lang="en"><head><meta charset="utf-8">',
    '<meta name="referrer" content="no-referrer">',
    `<meta http-equiv="refresh" content="0; url=${target}">`,
    '<title>Opening Roster…</title></head>',
    `<body><p>Opening Roster… If nothing happens, <a href="${target}">open the console</a>.</p></body></html>`,
    '',
  ].join('\n');
  writeFileSync(file, html, { mode: 0o600, flag: 'wx' });
  let removed = false;
  return {
    file,
    remove: () => {
      if (removed) return;
      removed = true;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * Is there a screen a browser could open on? macOS and Windows always have
 * one for a logged-in user; elsewhere (Linux, the BSDs) only when an X11 or
 * Wayland display is named. Without one, xdg-open may still "succeed" while
 * nothing appears.
 */
export function hasDisplay(env: Readonly<Record<string, string | undefined>>, platform: NodeJS.Platform): boolean {
  if (platform === 'darwin' || platform === 'win32') return true;
  return (env.DISPLAY ?? '') !== '' || (env.WAYLAND_DISPLAY ?? '') !== '';
}
