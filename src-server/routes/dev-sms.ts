import type { FastifyInstance } from 'fastify';
import { escapeHtml } from '../i18n';
import type { DevSmsInbox } from '../sms/dev-inbox';
import { DEV_PAGE_HEADERS, devOnlyGuard, devPage } from './pages';

/**
 * The dev SMS inbox pages: only with no SMS gateway configured, and with the
 * dev mailbox's guard (loopback callers naming this server by a loopback
 * address, from no other site). /dev/sms lists every SMS, newest first, with
 * its text and links; /dev/sms.json is the same for tests.
 */
export function devSmsRoutes(app: FastifyInstance, inbox: DevSmsInbox): void {
  const guard = devOnlyGuard('The dev SMS inbox');
  app.get('/dev/sms.json', { schema: { hide: true } }, async (request, reply) => {
    if (!(await guard(request, reply))) return reply;
    return { ok: true, data: inbox.list() };
  });
  app.get('/dev/sms', { schema: { hide: true } }, async (request, reply) => {
    if (!(await guard(request, reply))) return reply;
    const rows = inbox
      .list()
      .map(
        (m) =>
          `<tr><td>${escapeHtml(m.receivedAt)}</td><td>${escapeHtml(m.from)}</td><td>${escapeHtml(m.to)}</td><td class="text">${escapeHtml(m.text)}</td><td>${m.text.length}</td><td>${m.links.map((l) => `<a href="${escapeHtml(l)}">Open the link</a>`).join('<br>')}</td></tr>`,
      )
      .join('\n');
    const body = `<h1>Dev SMS inbox</h1><p>Every SMS this server sent (no SMS gateway is configured, so nothing left this machine). Newest first.</p>
<table><thead><tr><th>Received</th><th>From</th><th>To</th><th>Text</th><th>Characters</th><th>Link</th></tr></thead><tbody>${rows || '<tr><td colspan="6">No SMS yet.</td></tr>'}</tbody></table>`;
    return reply.status(200).headers(DEV_PAGE_HEADERS).send(devPage('Dev SMS inbox', body));
  });
}
