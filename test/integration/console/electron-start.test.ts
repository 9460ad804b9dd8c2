import type { BrowserWindowConstructorOptions, CustomScheme, HandlerDetails, WindowOpenHandlerResponse } from 'electron';
import { EventEmitter } from 'node:events';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../../../src-main/db/database';
import { LATEST_VERSION, migrate, schemaVersion } from '../../../src-main/db/migrations';
import { profilesRepo } from '../../../src-main/db/profiles.repo';
import { startElectron, STARTUP_FAILURE_TITLE } from '../../../src-main/electron/start';
import type { ElectronModules, StartEnvironment, StartOutcome } from '../../../src-main/electron/start';
import type { SafeStorageLike } from '../../../src-main/electron/secrets';
import { APP_ENTRY } from '../../../src-main/electron/security';
import { IPC_INVOKE } from '../../../src-shared/contract/names';
import type { Result } from '../../../src-shared/errors';
import { storedProfile, insertPreAttributeProfile } from '../../support/stored';

/**
 * The Electron entry run under plain Node against stand-ins for Electron's
 * modules, one set per platform, each with exactly the functions Electron
 * documents for that platform: a call to a function another platform lacks is
 * a TypeError here, as it would be there. The real 'electron' module is never
 * loaded (its binary is not installed on this machine).
 */

type Platform = 'linux' | 'darwin' | 'win32';
const PLATFORMS: readonly Platform[] = ['linux', 'darwin', 'win32'];

interface Recorder {
  dialogs: { title: string; content: string }[];
  exits: (number | undefined)[];
  quits: number;
  windows: StandInWindowShape[];
  loaded: string[];
  invoke: ((event: { senderFrame: { url: string } | null }, ...args: unknown[]) => Promise<Result<unknown>>) | undefined;
  protocolHandler: ((request: Request) => Response | Promise<Response>) | undefined;
}

interface StandInWindowShape {
  options: BrowserWindowConstructorOptions;
}

class StandInContents extends EventEmitter {
  openHandler: ((details: HandlerDetails) => WindowOpenHandlerResponse) | undefined;
  setWindowOpenHandler(handler: (details: HandlerDetails) => WindowOpenHandlerResponse): void {
    this.openHandler = handler;
  }
  isDestroyed(): boolean {
    return false;
  }
  send(): void {
    // events to a window nobody looks at
  }
}

/** Electron's app module as each platform has it (the platform-only members per Electron's API documentation). */
class StandInApp extends EventEmitter {
  readonly isPackaged = false;
  #paths = new Map<string, string>();
  constructor(
    private readonly recorder: Recorder,
    userData: string,
    private readonly lock: boolean,
  ) {
    super();
    this.#paths.set('userData', userData);
  }
  whenReady(): Promise<void> {
    return Promise.resolve();
  }
  quit(): void {
    this.recorder.quits++;
  }
  exit(code?: number): void {
    this.recorder.exits.push(code);
  }
  getPath(name: 'userData'): string {
    const path = this.#paths.get(name);
    if (path === undefined) throw new Error(`no path ${name}`);
    return path;
  }
  setPath(name: 'userData', path: string): void {
    this.#paths.set(name, path);
  }
  requestSingleInstanceLock(): boolean {
    return this.lock;
  }
  getPreferredSystemLanguages(): string[] {
    return ['nl-BE', 'en-US'];
  }
}

class LinuxApp extends StandInApp {
  isUnityRunning(): boolean {
    return false;
  }
  setBadgeCount(): boolean {
    return true;
  }
  importCertificate(): void {
    // Linux only
  }
}

class MacApp extends StandInApp {
  readonly dock = { bounce: (): number => 0, hide: (): void => undefined, show: (): Promise<void> => Promise.resolve() };
  hide(): void {
    // macOS only
  }
  show(): void {
    // macOS only
  }
  setActivationPolicy(): void {
    // macOS only
  }
  isInApplicationsFolder(): boolean {
    return true;
  }
  setBadgeCount(): boolean {
    return true;
  }
}

class WindowsApp extends StandInApp {
  setAppUserModelId(): void {
    // Windows only
  }
  setUserTasks(): boolean {
    return true;
  }
  setJumpList(): string {
    return 'ok';
  }
  getLoginItemSettings(): { openAtLogin: boolean } {
    return { openAtLogin: false };
  }
}

