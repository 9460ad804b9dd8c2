import type { Page } from '@playwright/test';
import { expectNoSeriousA11yViolations } from './support/a11y';
import { expect, test } from './support/fixtures';
import { createE2eServer } from './support/roster-server';
import type { E2eServer } from './support/roster-server';
import { StatusBar, ServerPage } from './support/sync-pages';
import { inEveryLanguage } from './support/languages';

/**
 * SCIM in the console (issue 16), against a real server: the owner creates a
 * SCIM token (its secret shown once), an identity provider uses it to create
 * two people and deactivate one, the console syncs and shows and filters the
 * deactivated profile; the token is revoked and stops working. The pages are
 * then seen in French, Dutch and Spanish (pictures in the test's output).
 */

let server: E2eServer;

test.beforeEach(async () => {
  server = await createE2eServer({ organisationName: 'Acme Parking' });
});

test.afterEach(async () => {
  await server.dispose();
});

const SCIM_JSON = 'application/scim+json';

/** A SCIM request as an identity provider sends it. */
async function scim(token: string, method: string, path: string, body?: unknown): Promise<{ status: number; json: Record<string, unknown> | null }> {
  const response = await fetch(`${server.url}/scim/v2${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': SCIM_JSON }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  return { status: response.status, json: text === '' ? null : (JSON.parse(text) as Record<string, unknown>) };
}

const person = (email: string, given: string, family: string) => ({
  schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
  userName: email,
  name: { givenName: given, familyName: family },
  emails: [{ primary: true, value: email, type: 'work' }],
  active: true,
});

async function nav(page: Page, name: string): Promise<void> {
  await page.getByRole('navigation').getByText(name, { exact: true }).click();
  await expect(page.getByRole('heading', { level: 2, name })).toBeVisible();
}

test('a SCIM token is created and shown once, provisions and deactivates a person the console then shows and filters, and is revoked', async ({ page, browser, roster }, testInfo) => {
  test.setTimeout(240_000);
  await page.goto(roster.host.launchUrl);
  await new ServerPage(page).signIn(server.url, server.owner.email, server.owner.password);

  await nav(page, 'SCIM provisioning');
  await expect(page.getByTestId('scim-base-url')).toHaveValue(`${server.url}/scim/v2`);
  await expect(page.getByTestId('scim-tokens-none')).toBeVisible();
  // No name: said before asking the server.
  await page.getByRole('button', { name: 'Create token' }).click();
  await expect(page.getByText('Give the token a name, e.g. the identity provider it is for.')).toBeVisible();
  await page.getByRole('textbox', { name: 'Name' }).fill('Okta');
  await page.getByRole('button', { name: 'Create token' }).click();
  const dialog = page.getByRole('dialog', { name: 'Token “Okta” created' });
  await expect(dialog.getByTestId('scim-token-once')).toContainText('You will not see it again');
  const secret = await dialog.getByTestId('scim-token-secret').inputValue();
  expect(secret).toMatch(/^scim_/);
  await expectNoSeriousA11yViolations(page, 'SCIM · the new token shown');
  await dialog.getByRole('button', { name: 'I have copied it' }).click();
  await expect(dialog).toBeHidden();
  await expect(page.getByTestId('scim-token-row')).toHaveCount(1);
  await expect(page.getByTestId('scim-token-row')).toContainText('Okta');
  await expect(page.getByTestId('scim-token-row')).toContainText('Active');
  // Shown once: the secret is nowhere on the page any more.
  expect(await page.content()).not.toContain(secret);

  // The identity provider creates two people and deactivates one.
  const ada = await scim(secret, 'POST', '/Users', person('ada@example.com', 'Ada', 'Lovelace'));
  expect(ada.status).toBe(201);
  expect((await scim(secret, 'POST', '/Users', person('bob@example.com', 'Bob', 'Builder'))).status).toBe(201);
  const off = await scim(secret, 'PATCH', `/Users/${String(ada.json?.id)}`, {
    schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
    Operations: [{ op: 'replace', value: { active: 'False' } }],
  });
  expect(off.status).toBe(200);

  await new StatusBar(page).syncNow();
  await nav(page, 'Profiles');
  await expect(page.getByTestId('profile-row')).toHaveCount(2);
  // Beside the filters with its count: one.
  await expect(page.getByRole('checkbox', { name: 'Deactivated (1)' })).toBeVisible();
  await page.getByTestId('filter-deactivated').check();
  await expect(page.getByTestId('profile-row')).toHaveCount(1);
  await expect(page.getByTestId('profile-row')).toContainText('ada@example.com');
  await expect(page.getByTestId('profile-row').getByTestId('deactivated-badge')).toHaveText('Deactivated');
  await page.getByTestId('profile-row').click();
  await expect(page.getByTestId('deactivated-notice')).toContainText('Deactivated by your identity provider on');

  // Revoked after a confirmation: it stays listed, and stops working.
  await nav(page, 'SCIM provisioning');
  await page.getByTestId('scim-token-row').getByRole('button', { name: 'Revoke' }).click();
  await page.getByRole('dialog', { name: 'Revoke this token?' }).getByRole('button', { name: 'Revoke' }).click();
  await expect(page.getByTestId('scim-token-row')).toContainText('Revoked on');
  expect((await scim(secret, 'GET', '/Users')).status).toBe(401);
  await expectNoSeriousA11yViolations(page, 'SCIM · a revoked token');

  // The same screens in the other console languages, from the browser's language.
  await inEveryLanguage(browser, roster.host.launchUrl, { viewport: { width: 1400, height: 900 } }, async ({ page: other, language, t }) => {
    await nav(other, t('org.nav.scim'));
    await expect(other.getByTestId('scim-token-row').filter({ hasText: 'Okta' })).toBeVisible();
    const name = `Entra ID ${language}`;
    await other.getByRole('textbox', { name: t('org.scim.new.name') }).fill(name);
    await other.getByRole('button', { name: t('org.scim.new.submit') }).click();
    await expect(other.getByTestId('scim-token-once')).toHaveText(t('org.scim.shown.once'));
    await other.screenshot({ path: testInfo.outputPath(`scim-token-shown-${language}.png`) });
    await other.getByRole('button', { name: t('org.scim.shown.done') }).click();
    await other.mouse.move(1, 1);
    await other.screenshot({ path: testInfo.outputPath(`scim-tokens-${language}.png`) });
    await other.getByTestId('scim-token-row').filter({ hasText: name }).getByRole('button', { name: t('org.scim.revoke') }).click();
    await other.getByRole('dialog').getByRole('button', { name: t('org.scim.revoke') }).click();
    await expect(other.getByTestId('scim-token-row').filter({ hasText: name })).not.toContainText(t('org.scim.active'));
    await nav(other, t('common.nav.profiles'));
    await other.getByTestId('filter-deactivated').check();
    await expect(other.getByTestId('deactivated-badge')).toHaveText(t('common.status.deactivated'));
    await other.mouse.move(1, 1);
    await other.screenshot({ path: testInfo.outputPath(`profiles-deactivated-${language}.png`) });
    await other.getByTestId('profile-row').click();
    await expect(other.getByTestId('deactivated-notice')).toBeVisible();
    await other.screenshot({ path: testInfo.outputPath(`profile-deactivated-${language}.png`) });
  });
});
