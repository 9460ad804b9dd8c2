import { join } from 'node:path';
import type { Dispatcher } from '../core/api/dispatcher';
import { EventBus } from '../core/events';
import type { ImportService } from '../core/import/service';
import type { ImportWorkerPort } from '../core/import/worker-port';
import type { ProfileService } from '../core/profiles/service';
import type { Clock, IdSource } from '../core/ports';
import type { SyncEngine, SyncEngineOptions } from '../core/sync/engine';
import type { ConflictService } from '../core/sync/conflicts';
import type { InviteService } from '../core/invitations/service';
import { TransportError } from '../core/sync/ports';
import type { OrganisationReader } from '../core/sync/org-defaults';
import type { IndexBuilder, OrganisationSwitchTransport, SecretStore, SyncTransport, Timers } from '../core/sync/ports';
import { SsoSignIn } from '../core/sync/sso-sign-in';
import type { LoopbackPort, SsoTransport } from '../core/sync/sso-sign-in';
import type { Db } from '../db/database';
import { settingsRepo } from '../db/settings.repo';
import { openLogFile } from './log-file';
import { checkIntegrity, listBackups, putBack, restoreBackup } from '../db/backup';
import type { LogFile } from './log-file';
import { CHANGE_TOPICS } from '../../src-shared/contract';
import type { RunMode } from '../../src-shared/contract/app';
import type { OrganisationChoice, OrganisationsView, SignInOutcome, SyncStatus } from '../../src-shared/contract/sync';
import { isConsoleLanguage } from '../../src-shared/console-languages';
import type { ConsoleLanguage } from '../../src-shared/console-languages';
import { AppError, ruleError } from '../../src-shared/errors';
import type { ImportLimits } from '../../src-shared/import';
import { rule } from '../../src-shared/messages';
import { checkWebUrl } from '../../src-shared/urls';
import type { SignInResponse } from '../../src-shared/wire';
import { databaseFile, prepareDataDir } from './data-dir';
import { placeDirOf, readRegistry, withPlace, writeRegistry } from './organisations';
import type { Place, Registry } from './organisations';
import { openPlace } from './place';
import type { OpenPlace, PlaceShared } from './place';
import { openFailure, startupFailureText, StartupError } from './startup';
import { createHttpTransport } from './sync/http-transport';
import { createLoopback } from './sso-loopback';
import { createSsoTransport } from './sso-transport';
import { openUpdates } from './updates';
import type { UpdateOptions } from './updates';
import type { UpdateService } from '../core/updates/service';
import type { UpdateBlocker } from '../../src-shared/contract/updates';

export interface RosterOptions {
  dataDir: string;
  mode: RunMode;
  version: string;
  openExternal: (url: string) => Promise<boolean>;
  /** Opens a local folder in the system's file manager (Help → Open data folder / Open logs); none by default. */
  openPath?: (path: string) => Promise<boolean>;
  nativeBinding?: string | undefined;
  /** Offered on the Server page before the first sign-in (ROSTER_SERVER_URL); an address the contract would refuse is left out, with a warning. */
  suggestedServerUrl?: string | undefined;
  /** The operating system's preferred locales, best first (Electron's app.getPreferredSystemLanguages()); the console's default language follows them. */
  systemLocales?: readonly string[];
  /** Where start-up warnings go (console.warn by default). */
  warn?: (message: string) => void;
  clock?: Clock;
  ids?: IdSource;
  /** A copy of each replica once a day while running (on by default; a copy before each migration is always made). */
  backups?: boolean;
  /** Sync with a Roster server: where the token lives (a 0600 file by default), the transport, timers and tuning. */
  sync?: {
    secrets?: SecretStore;
    transport?: SyncTransport;
    timers?: Timers;
    options?: Partial<SyncEngineOptions>;
    /** Opens a session in another organisation of the account (the organisation switcher); HTTP by default. */
    switcher?: OrganisationSwitchTransport;
    /** Reads the organisation's defaults (language, phone country) for imports; HTTP by default. */
    organisationReader?: OrganisationReader;
    background?: boolean;
    /** Builds the indexes a large pull left out (a worker thread by default). */
    indexes?: IndexBuilder;
    /** An admin's sign-in through the organisation's identity provider: the server's API (HTTP) and the loopback listener (127.0.0.1), and how long it waits for the browser. */
    sso?: { transport?: SsoTransport; loopback?: LoopbackPort; waitMs?: number };
  };
  /** The token store of a further organisation's folder (Electron: the OS's encryption); a 0600 file by default. */
  secretsFor?: (dir: string) => SecretStore;
  /** Updates of the console: the feed, the desktop app's installer, the policy file (see runtime/updates). */
  updates?: UpdateOptions;
  /** Spreadsheet import: limits (file size, rows, time, memory), and what reads the files (a worker thread by default). */
  import?: { limits?: Partial<ImportLimits>; worker?: ImportWorkerPort; workerFile?: string; templatesDir?: string };
}

