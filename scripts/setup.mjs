#!/usr/bin/env node
// Prepares what `npm install` leaves undone on purpose (.npmrc sets
// ignore-scripts, so no dependency can fail the install by downloading):
//   - better-sqlite3 built for this Node (a prebuilt binary where one can be
//     downloaded, otherwise compiled from source with node-gyp);
//   - with --electron: Electron's binary (downloaded from GitHub by Electron's
//     own install script) and better-sqlite3 built for Electron's ABI into
//     .native/electron/<version>/, which the Electron entry loads through
//     better-sqlite3's `nativeBinding` option.
// Every step is skipped when its result is already there. With --electron,
// the exit code is 0 even when Electron cannot be had: the caller reads the
// last line (ELECTRON_READY or ELECTRON_UNAVAILABLE <reason>).
import { spawnSync } from 'node:child_process';
import { copyFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
const quiet = process.argv.includes('--quiet');
const wantElectron = process.argv.includes('--electron');
const say = (message) => {
  if (!quiet) console.log(`[setup] ${message}`);
};
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

function nodeSqliteWorks() {
  const probe = spawnSync(process.execPath, ['-e', "new (require('better-sqlite3'))(':memory:').close()"], { cwd: root, encoding: 'utf8' });
  return probe.status === 0;
}

function ensureNodeSqlite() {
  if (nodeSqliteWorks()) return;
  say('building better-sqlite3 for Node (a prebuilt binary if reachable, else from source: about a minute)…');
  const build = spawnSync(npm, ['rebuild', 'better-sqlite3', '--ignore-scripts=false', '--foreground-scripts'], {
    cwd: root,
    stdio: quiet ? ['ignore', 'ignore', 'inherit'] : 'inherit',
    shell: process.platform === 'win32',
  });
  if (build.status !== 0 || !nodeSqliteWorks()) {
    console.error('[setup] better-sqlite3 could not be built for Node. It needs python3, make and a C++ compiler (build-essential).');
    process.exit(1);
  }
  say('better-sqlite3 ready for Node.');
}

const electronDir = join(root, 'node_modules', 'electron');

function electronVersion() {
  return JSON.parse(readFileSync(join(electronDir, 'package.json'), 'utf8')).version;
}

function electronBinaryPresent() {
  const pathFile = join(electronDir, 'path.txt');
  if (!existsSync(pathFile)) return false;
  return existsSync(join(electronDir, 'dist', readFileSync(pathFile, 'utf8').trim()));
}

function ensureElectron() {
  if (!existsSync(join(electronDir, 'package.json'))) return 'the electron package is not installed (npm install)';
  if (!electronBinaryPresent()) {
    say(`downloading Electron ${electronVersion()}'s binary…`);
    const fetch = spawnSync(process.execPath, [join(electronDir, 'install.js')], { cwd: electronDir, encoding: 'utf8', timeout: 300_000 });
    if (fetch.status !== 0 || !electronBinaryPresent()) {
      const reason = (fetch.stderr || fetch.stdout || '').split('\n').find((l) => /error/i.test(l)) ?? 'download failed';
      return `Electron's binary could not be downloaded (${reason.trim().slice(0, 160)})`;
    }
  }
  const version = electronVersion();
  const target = join(root, '.native', 'electron', version, 'better_sqlite3.node');
  if (existsSync(target)) return undefined;
  say(`building better-sqlite3 for Electron ${version} into .native/electron/${version}/ …`);
  const work = mkdtempSync(join(tmpdir(), 'roster-native-'));
  try {
    const pkg = join(work, 'better-sqlite3');
    cpSync(join(root, 'node_modules', 'better-sqlite3'), pkg, { recursive: true, filter: (src) => !src.includes(`${join('better-sqlite3', 'build')}`) });
    const env = { ...process.env, npm_config_runtime: 'electron', npm_config_target: version, npm_config_disturl: 'https://electronjs.org/headers', npm_config_build_from_source: '' };
    delete env.npm_config_nodedir;
    const prebuilt = spawnSync(process.execPath, [join(root, 'node_modules', 'prebuild-install', 'bin.js'), '--runtime', 'electron', '--target', version], { cwd: pkg, env, encoding: 'utf8' });
    if (prebuilt.status !== 0) {
      const gyp = spawnSync(process.execPath, [join(root, 'node_modules', 'node-gyp', 'bin', 'node-gyp.js'), 'rebuild', '--release', `--target=${version}`, '--runtime=electron', '--dist-url=https://electronjs.org/headers'], { cwd: pkg, env, encoding: 'utf8' });
      if (gyp.status !== 0) return "better-sqlite3 could not be built for Electron (Electron's headers are needed from electronjs.org)";
    }
    mkdirSync(join(root, '.native', 'electron', version), { recursive: true });
    copyFileSync(join(pkg, 'build', 'Release', 'better_sqlite3.node'), target);
    return undefined;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

ensureNodeSqlite();
if (wantElectron) {
  const problem = ensureElectron();
  console.log(problem === undefined ? 'ELECTRON_READY' : `ELECTRON_UNAVAILABLE ${problem}`);
}
