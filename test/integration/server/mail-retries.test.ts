import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../../src-server/services/context';
import { BACKENDS, build, createMutation, inviteMutation } from '../../support/roster-server';
import type { TestOrg, TestServer } from '../../support/roster-server';
import { until } from '../../support/until';

interface Attention {
  id: string;
  recipient: string;
  state: string;
  delivery: string;
  lastError: string | null;
  attempts: number;
  nextAttemptAt: string | null;
}
interface MailView {
  counts: Record<string, number>;
  attention: Attention[];
}

/** The server's JSON log lines, as an operator's log collector would get them. */
class LogLines {
  readonly lines: string[] = [];
  write(line: string): void {
    this.lines.push(line);
  }
  records(): { level: number; msg: string; outboxId?: string; reason?: string; to?: string }[] {
    return this.lines.map((l) => JSON.parse(l) as { level: number; msg: string; outboxId?: string; reason?: string });
  }
  warnings(msg: string): { outboxId?: string; reason?: string; to?: string }[] {
    return this.records().filter((r) => r.level === 40 && r.msg === msg);
  }
}

const RETRYING = 'mail delivery failed for now; will retry';
const GAVE_UP = 'mail delivery failed for good; an admin can retry it (POST /api/v1/mail/:id/retry)';

async function invite(t: TestServer, org: TestOrg, emails: string[]): Promise<string[]> {
  const creates = emails.map((email) => createMutation({ email }));
  const res = await t.request('POST', '/api/v1/sync/push', { token: org.token, body: { clientId: 'mail-test', mutations: [...creates, inviteMutation(creates.map((c) => c.entityId))] } });
  expect(res.status, res.text).toBe(200);
  return creates.map((c) => c.entityId);
}

async function mailView(t: TestServer, org: TestOrg): Promise<MailView> {
  const res = await t.request<{ ok: true; data: MailView }>('GET', '/api/v1/mail', { token: org.token });
  expect(res.status, res.text).toBe(200);
  return res.body.data;
}

const rows = (t: TestServer) => t.server.db.db.selectFrom('mail_outbox').selectAll().orderBy('recipient').execute();

