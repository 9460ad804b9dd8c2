import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS, build, createMutation, inviteMutation } from '../../support/roster-server';
import type { TestServer } from '../../support/roster-server';

const CHILD = join(import.meta.dirname, '..', '..', 'support', 'outbox-worker-child.ts');
const N = 6;

interface Ok<T> {
  ok: true;
  data: T;
}

/** Starts the worker child; resolves with its exit (code or signal). */
function startChild(t: TestServer, extra: Record<string, unknown>): { child: ChildProcess; exited: Promise<{ code: number | null; signal: string | null; stderr: string }> } {
  const env = {
    ...process.env,
    ROSTER_CHILD_WORKER: JSON.stringify({ dataDir: t.dataDir, databaseUrl: t.databaseUrl, smtpUrl: t.sink.url, publicBaseUrl: t.server.publicBaseUrl, leaseMs: 1500, ...extra }),
  };
  const child = spawn(process.execPath, ['--import', 'tsx', CHILD], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<{ code: number | null; signal: string | null; stderr: string }>((resolve) => {
    child.on('exit', (code, signal) => {
      resolve({ code, signal, stderr });
    });
  });
  children.push(child);
  return { child, exited };
}

const children: ChildProcess[] = [];

describe.each(BACKENDS)('mail worker killed mid-send on %s', (backend) => {
  let t: TestServer;
  beforeAll(async () => {
    // The server's own worker is off: the workers under test are child processes.
    t = await build(backend, { config: { worker: { enabled: false, pollIntervalMs: 100, batchSize: 50, leaseMs: 1500, retryBaseMs: 50, retryMaxMs: 200 } } });
  });
  afterAll(async () => {
    await t.close();
  });
  afterEach(() => {
    // Only the children this file started, by their pid.
    for (const c of children.splice(0)) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
    t.sink.setOptions({});
  });

  async function queueInvitations(tag: string): Promise<string[]> {
    const org = await t.organisation();
    const creates = Array.from({ length: N }, (_, i) => createMutation({ email: `${tag}${i}@crash.example.com` }));
    const res = await t.request<Ok<unknown>>('POST', '/api/v1/sync/push', { token: org.token, body: { clientId: 'crash-console', mutations: [...creates, inviteMutation(creates.map((c) => c.entityId))] } });
    expect(res.status).toBe(200);
    return creates.map((c) => c.payload.values.email);
  }

  const outboxStates = async (emails: string[]) =>
    (await t.server.db.db.selectFrom('mail_outbox').select(['recipient', 'state']).where('recipient', 'in', emails).execute()).map((r) => r.state).sort();

  const received = (emails: string[]) => t.sink.messages.filter((m) => emails.includes(m.envelopeTo[0] ?? ''));

  it('killed (SIGKILL from outside) while the SMTP server holds its 250 for a message: the restart sends the rest, never that one again', async () => {
    const emails = await queueInvitations('hold');
    let release: () => void = () => undefined;
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    let reachedHold: () => void = () => undefined;
    const atHold = new Promise<void>((resolve) => {
      reachedHold = resolve;
    });
    let accepted = 0;
    t.sink.setOptions({
      beforeAccept: async () => {
        accepted++;
        if (accepted === 3) {
          reachedHold();
          await held;
        }
        return undefined;
      },
    });
    const first = startChild(t, {});
    await atHold;
    first.child.kill('SIGKILL');
    const exit = await first.exited;
    expect(exit.signal).toBe('SIGKILL');
    release();

    const second = startChild(t, {});
    const done = await second.exited;
    expect(done.code, done.stderr).toBe(0);
    const mail = received(emails);
    // Exactly one email per invitation: the held one arrived once (its data was complete), none twice.
    expect(mail).toHaveLength(N);
    expect(new Set(mail.map((m) => m.envelopeTo[0])).size).toBe(N);
    expect(t.sink.duplicates()).toEqual([]);
    // The one the first worker never heard back about is reported, not re-sent.
    expect(await outboxStates(emails)).toEqual([...Array<string>(N - 1).fill('sent'), 'unknown'].sort());
  });

  it('killed after writing a message but before its end-of-data marker: the restart sends it, once', async () => {
    const emails = await queueInvitations('cut');
    const first = startChild(t, { crash: { step: 'beforeHanded', at: 3 } });
    const exit = await first.exited;
    expect(exit.signal).toBe('SIGKILL');
    expect(received(emails)).toHaveLength(2);
    const second = startChild(t, {});
    const done = await second.exited;
    expect(done.code, done.stderr).toBe(0);
    const mail = received(emails);
    expect(mail).toHaveLength(N);
    expect(new Set(mail.map((m) => m.envelopeTo[0])).size).toBe(N);
    expect(await outboxStates(emails)).toEqual(Array<string>(N).fill('sent'));
  });

  it('killed right after recording "handed": the message is never sent twice', async () => {
    const emails = await queueInvitations('handed');
    const first = startChild(t, { crash: { step: 'afterHanded', at: 2 } });
    expect((await first.exited).signal).toBe('SIGKILL');
    const second = startChild(t, {});
    const done = await second.exited;
    expect(done.code, done.stderr).toBe(0);
    const mail = received(emails);
    const perRecipient = new Map<string, number>();
    for (const m of mail) perRecipient.set(m.envelopeTo[0] ?? '', (perRecipient.get(m.envelopeTo[0] ?? '') ?? 0) + 1);
    expect([...perRecipient.values()].every((n) => n === 1)).toBe(true);
    // The second message was handed but its end marker never left: it is parked (at most once), the rest sent.
    expect(mail).toHaveLength(N - 1);
    expect(await outboxStates(emails)).toEqual([...Array<string>(N - 1).fill('sent'), 'unknown'].sort());
  });

  it('a 4xx answer after the data is retried with backoff, and delivered once', async () => {
    const emails = await queueInvitations('retry');
    let refused = 0;
    t.sink.setOptions({
      beforeAccept: () => {
        if (refused < 2) {
          refused++;
          return 451;
        }
        return undefined;
      },
    });
    const worker = startChild(t, {});
    const done = await worker.exited;
    expect(done.code, done.stderr).toBe(0);
    expect(refused).toBe(2);
    expect(received(emails)).toHaveLength(N);
    expect(await outboxStates(emails)).toEqual(Array<string>(N).fill('sent'));
  });
});