export interface Roster {
  db: Db;
  /** The console's log in the data folder (logs/roster.log). */
  log: LogFile;
  events: EventBus;
  dispatcher: Dispatcher;
  profiles: ProfileService;
  imports: ImportService;
  sync: SyncEngine;
  invites: InviteService;
  conflicts: ConflictService;
  /** The updater: the machine's, whichever organisation is open. */
  updates: UpdateService;
  close(): void;
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

/** The console language kept in a replica by earlier versions; a value this version does not know counts as no choice. */
function storedLanguage(db: Db): ConsoleLanguage | null {
  const value = settingsRepo.get(db, LANGUAGE_SETTING);
  return isConsoleLanguage(value) ? value : null;
}

/**
 * The composition root shared by the Electron entry and the browser host: the
 * workspace. It keeps each organisation's data in its own folder (see
 * organisations.ts), opens the one in use and moves between them; the
 * dispatcher and the events stay the same across a move, so the window and
 * the browser host never notice.
 */
export function openRoster(options: RosterOptions): Roster {
  try {
    prepareDataDir(options.dataDir);
  } catch (error) {
    throw openFailure(error, databaseFile(options.dataDir));
  }
  const log = openLogFile(options.dataDir, { now: () => options.clock?.now() ?? new Date() });
  const warn = (message: string): void => {
    log.write('warn', message);
    (options.warn ?? console.warn)(message);
  };
  log.write('info', `Roster ${options.version} (${options.mode}) starting`);
  let registry = readRegistry(options.dataDir, warn);
  const save = (next: Registry): void => {
    registry = next;
    writeRegistry(options.dataDir, next);
  };
  const events = new EventBus();
  const switcher = options.sync?.switcher ?? createHttpTransport();
  const sso = new SsoSignIn({ transport: options.sync?.sso?.transport ?? createSsoTransport(), loopback: options.sync?.sso?.loopback ?? createLoopback(), ...(options.sync?.sso?.waitMs === undefined ? {} : { waitMs: options.sync.sso.waitMs }) });
  /** What holds an update back: changes waiting to be sent, an import open (in the organisation open now). */
  const blockers = (): UpdateBlocker[] => [
    ...(current.sync.status().waiting.mutations > 0 ? (['sync'] as const) : []),
    ...(current.imports.busy() !== null ? (['import'] as const) : []),
  ];
  const updates = openUpdates({
    options: options.updates ?? {},
    dataDir: options.dataDir,
    version: options.version,
    clock: options.clock ?? { now: () => new Date() },
    blockers,
    log: (level, message) => {
      log.write(level, message);
    },
  });
  const absolute = (dir: string): string => (dir === '' ? options.dataDir : join(options.dataDir, dir));

  const shared: PlaceShared = {
    options: { ...options, warn },
    log,
    events,
    suggestedServerUrl: suggestion(options.suggestedServerUrl, warn),
    language: {
      get: (db) => registry.language ?? storedLanguage(db),
      set: (db, language) => {
        settingsRepo.set(db, LANGUAGE_SETTING, language);
        save({ ...registry, language });
      },
    },
    workspace: {
      'sync:connect': async ({ serverUrl, email, password, organisationId }) => {
        await dropPending();
        const bound = current.sync.status().organisation;
        const signed = await current.sync.signIn(serverUrl, email, password, organisationId);
        let session = signed.session;
        // Signing in again on a console that works for one of the account's organisations keeps it there.
        if (organisationId === undefined && bound !== null && session.organisation.organisationId !== bound.id && session.memberships.some((m) => m.organisationId === bound.id)) {
          session = await switchSession(signed.url, session.token, bound.id);
          await current.sync.endSession(signed.url, signed.session.token);
        }
        return openSession(signed.url, session);
      },
      'sync:signIn': async ({ serverUrl, email, password }) => {
        await dropPending();
        return outcomeOf(await current.sync.signIn(serverUrl, email, password));
      },
      'sync:ssoBegin': async ({ serverUrl, organisationId, language }) => {
        await dropPending();
        return sso.begin(serverUrl, organisationId, language);
      },
      'sync:ssoFinish': async () => outcomeOf(await sso.finish()),
      'sync:ssoCancel': async () => ({ cancelled: await sso.cancel() }),

      'sync:chooseOrganisation': async ({ organisationId }) => {
        const waiting = pending;
        if (waiting === null) throw ruleError('UNAUTHORIZED', rule('sync_sign_in_first', {}));
        if (!waiting.session.memberships.some((m) => m.organisationId === organisationId)) throw ruleError('NOT_FOUND', rule('organisation_not_yours', { url: waiting.url }));
        // Taken while it is being opened: a second choice at the same time finds none.
        pending = null;
        let session = waiting.session;
        try {
          if (session.organisation.organisationId !== organisationId) {
            session = await switchSession(waiting.url, waiting.session.token, organisationId);
            await current.sync.endSession(waiting.url, waiting.session.token);
          }
          return openSession(waiting.url, session);
        } catch (error) {
          // Not opened (the server refused, or an import is still at work here): the choice can be made again, or cancelled.
          pending = { url: waiting.url, session };
          throw error;
        }
      },
      'sync:cancelSignIn': async () => {
        const had = pending !== null;
        await dropPending();
        return { cancelled: had };
      },
      'sync:organisations': () => view(),
      'app:restoreBackup': ({ name }) => restore(name),
      'app:updates': () => updates.status(),
      'app:checkUpdates': () => updates.check(),
      'app:downloadUpdate': () => updates.download(),
      'app:installUpdate': () => updates.install(),
      'app:setAutoUpdates': ({ automatic }) => updates.setAutomatic(automatic),
      'sync:switchOrganisation': async ({ organisationId }) => {
        if (current.sync.status().organisation?.id === organisationId) return view();
        const known = registry.places.find((p) => p.organisationId === organisationId);
        if (known !== undefined) {
          moveTo(known);
          return view();
        }
        // Never opened on this console: the server opens a session in it for the same account.
        const credentials = current.sync.credentials();
        if (credentials === null) throw ruleError('UNAUTHORIZED', rule('organisation_switch_signed_out', {}));
        openSession(credentials.url, await switchSession(credentials.url, credentials.token, organisationId));
        return view();
      },
    },
  };

  /** What a sign-in (password or SSO) leads to: its organisation opened, or, for an admin of several, the choice asked first. */
  function outcomeOf(signed: { url: string; session: SignInResponse }): SignInOutcome {
    const bound = current.sync.status().organisation;
    const memberships = signed.session.memberships;
    if (memberships.length < 2) return { kind: 'signedIn', status: openSession(signed.url, signed.session) };
    // Several: nothing is kept until the person chooses; the session the server gave waits here (in memory only).
    pending = { url: signed.url, session: signed.session };
    const organisations = memberships
      .map((m): OrganisationChoice => ({ organisationId: m.organisationId, name: m.organisationName, role: m.role, local: registry.places.some((p) => p.organisationId === m.organisationId), current: m.organisationId === bound?.id }))
      .sort((a, b) => a.name.localeCompare(b.name));
    const preselected = organisations.find((o) => o.current)?.organisationId ?? null;
    return { kind: 'choose', serverUrl: signed.url, account: signed.session.account.email, organisations, preselected };
  }

  /** A sign-in waiting for its person to choose the organisation to open: the server's session, not kept yet. */
  let pending: { url: string; session: SignInResponse } | null = null;

  /** Drops the sign-in waiting for a choice, ending its session on the server (best effort: offline, it expires there). */
  async function dropPending(): Promise<void> {
    const waiting = pending;
    pending = null;
    if (waiting !== null) await current.sync.endSession(waiting.url, waiting.session.token);
  }

  /** Keeps a session the server gave: its organisation's own data opened (moving to it), the session kept, the account's organisations noted. */
  function openSession(url: string, session: SignInResponse): SyncStatus {
    const bound = current.sync.status().organisation;
    const target = session.organisation;
    if (bound !== null && bound.id !== target.organisationId) {
      const known = registry.places.find((p) => p.organisationId === target.organisationId);
      moveTo(known ?? { organisationId: target.organisationId, name: target.organisationName, role: target.role, dir: placeDirOf(target.organisationId) });
    }
    const status = current.sync.adopt(url, session);
    save({
      ...withPlace(registry, { organisationId: target.organisationId, name: target.organisationName, role: target.role, dir: registry.active }),
      memberships: { serverUrl: url, account: session.account.email, list: session.memberships },
    });
    return status;
  }

  /** A session in another organisation of the signed-in account, the server's refusals in words. */
  async function switchSession(url: string, token: string, organisationId: string): Promise<SignInResponse> {
    try {
      return await switcher.switchOrganisation(url, token, organisationId);
    } catch (error) {
      if (error instanceof TransportError && error.kind === 'network') throw ruleError('NETWORK', rule('server_unreachable', { url, detail: error.message }));
      if (error instanceof TransportError && error.status === 404) throw ruleError('NOT_FOUND', rule('organisation_not_yours', { url }));
      if (error instanceof TransportError && error.status === 401) throw ruleError('UNAUTHORIZED', rule('sync_sign_in_first', {}));
      throw ruleError('FORBIDDEN', rule('organisation_switch_refused', { detail: error instanceof Error ? error.message : String(error) }));
    }
  }

  /** Closes the organisation in use and opens another (its folder made when new); nothing of one is ever read in the other. */
  function moveTo(target: Place): void {
    const job = current.imports.busy();
    if (job !== null) throw ruleError('VALIDATION_FAILED', rule('organisation_switch_busy', { organisation: current.sync.status().organisation?.name ?? '' }));
    let next: OpenPlace;
    try {
      next = openPlace(shared, absolute(target.dir));
    } catch (error) {
      // The organisation in use stays open; the person reads why the other could not be.
      if (error instanceof StartupError) throw new AppError('INTERNAL', startupFailureText(error, error.dataFile));
      throw error;
    }
    const previous = current;
    current = next;
    previous.close();
    save({ ...registry, active: target.dir });
    note(target);
    events.changed([...CHANGE_TOPICS]);
  }

  /**
   * Puts a copy in place of the data file in use and opens it. The file it
   * replaces is set aside beside it; if the copy cannot be opened, that file
   * goes back and stays open as it was.
   */
  function restore(name: string): { restored: string; setAside: string | null } {
    if (current.imports.busy() !== null) throw ruleError('VALIDATION_FAILED', rule('backup_restore_busy', {}));
    const dir = absolute(registry.active);
    const file = databaseFile(dir);
    const copy = listBackups(dir).find((b) => b.name === name);
    if (copy === undefined) throw ruleError('NOT_FOUND', rule('backup_missing', { name }));
    if (checkIntegrity(copy.path, options.nativeBinding) !== 'ok') throw ruleError('VALIDATION_FAILED', rule('backup_damaged', { name }));
    current.close();
    let setAside: string | null = null;
    try {
      setAside = restoreBackup(file, dir, name, options.clock?.now() ?? new Date(), options.nativeBinding).setAside;
      current = openPlace(shared, dir);
    } catch (error) {
      if (setAside !== null) putBack(file, setAside);
      current = openPlace(shared, dir);
      log.write('error', `Restoring ${name} failed: ${error instanceof Error ? error.message : String(error)}`);
      throw ruleError('INTERNAL', rule('backup_restore_failed', { name, detail: error instanceof Error ? error.message : String(error) }));
    }
    log.write('info', `Restored the data file from ${name}.`);
    note();
    events.changed([...CHANGE_TOPICS]);
    return { restored: name, setAside };
  }

  /** Keeps the list true to the organisation in use: its name and role as its replica knows them (a first start after an upgrade lists it). */
  function note(fallback?: Place): void {
    const org = current.sync.status().organisation;
    const place: Place | undefined = org === null ? fallback : { organisationId: org.id, name: org.name, role: org.role, dir: registry.active };
    if (place === undefined) return;
    const listed = registry.places.find((p) => p.dir === place.dir);
    if (listed?.organisationId === place.organisationId && listed.name === place.name && listed.role === place.role) return;
    save(withPlace(registry, place));
  }

  /** The organisations to offer: those kept here (openable offline) and those the server said the account administers. */
  function view(): OrganisationsView {
    const here = current.sync.status().organisation?.id ?? null;
    const byId = new Map<string, OrganisationChoice>();
    for (const m of registry.memberships?.list ?? []) {
      byId.set(m.organisationId, { organisationId: m.organisationId, name: m.organisationName, role: m.role, local: false, current: m.organisationId === here });
    }
    for (const p of registry.places) {
      byId.set(p.organisationId, { organisationId: p.organisationId, name: p.name, role: p.role, local: true, current: p.organisationId === here });
    }
    return { organisations: [...byId.values()].sort((a, b) => a.name.localeCompare(b.name)) };
  }

  let current: OpenPlace = openPlace(shared, absolute(registry.active));
  note();
  updates.start();
  const dispatcher: Dispatcher = { dispatch: (name, args) => current.dispatcher.dispatch(name, args) };
  return {
    events,
    dispatcher,
    log,
    get db() {
      return current.db;
    },
    get profiles() {
      return current.profiles;
    },
    get imports() {
      return current.imports;
    },
    get sync() {
      return current.sync;
    },
    get invites() {
      return current.invites;
    },
    get conflicts() {
      return current.conflicts;
    },
    updates,
    close: () => {
      updates.stop();
      // A sign-in left waiting for a choice ends on the server too.
      void dropPending();
      void sso.cancel();
      current.close();
    },
  };
}
