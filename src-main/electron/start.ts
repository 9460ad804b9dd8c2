import type { BrowserWindowConstructorOptions, CustomScheme, HandlerDetails, WindowOpenHandlerResponse } from 'electron';
import { findDataDirFlag, parseLaunchArgs } from '../runtime/args';
import { databaseFile, resolveDataDir } from '../runtime/data-dir';
import { SECURITY_HEADERS } from '../runtime/csp';
import { openRoster } from '../runtime/roster';
import { restoreOnStart, startupFailureText, StartupError } from '../runtime/startup';
import type { Roster, RosterOptions } from '../runtime/roster';
import { readStatic } from '../runtime/static';
import type { SecretStore } from '../core/sync/ports';
import type { UpdateInstallerPort } from '../core/updates/service';
import { importLimitsFromEnv } from '../runtime/import/limits-env';
import { bindIpc } from './ipc';
import type { EventTarget, IpcMainLike } from './ipc';
import { createElectronSecretStore } from './secrets';
import type { SafeStorageLike } from './secrets';
import { APP_ENTRY, APP_SCHEME, createMainWindow, denyPermission, isWebLink, navigationGuard, windowOpenHandler } from './security';

/**
 * The Electron entry, as a function of the parts of Electron it uses. The
 * real entry (main.ts) passes Electron's own modules; a test passes stand-ins
 * shaped like each platform's API, so that a call to something one platform
 * lacks (safeStorage.getSelectedStorageBackend is Linux-only, app.dock is
 * macOS-only …) fails a test on any machine. Only the calls below are made:
 * each exists on Linux, macOS and Windows alike.
 */

/** What a navigation or webview event offers: it can be stopped. */
export interface StoppableEvent {
  preventDefault(): void;
}

/** The web contents of any window or frame: where it may navigate and what it may open. */
export interface ContentsLike {
  setWindowOpenHandler(handler: (details: HandlerDetails) => WindowOpenHandlerResponse): void;
  on(event: 'will-navigate' | 'will-redirect', listener: (event: StoppableEvent, url: string) => void): unknown;
  on(event: 'will-attach-webview', listener: (event: StoppableEvent) => void): unknown;
}

export interface WindowLike {
  readonly webContents: ContentsLike & EventTarget;
  show(): void;
  focus(): void;
  restore(): void;
  isMinimized(): boolean;
  loadURL(url: string): Promise<void>;
  once(event: 'ready-to-show', listener: () => void): unknown;
  on(event: 'closed', listener: () => void): unknown;
}

export interface WindowClass<W extends WindowLike> {
  new (options: BrowserWindowConstructorOptions): W;
  getAllWindows(): readonly unknown[];
}

export interface AppLike {
  readonly isPackaged: boolean;
  whenReady(): Promise<void>;
  quit(): void;
  exit(exitCode?: number): void;
  getPath(name: 'userData'): string;
  setPath(name: 'userData', path: string): void;
  requestSingleInstanceLock(): boolean;
  /** The operating system's preferred languages, best first (every platform; after ready). */
  getPreferredSystemLanguages(): string[];
  on(event: 'second-instance' | 'activate' | 'window-all-closed' | 'will-quit', listener: () => void): unknown;
  on(event: 'web-contents-created', listener: (event: unknown, contents: ContentsLike) => void): unknown;
}

export interface ElectronModules<W extends WindowLike> {
  app: AppLike;
  BrowserWindow: WindowClass<W>;
  dialog: { showErrorBox(title: string, content: string): void };
  ipcMain: IpcMainLike;
  protocol: {
    registerSchemesAsPrivileged(schemes: CustomScheme[]): void;
    handle(scheme: string, handler: (request: Request) => Response | Promise<Response>): void;
  };
  session: {
    defaultSession: {
      setPermissionRequestHandler(handler: (webContents: unknown, permission: string, callback: (granted: boolean) => void) => void): void;
      setPermissionCheckHandler(handler: () => boolean): void;
    };
  };
  shell: { openExternal(url: string): Promise<void>; openPath(path: string): Promise<string> };
  safeStorage: SafeStorageLike;
}

export interface StartEnvironment {
  platform: NodeJS.Platform;
  /** The command line after the executable (Electron's own switches are ignored). */
  argv: readonly string[];
  env: Readonly<Record<string, string | undefined>>;
  rendererDir: string;
  preloadPath: string;
  version: string;
  /** better-sqlite3 built for Electron's ABI in development; undefined in a packaged app. */
  nativeBinding(): string | undefined;
  /** Where messages go besides the dialog (the terminal of `npm start`). */
  log?: { warn(message: string): void; error(message: string): void };
  /** electron-updater on a feed (main.ts); none in tests. */
  updateInstaller?: (feedUrl: string) => UpdateInstallerPort;
  /** Tests: the composition root's sync and import parts. */
  roster?: Pick<RosterOptions, 'sync' | 'import'>;
}

export type StartOutcome = { status: 'running'; roster: Roster } | { status: 'failed'; message: string } | { status: 'other-instance' };

export const STARTUP_FAILURE_TITLE = 'Roster could not start';

/** The OS facility safeStorage stands on, named as its users know it. */
const secretStoreName = (platform: NodeJS.Platform): string =>
  platform === 'darwin' ? 'the macOS Keychain' : platform === 'win32' ? "Windows' data protection (DPAPI)" : "the desktop's keyring (Secret Service or KWallet)";