/** A reversible stand-in for the OS's encryption (what it does to the bytes is not the point here). */
const encryption = {
  encryptString: (plainText: string): Buffer => Buffer.from(`enc:${plainText}`),
  decryptString: (encrypted: Buffer): string => encrypted.toString().replace(/^enc:/, ''),
};

type SafeStorageOptions = { available?: boolean; backend?: string; throws?: Error };
type LinuxSafeStorage = SafeStorageLike & { getSelectedStorageBackend(): string; setUsePlainTextEncryption(usePlainText: boolean): void };

/** safeStorage per platform: getSelectedStorageBackend and setUsePlainTextEncryption are Linux's only. */
function standInSafeStorage(platform: Platform, options: SafeStorageOptions): SafeStorageLike {
  const isEncryptionAvailable = (): boolean => {
    if (options.throws !== undefined) throw options.throws;
    return options.available ?? true;
  };
  if (platform === 'linux') {
    const linux: LinuxSafeStorage = {
      isEncryptionAvailable,
      ...encryption,
      getSelectedStorageBackend: () => options.backend ?? 'gnome_libsecret',
      setUsePlainTextEncryption: () => undefined,
    };
    return linux;
  }
  return { isEncryptionAvailable, ...encryption };
}

function standIns(
  platform: Platform,
  recorder: Recorder,
  userData: string,
  options: { lock?: boolean; safeStorage?: SafeStorageOptions } = {},
): ElectronModules<StandInWindow> & { app: StandInApp } {
  const lock = options.lock ?? true;
  const app = platform === 'linux' ? new LinuxApp(recorder, userData, lock) : platform === 'darwin' ? new MacApp(recorder, userData, lock) : new WindowsApp(recorder, userData, lock);
  class Window extends StandInWindow {
    constructor(windowOptions: BrowserWindowConstructorOptions) {
      super(windowOptions, recorder);
    }
    static getAllWindows(): readonly unknown[] {
      return recorder.windows;
    }
  }
  return {
    app,
    BrowserWindow: Window,
    dialog: {
      showErrorBox: (title, content) => {
        recorder.dialogs.push({ title, content });
      },
    },
    ipcMain: {
      // A method, so that it takes the listener as the stand-in calls it (with a frame that has only a URL).
      handle(channel: string, listener: NonNullable<Recorder['invoke']>) {
        if (channel === IPC_INVOKE) recorder.invoke = listener;
      },
      removeHandler: () => undefined,
    },
    protocol: {
      registerSchemesAsPrivileged: (_schemes: CustomScheme[]) => undefined,
      handle: (_scheme, handler) => {
        recorder.protocolHandler = handler;
      },
    },
    session: { defaultSession: { setPermissionRequestHandler: () => undefined, setPermissionCheckHandler: () => undefined } },
    shell: { openExternal: () => Promise.resolve(), openPath: () => Promise.resolve('') },
    safeStorage: standInSafeStorage(platform, options.safeStorage ?? {}),
  };
}

class StandInWindow extends EventEmitter implements StandInWindowShape {
  readonly webContents = new StandInContents();
  constructor(
    readonly options: BrowserWindowConstructorOptions,
    private readonly recorder: Recorder,
  ) {
    super();
    recorder.windows.push(this);
  }
  show(): void {
    // shown
  }
  focus(): void {
    // focused
  }
  restore(): void {
    // restored
  }
  isMinimized(): boolean {
    return false;
  }
  loadURL(url: string): Promise<void> {
    this.recorder.loaded.push(url);
    return Promise.resolve();
  }
}

let dir: string;
let dataDir: string;
let rendererDir: string;
let apps: StandInApp[] = [];

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'roster-electron-start-'));
  dataDir = join(dir, 'data');
  rendererDir = join(dir, 'renderer');
  mkdirSync(rendererDir);
  writeFileSync(join(rendererDir, 'index.html'), '<!doctype html><title>Roster</title>');
  apps = [];
});

afterEach(() => {
  // A running console closes its data file when the app quits.
  for (const app of apps) app.emit('will-quit');
  rmSync(dir, { recursive: true, force: true });
});

const newRecorder = (): Recorder => ({ dialogs: [], exits: [], quits: 0, windows: [], loaded: [], invoke: undefined, protocolHandler: undefined });

