import type { Language } from '../../src-shared/languages';
import { toSingleLine } from '../../src-shared/text-safety';
import { checkWebUrl } from '../../src-shared/urls';
import { escapeHtml, formatDate, MESSAGES } from '../i18n';
import type { InvitationMailPayload, WelcomeMailPayload } from '../services/invitation-mail';
import { ACCOUNT_MESSAGES } from '../account-i18n';
import type { AccountMailPayload } from '../services/account-links';
import type { SignupMailPayload } from '../services/signup';
import { SIGNUP_MESSAGES } from '../signup-i18n';
import { IMPORT_REPORT_MESSAGES } from '../import-report-i18n';
import type { ImportReportPayload } from '../services/import-report';
import { ssoLocaleOf } from '../sso-i18n';
import { SIGN_IN_DETAILS_MESSAGES } from '../sign-in-details-i18n';

export interface RenderedMail {
  subject: string;
  text: string;
  html: string;
}

const layout = (language: Language, title: string, body: string): string => `<!doctype html>
<html lang="${MESSAGES[language].locale}">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width"><title>${escapeHtml(title)}</title></head>
<body style="margin:0;padding:24px;background:#f4f5f7;font-family:-apple-system,Segoe UI,Roboto,Helvetica,Arial,sans-serif;color:#1f2933">
<table role="presentation" width="100%" cellpadding="0" cellspacing="0"><tr><td align="center">
<table role="presentation" width="560" cellpadding="0" cellspacing="0" style="max-width:560px;background:#ffffff;border-radius:8px;padding:32px">
<tr><td style="font-size:16px;line-height:1.5">${body}</td></tr>
</table>
<p style="font-size:12px;color:#6b7280">${escapeHtml(MESSAGES[language].footer)}</p>
</td></tr></table>
</body>
</html>`;

const button = (href: string, label: string): string =>
  `<p style="margin:24px 0"><a href="${escapeHtml(href)}" style="display:inline-block;background:#1c64f2;color:#ffffff;text-decoration:none;padding:12px 20px;border-radius:6px;font-weight:600">${escapeHtml(label)}</a></p>`;

/** Email 1: confirm your account and set a password. */
export function renderInvitation(language: Language, payload: InvitationMailPayload, link: string): RenderedMail {
  const m = MESSAGES[language].invitation;
  const expires = m.expires(formatDate(payload.expiresAt, language));
  // One line, no control or text-direction characters: it goes into the Subject header (also from a message queued before names were checked).
  const organisationName = toSingleLine(payload.organisationName);
  return linkMail(language, link, {
    subject: m.subject(organisationName),
    greeting: m.greeting(payload.firstName),
    intro: m.intro(organisationName),
    action: m.action,
    ignore: m.ignore,
    ...untilWhen(expires, link),
  });
}

/** The link written out under its button, for a reader whose mail client shows no button. */
const linkLine = (link: string): string => `<p style="font-size:13px;color:#6b7280;word-break:break-all">${escapeHtml(link)}</p>`;

/** Until when the link works, under its button, and the link written out (the plain text has it above already). */
const untilWhen = (expires: string, link: string): { text: string[]; html: string[] } => ({
  text: [expires],
  html: [`<p style="font-size:14px;color:#4b5563">${escapeHtml(expires)}</p>`, linkLine(link)],
});

/**
 * A message whose point is one link: the greeting (a person's messages have
 * one), what it is about, the button, what this message adds (its own text
 * lines and HTML), and what to do if it was not expected.
 */
function linkMail(
  language: Language,
  link: string,
  w: { subject: string; greeting: string | null; intro: string; action: string; ignore: string; text: readonly string[]; html: readonly string[] },
): RenderedMail {
  const colon = MESSAGES[language].colon;
  const greeting = w.greeting === null ? [] : [w.greeting, ''];
  const text = [...greeting, w.intro, '', `${w.action}${colon}`, link, '', ...w.text, '', w.ignore, '', '-- ', MESSAGES[language].footer].join('\n');
  const html = layout(
    language,
    w.subject,
    [...(w.greeting === null ? [] : [`<p>${escapeHtml(w.greeting)}</p>`]), `<p>${escapeHtml(w.intro)}</p>`, button(link, w.action), ...w.html, `<p style="font-size:13px;color:#6b7280">${escapeHtml(w.ignore)}</p>`].join('\n'),
  );
  return { subject: w.subject, text, html };
}

