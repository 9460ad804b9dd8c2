import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { isLanguage } from '../../src-shared/languages';
import type { Language } from '../../src-shared/languages';
import { signUpCodePath, signUpPath, signUpVerifyPath } from '../../src-shared/signup-wire';
import { escapeHtml } from '../i18n';
import { PUBLIC_BODY_LIMIT } from '../lib/body-limits';
import { addressKey, DbRateLimiter } from '../lib/rate-limit';
import { SIGNUP_MESSAGES } from '../signup-i18n';
import type { SignupMessages } from '../signup-i18n';
import { SSO_MESSAGES, ssoLocaleOf } from '../sso-i18n';
import type { SsoLocale } from '../sso-i18n';
import { sourceOf } from '../services/audit';
import { liveEntries } from '../services/catalogue-reads';
import type { ServerContext } from '../services/context';
import { completeSignup, completeSignupByCode, readSignupLink, readSignupRow, requestSignup, SIGNUP_CODE_LIFETIME_MS } from '../services/signup';
import type { SignupForm } from '../services/signup';
import { invitationChannelsOf } from '../services/organisations';
import { languageOfClaim } from '../services/sso-people';
import { signInPath } from '../services/sso-config';
import { appLinkItems, readPublicOrganisation } from './public-org';
import type { OrgView } from './public-org';
import { htmlPage, limitPublicForm, PAGE_HEADERS } from './render';

type Params = { Params: { organisation: string } };
type TokenParams = { Params: { organisation: string; token: string } };

/** Sign-ups one address may ask for in an hour: more are answered alike but send nothing. */
const PER_ADDRESS = { max: 3, windowMs: 60 * 60 * 1000 };

const send = (reply: FastifyReply, status: number, html: string): FastifyReply => reply.status(status).headers(PAGE_HEADERS).send(html);

const field = (name: string, label: string, value: string, attributes: string): string =>
  `<label for="${name}">${escapeHtml(label)}</label>\n<input id="${name}" name="${name}" value="${escapeHtml(value)}" ${attributes}>`;

interface Department {
  id: string;
  name: string;
}

interface FormState {
  values: SignupForm;
  /** A department's link fixed it: shown, not chosen. */
  fixed: Department | null;
  /** The departments to choose from (empty: no choice). */
  choices: Department[];
  error: string | null;
  fieldErrors: Record<string, string>;
  /** The organisation sends its invitations by SMS (or both): a mobile number gets a code by SMS. */
  bySms: boolean;
}

function formPage(locale: SsoLocale, org: OrgView, state: FormState): string {
  const m: SignupMessages = SIGNUP_MESSAGES[locale];
  const { values, fixed, choices, error, fieldErrors } = state;
  // The shared rules' findings are English: the page says, in the reader's language, what each field needs.
  const fieldError = (name: keyof SignupMessages['fieldErrors']): string =>
    fieldErrors[name] === undefined ? '' : `<p class="error" data-field-error="${name}">${escapeHtml(m.fieldErrors[name])}</p>`;
  const department =
    fixed !== null
      ? `<p data-department="${escapeHtml(fixed.id)}">${escapeHtml(m.form.fixedDepartment(fixed.name))}</p>\n<input type="hidden" name="department" value="${escapeHtml(fixed.id)}">`
      : choices.length > 0
        ? `<label for="department">${escapeHtml(m.form.department)}</label>\n<select id="department" name="department"><option value="">${escapeHtml(m.form.noDepartment)}</option>${choices
            .map((d) => `<option value="${escapeHtml(d.id)}"${d.id === values.department ? ' selected' : ''}>${escapeHtml(d.name)}</option>`)
            .join('')}</select>`
        : '';
  const title = m.form.title(org.name);
  return htmlPage(
    SSO_MESSAGES[locale].htmlLang,
    title,
    `<h1>${escapeHtml(title)}</h1>
<p>${escapeHtml(state.bySms ? m.form.leadSms : m.form.lead)}</p>
${error === null ? '' : `<p class="error" role="alert" data-error>${escapeHtml(error)}</p>`}
<form method="post" action="${signUpPath(org.id)}" autocomplete="on">
${field('firstName', m.form.firstName, values.firstName, 'autocomplete="given-name" required maxlength="100"')}${fieldError('firstName')}
${field('lastName', m.form.lastName, values.lastName, 'autocomplete="family-name" required maxlength="100"')}${fieldError('lastName')}
${field('email', m.form.email, values.email, 'type="email" autocomplete="email" required maxlength="254"')}${fieldError('email')}
${field('phone', m.form.phone, values.phone, 'type="tel" autocomplete="tel" maxlength="40"')}${fieldError('phoneNumber')}
${department}
${otherErrors(fieldErrors) ? `<p class="error" data-field-error="other">${escapeHtml(m.fieldErrors.other)}</p>` : ''}
<button type="submit">${escapeHtml(m.form.submit)}</button>
</form>`,
  );
}

