import { expect } from 'vitest';
import type { ChannelName, RequestOf, ResponseOf } from '../../../src-shared/contract';
import type { Profile } from '../../../src-shared/profile';
import { valuesOf } from '../../../src-shared/profile-values';
import type { PullResponse } from '../../../src-shared/wire';

export interface ServerView {
  /** Live profiles by id. */
  live: Map<string, Profile>;
  /** Ids deleted on the server. */
  deleted: Set<string>;
}

/** The server's whole state for one organisation: a pull from cursor 0 with an owner token, every page. */
export async function serverView(baseUrl: string, token: string): Promise<ServerView> {
  const live = new Map<string, Profile>();
  const deleted = new Set<string>();
  let cursor = '0';
  for (;;) {
    const res = await fetch(`${baseUrl}/api/v1/sync/pull?cursor=${encodeURIComponent(cursor)}&limit=5000`, { headers: { Authorization: `Bearer ${token}` } });
    const body = (await res.json()) as { ok: boolean; data: PullResponse };
    if (!body.ok) throw new Error(`pull failed: ${res.status} ${JSON.stringify(body)}`);
    for (const change of body.data.changes) {
      if (change.op === 'upsert') {
        live.set(change.profile.id, change.profile);
        deleted.delete(change.profile.id);
      } else if (change.op === 'delete') {
        live.delete(change.id);
        deleted.add(change.id);
      }
    }
    cursor = body.data.cursor;
    if (!body.data.hasMore) return { live, deleted };
  }
}

export async function signInToken(baseUrl: string, email: string, password: string): Promise<string> {
  const res = await fetch(`${baseUrl}/api/v1/auth/sign-in`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ email, password }) });
  const body = (await res.json()) as { ok: boolean; data?: { token: string } };
  if (!body.ok || body.data === undefined) throw new Error(`sign-in failed: ${res.status} ${JSON.stringify(body)}`);
  return body.data.token;
}

/** What must be equal between a replica and the server: id, values, version and status. */
export const comparable = (p: Profile): Record<string, unknown> => ({
  id: p.id,
  ...valuesOf(p),
  version: p.version,
  status: p.status === 'expired' ? 'pending' : p.status,
  invitedAt: p.invitedAt,
});

export const byId = (a: { id: string }, b: { id: string }): number => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

/** Emails that occur more than once (case-insensitive). */
export function duplicates(values: readonly string[]): string[] {
  const seen = new Map<string, number>();
  for (const v of values) seen.set(v.toLowerCase(), (seen.get(v.toLowerCase()) ?? 0) + 1);
  return [...seen].filter(([, n]) => n > 1).map(([v]) => v);
}

/** A console the tests talk to: in-process (TestConsole) or a host process over its API. */
export interface Caller {
  call<N extends ChannelName>(name: N, args: RequestOf<N>): Promise<ResponseOf<N>>;
}

/** Every profile in a console's replica, by id, through its list API (pages of 500). */
export async function allLocal(c: Caller): Promise<Profile[]> {
  const rows: Profile[] = [];
  for (let offset = 0; ; ) {
    const page = await c.call('profiles:list', { query: {}, offset, limit: 500 });
    rows.push(...page.rows);
    offset += page.rows.length;
    if (page.rows.length === 0 || offset >= page.total) return rows.sort(byId);
  }
}

/** The console holds exactly the server's live profiles (ids, values, versions, statuses). */
export async function expectConverged(c: Caller, live: Map<string, Profile>): Promise<void> {
  const local = new Map((await allLocal(c)).map((p) => [p.id, comparable(p)]));
  const remote = new Map([...live.values()].map((p) => [p.id, comparable(p)]));
  const differing = [...new Set([...local.keys(), ...remote.keys()])]
    .filter((id) => JSON.stringify(local.get(id)) !== JSON.stringify(remote.get(id)))
    .map((id) => ({ id, local: local.get(id), server: remote.get(id) }));
  expect(differing).toEqual([]);
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
