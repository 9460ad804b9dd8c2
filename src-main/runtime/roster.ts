import { randomUUID } from 'node:crypto';
import { createDispatcher } from '../core/api/dispatcher';
import type { Dispatcher } from '../core/api/dispatcher';
import { appHandlers } from '../core/api/app.handlers';
import { profileHandlers } from '../core/api/profiles.handlers';
import { EventBus } from '../core/events';
import { ProfileService } from '../core/profiles/service';
import type { Clock, IdSource } from '../core/ports';
import { openDatabase } from '../db/database';
import type { Db } from '../db/database';
import { migrate } from '../db/migrations';
import { createReplica } from '../db/replica';
import type { RunMode } from '../../src-shared/contract/app';
import { databaseFile } from './data-dir';

export interface RosterOptions {
  dataDir: string;
  mode: RunMode;
  version: string;
  openExternal: (url: string) => Promise<boolean>;
  nativeBinding?: string | undefined;
  clock?: Clock;
  ids?: IdSource;
}

export interface Roster {
  db: Db;
  events: EventBus;
  dispatcher: Dispatcher;
  profiles: ProfileService;
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
  const dispatcher = createDispatcher({
    ...appHandlers({
      info: () => ({ name: 'Roster', version: options.version, mode: options.mode, dataDir: options.dataDir, databaseFile: file, schemaVersion }),
      openExternal: options.openExternal,
    }),
    ...profileHandlers(profiles),
  });
  return {
    db,
    events,
    dispatcher,
    profiles,
    close: () => db.close(),
  };
}
