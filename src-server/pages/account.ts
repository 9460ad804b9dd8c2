import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { PasswordReason } from '../../src-shared/errors';
import { LANGUAGES } from '../../src-shared/languages';
import type { Language } from '../../src-shared/languages';
import { toSingleLine } from '../../src-shared/text-safety';
import { ACCOUNT_MESSAGES } from '../account-i18n';
import { escapeHtml, formatDate, MESSAGES } from '../i18n';
import { PUBLIC_BODY_LIMIT } from '../lib/body-limits';
import { passwordProblem, PASSWORD_MIN } from '../lib/passwords';
import { sourceOf } from '../services/audit';
import { inspectAccountLink, useAccountLink } from '../services/account-links';
import type { AccountLinkState, AccountLinkView } from '../services/account-links';
import type { ServerContext } from '../services/context';
import { DbRateLimiter } from '../lib/rate-limit';
import { limitPublicForm, page, PAGE_HEADERS } from './render';

const TOKEN = /^[A-Za-z0-9_-]{16,128}$/;

const STATUS: Record<Exclude<AccountLinkState, 'valid'>, number> = { invalid: 404, expired: 410, used: 410, replaced: 410 };

function preferredLanguage(request: FastifyRequest, fallback: Language): Language {
  const header = request.headers['accept-language'] ?? '';
  for (const part of header.split(',')) {
    const tag = part.split(';')[0]?.trim().toLowerCase() ?? '';
    const found = LANGUAGES.find((l) => l.slice(0, 2) === tag.slice(0, 2));
    if (found !== undefined) return found;
  }
  return fallback;
}

const send = (reply: FastifyReply, status: number, html: string): FastifyReply => reply.status(status).headers(PAGE_HEADERS).send(html);

function renderState(language: Language, state: Exclude<AccountLinkState, 'valid'> | 'joined' | 'reset' | 'personReset'): string {
  const text = ACCOUNT_MESSAGES[language].page[state];
  return page(language, text.title, `<h1 data-state="${state}">${escapeHtml(text.title)}</h1>\n<p>${escapeHtml(text.body)}</p>`);
}

/** The form of a valid link: choose a password (a new account, a reset) or only accept (an account that has one). */
function renderLinkForm(view: AccountLinkView, error: PasswordReason | null): string {
  const m = ACCOUNT_MESSAGES[view.language].page;
  const common = MESSAGES[view.language].page;
  const email = view.email ?? '';
  const role = ACCOUNT_MESSAGES[view.language].role[view.role ?? 'viewer'];
  const isReset = view.purpose === 'password_reset';
  const askPassword = isReset || !view.hasPassword;
  const heading = isReset ? m.resetHeading : m.inviteHeading(toSingleLine(view.organisationName ?? ''));
  const lead = isReset ? m.resetLead(email) : view.hasPassword ? m.joinLead(email, role) : m.inviteLead(email, role);
  const submit = isReset ? m.resetSubmit : view.hasPassword ? m.joinSubmit : m.setSubmit;
  const fields = askPassword
    ? `<input type="hidden" name="username" autocomplete="username" value="${escapeHtml(email)}">
<label for="password">${escapeHtml(common.password)}</label>
<input id="password" name="password" type="password" autocomplete="new-password" required minlength="${PASSWORD_MIN}">
<label for="confirm">${escapeHtml(common.confirm)}</label>
<input id="confirm" name="confirm" type="password" autocomplete="new-password" required minlength="${PASSWORD_MIN}">
<p class="hint">${escapeHtml(common.hint(PASSWORD_MIN))}</p>`
    : '';
  return page(
    view.language,
    heading,
    `<h1>${escapeHtml(heading)}</h1>
<p>${escapeHtml(lead)}</p>
${error === null ? '' : `<p class="error" role="alert" data-error="${error}">${escapeHtml(common.errors[error])}</p>`}
<form method="post" autocomplete="on">
${fields}
<button type="submit">${escapeHtml(submit)}</button>
</form>
<p class="muted">${escapeHtml(ACCOUNT_MESSAGES[view.language].expires(formatDate(view.expiresAt ?? '', view.language)))}</p>`,
  );
}

/**
 * The page of an owner's or admin's invitation and of a password reset.
 * GET only shows (a mail scanner following the link consumes nothing); the
 * POST consumes the link, once.
 */
export function accountPageRoutes(app: FastifyInstance, ctx: ServerContext): void {
  const limiter = new DbRateLimiter(ctx.db);
  app.get<{ Params: { token: string } }>('/account/:token', { schema: { hide: true } }, async (request, reply) => {
    const fallback = preferredLanguage(request, ctx.config.defaultLanguage);
    if (!TOKEN.test(request.params.token)) return send(reply, 404, renderState(fallback, 'invalid'));
    const view = await inspectAccountLink(ctx, request.params.token, fallback);
    if (view.state !== 'valid') return send(reply, STATUS[view.state], renderState(view.language, view.state));
    return send(reply, 200, renderLinkForm(view, null));
  });

  app.post<{ Params: { token: string }; Body: unknown }>(
    '/account/:token',
    { schema: { hide: true }, bodyLimit: PUBLIC_BODY_LIMIT },
    async (request, reply) => {
      const fallback = preferredLanguage(request, ctx.config.defaultLanguage);
      if (!TOKEN.test(request.params.token)) return send(reply, 404, renderState(fallback, 'invalid'));
      if (await limitPublicForm(limiter, 'page:account', request, reply, fallback, ctx.clock.now())) return reply;
      const view = await inspectAccountLink(ctx, request.params.token, fallback);
      if (view.state !== 'valid') return send(reply, STATUS[view.state], renderState(view.language, view.state));
      const askPassword = view.purpose === 'password_reset' || !view.hasPassword;
      const body = (typeof request.body === 'object' && request.body !== null ? request.body : {}) as Record<string, unknown>;
      let password: string | null = null;
      if (askPassword) {
        password = typeof body.password === 'string' ? body.password : '';
        const confirm = typeof body.confirm === 'string' ? body.confirm : '';
        const problem = passwordProblem(password, confirm, { email: view.email, names: [view.organisationName] });
        if (problem !== null) return send(reply, 422, renderLinkForm(view, problem));
      }
      const result = await useAccountLink(ctx, request.params.token, password, sourceOf(request));
      if (result === 'done') return send(reply, 200, renderState(view.language, view.purpose !== 'password_reset' ? 'joined' : view.organisationId === null ? 'reset' : 'personReset'));
      if (result === 'valid') return send(reply, 409, renderState(view.language, 'used'));
      return send(reply, STATUS[result], renderState(view.language, result));
    },
  );
}
