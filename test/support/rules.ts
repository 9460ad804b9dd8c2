import { afterAll, beforeAll, expect } from 'vitest';
import type { RosterServer } from '../../src-server/app';
import type { CatalogueEntry, CatalogueKind } from '../../src-shared/attributes';
import type { AssignmentRule } from '../../src-shared/assignment-rules';
import type { PushResponse } from '../../src-shared/wire';
import { build } from './roster-server';
import type { Backend, TestOrg, TestServer } from './roster-server';

/** A successful API answer. */
export interface Ok<T> {
  ok: true;
  data: T;
}

/** A catalogue entry to add: its kind, its code (also its name) and, for a licence, its seats. */
type EntrySpec = readonly [kind: CatalogueKind, code: string, seats?: number];

/**
 * What the rules tests stand on: a server (built before the describe's tests,
 * closed after them) with the calls every one of them makes, each checked to
 * succeed: add catalogue entries, save a rule, push mutations.
 */
export interface RulesServer {
  request: TestServer['request'];
  organisation: TestServer['organisation'];
  member: TestServer['member'];
  /** The running server (its database, for a test that reaches past the API). */
  readonly server: RosterServer;
  add: (org: TestOrg, kind: CatalogueKind, code: string, seats?: number) => Promise<CatalogueEntry>;
  /** A new organisation with these catalogue entries, added in the order given. */
  organisationWith: <K extends string>(entries: Record<K, EntrySpec>) => Promise<{ org: TestOrg } & Record<K, CatalogueEntry>>;
  addRule: (org: TestOrg, draft: Record<string, unknown>) => Promise<AssignmentRule>;
  push: (org: TestOrg, mutations: unknown[], imports?: unknown[]) => Promise<PushResponse['results']>;
}

/** The server for a describe block of rules tests on `backend`; call it in the block's body. */
export function rulesServer(backend: Backend): RulesServer {
  let built: TestServer | undefined;
  beforeAll(async () => {
    built = await build(backend);
  });
  afterAll(async () => {
    await built?.close();
  });
  const t = (): TestServer => {
    if (built === undefined) throw new Error('the rules server is used before it is built (outside a test)');
    return built;
  };
  const add = async (org: TestOrg, kind: CatalogueKind, code: string, seats?: number): Promise<CatalogueEntry> => {
    const res = await t().request<Ok<CatalogueEntry>>('POST', '/api/v1/catalogues', { token: org.token, body: { kind, draft: { code, name: code, seats } } });
    expect(res.status, res.text).toBe(200);
    return res.body.data;
  };
  return {
    request: <T,>(method: string, path: string, options?: Parameters<TestServer['request']>[2]) => t().request<T>(method, path, options),
    organisation: (name) => t().organisation(name),
    member: (org, role) => t().member(org, role),
    get server() {
      return t().server;
    },
    add,
    organisationWith: async <K extends string>(entries: Record<K, EntrySpec>) => {
      const org = await t().organisation();
      const added: Partial<Record<K, CatalogueEntry>> = {};
      for (const [name, [kind, code, seats]] of Object.entries(entries) as [K, EntrySpec][]) added[name] = await add(org, kind, code, seats);
      return { org, ...(added as Record<K, CatalogueEntry>) };
    },
    addRule: async (org, draft) => {
      const res = await t().request<Ok<AssignmentRule>>('POST', '/api/v1/rules', { token: org.token, body: { draft } });
      expect(res.status, res.text).toBe(200);
      return res.body.data;
    },
    push: async (org, mutations, imports) => {
      const res = await t().request<Ok<PushResponse>>('POST', '/api/v1/sync/push', { token: org.token, body: { clientId: 'console-1', mutations, imports } });
      expect(res.status, res.text).toBe(200);
      return res.body.data.results;
    },
  };
}