/** Email 2: get the app. */
export function renderWelcome(language: Language, payload: WelcomeMailPayload): RenderedMail {
  const m = MESSAGES[language].welcome;
  const organisationName = toSingleLine(payload.organisationName);
  const subject = m.subject(organisationName);
  // A payload queued before links were checked may hold any scheme: only https (or http to this machine) becomes a link.
  const links = (
    [
      [m.ios, payload.appLinks.ios],
      [m.android, payload.appLinks.android],
      [m.web, payload.appLinks.web],
    ] as const
  ).flatMap(([label, href]): [string, string][] => {
    const checked = checkWebUrl(href, label);
    return checked.ok ? [[label, href.trim()]] : [];
  });
  const colon = MESSAGES[language].colon;
  const text = [m.greeting(payload.firstName), '', m.intro(organisationName), '', ...links.map(([label, href]) => `${label}${colon} ${href}`), '', m.outro, '', '-- ', MESSAGES[language].footer].join('\n');
  const html = layout(
    language,
    subject,
    [
      `<p>${escapeHtml(m.greeting(payload.firstName))}</p>`,
      `<p>${escapeHtml(m.intro(organisationName))}</p>`,
      ...links.map(([label, href]) => button(href, label)),
      `<p>${escapeHtml(m.outro)}</p>`,
    ].join('\n'),
  );
  return { subject, text, html };
}

// ------------------------------------------------------------------ owners and admins (lane 13: organisations and admins)

/** An owner's or admin's invitation, or a password reset: one link to the server's account page. */
export function renderAccountMail(language: Language, payload: AccountMailPayload, link: string): RenderedMail {
  const m = ACCOUNT_MESSAGES[language];
  const organisationName = toSingleLine(payload.organisationName ?? '');
  const invitedBy = payload.invitedBy === null ? null : toSingleLine(payload.invitedBy);
  const isReset = payload.purpose === 'password_reset';
  return linkMail(language, link, {
    subject: isReset ? m.reset.subject : m.invite.subject(organisationName),
    greeting: null,
    intro: isReset ? (payload.organisationName === null ? m.reset.intro : m.reset.personIntro(organisationName)) : m.invite.intro(organisationName, m.role[payload.role ?? 'viewer'], invitedBy),
    action: isReset ? m.reset.action : m.invite.action,
    ignore: isReset ? m.reset.ignore : m.ignore,
    ...untilWhen(m.expires(formatDate(payload.expiresAt, language)), link),
  });
}

/** Self sign-up: confirm your email to make your profile. */
export function renderSignupMail(language: Language, payload: SignupMailPayload, link: string): RenderedMail {
  const m = SIGNUP_MESSAGES[ssoLocaleOf(undefined, language)].mail;
  const organisationName = toSingleLine(payload.organisationName);
  return linkMail(language, link, {
    subject: m.subject(organisationName),
    greeting: null,
    intro: m.intro(organisationName),
    action: m.action,
    ignore: m.ignore,
    ...untilWhen(m.expires(formatDate(payload.expiresAt, language)), link),
  });
}

/** An import source's run, for the organisation's owners and admins: what it did, its counts, no link. */
export function renderImportReport(language: Language, p: ImportReportPayload): RenderedMail {
  const m = IMPORT_REPORT_MESSAGES[language];
  const colon = MESSAGES[language].colon;
  const source = toSingleLine(p.sourceName);
  const org = toSingleLine(p.organisationName);
  const subject = m.subject[p.status](source);
  const lines =
    p.status === 'failed'
      ? [m.failed(source, org), '', `${m.reason}${colon} ${p.error ?? ''}`]
      : [
          m.read(source, org, toSingleLine(p.fileName ?? '')),
          '',
          ...(['created', 'updated', 'unchanged', 'rejected', 'deactivated'] as const).map((k) => `${m.counts[k]}${colon} ${p[k]}`),
          ...(p.pendingDeactivation > 0 ? ['', m.pending(p.pendingDeactivation, p.limit)] : []),
          ...(p.rejected > 0 ? ['', m.rejectedNote] : []),
        ];
  const text = [...lines, '', '-- ', MESSAGES[language].footer].join('\n');
  const html = layout(language, subject, lines.filter((l) => l !== '').map((l) => `<p>${escapeHtml(l)}</p>`).join('\n'));
  return { subject, text, html };
}

/** The payload of a "sign-in details" email: who, which organisation, and the name to sign in with (never a password). */
export interface SignInDetailsPayload {
  firstName: string;
  organisationName: string;
  username: string | null;
  email: string;
}

/** Where and as whom the person signs in: the organisation's sign-in page, their username (else their email), and where the password comes from. */
export function renderSignInDetails(language: Language, payload: SignInDetailsPayload, link: string): RenderedMail {
  const m = SIGN_IN_DETAILS_MESSAGES[language];
  const colon = MESSAGES[language].colon;
  const organisationName = toSingleLine(payload.organisationName);
  const who = payload.username === null ? `${m.email}${colon} ${payload.email}` : `${m.username}${colon} ${payload.username}`;
  return linkMail(language, link, {
    subject: m.subject(organisationName),
    greeting: m.greeting(payload.firstName),
    intro: m.intro(organisationName),
    action: m.action,
    ignore: m.ignore,
    text: [who, '', m.password],
    html: [linkLine(link), `<p><strong>${escapeHtml(who)}</strong></p>`, `<p>${escapeHtml(m.password)}</p>`],
  });
}
