import { app, BrowserWindow, ipcMain, protocol, session, shell } from 'electron';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseLaunchArgs } from '../runtime/args';
import { resolveDataDir } from '../runtime/data-dir';
import { SECURITY_HEADERS } from '../runtime/csp';
import { openRoster } from '../runtime/roster';
import type { Roster } from '../runtime/roster';
import { readStatic } from '../runtime/static';
import { ROSTER_VERSION } from '../runtime/version';
import { bindIpc } from './ipc';
import { createElectronSecretStore } from './secrets';
import {
  APP_ENTRY,
  APP_SCHEME,
  createMainWindow,
  denyPermission,
  isWebLink,
  navigationGuard,
  windowOpenHandler,
} from './security';

const here = dirname(fileURLToPath(import.meta.url));
const rendererDir = join(here, '../renderer');
const preloadPath = join(here, '../preload/index.cjs');

protocol.registerSchemesAsPrivileged([{ scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true } }]);

const args = parseLaunchArgs(process.argv.slice(1));
if (args.dataDir !== undefined || process.env.ROSTER_DATA_DIR !== undefined) {
  app.setPath('userData', resolveDataDir(args.dataDir));
}

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

const openExternal = async (url: string): Promise<void> => {
  if (isWebLink(url)) await shell.openExternal(url);
};

let mainWindow: BrowserWindow | undefined;
let roster: Roster | undefined;

function createWindow(): void {
  const win = createMainWindow(BrowserWindow, preloadPath);
  win.webContents.setWindowOpenHandler(windowOpenHandler(openExternal));
  win.webContents.on('will-navigate', navigationGuard(openExternal));
  win.webContents.on('will-redirect', navigationGuard(openExternal));
  win.once('ready-to-show', () => {
    win.show();
  });
  win.on('closed', () => {
    mainWindow = undefined;
  });
  void win.loadURL(APP_ENTRY);
  mainWindow = win;
}

if (!app.requestSingleInstanceLock()) {
  // Another Roster already runs on this data: it gets the focus, this one leaves.
  app.quit();
} else {
  app.on('second-instance', () => {
    if (mainWindow === undefined) return;
    if (mainWindow.isMinimized()) mainWindow.restore();
    mainWindow.focus();
  });

  app.on('web-contents-created', (_event, contents) => {
    contents.on('will-attach-webview', (event) => {
      event.preventDefault();
    });
    contents.setWindowOpenHandler(windowOpenHandler(openExternal));
  });

  void app.whenReady().then(() => {
    session.defaultSession.setPermissionRequestHandler(denyPermission);
    session.defaultSession.setPermissionCheckHandler(() => false);
    protocol.handle(APP_SCHEME, async (request) => {
      const file = await readStatic(rendererDir, new URL(request.url).pathname);
      if (file === undefined) return new Response('Not found', { status: 404, headers: SECURITY_HEADERS });
      return new Response(new Uint8Array(file.body), { headers: { ...SECURITY_HEADERS, 'Content-Type': file.type } });
    });

    roster = openRoster({
      dataDir: app.getPath('userData'),
      sync: { secrets: createElectronSecretStore(app.getPath('userData')) },
      suggestedServerUrl: process.env.ROSTER_SERVER_URL,
      mode: 'electron',
      version: ROSTER_VERSION,
      nativeBinding: electronNativeBinding(),
      openExternal: async (url) => {
        await openExternal(url);
        return true;
      },
    });
    bindIpc(ipcMain, roster.dispatcher, roster.events, () => mainWindow?.webContents);
    createWindow();
    app.on('activate', () => {
      if (BrowserWindow.getAllWindows().length === 0) createWindow();
    });
  });

  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });
  app.on('will-quit', () => {
    roster?.close();
  });
}
