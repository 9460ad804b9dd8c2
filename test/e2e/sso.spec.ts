import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import type { Browser, Page } from '@playwright/test';
import { RULE_TEMPLATES } from '../../src-shared/messages';
import { signInAt, startTestProvider } from '../support/oidc-provider';
import type { TestProvider } from '../support/oidc-provider';
import { expectNoSeriousA11yViolations } from './support/a11y';
import { makeDataDir, removeDataDir, startConsoleHost } from './support/console-host';
import type { ConsoleHost } from './support/console-host';
import { createE2eServer } from './support/roster-server';
import type { E2eServer } from './support/roster-server';
import { wordsFor } from './support/words';

/**
 * Single sign-on in the console (issue 17), in the browser host against a
 * real Roster server and a real OpenID Provider (oidc-provider) on loopback:
 * an admin signs in through the provider (the console's loopback redirect,
 * RFC 8252), and the owner saves and tests the organisation's settings. With
 * SHOTS_DIR set, the screens are saved in English, French, Dutch and Spanish.
 */

const SECRET = 'acme-secret-at-the-provider';
let server: E2eServer;
let idp: TestProvider;
let ownerToken: string;
const hosts: ConsoleHost[] = [];

async function api(method: string, path: string, body?: unknown): Promise<Response> {
  return fetch(`${server.url}/api/v1${path}`, { method, headers: { authorization: `Bearer ${ownerToken}`, 'content-type': 'application/json' }, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
}

test.beforeEach(async () => {
  server = await createE2eServer({ organisationName: 'Acme Parking' });
  const signedIn = await fetch(`${server.url}/api/v1/auth/sign-in`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: server.owner.email, password: server.owner.password }) });
  ownerToken = ((await signedIn.json()) as { data: { token: string } }).data.token;
  idp = await startTestProvider(
    [{ clientId: 'roster-acme', clientSecret: SECRET, redirectUris: [`${server.url}/o/${server.owner.organisationId}/sso/callback`, 'http://127.0.0.1/callback'], applicationType: 'native' }],
    { owner: { email: server.owner.email, given_name: 'Olivia', family_name: 'Owner' }, ana: { email: 'ana.silva@acme.example', given_name: 'Ana', family_name: 'Silva' } },
  );
});

test.afterEach(async () => {
  for (const host of hosts.splice(0)) {
    await host.stop();
    removeDataDir(host.dataDir);
  }
  await idp.close();
  await server.dispose();
});

async function openConsole(browser: Browser, locale: string): Promise<Page> {
  const host = await startConsoleHost(makeDataDir());
  hosts.push(host);
  const page = await (await browser.newContext({ locale })).newPage();
  await page.goto(host.launchUrl);
  return page;
}

async function enableSso(): Promise<void> {
  const saved = await api('PUT', '/sso', { enabled: true, issuer: idp.issuer, clientId: 'roster-acme', clientSecret: SECRET });
  expect(saved.status).toBe(200);
}

const shots = process.env.SHOTS_DIR;
async function shot(page: Page, name: string): Promise<void> {
  if (shots === undefined) return;
  mkdirSync(shots, { recursive: true });
  await page.screenshot({ path: join(shots, name), fullPage: true });
}

/** The provider's own development pages, in the tab the console opened: the login, then (a native client's) consent. */
async function signInAtProvider(popup: Page): Promise<void> {
  await popup.locator('input[name="login"]').fill('owner');
  await popup.locator('input[name="password"]').fill('any');
  await popup.locator('button[type="submit"]').click();
  await popup.getByRole('button', { name: 'Continue' }).click();
}

