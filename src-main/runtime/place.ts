import { AppError } from '../../src-shared/errors';
import type { BackupEntry } from '../../src-shared/contract/app';
import { randomUUID } from 'node:crypto';
import { createDispatcher } from '../core/api/dispatcher';
import type { DomainHandlers } from '../core/api/dispatcher';
import { appHandlers } from '../core/api/app.handlers';
import { profileHandlers } from '../core/api/profiles.handlers';
import { ListActionService } from '../core/profiles/list-actions';
import { importHandlers } from '../core/api/import.handlers';
import { syncHandlers } from '../core/api/sync.handlers';
import type { WorkspaceChannel } from '../core/api/sync.handlers';
import { dashboardHandlers } from '../core/api/dashboard.handlers';
import { ImportService } from '../core/import/service';
import type { EventBus } from '../core/events';
import { ProfileService } from '../core/profiles/service';
import type { Clock, IdSource } from '../core/ports';
import { SyncEngine } from '../core/sync/engine';
import { ConflictService } from '../core/sync/conflicts';
import { InviteService } from '../core/invitations/service';
import type { SecretStore, Timers } from '../core/sync/ports';
import { OrganisationDefaultsKeeper } from '../core/sync/org-defaults';
import type { StoredDefaults } from '../core/sync/org-defaults';
import { openDatabase } from '../db/database';
import { backupNow, backupNowSync, dailyBackupDue, listBackups } from '../db/backup';
import type { BackupInfo } from '../db/backup';
import { diagnosticsText } from './diagnostics';
import type { LogFile } from './log-file';
import { settingsRepo } from '../db/settings.repo';
import { LANGUAGES } from '../../src-shared/languages';
import { z } from 'zod';
import type { Db } from '../db/database';
import { createReplica } from '../db/replica';
import { createSyncStore } from '../db/sync.repo';
import { catalogueChangesOf } from '../db/catalogues.repo';
import { ruleChangesOf } from '../db/rules.repo';
import { createDashboardStore } from '../db/dashboard.repo';
import type { ConsoleLanguage } from '../../src-shared/console-languages';
import { databaseFile, prepareDataDir } from './data-dir';
import { createImportWorker } from './import/runner';
import { resourceTemplates } from './import/templates';
import { createHttpTransport } from './sync/http-transport';
import { createFileSecretStore } from './sync/file-secrets';
import { createWorkerIndexBuilder } from './sync/index-builder';
import { OrgService } from '../core/org/service';
import { orgHandlers } from '../core/api/org.handlers';
import { importSourceHandlers } from '../core/api/import-sources.handlers';
import { ImportSourcesService } from '../core/org/import-sources';
import { catalogueHandlers } from '../core/api/catalogues.handlers';
import { ruleHandlers } from '../core/api/rules.handlers';
import { exportHandlers } from '../core/api/export.handlers';
import { ExportService } from '../core/export/service';
import { createExportWorker } from './export/runner';
import { resetLocalData, resetPreview } from './reset';
import { CHANGE_TOPICS } from '../../src-shared/contract';
import { CatalogueService } from '../core/profiles/catalogues';
import { OneTimePasswords } from '../core/profiles/one-time-password';
import type { ImportOneTimePasswords } from '../core/import/context';
import { RuleService } from '../core/profiles/rules';
import { ATTRIBUTE_FIELDS } from '../../src-shared/attributes';
import { DEFAULT_EMAIL_POLICY, EMAIL_POLICIES } from '../../src-shared/profile';
import { createImportSourcesTransport, createOrgTransport } from './org-transport';
import { openFailure, upgrade } from './startup';
import type { Roster, RosterOptions } from './roster';

/** What every organisation's data shares: the console's events, language, suggested address and the workspace's own channels. */
export interface PlaceShared {
  options: RosterOptions;
  log: LogFile;
  events: EventBus;
  suggestedServerUrl: string | null;
  language: { get(db: Db): ConsoleLanguage | null; set(db: Db, language: ConsoleLanguage): void };
  workspace: DomainHandlers<WorkspaceChannel>;
}

/** One organisation's data opened: its replica file in `dir`, its session token, its services. */
export interface OpenPlace extends Omit<Roster, 'events' | 'log' | 'updates'> {
  file: string;
}

/** A copy as the console lists it: no path (the renderer names copies, never files). */
const entryOf = ({ name, reason, createdAt, bytes }: BackupInfo): BackupEntry => ({ name, reason, createdAt, bytes });

/** Opens (and brings up to date) the replica in `dir`, and composes the services on it. */
export function openPlace(shared: PlaceShared, dir: string): OpenPlace {
  const file = databaseFile(dir);
  let db: Db;
  try {
    prepareDataDir(dir);
    db = openDatabase(file, { nativeBinding: shared.options.nativeBinding });
  } catch (error) {
    throw openFailure(error, file);
  }
  try {
    const now = (): Date => shared.options.clock?.now() ?? new Date();
    const schema = upgrade(db, file, () => backupNowSync(db, dir, 'migration', now(), shared.options.nativeBinding));
    return compose(shared, dir, db, file, schema);
  } catch (error) {
    db.close();
    throw error;
  }
}