/**
 * Starts the desktop console. Resolves once it runs (the window is created),
 * or once a failure has been shown in a native error dialog (what happened
 * and where the data file is) and the app has quit, or when another Roster
 * already runs on this data.
 */
export function startElectron<W extends WindowLike>(electron: ElectronModules<W>, environment: StartEnvironment): Promise<StartOutcome> {
  const { app, BrowserWindow, dialog, ipcMain, protocol, session, shell, safeStorage } = electron;
  const log = environment.log ?? { warn: console.warn, error: console.error };
  let dataFile: string | undefined;
  let roster: Roster | undefined;
  let mainWindow: W | undefined;

  const fail = (error: unknown): StartOutcome => {
    const message = startupFailureText(error, dataFile ?? '(not known: the data folder could not be chosen)');
    log.error(`${STARTUP_FAILURE_TITLE}: ${message}`);
    try {
      roster?.close();
    } catch (closeError) {
      log.error(`Closing the data file failed too: ${closeError instanceof Error ? closeError.message : String(closeError)}`);
    }
    roster = undefined;
    dialog.showErrorBox(STARTUP_FAILURE_TITLE, message);
    app.exit(1);
    return { status: 'failed', message };
  };

  // Before the app is ready: the scheme's privileges, the data folder, the single-instance lock.
  let restoreWanted: string | undefined;
  try {
    protocol.registerSchemesAsPrivileged([{ scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true } }]);
    const args = parseLaunchArgs(environment.argv);
    restoreWanted = args.restoreBackup;
    if (args.dataDir !== undefined || (environment.env.ROSTER_DATA_DIR ?? '') !== '') {
      app.setPath('userData', resolveDataDir(args.dataDir, environment.env));
    }
    dataFile = databaseFile(app.getPath('userData'));
  } catch (error) {
    const flag = findDataDirFlag(environment.argv);
    dataFile = databaseFile(flag !== undefined || (environment.env.ROSTER_DATA_DIR ?? '') !== '' ? resolveDataDir(flag, environment.env) : app.getPath('userData'));
    const problem = new StartupError('other', `The command line is not valid: ${error instanceof Error ? error.message : String(error)}.`, dataFile, error);
    // On Linux a dialog shown before the app is ready goes to stderr only: wait for it.
    return app.whenReady().then(
      () => fail(problem),
      () => fail(problem),
    );
  }

  if (!app.requestSingleInstanceLock()) {
    // Another Roster already runs on this data: it gets the focus, this one leaves.
    app.quit();
    return Promise.resolve({ status: 'other-instance' });
  }

  const openExternal = async (url: string): Promise<void> => {
    if (isWebLink(url)) await shell.openExternal(url);
  };

  const createWindow = (): void => {
    const win = createMainWindow(BrowserWindow, environment.preloadPath);
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
  };

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
  app.on('window-all-closed', () => {
    if (environment.platform !== 'darwin') app.quit();
  });
  app.on('will-quit', () => {
    roster?.close();
    roster = undefined;
  });

  const ready = (): StartOutcome => {
    session.defaultSession.setPermissionRequestHandler(denyPermission);
    session.defaultSession.setPermissionCheckHandler(() => false);
    protocol.handle(APP_SCHEME, async (request) => {
      const file = await readStatic(environment.rendererDir, new URL(request.url).pathname);
      if (file === undefined) return new Response('Not found', { status: 404, headers: SECURITY_HEADERS });
      return new Response(new Uint8Array(file.body), { headers: { ...SECURITY_HEADERS, 'Content-Type': file.type } });
    });

    const dataDir = app.getPath('userData');
    const file = databaseFile(dataDir);
    let secrets: SecretStore;
    try {
      secrets = createElectronSecretStore(dataDir, safeStorage, environment.platform);
    } catch (error) {
      throw new StartupError(
        'secret-store',
        `Roster could not use ${secretStoreName(environment.platform)} to keep the server session safe (${error instanceof Error ? error.message : String(error)}). Unlock it or allow Roster to use it, then start Roster again.`,
        file,
        error,
      );
    }
    if (restoreWanted !== undefined) log.warn(restoreOnStart(dataDir, file, restoreWanted, new Date(), environment.nativeBinding()));
    const opened = openRoster({
      dataDir,
      mode: 'electron',
      version: environment.version,
      nativeBinding: environment.nativeBinding(),
      suggestedServerUrl: environment.env.ROSTER_SERVER_URL,
      systemLocales: app.getPreferredSystemLanguages(),
      warn: log.warn,
      openExternal: async (url) => {
        await openExternal(url);
        return true;
      },
      openPath: async (path) => (await shell.openPath(path)) === '',
      updates: { feedUrl: environment.env.ROSTER_UPDATE_URL, ...(environment.updateInstaller === undefined ? {} : { installer: environment.updateInstaller }) },
      ...environment.roster,
      import: { ...environment.roster?.import, limits: { ...importLimitsFromEnv(environment.env), ...environment.roster?.import?.limits } },
      sync: { ...environment.roster?.sync, secrets },
      // Each further organisation's token is kept the same way, in its own folder.
      secretsFor: (dir) => createElectronSecretStore(dir, safeStorage, environment.platform),
    });
    roster = opened;
    bindIpc(ipcMain, opened.dispatcher, opened.events, () => mainWindow?.webContents);
    createWindow();
    app.on('activate', () => {
      if (BrowserWindow.getAllWindows().length === 0) createWindow();
    });
    return { status: 'running', roster: opened };
  };

  return app.whenReady().then(ready).catch(fail);
}