/** Findings on fields the form does not show (a value the rules refuse as a whole). */
const otherErrors = (fieldErrors: Record<string, string>): boolean => Object.keys(fieldErrors).some((f) => !['firstName', 'lastName', 'email', 'phoneNumber'].includes(f));

function messagePage(locale: SsoLocale, title: string, body: string, state: string, extra = ''): string {
  return htmlPage(SSO_MESSAGES[locale].htmlLang, title, `<h1 data-state="${state}">${escapeHtml(title)}</h1>\n<p>${escapeHtml(body)}</p>${extra}`);
}

interface CodeForm {
  ticket: string;
  phone: string;
  /** The address the person gave: an email link went there too when `alsoEmail`. */
  email: string;
  alsoEmail: boolean;
}

/** "Enter the code we texted you": the ticket travels in the form; `error` after a try that was not right (`failing`: the SMS has not gone yet). */
function codePage(locale: SsoLocale, org: OrgView, form: CodeForm, error: { text: string; state: string; failing: boolean } | null): string {
  const m = SIGNUP_MESSAGES[locale].code;
  const minutes = Math.round(SIGNUP_CODE_LIFETIME_MS / 60_000);
  const failing = error?.failing === true ? `\n<p class="error" data-delivery="failing">${escapeHtml(m.failing)}</p>` : '';
  return htmlPage(
    SSO_MESSAGES[locale].htmlLang,
    m.title,
    `<h1 data-state="code">${escapeHtml(m.title)}</h1>
<p>${escapeHtml(m.body(form.phone, minutes))}</p>
${form.alsoEmail && form.email !== '' ? `<p data-also-email>${escapeHtml(m.alsoEmail(form.email))}</p>\n` : ''}${error === null ? '' : `<p class="error" role="alert" data-error="${error.state}">${escapeHtml(error.text)}</p>`}${failing}
<form method="post" action="${signUpCodePath(org.id)}" autocomplete="off">
<input type="hidden" name="ticket" value="${escapeHtml(form.ticket)}">
<input type="hidden" name="email" value="${escapeHtml(form.email)}">
<input type="hidden" name="alsoEmail" value="${form.alsoEmail ? '1' : '0'}">
<label for="code">${escapeHtml(m.label)}</label>
<input id="code" name="code" inputmode="numeric" autocomplete="one-time-code" pattern="[0-9 ]{6,7}" maxlength="7" required>
<button type="submit">${escapeHtml(m.submit)}</button>
</form>
<p class="muted">${escapeHtml(m.notReceived)}</p>`,
  );
}

const text = (body: Record<string, unknown>, name: string, max: number): string => (typeof body[name] === 'string' ? body[name].trim().slice(0, max) : '');

/**
 * The organisation's sign-up page (issue 15): open only when an owner opened
 * it; a department's link (?department=<id>) sets the department. Sign-ups
 * are verified by a link sent to the address before anything is made.
 */