const DEFAULTS_KEY = 'organisation.defaults';
const storedDefaultsSchema = z.object({
  organisationId: z.string(),
  at: z.iso.datetime({ offset: true }),
  language: z.enum(LANGUAGES),
  phoneCountry: z.string().regex(/^[A-Z]{2}$/).nullable(),
  // Kept by consoles from before required attributes without it: none.
  requiredAttributes: z.array(z.enum(ATTRIBUTE_FIELDS)).default(() => []),
  // Kept by consoles from before usernames without it: none.
  usernameFormat: z.string().nullable().default(null),
  // Kept by consoles from before the email policy without it: everyone needs an email.
  emailPolicy: z.enum(EMAIL_POLICIES).default(DEFAULT_EMAIL_POLICY),
});

/** The organisation's defaults as the replica keeps them (settings); anything unreadable counts as none. */
function organisationDefaultsStore(db: Db): { get(): StoredDefaults | null; set(value: StoredDefaults): void } {
  return {
    get() {
      const text = settingsRepo.get(db, DEFAULTS_KEY);
      if (text === undefined) return null;
      try {
        const parsed = storedDefaultsSchema.safeParse(JSON.parse(text));
        return parsed.success ? parsed.data : null;
      } catch {
        return null;
      }
    },
    set(value) {
      settingsRepo.set(db, DEFAULTS_KEY, JSON.stringify(value));
    },
  };
}

/** The token store of a folder: the one given for the data folder itself, else the platform's for that folder. */
function secretsOf(options: RosterOptions, dir: string): SecretStore {
  if (dir === options.dataDir) return options.sync?.secrets ?? createFileSecretStore(dir);
  return options.secretsFor?.(dir) ?? createFileSecretStore(dir);
}

