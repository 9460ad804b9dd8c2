import { app, BrowserWindow, dialog, ipcMain, protocol, safeStorage, session, shell } from 'electron';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ROSTER_VERSION } from '../runtime/version';
import electronUpdater from 'electron-updater';
import { startElectron } from './start';
import { createElectronInstaller } from './updater';

const here = dirname(fileURLToPath(import.meta.url));

/**
 * better-sqlite3 must be built for Electron's ABI. A packaged app has it rebuilt
 * by electron-builder; in development `npm start` builds it into .native/electron
 * (see DEVELOPERS.md) and it is loaded from there.
 */
function electronNativeBinding(): string | undefined {
  if (app.isPackaged) return undefined;
  const candidate = join(here, '../../.native/electron', process.versions.electron, 'better_sqlite3.node');
  return existsSync(candidate) ? candidate : undefined;
}

void startElectron(
  { app, BrowserWindow, dialog, ipcMain, protocol, session, shell, safeStorage },
  {
    platform: process.platform,
    argv: process.argv.slice(1),
    env: process.env,
    rendererDir: join(here, '../renderer'),
    preloadPath: join(here, '../preload/index.cjs'),
    version: ROSTER_VERSION,
    nativeBinding: electronNativeBinding,
    // Only a packaged app updates itself (electron-updater reads its app-update.yml and installs over it).
    ...(app.isPackaged ? { updateInstaller: (feedUrl: string) => createElectronInstaller(electronUpdater.autoUpdater, feedUrl) } : {}),
  },
);
