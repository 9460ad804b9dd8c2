import { toSingleLine } from '../../src-shared/text-safety';
import { escapeHtml } from '../i18n';
import type { ServerContext } from '../services/context';
import { readAppLinks, usableAppLinks } from '../services/organisations';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** An organisation as its public pages (sign-in, sign-up) show it. */
export interface OrgView {
  id: string;
  name: string;
  language: string;
  appLinks: string;
}

/** The organisation a public page's address names, when it exists and is not disabled. */
export async function readPublicOrganisation(ctx: ServerContext, raw: string): Promise<OrgView | null> {
  if (!UUID.test(raw)) return null;
  const row = await ctx.db.selectFrom('organisations').select(['id', 'name', 'default_language', 'app_links', 'disabled_at']).where('id', '=', raw.toLowerCase()).executeTakeFirst();
  if (row === undefined || row.disabled_at !== null) return null;
  return { id: row.id, name: toSingleLine(row.name), language: row.default_language, appLinks: row.app_links };
}

/** The organisation's app links as list items ("get the app"), with their labels. */
export function appLinkItems(ctx: ServerContext, org: OrgView, labels: { ios: string; android: string; web: string }): string {
  const links = usableAppLinks(readAppLinks(org.appLinks), ctx.config.appLinks);
  return (['ios', 'android', 'web'] as const).map((key) => `<li><a href="${escapeHtml(links[key])}" data-app="${key}">${escapeHtml(labels[key])}</a></li>`).join('\n');
}