function compose(shared: PlaceShared, dir: string, db: Db, file: string, schemaVersion: number): OpenPlace {
  const { options, events } = shared;
  const clock: Clock = options.clock ?? { now: () => new Date() };
  const ids: IdSource = options.ids ?? { uuid: () => randomUUID() };
  const replica = createReplica(db);
  // Set further down, once the sync engine that knows the session exists.
  let sessionOf: () => { url: string; token: string; organisationId: string } | null = () => null;
  const organisationDefaults = new OrganisationDefaultsKeeper({
    reader: options.sync?.organisationReader ?? createHttpTransport(),
    store: organisationDefaultsStore(db),
    session: () => sessionOf(),
    clock,
  });
  const profiles = new ProfileService({
    replica,
    clock,
    ids,
    events,
    requiredAttributes: () => organisationDefaults.requiredAttributes(),
    usernameFormat: () => organisationDefaults.usernameFormat(),
    identity: () => organisationDefaults.identity(),
  });
  const listActions = new ListActionService({ replica, clock, ids, events, requiredAttributes: () => organisationDefaults.requiredAttributes() });
  let importPasswords: () => ImportOneTimePasswords = () => {
    throw new Error('the import used one-time passwords before the sync engine was made');
  };
  const imports = new ImportService({
    replica,
    clock,
    ids,
    events,
    progress: (p) => events.emit('import:progress', p),
    worker: options.import?.worker ?? createImportWorker({ workerFile: options.import?.workerFile }),
    limits: options.import?.limits,
    templates: resourceTemplates(options.import?.templatesDir),
    defaults: () => organisationDefaults.importDefaults(),
    requiredAttributes: () => organisationDefaults.requiredAttributes(),
    // An import's one-time passwords: pushed rows first, then each set on the server (wired below, once the sync engine exists).
    oneTimePasswords: {
      ready: () => {
        importPasswords().ready();
      },
      setAll: (items) => importPasswords().setAll(items),
    },
  });
  const exports = new ExportService({
    worker: createExportWorker({ file, nativeBinding: options.nativeBinding }),
    clock,
    progress: (p) => events.emit('export:progress', p),
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
  const secrets = secretsOf(options, dir);
  // The catalogue changes made offline go first in every sync (wired below, once the catalogue service exists).
  let beforePush: (serverUrl: string, token: string) => Promise<void> = () => Promise.resolve();
  const sync = new SyncEngine({
    beforePush: (serverUrl, token) => beforePush(serverUrl, token),
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
  sessionOf = () => {
    const credentials = sync.credentials();
    const organisation = sync.status().organisation;
    return credentials === null || organisation === null ? null : { ...credentials, organisationId: organisation.id };
  };
  const invites = new InviteService({ replica, store: syncStore, clock, ids, events, sync });
  // The catalogues and the rules: listed from the replica, written on the server with the sync engine's session.
  const serverSession = {
    current: () => {
      const state = syncStore.state();
      return { serverUrl: state.serverUrl, token: secrets.get(), workOffline: state.workOffline };
    },
    ended: async () => {
      await sync.disconnect();
    },
  };
  const serverApi = createHttpTransport();
  const rules = new RuleService({
    replica,
    store: syncStore,
    changes: ruleChangesOf(db),
    transport: serverApi,
    session: serverSession,
    role: () => syncStore.state().organisation?.role ?? null,
    clock,
    ids,
    events,
    sync,
  });
  const catalogues = new CatalogueService({
    replica,
    store: syncStore,
    changes: catalogueChangesOf(db),
    transport: serverApi,
    session: serverSession,
    role: () => syncStore.state().organisation?.role ?? null,
    clock,
    ids,
    required: () => organisationDefaults.requiredAttributes(),
    identity: () => organisationDefaults.identity(),
    events,
    sync,
  });
  // Entries first (a rule or a profile may name a new one), then the rules (run on the profiles pushed after them).
  beforePush = async (serverUrl, token) => {
    await catalogues.flush(serverUrl, token);
    await rules.flush(serverUrl, token);
  };
  const oneTimePasswords = new OneTimePasswords({ replica, transport: serverApi, session: serverSession, clock });
  importPasswords = () => oneTimePasswords.forImport(sync);
  const conflicts = new ConflictService({ replica, store: syncStore, clock, ids, events, sync, identity: () => organisationDefaults.identity() });
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
    settingsSaved: async () => {
      await organisationDefaults.refresh(true);
      events.changed(['settings', 'catalogues']);
    },
  });
  // The import sources (the employee files the server reads by itself) ask the server the same way; a new one can start from a remembered mapping.
  const importSources = new ImportSourcesService({ server: org, transport: createImportSourcesTransport(), remembered: (limit) => replica.imports.rememberedSources(limit), clock });
  // Every local write that queues something wakes the sync engine (it ignores the wake-up while it runs).
  const unsubscribe = events.on('changed', ({ topics }) => {
    if (topics.includes('outbox')) sync.poke();
    // After a sync (or a sign-in), the organisation's defaults are asked for again when what is kept is old.
    if (topics.includes('sync')) void organisationDefaults.refresh();
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
        suggestedServerUrl: shared.suggestedServerUrl,
        language: shared.language.get(db),
        systemLocales: [...(options.systemLocales ?? [])],
      }),
      setLanguage: (language) => {
        shared.language.set(db, language);
      },
      openExternal: options.openExternal,
      diagnostics: () =>
        diagnosticsText({
          version: options.version,
          mode: options.mode,
          schemaVersion,
          file,
          profiles: profiles.facets().total,
          status: sync.status(),
          log: shared.log,
          now: clock.now(),
        }),
      backups: () => listBackups(dir).map(entryOf),
      backupNow: async () => {
        try {
          return entryOf(await backupNow(db, dir, 'manual', clock.now(), options.nativeBinding));
        } catch (error) {
          throw new AppError('INTERNAL', error instanceof Error ? error.message : String(error));
        }
      },
      resetPreview: () => resetPreview(db, clock.now()),
      resetLocalData: (unsynced) =>
        resetLocalData(
          {
            db,
            dir,
            now: () => clock.now(),
            nativeBinding: options.nativeBinding,
            busy: () => imports.busy() !== null || sync.status().syncing,
            done: () => {
              events.changed([...CHANGE_TOPICS]);
              sync.poke();
            },
            log: (message) => {
              shared.log.write('info', message);
            },
          },
          unsynced,
        ),
      openFolder: async (folder) => (options.openPath === undefined ? false : options.openPath(folder === 'logs' ? shared.log.folder : options.dataDir)),
    }),
    ...profileHandlers(profiles, listActions, oneTimePasswords),
    ...importHandlers(imports),
    ...syncHandlers({ engine: sync, conflicts, invites, store: syncStore }),
    ...shared.workspace,
    ...dashboardHandlers({ store: createDashboardStore(db), clock }),
    ...orgHandlers(org),
    ...importSourceHandlers(importSources),
    ...catalogueHandlers(catalogues),
    ...ruleHandlers(rules),
    ...exportHandlers(exports),
  });
  // An import left open (a tab closed, a page left) gives its memory back after its idle time, without a click.
  const idleImports = setInterval(() => imports.releaseIdle(), 60_000);
  idleImports.unref();
  // A copy of the replica once a day while the console runs (checked every hour; the first a minute after opening).
  let backingUp = false;
  const dailyBackup = (): void => {
    if (backingUp || options.backups === false || !dailyBackupDue(dir, clock.now())) return;
    backingUp = true;
    backupNow(db, dir, 'daily', clock.now(), options.nativeBinding)
      .catch((error: unknown) => {
        (options.warn ?? console.warn)(`Roster: the daily copy of ${file} failed: ${error instanceof Error ? error.message : String(error)}`);
      })
      .finally(() => {
        backingUp = false;
      });
  };
  const firstBackup = setTimeout(dailyBackup, 60_000);
  firstBackup.unref();
  const hourlyBackupCheck = setInterval(dailyBackup, 60 * 60_000);
  hourlyBackupCheck.unref();
  return {
    file,
    db,
    dispatcher,
    profiles,
    imports,
    sync,
    invites,
    conflicts,
    close: () => {
      clearInterval(idleImports);
      clearTimeout(firstBackup);
      clearInterval(hourlyBackupCheck);
      unsubscribe();
      sync.stop();
      void indexes.stop?.();
      db.close();
    },
  };
}
