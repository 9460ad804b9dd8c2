import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { isLanguage } from '../../src-shared/languages';
import type { PasswordReason } from '../../src-shared/errors';
import { escapeHtml } from '../i18n';
import { PASSWORD_MIN } from '../lib/passwords';
import { OTP_MESSAGES } from '../otp-i18n';
import { chooseFirstPassword } from '../services/one-time-passwords';
import type { BackgroundTasks } from '../lib/background-tasks';
import { PUBLIC_BODY_LIMIT } from '../lib/body-limits';
import { addressKey, DbRateLimiter } from '../lib/rate-limit';
import { SSO_MESSAGES, ssoLocaleOf } from '../sso-i18n';
import type { SsoLocale, SsoMessages } from '../sso-i18n';
import { sourceOf } from '../services/audit';
import type { ServerContext } from '../services/context';
import { callbackPath, enabledSso, signInPath } from '../services/sso-config';
import type { SsoConfig } from '../services/sso-config';
import { beginSso, completeSso, SsoRefused } from '../services/sso-flow';
import { auditSsoRefusal, personSsoSignIn } from '../services/sso-people';
import { sendPersonPasswordReset } from '../services/person-password-reset';
import { PersonSignIn, readIdentifier } from '../services/person-sign-in';
import { appLinkItems, readPublicOrganisation } from './public-org';
import type { OrgView } from './public-org';
import { htmlPage, limitPublicForm, PAGE_HEADERS } from './render';

type Params = { Params: { organisation: string } };

const send = (reply: FastifyReply, status: number, html: string): FastifyReply => reply.status(status).headers(PAGE_HEADERS).send(html);

function messagePage(locale: SsoLocale, organisationId: string | null, title: string, body: string, state: string): string {
  const m = SSO_MESSAGES[locale];
  const back = organisationId === null ? '' : `\n<p><a href="${signInPath(organisationId)}">${escapeHtml(m.again)}</a></p>`;
  return htmlPage(m.htmlLang, title, `<h1 data-state="${state}">${escapeHtml(title)}</h1>\n<p>${escapeHtml(body)}</p>${back}`);
}

function signInForm(locale: SsoLocale, org: OrgView, sso: SsoConfig | null, error: 'wrong' | 'ssoRequired' | null, identifier: string): string {
  const m: SsoMessages = SSO_MESSAGES[locale];
  const passwordAllowed = sso === null || !sso.requireSso;
  const errorText = error === 'wrong' ? m.signIn.wrong : error === 'ssoRequired' && sso !== null ? m.signIn.ssoRequired(sso.providerName) : null;
  const form = passwordAllowed
    ? `<form method="post" autocomplete="on">
<label for="identifier">${escapeHtml(m.signIn.email)}</label>
<input id="identifier" name="identifier" type="text" autocomplete="username" autocapitalize="none" spellcheck="false" required value="${escapeHtml(identifier)}">
<label for="password">${escapeHtml(m.signIn.password)}</label>
<input id="password" name="password" type="password" autocomplete="current-password" required>
<button type="submit">${escapeHtml(m.signIn.submit)}</button>
</form>
<p><a data-forgot href="${forgotPath(org.id)}">${escapeHtml(m.signIn.forgotLink)}</a></p>`
    : '';
  const ssoButton = sso === null ? '' : `${passwordAllowed ? `<p class="or">${escapeHtml(m.signIn.or)}</p>\n` : ''}<a class="button" data-sso href="/o/${org.id}/sso/start">${escapeHtml(m.signIn.withProvider(sso.providerName))}</a>`;
  const title = m.signIn.title(org.name);
  return htmlPage(
    m.htmlLang,
    title,
    `<h1>${escapeHtml(title)}</h1>
<p>${escapeHtml(passwordAllowed ? m.signIn.lead : m.signIn.ssoLead(sso.providerName))}</p>
${errorText === null ? '' : `<p class="error" role="alert" data-error="${error ?? ''}">${escapeHtml(errorText)}</p>`}
${form}
${ssoButton}`,
  );
}

const forgotPath = (organisationId: string): string => `/o/${organisationId}/forgot-password`;
const choosePath = (organisationId: string): string => `/o/${organisationId}/first-password`;