for (const [language, locale] of [
  ['en', 'en-GB'],
  ['fr', 'fr-BE'],
  ['nl', 'nl-BE'],
  ['es', 'es-ES'],
] as const) {
  test(`${language}: an admin signs in with single sign-on in the browser and sees the organisation; the owner saves and tests the settings`, async ({ browser }) => {
    test.setTimeout(120_000);
    const t = await wordsFor(language);
    await enableSso();
    const page = await openConsole(browser, locale);
    const nav = page.getByRole('navigation');
    await nav.getByText(t('common.nav.server'), { exact: true }).click();
    await page.getByRole('textbox', { name: t('sync.server.address') }).fill(server.url);
    await page.getByRole('textbox', { name: t('sync.sso.organisation') }).fill(server.owner.organisationId);
    await shot(page, `sso-sign-in-${language}.png`);

    // Cancelled while the provider's page is open: a neutral note, not an error.
    const abandoned = page.context().waitForEvent('page');
    await page.getByRole('button', { name: t('sync.sso.start') }).click();
    await (await abandoned).close();
    await page.getByRole('button', { name: t('sync.sso.cancel') }).click();
    await expect(page.getByTestId('sso-stopped')).toHaveText(language === 'en' ? RULE_TEMPLATES.sso_cancelled : t('rules.sso_cancelled'));
    await expect(page.getByTestId('sso-error')).toHaveCount(0);
    await shot(page, `sso-cancelled-${language}.png`);

    // The provider's page opens in a new tab; the console waits for it.
    const opened = page.context().waitForEvent('page');
    await page.getByRole('button', { name: t('sync.sso.start') }).click();
    const popup = await opened;
    await expect(page.getByTestId('sso-waiting')).toContainText(t('sync.sso.waiting'));
    await shot(page, `sso-waiting-${language}.png`);
    await signInAtProvider(popup);
    // The tab is told, in the console's language, that it can be closed.
    await expect(popup.locator('[data-state="signed_in"]')).toBeVisible();
    await expect(popup.locator('html')).toHaveAttribute('lang', language);
    if (shots !== undefined) await popup.screenshot({ path: join(shots, `sso-tab-${language}.png`) });
    await popup.close();
    await expect(page.getByTestId('connection')).toContainText('Acme Parking');
    await expect(page.getByTestId('connection')).toContainText(server.owner.email);

    // The settings page: what the server has, the secret never shown.
    await nav.getByText(t('org.nav.sso'), { exact: true }).click();
    await expect(page.getByRole('heading', { level: 2, name: t('org.sso.title') })).toBeVisible();
    await expect(page.getByRole('textbox', { name: t('org.sso.issuer') })).toHaveValue(idp.issuer);
    await expect(page.getByText(t('org.sso.secretSet'))).toBeVisible();
    await expect(page.getByTestId('sso-organisation-id')).toHaveText(server.owner.organisationId);
    if (language === 'en') await expectNoSeriousA11yViolations(page, 'Single sign-on settings');
    await shot(page, `sso-settings-${language}.png`);

    // A domain that is none: refused under its field, nothing saved.
    const domains = page.getByRole('textbox', { name: t('org.sso.allowedDomains') });
    await domains.fill('acme.example, not a domain');
    await page.getByRole('button', { name: t('org.sso.save') }).click();
    await expect(domains).toHaveAttribute('aria-invalid', 'true');
    expect(((await (await api('GET', '/sso')).json()) as { data: { allowedDomains: string[] } }).data.allowedDomains).toEqual([]);

    // Saved: just-in-time creation on, the domains allowed, a provider name.
    await domains.fill('acme.example');
    await page.getByRole('textbox', { name: t('org.sso.providerName') }).fill('Acme ID');
    await page.getByRole('switch', { name: t('org.sso.jitCreation') }).check();
    await page.getByRole('button', { name: t('org.sso.save') }).click();
    await expect(page.getByText(t('org.sso.saved'))).toBeVisible();
    const stored = ((await (await api('GET', '/sso')).json()) as { data: Record<string, unknown> }).data;
    expect(stored).toMatchObject({ enabled: true, providerName: 'Acme ID', jitCreation: true, allowedDomains: ['acme.example'], clientSecretSet: true });

    // Test the connection: the server's exact answer, worded here too.
    await page.getByRole('button', { name: t('org.sso.test') }).click();
    await expect(page.getByTestId('sso-test-result')).toHaveAttribute('data-ok', 'true');
    await expect(page.getByTestId('sso-test-message')).toHaveText(`The provider ${idp.issuer} answers with a usable discovery document.`);
    // The page scrolls inside its own pane: the answer is brought into view for the screenshot.
    await page.getByTestId('sso-test-result').scrollIntoViewIfNeeded();
    await shot(page, `sso-test-ok-${language}.png`);
    await page.getByRole('textbox', { name: t('org.sso.issuer') }).fill('http://127.0.0.1:1');
    await page.getByRole('button', { name: t('org.sso.test') }).click();
    await expect(page.getByTestId('sso-test-result')).toHaveAttribute('data-ok', 'false');
    await expect(page.getByTestId('sso-test-result')).toContainText(t('org.sso.testFailed'));
    await page.getByTestId('sso-test-result').scrollIntoViewIfNeeded();
    await shot(page, `sso-test-failed-${language}.png`);

    // A person's first single sign-on makes their profile just in time: the console lists it with its source and filters on it.
    const organisation = `${server.url}/o/${server.owner.organisationId}`;
    const back = await signInAt(`${organisation}/sso/start`, 'ana', `${organisation}/sso/callback`);
    expect(await (await fetch(back)).text()).toContain('data-state="signed_in"');
    expect((await api('POST', '/profiles', { draft: { firstName: 'Bob', lastName: 'Builder', email: 'bob@acme.example' } })).status).toBe(200);
    await page.getByTestId('status-bar').getByRole('button', { name: t('sync.status.syncNow') }).click();
    await nav.getByText(t('common.nav.profiles'), { exact: true }).click();
    const rows = page.getByTestId('profile-row');
    await expect(rows).toHaveCount(2);
    const ana = rows.filter({ hasText: 'ana.silva@acme.example' });
    await expect(ana.getByTestId('source-badge')).toHaveText(t('profiles.source.badge.sso'));
    await expect(ana.getByTestId('source-badge')).toHaveAttribute('title', t('profiles.source.sso'));
    await expect(rows.filter({ hasText: 'bob@acme.example' }).getByTestId('source-badge')).toHaveCount(0);
    await page.getByTestId('filter-source').click();
    await expect(page.getByRole('option', { name: t('profiles.source.all') })).toBeVisible();
    await shot(page, `profiles-source-options-${language}.png`);
    await page.getByRole('option', { name: t('profiles.list.facet', { label: t('profiles.source.sso'), n: '1' }) }).click();
    await expect(rows).toHaveCount(1);
    await expect(rows).toContainText('ana.silva@acme.example');
    await page.mouse.move(1, 1);
    // The settings' "saved" note has gone by now; the shot shows the list alone.
    await expect(page.getByText(t('org.sso.saved'))).toHaveCount(0);
    await shot(page, `profiles-source-filter-${language}.png`);
    await rows.click();
    await expect(page.getByTestId('profile-source')).toHaveText(t('profiles.source.createdBy.sso'));
    await shot(page, `profile-source-${language}.png`);
  });
}

test('an organisation without single sign-on: the console says so, and nothing is kept', async ({ browser }) => {
  const page = await openConsole(browser, 'en-GB');
  await page.getByRole('navigation').getByText('Server', { exact: true }).click();
  await page.getByRole('textbox', { name: 'Server address' }).fill(server.url);
  await page.getByRole('textbox', { name: 'Organisation ID' }).fill(server.owner.organisationId);
  await page.getByRole('button', { name: 'Use single sign-on' }).click();
  await expect(page.getByTestId('sso-error')).toHaveText(`Single sign-on is not enabled for this organisation on ${server.url} (or no organisation has this id).`);
  await expect(page.getByTestId('connection')).toHaveCount(0);
});