async function start(
  platform: Platform,
  options: { argv?: string[]; env?: Record<string, string>; lock?: boolean; safeStorage?: SafeStorageOptions } = {},
): Promise<{ outcome: StartOutcome; recorder: Recorder; warnings: string[] }> {
  const recorder = newRecorder();
  const electron = standIns(platform, recorder, join(dir, 'default-user-data'), options);
  apps.push(electron.app);
  const warnings: string[] = [];
  const environment: StartEnvironment = {
    platform,
    argv: options.argv ?? ['.', '--data-dir', dataDir],
    env: options.env ?? {},
    rendererDir,
    preloadPath: join(dir, 'preload.cjs'),
    version: 'test',
    nativeBinding: () => undefined,
    log: { warn: (m) => warnings.push(m), error: () => undefined },
    roster: { sync: { background: false } },
  };
  const outcome = await startElectron(electron, environment);
  return { outcome, recorder, warnings };
}

const fromOurPage = { senderFrame: { url: APP_ENTRY } };

async function call(recorder: Recorder, name: string, args: unknown): Promise<Result<unknown>> {
  if (recorder.invoke === undefined) throw new Error('no IPC handler was registered');
  return recorder.invoke(fromOurPage, name, args);
}

function expectFailedStart(outcome: StartOutcome, recorder: Recorder, what: RegExp): string {
  expect(outcome.status).toBe('failed');
  expect(recorder.windows).toHaveLength(0);
  expect(recorder.dialogs).toHaveLength(1);
  const dialog = recorder.dialogs[0];
  expect(dialog?.title).toBe(STARTUP_FAILURE_TITLE);
  expect(dialog?.content).toMatch(what);
  expect(dialog?.content).toContain(`Data file: ${join(dataDir, 'roster.sqlite')}`);
  expect(recorder.exits).toEqual([1]);
  return dialog?.content ?? '';
}