function choosePasswordForm(locale: SsoLocale, org: OrgView, ticket: string, email: string, error: PasswordReason | null): string {
  const m = OTP_MESSAGES[locale];
  return htmlPage(
    SSO_MESSAGES[locale].htmlLang,
    m.title,
    `<h1 data-state="choose_password">${escapeHtml(m.title)}</h1>
<p>${escapeHtml(m.lead(email))}</p>
${error === null ? '' : `<p class="error" role="alert" data-error="${error}">${escapeHtml(m.errors[error])}</p>`}
<form method="post" action="${choosePath(org.id)}" autocomplete="off">
<input type="hidden" name="ticket" value="${escapeHtml(ticket)}">
<input type="text" name="username" autocomplete="username" value="${escapeHtml(email)}" hidden>
<label for="password">${escapeHtml(m.password)}</label>
<input id="password" name="password" type="password" autocomplete="new-password" required minlength="${PASSWORD_MIN}" aria-describedby="hint">
<p id="hint" class="hint">${escapeHtml(m.hint(PASSWORD_MIN))}</p>
<label for="confirm">${escapeHtml(m.confirm)}</label>
<input id="confirm" name="confirm" type="password" autocomplete="new-password" required>
<button type="submit">${escapeHtml(m.submit)}</button>
</form>`,
  );
}

function forgotForm(locale: SsoLocale, org: OrgView): string {
  const m = SSO_MESSAGES[locale];
  return htmlPage(
    m.htmlLang,
    m.forgot.title,
    `<h1>${escapeHtml(m.forgot.title)}</h1>
<p>${escapeHtml(m.forgot.lead)}</p>
<form method="post" autocomplete="on">
<label for="identifier">${escapeHtml(m.signIn.email)}</label>
<input id="identifier" name="identifier" type="text" autocomplete="username" autocapitalize="none" spellcheck="false" required>
<button type="submit">${escapeHtml(m.forgot.submit)}</button>
</form>
<p><a href="${signInPath(org.id)}">${escapeHtml(m.again)}</a></p>`,
  );
}

/** The identifier a form sent: `identifier`, or `email` as the page's form named it before usernames. */
function identifierOf(body: Record<string, unknown>): string {
  const raw = typeof body.identifier === 'string' ? body.identifier : typeof body.email === 'string' ? body.email : '';
  return raw.trim().slice(0, 254);
}

function signedInPage(ctx: ServerContext, locale: SsoLocale, org: OrgView, email: string, created: boolean): string {
  const m = SSO_MESSAGES[locale].signedIn;
  const items = appLinkItems(ctx, org, m);
  return htmlPage(
    SSO_MESSAGES[locale].htmlLang,
    m.title,
    `<h1 data-state="signed_in">${escapeHtml(m.title)}</h1>
<p>${escapeHtml(m.body(org.name, email))}</p>
${created ? `<p data-created>${escapeHtml(m.created)}</p>` : ''}
<p>${escapeHtml(m.apps)}</p>
<ul class="apps">${items}</ul>`,
  );
}

/**
 * The organisation's sign-in page for its people (issues 15 and 17): email
 * or username and password for those who set one, "forgot password" (a link
 * by email or SMS), and "Sign in with <provider>" when the
 * organisation configured OpenID Connect. After the provider, the person
 * reads the outcome on a page; no session is kept (see docs/SSO.md).
 */
