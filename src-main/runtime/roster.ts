import { randomUUID } from 'node:crypto';
import { createDispatcher } from '../core/api/dispatcher';
import type { Dispatcher } from '../core/api/dispatcher';
import { appHandlers } from '../core/api/app.handlers';
import { profileHandlers } from '../core/api/profiles.handlers';
import { importHandlers } from '../core/api/import.handlers';
import { ImportService } from '../core/import/service';
import type { ImportWorkerPort } from '../core/import/worker-port';
import type { ImportLimits } from '../../src-shared/import';
import { createImportWorker } from './import/runner';
import { resourceTemplates } from './import/templates';
import { EventBus } from '../core/events';
import { ProfileService } from '../core/profiles/service';
import type { Clock, IdSource } from '../core/ports';
import { DataFilePermissionError, openDatabase } from '../db/database';
import type { Db } from '../db/database';
import { LATEST_VERSION, migrate, migrations, schemaVersion as fileSchemaVersion } from '../db/migrations';
import { createReplica } from '../db/replica';
import { settingsRepo } from '../db/settings.repo';
import { isConsoleLanguage } from '../../src-shared/console-languages';
import type { ConsoleLanguage } from '../../src-shared/console-languages';
import type { RunMode } from '../../src-shared/contract/app';
import { databaseFile, prepareDataDir } from './data-dir';
import { checkWebUrl } from '../../src-shared/urls';
import { syncHandlers } from '../core/api/sync.handlers';
import { dashboardHandlers } from '../core/api/dashboard.handlers';
import { createDashboardStore } from '../db/dashboard.repo';
import { SyncEngine } from '../core/sync/engine';
import type { SyncEngineOptions } from '../core/sync/engine';
import { ConflictService } from '../core/sync/conflicts';
import { InviteService } from '../core/invitations/service';
import type { IndexBuilder, SecretStore, SyncTransport, Timers } from '../core/sync/ports';
import { createSyncStore } from '../db/sync.repo';
import { createHttpTransport } from './sync/http-transport';
import { createFileSecretStore } from './sync/file-secrets';
import { createWorkerIndexBuilder } from './sync/index-builder';
import { OrgService } from '../core/org/service';
import { orgHandlers } from '../core/api/org.handlers';
import { createOrgTransport } from './org-transport';

export interface RosterOptions {
  dataDir: string;
  mode: RunMode;
  version: string;
  openExternal: (url: string) => Promise<boolean>;
  nativeBinding?: string | undefined;
  /** Offered on the Server page before the first sign-in (ROSTER_SERVER_URL); an address the contract would refuse is left out, with a warning. */
  suggestedServerUrl?: string | undefined;
  /** The operating system's preferred locales, best first (Electron's app.getPreferredSystemLanguages()); the console's default language follows them. */
  systemLocales?: readonly string[];
  /** Where start-up warnings go (console.warn by default). */
  warn?: (message: string) => void;
  clock?: Clock;
  ids?: IdSource;
  /** Sync with a Roster server: where the token lives (a 0600 file by default), the transport, timers and tuning. */
  sync?: {
    secrets?: SecretStore;
    transport?: SyncTransport;
    timers?: Timers;
    options?: Partial<SyncEngineOptions>;
    background?: boolean;
    /** Builds the indexes a large pull left out (a worker thread by default). */
    indexes?: IndexBuilder;
  };
  /** Spreadsheet import: limits (file size, rows, time, memory), and what reads the files (a worker thread by default). */
  import?: { limits?: Partial<ImportLimits>; worker?: ImportWorkerPort; workerFile?: string; templatesDir?: string };
}

export interface Roster {
  db: Db;
  events: EventBus;
  dispatcher: Dispatcher;
  profiles: ProfileService;
  imports: ImportService;
  sync: SyncEngine;
  invites: InviteService;
  conflicts: ConflictService;
  close(): void;
}

/** Why Roster could not open its data: each says what happened in words a person can act on. */
export type StartupProblem = 'data-file-damaged' | 'data-file-newer' | 'migration-failed' | 'data-file-access' | 'data-file-busy' | 'secret-store' | 'other';

