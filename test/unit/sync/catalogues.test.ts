import { describe, expect, it } from 'vitest';
import { SyncEngine } from '../../../src-main/core/sync/engine';
import { TransportError } from '../../../src-main/core/sync/ports';
import type { CatalogueEntry } from '../../../src-shared/attributes';
import type { CatalogueList } from '../../../src-shared/wire';
import { CountingIds, FakeClock, FakeTimers, InstantIndexes, MemoryReplica, MemorySecrets, RecordingEvents, ScriptedServer } from './fakes';

const URL = 'https://roster.example.com';
const entry = (n: number, code: string, version = 1): CatalogueEntry => ({
  id: `40000000-0000-4000-8000-00000000000${n}`,
  kind: 'accessRight',
  code,
  name: `${code} name`,
  description: '',
  seats: null,
  version,
  createdAt: '2026-03-01T10:00:00.000Z',
  updatedAt: '2026-03-01T10:00:00.000Z',
});

/** A server that also lists its catalogues (or fails to, as told). */
class CatalogueServer extends ScriptedServer {
  listed = 0;
  list: CatalogueList | Error = { entries: [], requiredAttributes: [] };
  catalogues(): Promise<CatalogueList> {
    this.listed++;
    return this.list instanceof Error ? Promise.reject(this.list) : Promise.resolve(this.list);
  }
}

async function setup(cursor: string) {
  const clock = new FakeClock();
  const db = new MemoryReplica();
  const server = new CatalogueServer();
  const engine = new SyncEngine({
    replica: db.replica,
    store: db.store,
    transport: server,
    secrets: new MemorySecrets(),
    clock,
    ids: new CountingIds(),
    events: new RecordingEvents(),
    timers: new FakeTimers(clock),
    indexes: new InstantIndexes(db),
  });
  await engine.connect(URL, 'admin@example.com', 'secret');
  db.store.saveState({ cursor });
  return { db, server, engine };
}

describe('the console keeps the catalogues', () => {
  it('a replica synced before catalogues (its cursor past them) gets them listed once, then only from the pull', async () => {
    const { db, server, engine } = await setup('57');
    db.store.putEntry(entry(9, 'STALE'));
    server.list = { entries: [{ ...entry(1, 'CAR'), profiles: 0 }, { ...entry(2, 'BIKE'), profiles: 3 }], requiredAttributes: [] };
    await engine.syncNow();
    expect(server.listed).toBe(1);
    expect(db.replica.catalogues.list().map((e) => e.code).sort()).toEqual(['BIKE', 'CAR']);
    expect(db.store.state().catalogues).toBe(true);
    server.pages = [{ changes: [{ op: 'entry', entry: entry(1, 'CAR-B', 2), deleted: false }, { op: 'entry', entry: entry(2, 'BIKE', 2), deleted: true }], cursor: '60', hasMore: false, serverTime: '2026-03-02T09:00:00.000Z' }];
    await engine.syncNow();
    expect(server.listed).toBe(1);
    expect(db.replica.catalogues.list().map((e) => [e.code, e.version])).toEqual([['CAR-B', 2]]);
  });

  it('a replica starting from the beginning takes them from the pull, without listing them', async () => {
    const { db, server, engine } = await setup('0');
    server.pages = [{ changes: [{ op: 'entry', entry: entry(1, 'CAR'), deleted: false }], cursor: '3', hasMore: false, serverTime: '2026-03-02T09:00:00.000Z' }];
    await engine.syncNow();
    expect(server.listed).toBe(0);
    expect(db.replica.catalogues.list().map((e) => e.code)).toEqual(['CAR']);
    expect(db.store.state().catalogues).toBe(true);
  });

  it('a server from before catalogues (no such route) has none: the sync goes on', async () => {
    const { db, server, engine } = await setup('57');
    server.list = new TransportError('http', 'No route GET /api/v1/catalogues.', 404, 'NOT_FOUND');
    const status = await engine.syncNow();
    expect(status.lastError).toBeNull();
    expect(db.store.state().catalogues).toBe(true);
    expect(db.replica.catalogues.list()).toEqual([]);
  });

  it('any other failure to list them fails the sync, and they are asked for again next time', async () => {
    const { db, server, engine } = await setup('57');
    server.list = new TransportError('http', 'Something went wrong on the server.', 500, 'INTERNAL');
    expect((await engine.syncNow()).lastError).not.toBeNull();
    expect(db.store.state().catalogues).toBe(false);
    server.list = { entries: [{ ...entry(1, 'CAR'), profiles: 0 }], requiredAttributes: [] };
    expect((await engine.syncNow()).lastError).toBeNull();
    expect(db.replica.catalogues.list().map((e) => e.code)).toEqual(['CAR']);
  });
});
