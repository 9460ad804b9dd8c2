import { createHash } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Language } from '../../src-shared/languages';
import { escapeHtml, formatDate, MESSAGES } from '../i18n';
import { addressKey } from '../lib/rate-limit';
import type { DbRateLimiter } from '../lib/rate-limit';
import type { LinkState } from '../services/invitations';
import { PASSWORD_MIN } from '../services/invitations';

const STYLE = `
*{box-sizing:border-box}body{margin:0;min-height:100vh;display:flex;align-items:center;justify-content:center;background:#f4f5f7;
font-family:-apple-system,"Segoe UI",Roboto,Helvetica,Arial,sans-serif;color:#1f2933}
main{background:#fff;max-width:440px;width:100%;margin:24px;padding:32px;border-radius:10px;box-shadow:0 1px 3px rgba(0,0,0,.1)}
h1{font-size:22px;margin:0 0 12px}p{line-height:1.5}label{display:block;font-weight:600;margin:16px 0 6px}
input,select{width:100%;padding:10px 12px;font-size:16px;border:1px solid #cbd2d9;border-radius:6px;background:#fff}
button{margin-top:20px;width:100%;padding:12px;font-size:16px;font-weight:600;color:#fff;background:#1c64f2;border:0;border-radius:6px;cursor:pointer}
.button{display:block;margin-top:20px;padding:12px;font-size:16px;font-weight:600;text-align:center;text-decoration:none;color:#1c64f2;border:1px solid #1c64f2;border-radius:6px}
.or{text-align:center;color:#52606d;margin:20px 0 0}ul.apps{padding-left:20px}
.hint{font-size:13px;color:#52606d}.error{color:#b91c1c;font-weight:600}.muted{color:#52606d;font-size:14px}
`;

/** The one stylesheet, allowed by its hash: no inline script, no other source, no framing. */
export const PAGE_CSP = `default-src 'none'; style-src 'sha256-${createHash('sha256').update(STYLE).digest('base64')}'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'`;

export const PAGE_HEADERS: Record<string, string> = {
  'content-type': 'text/html; charset=utf-8',
  'content-security-policy': PAGE_CSP,
  'referrer-policy': 'no-referrer',
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'cache-control': 'no-store',
};

export const page = (language: Language, title: string, body: string): string => htmlPage(MESSAGES[language].locale, title, body);

/** A page in any language tag (`lang`): the people's sign-in pages speak four. */
export const htmlPage = (lang: string, title: string, body: string): string => `<!doctype html>
<html lang="${escapeHtml(lang)}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<meta name="robots" content="noindex, nofollow">
<title>${escapeHtml(title)}</title>
<style>${STYLE}</style>
</head>
<body><main>
${body}
</main></body>
</html>`;

export interface FormView {
  language: Language;
  organisationName: string;
  firstName: string;
  email: string;
  expiresAt: string;
  /** The form posts back to the page's own path (relative: never built from a Host header). */
  error: keyof (typeof MESSAGES)['en_US']['page']['errors'] | null;
}

export function renderForm(view: FormView): string {
  const m = MESSAGES[view.language].page;
  const inv = MESSAGES[view.language].invitation;
  return page(
    view.language,
    m.title,
    `<h1>${escapeHtml(m.heading(view.organisationName))}</h1>
<p>${escapeHtml(m.lead(view.firstName, view.email))}</p>
${view.error === null ? '' : `<p class="error" role="alert" data-error="${view.error}">${escapeHtml(m.errors[view.error])}</p>`}
<form method="post" autocomplete="on">
<input type="hidden" name="username" autocomplete="username" value="${escapeHtml(view.email)}">
<label for="password">${escapeHtml(m.password)}</label>
<input id="password" name="password" type="password" autocomplete="new-password" required minlength="${PASSWORD_MIN}">
<label for="confirm">${escapeHtml(m.confirm)}</label>
<input id="confirm" name="confirm" type="password" autocomplete="new-password" required minlength="${PASSWORD_MIN}">
<p class="hint">${escapeHtml(m.hint(PASSWORD_MIN))}</p>
<button type="submit">${escapeHtml(m.submit)}</button>
</form>
<p class="muted">${escapeHtml(inv.expires(formatDate(view.expiresAt, view.language)))}</p>`,
  );
}

export function renderState(language: Language, state: Exclude<LinkState, 'valid'> | 'done' | 'busy'): string {
  const m = MESSAGES[language].page;
  const text = m[state];
  return page(language, text.title, `<h1 data-state="${state}">${escapeHtml(text.title)}</h1>\n<p>${escapeHtml(text.body)}</p>`);
}

/** HTTP status of each page. */
export const STATE_STATUS: Record<Exclude<LinkState, 'valid'> | 'done' | 'busy', number> = {
  done: 200,
  busy: 429,
  invalid: 404,
  expired: 410,
  used: 410,
  replaced: 410,
};

/** At most so many posts of a public form a minute from one network (an address, an IPv6 /64), whichever server process takes them. */
export const PUBLIC_FORM_LIMIT = { max: 30, windowMs: 60_000 } as const;

/**
 * Counts a post of a public form (`form` names it) in the database, shared
 * by every server process: true when it was refused, the page that says to
 * wait already sent (429 with Retry-After).
 */
export async function limitPublicForm(
  limiter: DbRateLimiter,
  form: string,
  request: FastifyRequest,
  reply: FastifyReply,
  language: Language,
  now: Date,
): Promise<boolean> {
  const taken = await limiter.take([{ key: `${form}:${addressKey(request.ip)}`, ...PUBLIC_FORM_LIMIT }], now);
  if (taken.ok) return false;
  const seconds = Math.max(1, Math.ceil((taken.retryAt.getTime() - now.getTime()) / 1000));
  await reply.status(STATE_STATUS.busy).headers(PAGE_HEADERS).header('retry-after', String(seconds)).send(renderState(language, 'busy'));
  return true;
}