/** Roster cannot start on this data; `message` says what happened and what to do, `dataFile` where the data is. */
export class StartupError extends Error {
  constructor(
    readonly problem: StartupProblem,
    message: string,
    readonly dataFile: string,
    cause?: unknown,
  ) {
    super(message, { cause });
    this.name = 'StartupError';
  }
}

const errorCode = (error: unknown): string => (error instanceof Error && 'code' in error && typeof error.code === 'string' ? error.code : '');
const errorText = (error: unknown): string => (error instanceof Error ? error.message : String(error));

/** The data file could not be opened: why, in a person's words. */
function openFailure(error: unknown, file: string): StartupError {
  if (error instanceof DataFilePermissionError) {
    return new StartupError('data-file-access', `${error.message} Make the folder and its files yours (e.g. chown), or choose another data folder with --data-dir.`, file, error);
  }
  const code = errorCode(error);
  if (code === 'SQLITE_NOTADB' || code === 'SQLITE_CORRUPT' || code.startsWith('SQLITE_CORRUPT_')) {
    return new StartupError(
      'data-file-damaged',
      `The data file is damaged or is not a Roster database (SQLite: ${errorText(error)}). Roster left it as it is. Restore it from a backup, or move it elsewhere to start with an empty one.`,
      file,
      error,
    );
  }
  if (code === 'SQLITE_BUSY' || code === 'SQLITE_LOCKED') {
    return new StartupError('data-file-busy', `The data file is locked by another program (${errorText(error)}). Close it, or the other Roster using this data folder, and start Roster again.`, file, error);
  }
  if (['EACCES', 'EPERM', 'EROFS', 'SQLITE_CANTOPEN', 'SQLITE_READONLY', 'SQLITE_PERM', 'SQLITE_AUTH'].some((c) => code === c || code.startsWith(`${c}_`))) {
    return new StartupError('data-file-access', `Roster cannot read and write the data file (${errorText(error)}). Check that the folder and the file are yours and writable.`, file, error);
  }
  return new StartupError('other', `The data file could not be opened: ${errorText(error)}`, file, error);
}

/** Brings the file to this Roster's schema; refuses a newer one untouched, and says which step failed (each step is one transaction: none is left half-done). */
function upgrade(db: Db, file: string): number {
  const found = fileSchemaVersion(db);
  if (found > LATEST_VERSION) {
    throw new StartupError(
      'data-file-newer',
      `The data file was written by a newer version of Roster (data format ${found}; this Roster reads up to ${LATEST_VERSION}). Roster left it as it is: install the newer Roster to open it.`,
      file,
    );
  }
  try {
    return migrate(db);
  } catch (error) {
    const reached = fileSchemaVersion(db);
    const step = migrations.find((m) => m.version > reached);
    const which = step === undefined ? '' : ` at step ${step.version} ("${step.name}")`;
    throw new StartupError(
      'migration-failed',
      `Updating the data file to this version of Roster failed${which}: ${errorText(error)}. That step was undone: the file is as it was (data format ${reached}). Keep a copy of it and report this problem.`,
      file,
      error,
    );
  }
}

/** The text a person reads when Roster cannot start: what happened, then where the data file is. */
export function startupFailureText(error: unknown, dataFile: string): string {
  const what = error instanceof StartupError ? error.message : `Something went wrong while starting: ${errorText(error)}`;
  return `${what}\n\nData file: ${error instanceof StartupError ? error.dataFile : dataFile}`;
}

/** The suggested server address, when the sign-in form would accept it; otherwise none, and a warning that says why. */
function suggestion(raw: string | undefined, warn: (message: string) => void): string | null {
  if (raw === undefined || raw.trim() === '') return null;
  const checked = checkWebUrl(raw, 'The server address in ROSTER_SERVER_URL');
  if (!checked.ok) {
    warn(`${checked.message} It is not offered on the Server page.`);
    return null;
  }
  return raw.trim();
}

const LANGUAGE_SETTING = 'console.language';

/** The console language kept in the data dir; a value this version does not know counts as no choice. */
function storedLanguage(db: Db): ConsoleLanguage | null {
  const value = settingsRepo.get(db, LANGUAGE_SETTING);
  return isConsoleLanguage(value) ? value : null;
}