export function signUpPageRoutes(app: FastifyInstance, ctx: ServerContext): void {
  const limiter = new DbRateLimiter(ctx.db);
  const localeOf = (request: FastifyRequest, org: OrgView | null): SsoLocale => ssoLocaleOf(request.headers['accept-language'], org?.language ?? ctx.config.defaultLanguage);
  const orgLanguage = (org: OrgView): Language => (isLanguage(org.language) ? org.language : ctx.config.defaultLanguage);
  const notFound = (request: FastifyRequest, reply: FastifyReply): FastifyReply => {
    const locale = localeOf(request, null);
    const m = SSO_MESSAGES[locale].notFound;
    return send(reply, 404, messagePage(locale, m.title, m.body, 'not_found'));
  };
  const closed = (reply: FastifyReply, locale: SsoLocale): FastifyReply => {
    const m = SIGNUP_MESSAGES[locale].closed;
    return send(reply, 404, messagePage(locale, m.title, m.body, 'closed'));
  };
  const departments = async (organisationId: string): Promise<Department[]> =>
    (await liveEntries(ctx.db, organisationId)).filter((e) => e.kind === 'department').map((e) => ({ id: e.id, name: e.name })).sort((a, b) => a.name.localeCompare(b.name));
  /** The form's department part: fixed by a link's department, else a choice when the organisation allows one. */
  const departmentState = async (org: OrgView, departmentChoice: boolean, wanted: string): Promise<Pick<FormState, 'fixed' | 'choices'> | null> => {
    const all = await departments(org.id);
    if (wanted !== '' && !departmentChoice) {
      const fixed = all.find((d) => d.id === wanted);
      return fixed === undefined ? null : { fixed, choices: [] };
    }
    return { fixed: null, choices: departmentChoice ? all : [] };
  };
  /** Does the organisation send its invitations by SMS (alone or with email)? Then sign-ups with a mobile number are verified by a code. */
  const sendsSms = async (organisationId: string): Promise<boolean> => {
    const row = await ctx.db.selectFrom('organisations').select('invitation_channels').where('id', '=', organisationId).executeTakeFirst();
    return row !== undefined && invitationChannelsOf(row) !== 'email';
  };

  app.get<Params & { Querystring: { department?: string } }>('/o/:organisation/sign-up', { schema: { hide: true } }, async (request, reply) => {
    const org = await readPublicOrganisation(ctx, request.params.organisation);
    if (org === null) return notFound(request, reply);
    const locale = localeOf(request, org);
    const config = await readSignupRow(ctx.db, org.id);
    if (config?.enabled !== 1) return closed(reply, locale);
    const wanted = typeof request.query.department === 'string' ? request.query.department : '';
    const parts = await departmentState(org, config.department_choice === 1, wanted);
    if (parts === null) return send(reply, 404, messagePage(locale, SIGNUP_MESSAGES[locale].form.unknownDepartment, SSO_MESSAGES[locale].notFound.body, 'unknown_department'));
    const values: SignupForm = { firstName: '', lastName: '', email: '', phone: '', department: parts.fixed?.id ?? '' };
    return send(reply, 200, formPage(locale, org, { values, ...parts, error: null, fieldErrors: {}, bySms: await sendsSms(org.id) }));
  });

  app.post<Params & { Body: unknown }>('/o/:organisation/sign-up', { schema: { hide: true }, bodyLimit: PUBLIC_BODY_LIMIT }, async (request, reply) => {
    const org = await readPublicOrganisation(ctx, request.params.organisation);
    if (org === null) return notFound(request, reply);
    const locale = localeOf(request, org);
    const now = ctx.clock.now();
    if (await limitPublicForm(limiter, 'page:sign-up', request, reply, orgLanguage(org), now)) return reply;
    const body = (typeof request.body === 'object' && request.body !== null ? request.body : {}) as Record<string, unknown>;
    const values: SignupForm = { firstName: text(body, 'firstName', 100), lastName: text(body, 'lastName', 100), email: text(body, 'email', 254), phone: text(body, 'phone', 40), department: text(body, 'department', 64) };
    const config = await readSignupRow(ctx.db, org.id);
    if (config?.enabled !== 1) return closed(reply, locale);
    const parts = { ...((await departmentState(org, config.department_choice === 1, values.department)) ?? { fixed: null, choices: [] }), bySms: await sendsSms(org.id) };
    const m = SIGNUP_MESSAGES[locale];
    const language = languageOfClaim(locale) ?? orgLanguage(org);
    // Over its hourly sign-ups, an address (or a mobile number a code would go to) gets the same answer as any other, and nothing is sent.
    const admit = async (who: { email: string; phone: string | null }): Promise<boolean> => {
      const limits = [{ key: `signup:email:${addressKey(who.email)}`, ...PER_ADDRESS }, ...(who.phone === null ? [] : [{ key: `signup:phone:${who.phone}`, ...PER_ADDRESS }])];
      return (await limiter.take(limits, now)).ok;
    };
    const outcome = await requestSignup(ctx, org, values, { language, locale }, admit);
    switch (outcome.kind) {
      case 'sent':
        if (outcome.code !== null) return send(reply, 200, codePage(locale, org, { ...outcome.code, email: outcome.email }, null));
        return send(reply, 200, messagePage(locale, m.sent.title, m.sent.body(outcome.email), 'sent'));
      case 'closed':
        return closed(reply, locale);
      case 'domain_not_allowed':
        return send(reply, 403, formPage(locale, org, { values, ...parts, error: m.form.domainNotAllowed(outcome.domain), fieldErrors: {} }));
      case 'unknown_department':
        return send(reply, 422, formPage(locale, org, { values: { ...values, department: '' }, ...parts, error: m.form.unknownDepartment, fieldErrors: {} }));
      case 'invalid':
        return send(reply, 422, formPage(locale, org, { values, ...parts, error: null, fieldErrors: outcome.fields }));
    }
  });

  // The code texted to the person, typed on the page the sign-up answered with (its ticket in the form, never in an address).
  app.get<Params>(signUpCodePath(':organisation'), { schema: { hide: true } }, async (request, reply) => {
    const org = await readPublicOrganisation(ctx, request.params.organisation);
    if (org === null) return notFound(request, reply);
    return reply.status(303).headers({ location: signUpPath(org.id), 'cache-control': 'no-store' }).send();
  });

  app.post<Params & { Body: unknown }>(signUpCodePath(':organisation'), { schema: { hide: true }, bodyLimit: PUBLIC_BODY_LIMIT }, async (request, reply) => {
    const org = await readPublicOrganisation(ctx, request.params.organisation);
    if (org === null) return notFound(request, reply);
    const locale = localeOf(request, org);
    if (await limitPublicForm(limiter, 'page:sign-up-code', request, reply, orgLanguage(org), ctx.clock.now())) return reply;
    const body = (typeof request.body === 'object' && request.body !== null ? request.body : {}) as Record<string, unknown>;
    const ticket = text(body, 'ticket', 100);
    const email = text(body, 'email', 254);
    const done = await completeSignupByCode(ctx, org.id, ticket, text(body, 'code', 20), sourceOf(request));
    const m = SIGNUP_MESSAGES[locale];
    const again = `\n<p><a href="${signUpPath(org.id)}">${escapeHtml(m.form.submit)}</a></p>`;
    const minutes = Math.round(SIGNUP_CODE_LIFETIME_MS / 60_000);
    const alsoEmail = body.alsoEmail === '1';
    switch (done.kind) {
      case 'verified': {
        // The same page whether the profile was made now or the address had one: the code proved the phone, not the address.
        const apps = SSO_MESSAGES[locale].signedIn;
        const signIn = `\n<p><a href="${signInPath(org.id)}">${escapeHtml(SSO_MESSAGES[locale].signIn.submit)}</a></p>`;
        return send(reply, 200, messagePage(locale, m.code.verified.title, m.code.verified.body(org.name), 'verified', `\n<p>${escapeHtml(apps.apps)}</p>\n<ul class="apps">${appLinkItems(ctx, org, apps)}</ul>${signIn}`));
      }
      case 'wrong':
        return send(reply, 422, codePage(locale, org, { ticket, phone: done.phone, email, alsoEmail }, { text: m.code.wrong(done.triesLeft), state: 'wrong', failing: done.delivery === 'failing' }));
      case 'malformed':
        return send(reply, 422, codePage(locale, org, { ticket, phone: done.phone, email, alsoEmail }, { text: m.code.malformed, state: 'malformed', failing: done.delivery === 'failing' }));
      case 'void':
        return send(reply, 410, messagePage(locale, m.code.void.title, m.code.void.body, 'void', again));
      case 'expired': {
        const expired = m.code.expired(minutes);
        return send(reply, 410, messagePage(locale, expired.title, expired.body, 'expired', again));
      }
      case 'used':
        return send(reply, 410, messagePage(locale, m.code.used.title, m.code.used.body, 'used', `\n<p><a href="${signInPath(org.id)}">${escapeHtml(SSO_MESSAGES[locale].signIn.submit)}</a></p>`));
      case 'replaced':
        return send(reply, 410, messagePage(locale, m.code.replaced.title, m.code.replaced.body, 'replaced', again));
      case 'unknown':
        return send(reply, 410, messagePage(locale, m.code.unknown.title, m.code.unknown.body, 'unknown', again));
      case 'not_delivered':
        return send(reply, 502, messagePage(locale, m.code.notDelivered.title, m.code.notDelivered.body(done.phone), 'not_delivered', again));
      case 'closed':
        return closed(reply, locale);
      case 'not_created':
        request.log.warn('a verified sign-up was refused by the profile rules');
        return send(reply, 422, messagePage(locale, m.failed.title, m.failed.body, 'not_created'));
    }
  });

  const linkPage = (reply: FastifyReply, locale: SsoLocale, kind: 'unknown' | 'expired' | 'used'): FastifyReply => {
    const m = SIGNUP_MESSAGES[locale];
    if (kind === 'expired') return send(reply, 410, messagePage(locale, m.expired.title, m.expired.body, 'expired'));
    if (kind === 'used') return send(reply, 410, messagePage(locale, m.used.title, m.used.body, 'used'));
    const notFound = SSO_MESSAGES[locale].notFound;
    return send(reply, 404, messagePage(locale, notFound.title, notFound.body, 'not_found'));
  };

  // Opening the link only shows a button: mail scanners that fetch links spend nothing.
  app.get<TokenParams>('/o/:organisation/sign-up/verify/:token', { schema: { hide: true } }, async (request, reply) => {
    const org = await readPublicOrganisation(ctx, request.params.organisation);
    if (org === null) return notFound(request, reply);
    const locale = localeOf(request, org);
    const state = await readSignupLink(ctx, org.id, request.params.token);
    if (state.kind !== 'valid') return linkPage(reply, locale, state.kind);
    const m = SIGNUP_MESSAGES[locale].confirm;
    const form = `<form method="post" action="${signUpVerifyPath(org.id, request.params.token)}"><button type="submit">${escapeHtml(m.submit)}</button></form>`;
    return send(reply, 200, messagePage(locale, m.title(org.name), m.body(state.request.email), 'confirm', `\n${form}`));
  });

  app.post<TokenParams>('/o/:organisation/sign-up/verify/:token', { schema: { hide: true }, bodyLimit: PUBLIC_BODY_LIMIT }, async (request, reply) => {
    const org = await readPublicOrganisation(ctx, request.params.organisation);
    if (org === null) return notFound(request, reply);
    const locale = localeOf(request, org);
    if (await limitPublicForm(limiter, 'page:sign-up-verify', request, reply, orgLanguage(org), ctx.clock.now())) return reply;
    const done = await completeSignup(ctx, org.id, request.params.token, sourceOf(request));
    const m = SIGNUP_MESSAGES[locale];
    const signIn = `\n<p><a href="${signInPath(org.id)}">${escapeHtml(SSO_MESSAGES[locale].signIn.submit)}</a></p>`;
    switch (done.kind) {
      case 'created': {
        const apps = SSO_MESSAGES[locale].signedIn;
        return send(reply, 201, messagePage(locale, m.done.title, m.done.body(org.name), 'created', `\n<p>${escapeHtml(apps.apps)}</p>\n<ul class="apps">${appLinkItems(ctx, org, apps)}</ul>`));
      }
      case 'already':
        return send(reply, 200, messagePage(locale, m.already.title, m.already.body(org.name), 'already', signIn));
      case 'closed':
        return closed(reply, locale);
      case 'not_created':
        request.log.warn('a verified sign-up was refused by the profile rules');
        return send(reply, 422, messagePage(locale, m.failed.title, m.failed.body, 'not_created'));
      default:
        return linkPage(reply, locale, done.kind);
    }
  });
}
