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
import { openDatabase } from '../db/database';
import type { Db } from '../db/database';
import { migrate } from '../db/migrations';
import { createReplica } from '../db/replica';
import type { RunMode } from '../../src-shared/contract/app';
import { databaseFile } from './data-dir';
import { syncHandlers } from '../core/api/sync.handlers';
import { SyncEngine } from '../core/sync/engine';
import type { SyncEngineOptions } from '../core/sync/engine';
import { ConflictService } from '../core/sync/conflicts';
import { InviteService } from '../core/invitations/service';
import type { IndexBuilder, SecretStore, SyncTransport, Timers } from '../core/sync/ports';
import { createSyncStore } from '../db/sync.repo';
import { createHttpTransport } from './sync/http-transport';
import { createFileSecretStore } from './sync/file-secrets';
import { createWorkerIndexBuilder } from './sync/index-builder';

export interface RosterOptions {
  dataDir: string;
  mode: RunMode;
  version: string;
  openExternal: (url: string) => Promise<boolean>;
  nativeBinding?: string | undefined;
  /** Offered on the Server page before the first sign-in. */
  suggestedServerUrl?: string | undefined;
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

/** The composition root shared by the Electron entry and the browser host. */
export function openRoster(options: RosterOptions): Roster {
  const file = databaseFile(options.dataDir);
  const db = openDatabase(file, { nativeBinding: options.nativeBinding });
  const schemaVersion = migrate(db);
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
  const sync = new SyncEngine({
    replica,
    store: syncStore,
    transport: options.sync?.transport ?? createHttpTransport(),
    secrets: options.sync?.secrets ?? createFileSecretStore(options.dataDir),
    clock,
    ids,
    events,
    timers,
    indexes,
    ...(options.sync?.options === undefined ? {} : { options: options.sync.options }),
  });
  const invites = new InviteService({ replica, store: syncStore, clock, ids, events, sync });
  const conflicts = new ConflictService({ replica, store: syncStore, clock, ids, events, sync });
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
        suggestedServerUrl: options.suggestedServerUrl ?? null,
      }),
      openExternal: options.openExternal,
    }),
    ...profileHandlers(profiles),
    ...importHandlers(imports),
    ...syncHandlers({ engine: sync, conflicts, invites, store: syncStore }),
  });
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
      unsubscribe();
      sync.stop();
      void indexes.stop?.();
      db.close();
    },
  };
}