/** The composition root shared by the Electron entry and the browser host. */
export function openRoster(options: RosterOptions): Roster {
  const file = databaseFile(options.dataDir);
  let db: Db;
  try {
    prepareDataDir(options.dataDir);
    db = openDatabase(file, { nativeBinding: options.nativeBinding });
  } catch (error) {
    throw openFailure(error, file);
  }
  try {
    return compose(options, db, file, upgrade(db, file));
  } catch (error) {
    db.close();
    throw error;
  }
}

function compose(options: RosterOptions, db: Db, file: string, schemaVersion: number): Roster {
  const suggestedServerUrl = suggestion(options.suggestedServerUrl, options.warn ?? console.warn);
  const events = new EventBus();
  const clock: Clock = options.clock ?? { now: () => new Date() };
  const ids: IdSource = options.ids ?? { uuid: () => randomUUID() };
  const replica = createReplica(db);
  const profiles = new ProfileService({ replica, clock, ids, events });
  const imports = new ImportService({
    replica,
    clock,
    ids,
    events,
    progress: (p) => events.emit('import:progress', p),
    worker: options.import?.worker ?? createImportWorker({ workerFile: options.import?.workerFile }),
    limits: options.import?.limits,
    templates: resourceTemplates(options.import?.templatesDir),
  });
  const syncStore = createSyncStore(db);
  const timers: Timers = options.sync?.timers ?? {
    setTimeout: (fn, ms) => setTimeout(fn, ms),
    clearTimeout: (handle) => {
      clearTimeout(handle as NodeJS.Timeout);
    },
    random: Math.random,
  };
  const indexes = options.sync?.indexes ?? createWorkerIndexBuilder({ file, nativeBinding: options.nativeBinding });
  const secrets = options.sync?.secrets ?? createFileSecretStore(options.dataDir);
  const sync = new SyncEngine({
    replica,
    store: syncStore,
    transport: options.sync?.transport ?? createHttpTransport(),
    secrets,
    clock,
    ids,
    events,
    timers,
    indexes,
    ...(options.sync?.options === undefined ? {} : { options: options.sync.options }),
  });
  const invites = new InviteService({ replica, store: syncStore, clock, ids, events, sync });
  const conflicts = new ConflictService({ replica, store: syncStore, clock, ids, events, sync });
  // The organisation's screens (admins, settings, audit log, my account) ask the server with the sync engine's session.
  const org = new OrgService({
    transport: createOrgTransport(),
    session: {
      current: () => {
        const state = syncStore.state();
        return { serverUrl: state.serverUrl, token: secrets.get(), workOffline: state.workOffline, account: state.account };
      },
      ended: async () => {
        await sync.disconnect();
      },
    },
    clock,
  });
  // Every local write that queues something wakes the sync engine (it ignores the wake-up while it runs).
  const unsubscribe = events.on('changed', ({ topics }) => {
    if (topics.includes('outbox')) sync.poke();
  });
  // A large pull cut short (or a crash) may have left indexes to build.
  void sync.buildIndexes();
  if (options.sync?.background !== false) sync.start();
  const dispatcher = createDispatcher({
    ...appHandlers({
      info: () => ({
        name: 'Roster',
        version: options.version,
        mode: options.mode,
        dataDir: options.dataDir,
        databaseFile: file,
        schemaVersion,
        suggestedServerUrl,
        language: storedLanguage(db),
        systemLocales: [...(options.systemLocales ?? [])],
      }),
      setLanguage: (language) => {
        settingsRepo.set(db, LANGUAGE_SETTING, language);
      },
      openExternal: options.openExternal,
    }),
    ...profileHandlers(profiles),
    ...importHandlers(imports),
    ...syncHandlers({ engine: sync, conflicts, invites, store: syncStore }),
    ...dashboardHandlers({ store: createDashboardStore(db), clock }),
    ...orgHandlers(org),
  });
  // An import left open (a tab closed, a page left) gives its memory back after its idle time, without a click.
  const idleImports = setInterval(() => imports.releaseIdle(), 60_000);
  idleImports.unref();
  return {
    db,
    events,
    dispatcher,
    profiles,
    imports,
    sync,
    invites,
    conflicts,
    close: () => {
      clearInterval(idleImports);
      unsubscribe();
      sync.stop();
      void indexes.stop?.();
      db.close();
    },
  };
}