describe.each(PLATFORMS)('the Electron entry on %s', (platform) => {
  it('opens the data file and the window, and answers the window over IPC', async () => {
    const { outcome, recorder } = await start(platform);
    expect(recorder.dialogs).toEqual([]);
    expect(recorder.exits).toEqual([]);
    expect(outcome.status).toBe('running');
    expect(recorder.windows).toHaveLength(1);
    expect(recorder.loaded).toEqual([APP_ENTRY]);
    expect(recorder.windows[0]?.options.webPreferences).toMatchObject({ contextIsolation: true, sandbox: true, nodeIntegration: false });
    expect(await call(recorder, 'app:info', {})).toMatchObject({ ok: true, data: { mode: 'electron', dataDir, databaseFile: join(dataDir, 'roster.sqlite') } });
    // The OS's encryption keeps the session token on every platform that offers it.
    expect(await call(recorder, 'sync:status', {})).toMatchObject({ ok: true, data: { tokenStorage: 'os-encrypted' } });
    const page = await recorder.protocolHandler?.(new Request('roster://app/index.html'));
    expect(page?.status).toBe(200);
    expect(page?.headers.get('content-security-policy')).toContain("default-src 'self'");
  });

  it('shows what happened and where the data file is when the file is damaged, then quits without touching it', async () => {
    mkdirSync(dataDir, { recursive: true });
    const garbage = randomBytes(16_384);
    writeFileSync(join(dataDir, 'roster.sqlite'), garbage);
    const { outcome, recorder } = await start(platform);
    expectFailedStart(outcome, recorder, /damaged or is not a Roster database/);
    expect(readFileSync(join(dataDir, 'roster.sqlite')).equals(garbage)).toBe(true);
  });

  it('refuses, untouched, a data file written by a newer Roster', async () => {
    const db = openDatabase(join(dataDir, 'roster.sqlite'));
    migrate(db);
    profilesRepo.insert(db, storedProfile(1));
    db.pragma(`user_version = ${LATEST_VERSION + 3}`);
    db.close();
    const { outcome, recorder } = await start(platform);
    const text = expectFailedStart(outcome, recorder, /written by a newer version of Roster/);
    expect(text).toContain(`data format ${LATEST_VERSION + 3}`);
    const after = openDatabase(join(dataDir, 'roster.sqlite'));
    expect(schemaVersion(after)).toBe(LATEST_VERSION + 3);
    expect(after.prepare('SELECT count(*) AS n FROM profiles').get()).toEqual({ n: 1 });
    after.close();
  });

  it('says which update step failed, and keeps the file as it was', async () => {
    const db = openDatabase(join(dataDir, 'roster.sqlite'));
    migrate(db, 6);
    insertPreAttributeProfile(db, storedProfile(1));
    insertPreAttributeProfile(db, storedProfile(2));
    // Something left in the file that step 7 trips over after it rebuilt the profiles table.
    db.exec('CREATE TABLE import_items_next (x)');
    db.close();
    const { outcome, recorder } = await start(platform);
    expectFailedStart(outcome, recorder, /Updating the data file to this version of Roster failed at step 7 \("checks as comparisons, not IN lists"\): .*import_items_next.*That step was undone: the file is as it was \(data format 6\)/s);
    const after = openDatabase(join(dataDir, 'roster.sqlite'));
    expect(schemaVersion(after)).toBe(6);
    expect(after.prepare('SELECT count(*) AS n FROM profiles').get()).toEqual({ n: 2 });
    after.close();
  });

  it("says so when the OS's secret store fails, and quits", async () => {
    const { outcome, recorder } = await start(platform, { safeStorage: { throws: new Error('The user name or passphrase you entered is not correct.') } });
    const text = expectFailedStart(outcome, recorder, /could not use .* to keep the server session safe \(The user name or passphrase you entered is not correct\.\)/);
    const store = platform === 'darwin' ? 'the macOS Keychain' : platform === 'win32' ? "Windows' data protection (DPAPI)" : "the desktop's keyring";
    expect(text).toContain(store);
    expect(existsSync(join(dataDir, 'roster.sqlite'))).toBe(false);
  });

  it('refuses a bad command line in the dialog too', async () => {
    const { outcome, recorder } = await start(platform, { argv: ['.', '--data-dir', dataDir, '--port', '99999'] });
    expectFailedStart(outcome, recorder, /^The command line is not valid: --port must be a number from 0 to 65535\./);
  });

  it('leaves quietly when another Roster already runs on this data', async () => {
    const { outcome, recorder } = await start(platform, { lock: false });
    expect(outcome.status).toBe('other-instance');
    expect(recorder.quits).toBe(1);
    expect(recorder.windows).toHaveLength(0);
    expect(recorder.dialogs).toEqual([]);
  });

  it('refuses a ROSTER_SERVER_URL that would send passwords in clear text, and says why', async () => {
    const { outcome, recorder, warnings } = await start(platform, { env: { ROSTER_SERVER_URL: 'http://roster.example.org' } });
    expect(outcome.status).toBe('running');
    expect(await call(recorder, 'app:info', {})).toMatchObject({ ok: true, data: { suggestedServerUrl: null } });
    expect(warnings.join('\n')).toMatch(/ROSTER_SERVER_URL must use https:\/\/ for roster\.example\.org/);
  });
});

describe('the Electron entry on Linux without a keyring', () => {
  it("keeps the token in a 0600 file rather than under Electron's hard-coded basic_text key", async () => {
    const { outcome, recorder } = await start('linux', { safeStorage: { backend: 'basic_text' } });
    expect(outcome.status).toBe('running');
    expect(await call(recorder, 'sync:status', {})).toMatchObject({ ok: true, data: { tokenStorage: 'file-0600' } });
  });
});

describe('stand-ins', () => {
  it('lack what Electron defines on other platforms only', () => {
    const mac = standIns('darwin', newRecorder(), dir);
    const win = standIns('win32', newRecorder(), dir);
    const linux = standIns('linux', newRecorder(), dir);
    expect('getSelectedStorageBackend' in mac.safeStorage).toBe(false);
    expect('getSelectedStorageBackend' in win.safeStorage).toBe(false);
    expect('setUsePlainTextEncryption' in win.safeStorage).toBe(false);
    expect('getSelectedStorageBackend' in linux.safeStorage).toBe(true);
    expect('dock' in mac.app).toBe(true);
    expect('dock' in linux.app || 'dock' in win.app).toBe(false);
    expect('setUserTasks' in win.app).toBe(true);
    expect('setUserTasks' in mac.app || 'setUserTasks' in linux.app).toBe(false);
  });
});
