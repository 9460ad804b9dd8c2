import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Language } from '../../src-shared/languages';
import { toSingleLine } from '../../src-shared/text-safety';
import { LANGUAGES } from '../../src-shared/languages';
import { escapeHtml } from '../i18n';
import { PUBLIC_BODY_LIMIT } from '../lib/body-limits';
import { checkLoopbackRequest } from '../lib/host-guard';
import type { DevMailbox } from '../mail/dev-mailbox';
import { DbRateLimiter } from '../lib/rate-limit';
import { limitPublicForm, PAGE_HEADERS, renderForm, renderState, STATE_STATUS } from '../pages/render';
import type { ServerContext } from '../services/context';
import { acceptInvitation, inspectLink, passwordProblem } from '../services/invitations';
import { sourceOf } from '../services/audit';

const TOKEN = /^[A-Za-z0-9_-]{16,128}$/;

/** The reader's language from Accept-Language, for a link that names no profile. */
function preferredLanguage(request: FastifyRequest, fallback: Language): Language {
  const header = request.headers['accept-language'] ?? '';
  for (const part of header.split(',')) {
    const tag = part.split(';')[0]?.trim().toLowerCase() ?? '';
    const found = LANGUAGES.find((l) => l.slice(0, 2) === tag.slice(0, 2));
    if (found !== undefined) return found;
  }
  return fallback;
}

const sendPage = (reply: FastifyReply, status: number, html: string): FastifyReply => reply.status(status).headers(PAGE_HEADERS).send(html);

/**
 * The invitation link. GET only shows (a mail scanner following the link
 * consumes nothing); only the POST with a valid password consumes it.
 */
export function pageRoutes(app: FastifyInstance, ctx: ServerContext): void {
  const limiter = new DbRateLimiter(ctx.db);
  app.get<{ Params: { token: string } }>('/invite/:token', { schema: { hide: true } }, async (request, reply) => {
    const fallback = preferredLanguage(request, ctx.config.defaultLanguage);
    if (!TOKEN.test(request.params.token)) return sendPage(reply, 404, renderState(fallback, 'invalid'));
    const link = await inspectLink(ctx, request.params.token, fallback);
    if (link.state !== 'valid') return sendPage(reply, STATE_STATUS[link.state], renderState(link.language, link.state));
    return sendPage(
      reply,
      200,
      renderForm({ language: link.language, organisationName: toSingleLine(link.organisationName ?? ''), firstName: link.firstName ?? '', email: link.email ?? '', expiresAt: link.expiresAt ?? '', error: null }),
    );
  });

  // The short form the invitation SMS carries (160 characters leave little room): the same page, consuming nothing.
  app.get<{ Params: { token: string } }>('/i/:token', { schema: { hide: true } }, async (request, reply) => {
    if (!TOKEN.test(request.params.token)) return sendPage(reply, 404, renderState(preferredLanguage(request, ctx.config.defaultLanguage), 'invalid'));
    return reply.status(303).headers({ 'cache-control': 'no-store', 'referrer-policy': 'no-referrer' }).redirect(`/invite/${request.params.token}`);
  });

  // The short form a password reset SMS carries: the account page, consuming nothing.
  app.get<{ Params: { token: string } }>('/r/:token', { schema: { hide: true } }, async (request, reply) => {
    if (!TOKEN.test(request.params.token)) return sendPage(reply, 404, renderState(preferredLanguage(request, ctx.config.defaultLanguage), 'invalid'));
    return reply.status(303).headers({ 'cache-control': 'no-store', 'referrer-policy': 'no-referrer' }).redirect(`/account/${request.params.token}`);
  });

  app.post<{ Params: { token: string }; Body: unknown }>(
    '/invite/:token',
    { schema: { hide: true }, bodyLimit: PUBLIC_BODY_LIMIT },
    async (request, reply) => {
      const fallback = preferredLanguage(request, ctx.config.defaultLanguage);
      if (!TOKEN.test(request.params.token)) return sendPage(reply, 404, renderState(fallback, 'invalid'));
      if (await limitPublicForm(limiter, 'page:invite', request, reply, fallback, ctx.clock.now())) return reply;
      const link = await inspectLink(ctx, request.params.token, fallback);
      if (link.state !== 'valid') return sendPage(reply, STATE_STATUS[link.state], renderState(link.language, link.state));
      const body = (typeof request.body === 'object' && request.body !== null ? request.body : {}) as Record<string, unknown>;
      const password = typeof body.password === 'string' ? body.password : '';
      const confirm = typeof body.confirm === 'string' ? body.confirm : '';
      const problem = passwordProblem(password, confirm, link.email, [link.firstName, link.lastName, link.organisationName]);
      if (problem !== null) {
        return sendPage(
          reply,
          422,
          renderForm({ language: link.language, organisationName: toSingleLine(link.organisationName ?? ''), firstName: link.firstName ?? '', email: link.email ?? '', expiresAt: link.expiresAt ?? '', error: problem }),
        );
      }
      const result = await acceptInvitation(ctx, request.params.token, password, sourceOf(request));
      if (result === 'accepted') return sendPage(reply, 200, renderState(link.language, 'done'));
      if (result === 'valid') return sendPage(reply, 409, renderState(link.language, 'used'));
      return sendPage(reply, STATE_STATUS[result], renderState(link.language, result));
    },
  );
}

const isLoopback = (ip: string): boolean => ip === '127.0.0.1' || ip === '::1' || ip === '::ffff:127.0.0.1';

