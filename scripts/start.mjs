#!/usr/bin/env node
// `npm start [-- --browser] [-- --data-dir DIR] [-- --port N] [-- --no-open]`
// Builds the console and starts it: an Electron window where Electron's binary
// is installed (and a display is there), otherwise the same console served on
// 127.0.0.1 and opened in the system browser. It always says which mode it chose.
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
const args = process.argv.slice(2);
const forceBrowser = args.includes('--browser');

const run = (command, commandArgs) => {
  const r = spawnSync(command, commandArgs, { cwd: root, stdio: 'inherit', shell: process.platform === 'win32' });
  if (r.status !== 0) process.exit(r.status ?? 1);
};

run(process.execPath, [join(root, 'scripts/setup.mjs')]);

let electronProblem = forceBrowser ? '--browser was given' : undefined;
if (electronProblem === undefined && process.platform === 'linux' && !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY) {
  electronProblem = 'there is no display (DISPLAY / WAYLAND_DISPLAY unset)';
}
if (electronProblem === undefined) {
  const setup = spawnSync(process.execPath, [join(root, 'scripts/setup.mjs'), '--electron'], { cwd: root, encoding: 'utf8' });
  const last = setup.stdout.trim().split('\n').pop() ?? '';
  if (!last.startsWith('ELECTRON_READY')) electronProblem = last.replace(/^ELECTRON_UNAVAILABLE /, '') || 'Electron could not be prepared';
}

console.log('[start] building the console…');
run(process.execPath, [join(root, 'node_modules/electron-vite/bin/electron-vite.js'), 'build', '--logLevel', 'warn']);

let child;
if (electronProblem === undefined) {
  console.log('[start] desktop mode: opening the Roster window (Electron).');
  const pathFile = join(root, 'node_modules/electron/path.txt');
  const binary = join(root, 'node_modules/electron/dist', readFileSync(pathFile, 'utf8').trim());
  child = spawn(binary, [root, ...args], { cwd: root, stdio: 'inherit' });
} else {
  console.log(`[start] browser mode, because ${electronProblem}.`);
  child = spawn(process.execPath, [join(root, 'out/main/host.js'), ...args.filter((a) => a !== '--browser')], { cwd: root, stdio: 'inherit' });
}
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    child.kill(signal);
  });
}
child.on('exit', (code) => {
  process.exit(code ?? 0);
});