describe.each(BACKENDS)('mail delivery when the relay refuses, on %s', (backend) => {
  it('retries 421/451 refusals until the relay accepts: every message once, none failed, one warning per failed attempt, no token in the log', async () => {
    const log = new LogLines();
    let refusedConnections = 0;
    let refusedData = 0;
    const t = await build(backend, {
      logStream: log,
      config: { logLevel: 'warn', publicBaseUrl: 'https://roster.example.org' },
      sink: {
        // The first two connections are turned away at the greeting, then the first three messages at the end of their data.
        onConnect: (i) => (i < 2 ? (refusedConnections++, 421) : undefined),
        beforeAccept: ({ index }) => (index < 3 ? (refusedData++, 451) : undefined),
      },
    });
    try {
      const org = await t.organisation();
      const emails = ['a.retry@example.com', 'b.retry@example.com', 'c.retry@example.com'];
      await invite(t, org, emails);
      await t.sink.waitFor(3);
      const settled = await until('all sent', async () => {
        const all = await rows(t);
        return all.every((r) => r.state === 'sent') ? all : undefined;
      });
      expect(refusedConnections).toBe(2);
      expect(refusedData).toBe(3);
      for (const email of emails) expect(t.sink.to(email)).toHaveLength(1);
      expect(t.sink.duplicates()).toEqual([]);
      expect(settled.map((r) => r.state)).toEqual(['sent', 'sent', 'sent']);
      // One warning per failed attempt of each message, naming it and the reason.
      const warnings = log.warnings(RETRYING);
      const failedAttempts = settled.reduce((n, r) => n + r.attempts - 1, 0);
      expect(failedAttempts).toBeGreaterThanOrEqual(3);
      expect(warnings).toHaveLength(failedAttempts);
      for (const r of settled) expect(warnings.filter((w) => w.outboxId === r.id)).toHaveLength(r.attempts - 1);
      expect(warnings.some((w) => /421/.test(w.reason ?? ''))).toBe(true);
      expect(warnings.some((w) => /451/.test(w.reason ?? ''))).toBe(true);
      expect(log.warnings(GAVE_UP)).toEqual([]);
      // The links went out, yet no log line carries one.
      const tokens = t.sink.messages.map((m) => /\/invite\/([A-Za-z0-9_-]+)/.exec(m.text)?.[1]);
      expect(tokens.every((tok) => tok !== undefined)).toBe(true);
      for (const line of log.lines) {
        expect(line).not.toContain('/invite/');
        for (const tok of tokens) expect(line).not.toContain(tok);
      }
      expect((await mailView(t, org)).attention).toEqual([]);
    } finally {
      await t.close();
    }
  });

  it('fails a message the relay refuses with 550 at once, with the reason, and lists it for attention; the others go', async () => {
    const log = new LogLines();
    const t = await build(backend, {
      logStream: log,
      config: { logLevel: 'warn' },
      sink: { onRcptTo: (address) => (address === 'nobody@example.com' ? 550 : undefined) },
    });
    try {
      const org = await t.organisation();
      await invite(t, org, ['nobody@example.com', 'somebody@example.com']);
      await t.sink.waitFor(1);
      const failed = await until('the refused one failed', async () => (await rows(t)).find((r) => r.recipient === 'nobody@example.com' && r.state === 'failed'));
      expect(failed.attempts).toBe(1);
      expect(failed.last_error).toMatch(/550/);
      const view = await mailView(t, org);
      expect(view.attention).toHaveLength(1);
      expect(view.attention[0]).toMatchObject({ id: failed.id, recipient: 'nobody@example.com', state: 'failed', delivery: 'failed', attempts: 1, nextAttemptAt: null });
      expect(view.attention[0]?.lastError).toMatch(/550/);
      expect(log.warnings(GAVE_UP).map((w) => w.outboxId)).toEqual([failed.id]);
      expect(log.warnings(RETRYING)).toEqual([]);
      expect(t.sink.to('somebody@example.com')).toHaveLength(1);
      expect(t.sink.to('nobody@example.com')).toHaveLength(0);
    } finally {
      await t.close();
    }
  });

  it('shows a failing message for attention from its first failed attempt, and clears it once it goes', async () => {
    let refuse = true;
    const t = await build(backend, { sink: { onRcptTo: () => (refuse ? 451 : undefined) } });
    try {
      const org = await t.organisation();
      await invite(t, org, ['later@example.com']);
      const failing = await until('failing in the API', async () => (await mailView(t, org)).attention.find((a) => a.delivery === 'failing'));
      expect(failing).toMatchObject({ recipient: 'later@example.com', delivery: 'failing' });
      expect(failing.attempts).toBeGreaterThanOrEqual(1);
      expect(failing.lastError).toMatch(/451/);
      expect(failing.nextAttemptAt).not.toBeNull();
      refuse = false;
      await t.sink.waitFor(1);
      await until('attention empty', async () => ((await mailView(t, org)).attention.length === 0 ? true : undefined));
      expect(t.sink.to('later@example.com')).toHaveLength(1);
    } finally {
      await t.close();
    }
  });

  it('fails a message still refused when the retry period ends; an admin retries it with the same link and it goes', async () => {
    const clock = new ManualClock();
    const log = new LogLines();
    let refuse = true;
    const t = await build(backend, {
      clock,
      logStream: log,
      config: { logLevel: 'warn', mail: { retryForMs: 60_000, smtpName: undefined, smtpCaFile: undefined, smtpInsecureTls: false, dkim: undefined } },
      sink: { onRcptTo: () => (refuse ? 451 : undefined) },
    });
    try {
      const org = await t.organisation();
      const [profileId] = await invite(t, org, ['patient@example.com']);
      await until('first failure', async () => (await rows(t))[0]?.last_error ?? undefined);
      // Still failing 61 seconds later: the period is over, the message fails with a reason that says so.
      const failed = await until('failed after the period', async () => {
        clock.advance(10_000);
        const row = (await rows(t))[0];
        return row?.state === 'failed' ? row : undefined;
      });
      expect(failed.last_error).toMatch(/451.*still failing after 1 minute; no more attempts/s);
      expect(log.warnings(GAVE_UP).map((w) => w.outboxId)).toEqual([failed.id]);
      expect(log.warnings(RETRYING).length).toBe(failed.attempts - 1);
      expect(t.sink.messages).toEqual([]);

      const viewer = await t.member(org, 'viewer');
      const forbidden = await t.request('POST', `/api/v1/mail/${failed.id}/retry`, { token: viewer.token });
      expect(forbidden.status).toBe(403);
      const other = await t.organisation();
      const elsewhere = await t.request<{ ok: false; error: { message: string } }>('POST', `/api/v1/mail/${failed.id}/retry`, { token: other.token });
      expect(elsewhere.status).toBe(404);
      expect(elsewhere.body.error.message).toBe('No such email in this organisation.');

      refuse = false;
      const retried = await t.request<{ ok: true; data: { id: string; state: string } }>('POST', `/api/v1/mail/${failed.id}/retry`, { token: org.token });
      expect(retried.status, retried.text).toBe(200);
      expect(retried.body.data).toMatchObject({ id: failed.id, state: 'queued' });
      const [message] = await t.sink.waitFor(1);
      expect(message?.envelopeTo).toEqual(['patient@example.com']);
      // The link still works: it is the invitation's own.
      const link = /\/invite\/[A-Za-z0-9_-]+/.exec(message?.text ?? '')?.[0];
      expect(link).toBeDefined();
      const page = await t.request('GET', link ?? '');
      expect(page.status).toBe(200);
      const sent = await until('sent', async () => ((await rows(t))[0]?.state === 'sent' ? (await rows(t))[0] : undefined));
      expect(sent.sealed_token).toBeNull();
      expect((await mailView(t, org)).attention).toEqual([]);

      const again = await t.request<{ ok: false; error: { message: string } }>('POST', `/api/v1/mail/${failed.id}/retry`, { token: org.token });
      expect(again.status).toBe(400);
      expect(again.body.error.message).toBe('This email was sent: only a failing or failed email, or one whose delivery is unknown, can be retried.');
      expect(profileId).toBeDefined();
    } finally {
      await t.close();
    }
  });

  it('erases a failed message’s sealed link once its invitation is withdrawn by a new one, and refuses to retry it', async () => {
    const clock = new ManualClock();
    const t = await build(backend, {
      clock,
      config: { logLevel: 'warn', mail: { retryForMs: 60_000, smtpName: undefined, smtpCaFile: undefined, smtpInsecureTls: false, dkim: undefined } },
      sink: { onRcptTo: () => 550 },
    });
    try {
      const org = await t.organisation();
      const [profileId = ''] = await invite(t, org, ['gone@example.com']);
      const failed = await until('failed at once', async () => {
        const row = (await rows(t))[0];
        return row?.state === 'failed' ? row : undefined;
      });
      expect(failed.sealed_token).not.toBeNull();
      // Invited again (after the re-invitation cooldown): the first invitation is withdrawn, and its link with it.
      clock.advance(10 * 60_000);
      const again = await t.request('POST', '/api/v1/sync/push', { token: org.token, body: { clientId: 'mail-test', mutations: [inviteMutation([profileId])] } });
      expect(again.status, again.text).toBe(200);
      expect(again.text).toContain('"invited":["' + profileId + '"]');
      const first = (await rows(t)).find((r) => r.id === failed.id);
      expect(first).toMatchObject({ state: 'failed', sealed_token: null });
      const retry = await t.request('POST', `/api/v1/mail/${failed.id}/retry`, { token: org.token });
      expect(retry.status).toBe(400);
    } finally {
      await t.close();
    }
  });
});