const header = (value: string | string[] | undefined): string | undefined => (Array.isArray(value) ? value.join(',') : value);

/**
 * The dev mailbox pages: only with no SMTP configured, only to loopback
 * callers, and only when the request names this server by a loopback
 * address (Host) and comes from no other site (Origin, Sec-Fetch-Site):
 * a web page cannot read invitation links through DNS rebinding.
 */
export function devMailboxRoutes(app: FastifyInstance, mailbox: DevMailbox): void {
  const guard = devOnlyGuard('The dev mailbox');
  const headers = DEV_PAGE_HEADERS;

  app.get('/dev/mailbox.json', { schema: { hide: true } }, async (request, reply) => {
    if (!(await guard(request, reply))) return reply;
    return { ok: true, data: await mailbox.list() };
  });
  app.get<{ Params: { id: string } }>('/dev/mailbox/:id.json', { schema: { hide: true } }, async (request, reply) => {
    if (!(await guard(request, reply))) return reply;
    const message = await mailbox.read(request.params.id);
    if (message === null) return reply.status(404).send({ ok: false, error: { code: 'NOT_FOUND', message: 'No such message.' } });
    return { ok: true, data: message };
  });
  app.get<{ Params: { id: string } }>('/dev/mailbox/:id/html', { schema: { hide: true } }, async (request, reply) => {
    if (!(await guard(request, reply))) return reply;
    const message = await mailbox.read(request.params.id);
    if (message?.html == null) return reply.status(404).send('No HTML part.');
    // Shown inside a sandboxed frame: the message's own markup runs nothing.
    return reply.status(200).headers({ ...headers, 'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'; img-src data: https:; sandbox" }).send(message.html);
  });
  app.get<{ Params: { id: string } }>('/dev/mailbox/:id', { schema: { hide: true } }, async (request, reply) => {
    if (!(await guard(request, reply))) return reply;
    const message = await mailbox.read(request.params.id);
    if (message === null) return reply.status(404).headers(headers).send('<!doctype html><p>No such message.</p>');
    const body = `<p><a href="/dev/mailbox">← Mailbox</a></p>
<h1>${escapeHtml(message.subject)}</h1>
<p><b>From</b> ${escapeHtml(message.from)}<br><b>To</b> ${escapeHtml(message.to)}<br><b>Date</b> ${escapeHtml(message.receivedAt)}<br><b>Message-ID</b> ${escapeHtml(message.messageId ?? '')}</p>
<h2>Links</h2><ul>${message.links.map((l) => `<li><a href="${escapeHtml(l)}">${escapeHtml(l)}</a></li>`).join('')}</ul>
${message.html === null ? '' : `<h2>HTML</h2><iframe sandbox src="/dev/mailbox/${escapeHtml(message.id)}/html" style="width:100%;height:520px;border:1px solid #ccc"></iframe>`}
<h2>Plain text</h2><pre style="white-space:pre-wrap">${escapeHtml(message.text)}</pre>`;
    return reply.status(200).headers(headers).send(devPage(message.subject, body));
  });
  app.get('/dev/mailbox', { schema: { hide: true } }, async (request, reply) => {
    if (!(await guard(request, reply))) return reply;
    const list = await mailbox.list();
    const rows = list
      .map((m) => `<tr><td>${escapeHtml(m.receivedAt)}</td><td>${escapeHtml(m.to)}</td><td><a href="/dev/mailbox/${escapeHtml(m.id)}">${escapeHtml(m.subject)}</a></td></tr>`)
      .join('\n');
    const body = `<h1>Dev mailbox</h1><p>Every email this server sent (no SMTP server is configured, so nothing left this machine). Newest first.</p>
<table><thead><tr><th>Received</th><th>To</th><th>Subject</th></tr></thead><tbody>${rows || '<tr><td colspan="3">No email yet.</td></tr>'}</tbody></table>`;
    return reply.status(200).headers(headers).send(devPage('Dev mailbox', body));
  });
}

export const devPage = (title: string, body: string): string =>
  `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)} · Roster</title>
<style>body{font-family:system-ui,sans-serif;margin:24px;max-width:980px}table{border-collapse:collapse;width:100%}td,th{text-align:left;padding:6px 8px;border-bottom:1px solid #e5e7eb}</style>
</head><body>${body}</body></html>`;

export const DEV_PAGE_HEADERS = { ...PAGE_HEADERS, 'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'; frame-src 'self'; img-src data:; base-uri 'none'" };

/**
 * The check before every dev page (the mailbox, the SMS inbox): only to
 * loopback callers, and only when the request names this server by a
 * loopback address (Host) and comes from no other site (Origin,
 * Sec-Fetch-Site): a web page cannot read invitation links through DNS
 * rebinding. Refuses with 403 and resolves false otherwise.
 */
export function devOnlyGuard(what: string): (request: FastifyRequest, reply: FastifyReply) => Promise<boolean> {
  return async (request, reply) => {
    const refuse = async (message: string): Promise<false> => {
      await reply.status(403).headers({ 'cache-control': 'no-store' }).send({ ok: false, error: { code: 'FORBIDDEN', message } });
      return false;
    };
    if (!isLoopback(request.ip)) return refuse(`${what} answers only on this machine.`);
    const checked = checkLoopbackRequest({
      host: header(request.headers.host),
      origin: header(request.headers.origin),
      fetchSite: header(request.headers['sec-fetch-site']),
      port: request.socket.localPort ?? 0,
    });
    if (!checked.ok) return refuse(checked.reason);
    return true;
  };
}