export function signInPageRoutes(app: FastifyInstance, ctx: ServerContext, background: BackgroundTasks): void {
  const limiter = new DbRateLimiter(ctx.db);
  const people = new PersonSignIn(ctx);

  const organisationOf = (request: FastifyRequest<Params>): Promise<OrgView | null> => readPublicOrganisation(ctx, request.params.organisation);
  const localeOf = (request: FastifyRequest, org: OrgView | null): SsoLocale => ssoLocaleOf(request.headers['accept-language'], org?.language ?? ctx.config.defaultLanguage);
  const notFound = (request: FastifyRequest, reply: FastifyReply): FastifyReply => {
    const m = SSO_MESSAGES[localeOf(request, null)];
    return send(reply, 404, messagePage(localeOf(request, null), null, m.notFound.title, m.notFound.body, 'not_found'));
  };

  app.get<Params>('/o/:organisation/sign-in', { schema: { hide: true } }, async (request, reply) => {
    const org = await organisationOf(request);
    if (org === null) return notFound(request, reply);
    return send(reply, 200, signInForm(localeOf(request, org), org, await enabledSso(ctx, org.id), null, ''));
  });

  app.post<Params & { Body: unknown }>('/o/:organisation/sign-in', { schema: { hide: true }, bodyLimit: PUBLIC_BODY_LIMIT }, async (request, reply) => {
    const org = await organisationOf(request);
    if (org === null) return notFound(request, reply);
    const locale = localeOf(request, org);
    const language = isLanguage(org.language) ? org.language : ctx.config.defaultLanguage;
    if (await limitPublicForm(limiter, 'page:sign-in', request, reply, language, ctx.clock.now())) return reply;
    const sso = await enabledSso(ctx, org.id);
    const body = (typeof request.body === 'object' && request.body !== null ? request.body : {}) as Record<string, unknown>;
    const identifier = identifierOf(body);
    const password = typeof body.password === 'string' ? body.password.slice(0, 1000) : '';
    if (sso?.requireSso === true) return send(reply, 403, signInForm(locale, org, sso, 'ssoRequired', identifier));
    const result = await people.withPassword(org.id, identifier, password, sourceOf(request));
    if (result.kind === 'wrong') return send(reply, 401, signInForm(locale, org, sso, 'wrong', identifier));
    if (result.kind === 'deactivated') return send(reply, 403, messagePage(locale, org.id, SSO_MESSAGES[locale].deactivated.title, SSO_MESSAGES[locale].deactivated.body(org.name), 'deactivated'));
    if (result.kind === 'one_time_password_expired') return send(reply, 403, messagePage(locale, org.id, OTP_MESSAGES[locale].expired.title, OTP_MESSAGES[locale].expired.body(org.name), 'one_time_password_expired'));
    if (result.kind === 'choose_password') return send(reply, 200, choosePasswordForm(locale, org, result.ticket, result.email, null));
    return send(reply, 200, signedInPage(ctx, locale, org, result.email, false));
  });

  // After a one-time password: the person chooses their own (the ticket travels in the form, never in an address).
  app.get<Params>(choosePath(':organisation'), { schema: { hide: true } }, async (request, reply) => {
    const org = await organisationOf(request);
    if (org === null) return notFound(request, reply);
    return reply.status(303).headers({ location: signInPath(org.id), 'cache-control': 'no-store' }).send();
  });

  app.post<Params & { Body: unknown }>(choosePath(':organisation'), { schema: { hide: true }, bodyLimit: PUBLIC_BODY_LIMIT }, async (request, reply) => {
    const org = await organisationOf(request);
    if (org === null) return notFound(request, reply);
    const locale = localeOf(request, org);
    if (await limitPublicForm(limiter, 'page:first-password', request, reply, isLanguage(org.language) ? org.language : ctx.config.defaultLanguage, ctx.clock.now())) return reply;
    const body = (typeof request.body === 'object' && request.body !== null ? request.body : {}) as Record<string, unknown>;
    const text = (key: string): string => (typeof body[key] === 'string' ? body[key].slice(0, 1000) : '');
    const ticket = text('ticket');
    const outcome = await chooseFirstPassword(ctx, org.id, ticket, text('password'), text('confirm'), sourceOf(request));
    const m = OTP_MESSAGES[locale];
    if (outcome.kind === 'gone') return send(reply, 410, messagePage(locale, org.id, m.gone.title, m.gone.body, 'gone'));
    if (outcome.kind === 'refused') return send(reply, 422, choosePasswordForm(locale, org, ticket, outcome.email, outcome.reason));
    return send(reply, 200, signedInPage(ctx, locale, org, outcome.email, false));
  });

  // Forgot password: the same answer whoever asks (a profile or not, with a password or not, by email or SMS).
  app.get<Params>('/o/:organisation/forgot-password', { schema: { hide: true } }, async (request, reply) => {
    const org = await organisationOf(request);
    if (org === null) return notFound(request, reply);
    return send(reply, 200, forgotForm(localeOf(request, org), org));
  });

  app.post<Params & { Body: unknown }>('/o/:organisation/forgot-password', { schema: { hide: true }, bodyLimit: PUBLIC_BODY_LIMIT }, async (request, reply) => {
    const org = await organisationOf(request);
    if (org === null) return notFound(request, reply);
    const locale = localeOf(request, org);
    const m = SSO_MESSAGES[locale];
    const now = ctx.clock.now();
    const body = (typeof request.body === 'object' && request.body !== null ? request.body : {}) as Record<string, unknown>;
    const identifier = readIdentifier(identifierOf(body));
    // The limits of the console's forgot-password route: 10 an hour per address, 3 an hour per person named (here within this organisation).
    const limited = await limiter.take(
      [
        { key: `person-forgot:ip:${addressKey(request.ip)}`, max: 10, windowMs: 3_600_000 },
        { key: `person-forgot:id:${org.id}:${identifier.value}`, max: 3, windowMs: 3_600_000 },
      ],
      now,
    );
    if (!limited.ok) {
      const seconds = Math.max(1, Math.ceil((limited.retryAt.getTime() - now.getTime()) / 1000));
      return reply.status(429).headers(PAGE_HEADERS).header('retry-after', String(seconds)).send(messagePage(locale, org.id, m.forgot.busyTitle, m.forgot.busyBody, 'busy'));
    }
    // The answer goes before anything is looked up: whether the identifier names someone (and a link is queued) takes its own time, after it.
    if (identifier.value !== '') {
      const source = sourceOf(request);
      const organisationId = org.id;
      background.run(
        'person forgot password',
        async () => {
          if ((await enabledSso(ctx, organisationId))?.requireSso === true) return;
          await sendPersonPasswordReset(ctx, organisationId, identifier.value, source);
        },
        [identifier.value],
      );
    }
    return send(reply, 200, messagePage(locale, org.id, m.forgot.sentTitle, m.forgot.sentBody(org.name), 'sent'));
  });

  app.get<Params>('/o/:organisation/sso/start', { schema: { hide: true } }, async (request, reply) => {
    const org = await organisationOf(request);
    if (org === null) return notFound(request, reply);
    const locale = localeOf(request, org);
    const m = SSO_MESSAGES[locale];
    if (await limitPublicForm(limiter, 'page:sso-start', request, reply, isLanguage(org.language) ? org.language : ctx.config.defaultLanguage, ctx.clock.now())) return reply;
    try {
      const begun = await beginSso(ctx, { organisationId: org.id, purpose: 'person', redirectUri: `${ctx.publicBaseUrl()}${callbackPath(org.id)}`, locale });
      return await reply.status(303).headers({ location: begun.authorizationUrl, 'cache-control': 'no-store', 'referrer-policy': 'no-referrer' }).send();
    } catch (error) {
      if (!(error instanceof SsoRefused)) throw error;
      if (error.reason === 'disabled') return send(reply, 404, messagePage(locale, org.id, m.disabled.title, m.disabled.body, 'disabled'));
      request.log.warn({ reason: error.reason, detail: error.detail }, 'SSO sign-in could not start');
      return send(reply, 502, messagePage(locale, org.id, m.unavailable.title, m.unavailable.body, 'unavailable'));
    }
  });

  app.get<Params & { Querystring: Record<string, string> }>('/o/:organisation/sso/callback', { schema: { hide: true } }, async (request, reply) => {
    const org = await organisationOf(request);
    if (org === null) return notFound(request, reply);
    const params = new URLSearchParams(request.url.slice(request.url.indexOf('?') + 1));
    let locale = localeOf(request, org);
    const source = sourceOf(request);
    try {
      const identity = await completeSso(ctx, org.id, 'person', params);
      locale = ssoLocaleOf(identity.locale, org.language);
      const m = SSO_MESSAGES[locale];
      const outcome = await personSsoSignIn(ctx, org.id, identity, source);
      if (outcome.kind === 'signed_in') return await send(reply, 200, signedInPage(ctx, locale, org, identity.email, outcome.created));
      if (outcome.kind === 'domain_not_allowed') return await send(reply, 403, messagePage(locale, org.id, m.domain.title, m.domain.body(outcome.domain, org.name), 'domain_not_allowed'));
      if (outcome.kind === 'deactivated') return await send(reply, 403, messagePage(locale, org.id, m.deactivated.title, m.deactivated.body(org.name), 'deactivated'));
      if (outcome.kind === 'not_known') return await send(reply, 403, messagePage(locale, org.id, m.notKnown.title, m.notKnown.body(identity.email, org.name), 'not_known'));
      return await send(reply, 422, messagePage(locale, org.id, m.notCreated.title, m.notCreated.body, 'not_created'));
    } catch (error) {
      if (!(error instanceof SsoRefused)) throw error;
      await auditSsoRefusal(ctx, org.id, null, error.reason, source, error.detail);
      const m = SSO_MESSAGES[locale];
      if (error.reason === 'disabled') return send(reply, 404, messagePage(locale, org.id, m.disabled.title, m.disabled.body, 'disabled'));
      if (error.reason === 'provider_unavailable') return send(reply, 502, messagePage(locale, org.id, m.unavailable.title, m.unavailable.body, 'unavailable'));
      return send(reply, 400, messagePage(locale, org.id, m.failed.title, m.failed.body, `refused:${error.reason}`));
    }
  });
}
