import { join } from 'node:path';
import { homedir } from 'node:os';
import { describe, expect, it } from 'vitest';
import { findDataDirFlag, parseLaunchArgs } from '../../src-main/runtime/args';
import { defaultDataDir, resolveDataDir } from '../../src-main/runtime/data-dir';

describe('launch arguments', () => {
  it('reads --data-dir, --port, --no-open and --browser in both spellings', () => {
    expect(parseLaunchArgs(['--data-dir', '/tmp/x', '--port=8080', '--no-open', '--browser'])).toEqual({ dataDir: '/tmp/x', port: 8080, open: false, browser: true });
    expect(parseLaunchArgs(['--data-dir=/d'])).toMatchObject({ dataDir: '/d', port: undefined, open: true, browser: false });
  });

  it('reads --restore-backup with a copy\'s name or latest, and refuses it empty', () => {
    expect(parseLaunchArgs(['--restore-backup', 'latest']).restoreBackup).toBe('latest');
    expect(parseLaunchArgs(['--restore-backup=roster-2026-11-27T08-00-00-000Z-daily.sqlite']).restoreBackup).toBe('roster-2026-11-27T08-00-00-000Z-daily.sqlite');
    expect(parseLaunchArgs([]).restoreBackup).toBeUndefined();
    expect(() => parseLaunchArgs(['--restore-backup'])).toThrow(/--restore-backup needs a value/);
  });

  it('ignores switches added by Electron or Chromium, and refuses bad values of its own', () => {
    expect(parseLaunchArgs(['--inspect', '--enable-logging', '.'])).toMatchObject({ dataDir: undefined });
    expect(() => parseLaunchArgs(['--port', '70000'])).toThrow(/--port/);
    expect(() => parseLaunchArgs(['--data-dir'])).toThrow(/needs a value/);
  });
});

describe('findDataDirFlag', () => {
  it('finds --data-dir even when another flag is wrong, and never throws', () => {
    expect(findDataDirFlag(['--data-dir', '/d', '--port', '99999'])).toBe('/d');
    expect(findDataDirFlag(['--port=x', '--data-dir=/e'])).toBe('/e');
    expect(findDataDirFlag(['--data-dir'])).toBeUndefined();
    expect(findDataDirFlag(['--data-dir='])).toBeUndefined();
    expect(findDataDirFlag(['.'])).toBeUndefined();
  });
});

describe('data dir', () => {
  it('prefers the flag, then ROSTER_DATA_DIR, then the OS per-user folder', () => {
    expect(resolveDataDir('/flag', { ROSTER_DATA_DIR: '/env' })).toBe('/flag');
    expect(resolveDataDir(undefined, { ROSTER_DATA_DIR: '/env' })).toBe('/env');
    expect(resolveDataDir(undefined, { XDG_CONFIG_HOME: '/xdg' })).toBe(join('/xdg', 'Roster'));
  });

  it('uses each OS convention', () => {
    expect(defaultDataDir({}, 'linux')).toBe(join(homedir(), '.config', 'Roster'));
    expect(defaultDataDir({ APPDATA: 'C:\\Users\\a\\AppData\\Roaming' }, 'win32')).toBe(join('C:\\Users\\a\\AppData\\Roaming', 'Roster'));
    expect(defaultDataDir({}, 'darwin')).toBe(join(homedir(), 'Library', 'Application Support', 'Roster'));
  });
});
