#!/usr/bin/env node
// `npm start [-- --browser] [-- --data-dir DIR] [-- --port N] [-- --no-open] [-- --no-server]`
// Builds the console and starts it: an Electron window where Electron's binary
// is installed (and a display is there), otherwise the same console served on
// 127.0.0.1 and opened in the system browser. It always says which mode it chose.
// Unless ROSTER_SERVER_URL points elsewhere or --no-server is given, it also
// runs a local Roster server (SQLite, a dev mailbox, a demo organisation) so
// the whole flow — console, server, emails — works with nothing to configure.
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
const rawArgs = process.argv.slice(2);
const noServer = rawArgs.includes('--no-server') || process.env.ROSTER_SERVER_URL !== undefined;
const args = rawArgs.filter((a) => a !== '--no-server');
const forceBrowser = args.includes('--browser');
const LOCAL_SERVER_PORT = 4280;

const portFree = (port) =>
  new Promise((done) => {
    const probe = createServer();
    probe.once('error', () => done(false));
    probe.listen(port, '127.0.0.1', () => probe.close(() => done(true)));
  });

const run = (command, commandArgs) => {
  const r = spawnSync(command, commandArgs, { cwd: root, stdio: 'inherit', shell: process.platform === 'win32' });
  if (r.status !== 0) process.exit(r.status ?? 1);
};

run(process.execPath, [join(root, 'scripts/setup.mjs')]);

let electronProblem = forceBrowser ? '--browser was given' : undefined;
// macOS and Windows always have a screen for a logged-in user; Linux and the BSDs only when a display is named.
const needsDisplay = process.platform !== 'darwin' && process.platform !== 'win32';
if (electronProblem === undefined && needsDisplay && !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY) {
  electronProblem = 'there is no display (DISPLAY / WAYLAND_DISPLAY unset)';
}
if (electronProblem === undefined) {
  const setup = spawnSync(process.execPath, [join(root, 'scripts/setup.mjs'), '--electron'], { cwd: root, encoding: 'utf8' });
  const last = setup.stdout.trim().split('\n').pop() ?? '';
  if (!last.startsWith('ELECTRON_READY')) electronProblem = last.replace(/^ELECTRON_UNAVAILABLE /, '') || 'Electron could not be prepared';
}

const children = [];
const env = { ...process.env };
if (!noServer) {
  env.ROSTER_SERVER_URL = `http://127.0.0.1:${LOCAL_SERVER_PORT}`;
  if (await portFree(LOCAL_SERVER_PORT)) {
    console.log(`[start] starting the local Roster server on ${env.ROSTER_SERVER_URL} (its dev mailbox shows the emails it sends; --no-server to skip):`);
    const server = spawn(join(root, 'node_modules/.bin/tsx'), [join(root, 'src-server/cli.ts'), '--port', String(LOCAL_SERVER_PORT)], {
      cwd: root,
      stdio: 'inherit',
      shell: process.platform === 'win32',
    });
    children.push(server);
  } else {
    console.log(`[start] something already listens on ${env.ROSTER_SERVER_URL}: the console will offer it on its Server page.`);
  }
}

console.log('[start] building the console…');
run(process.execPath, [join(root, 'node_modules/electron-vite/bin/electron-vite.js'), 'build', '--logLevel', 'warn']);

let child;
if (electronProblem === undefined) {
  console.log('[start] desktop mode: opening the Roster window (Electron).');
  const pathFile = join(root, 'node_modules/electron/path.txt');
  const binary = join(root, 'node_modules/electron/dist', readFileSync(pathFile, 'utf8').trim());
  child = spawn(binary, [root, ...args], { cwd: root, stdio: 'inherit', env });
} else {
  console.log(`[start] browser mode, because ${electronProblem}.`);
  child = spawn(process.execPath, [join(root, 'out/main/host.js'), ...args.filter((a) => a !== '--browser')], { cwd: root, stdio: 'inherit', env });
}
children.push(child);
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    for (const c of children) c.kill(signal);
  });
}
child.on('exit', (code) => {
  for (const c of children) if (c !== child && c.exitCode === null) c.kill('SIGTERM');
  process.exit(code ?? 0);
});
