import type { Page } from '@playwright/test';
import { expect, test } from './support/fixtures';
import { inEveryLanguage } from './support/languages';
import { ProfilesPage } from './support/pages';
import { apiCall, createE2eServer } from './support/roster-server';
import type { E2eServer } from './support/roster-server';
import { ServerPage, StatusBar } from './support/sync-pages';
import { createMutation } from '../support/mutations';

/**
 * Issue 15: an admin sets a one-time password on a profile page; the person
 * signs in with it on the organisation's page, must choose their own at
 * once, and the console shows them confirmed. The dialog in every console
 * language, the person's step in every page language (screenshots).
 */

const ONE_TIME = 'sunflower harbour lantern';
const OWN = 'my own quiet evening walk';

let server: E2eServer;

test.beforeEach(async () => {
  server = await createE2eServer({ organisationName: 'Parking Gent' });
});

test.afterEach(async () => {
  await server.dispose();
});

const call = <T,>(method: string, path: string, body: unknown, token?: string): Promise<T> => apiCall<T>(server, method, path, body, token);

async function openProfile(page: Page, name: string): Promise<void> {
  const profiles = new ProfilesPage(page);
  await profiles.goto();
  await profiles.row(name).click();
  await expect(page.getByRole('heading', { name })).toBeVisible();
}

test('an admin sets a one-time password; the person signs in with it, chooses their own, and shows confirmed', async ({ page, browser, roster }) => {
  test.setTimeout(150_000);
  const session = await call<{ token: string }>('POST', '/api/v1/auth/sign-in', { email: server.owner.email, password: server.owner.password });
  const people = [
    { firstName: 'Ines', lastName: 'Martin', email: 'ines.martin@example.com', locale: 'en-GB' },
    { firstName: 'Chloé', lastName: 'Lambert', email: 'chloe.lambert@example.com', locale: 'fr-BE' },
    { firstName: 'Joris', lastName: 'Claes', email: 'joris.claes@example.com', locale: 'nl-BE' },
    { firstName: 'Lucía', lastName: 'Gómez', email: 'lucia.gomez@example.com', locale: 'es-ES' },
  ];
  const created = people.map((p) => ({ ...p, create: createMutation({ firstName: p.firstName, lastName: p.lastName, email: p.email }) }));
  await call('POST', '/api/v1/sync/push', { clientId: 'e2e-otp-client', mutations: created.map((c) => c.create) }, session.token);

  await page.goto(roster.host.launchUrl);
  await new ServerPage(page).signIn(server.url, server.owner.email, server.owner.password);
  const bar = new StatusBar(page);
  await bar.syncNow();

  // The dialog, in English: a short password is refused with its reason, a good one is set and never shown again.
  await openProfile(page, 'Ines Martin');
  await page.getByRole('button', { name: 'One-time password…' }).click();
  const dialog = page.getByRole('dialog', { name: 'A one-time password for Ines Martin' });
  await expect(dialog).toBeVisible();
  await dialog.getByTestId('one-time-password').fill('password123');
  await dialog.getByRole('button', { name: 'Set the one-time password' }).click();
  await expect(dialog.getByText(/The password is too short/)).toBeVisible();
  await page.screenshot({ path: test.info().outputPath('dialog-refused-en.png') });
  await dialog.getByTestId('one-time-password').fill(ONE_TIME);
  await dialog.getByRole('button', { name: 'Set the one-time password' }).click();
  await expect(dialog.getByTestId('one-time-password-set')).toContainText('Ines Martin can sign in with it until');
  await expect(dialog).not.toContainText(ONE_TIME);
  // Nothing of it went out by email.
  expect(server.sink.to('ines.martin@example.com')).toHaveLength(0);
  // Her sign-in details, on request: the sign-in page and her email, never the password.
  await dialog.getByRole('button', { name: 'Email the sign-in details' }).click();
  await expect(dialog.getByTestId('sign-in-details-sent')).toHaveText('Sign-in details emailed to ines.martin@example.com.');
  await page.screenshot({ path: test.info().outputPath('dialog-set-en.png') });
  await expect.poll(() => server.sink.to('ines.martin@example.com').length).toBe(1);
  const details = server.sink.to('ines.martin@example.com')[0];
  expect(details?.subject).toBe('Your sign-in details for Parking Gent');
  expect(details?.links).toContain(`${server.url}/o/${server.owner.organisationId}/sign-in`);
  expect(details?.text).not.toContain(ONE_TIME);
  await dialog.getByRole('button', { name: 'Close' }).last().click();

  // The dialog in every console language.
  await inEveryLanguage(browser, roster.host.launchUrl, {}, async ({ page: other, language, t }) => {
    await other.getByRole('navigation').getByText(t('common.nav.profiles'), { exact: true }).click();
    await other.getByTestId('profile-row').filter({ hasText: 'Joris Claes' }).click();
    await other.getByRole('button', { name: t('profiles.oneTime.button') }).click();
    const shown = other.getByRole('dialog', { name: t('profiles.oneTime.title', { name: 'Joris Claes' }) });
    await expect(shown.getByText(t('profiles.oneTime.text'))).toBeVisible();
    await other.screenshot({ path: test.info().outputPath(`dialog-${language}.png`) });
  });

  // The others get theirs through the API, for the person's pages in each language.
  for (const c of created.slice(1)) await call('PUT', `/api/v1/profiles/${c.create.entityId}/one-time-password`, { password: ONE_TIME }, session.token);

  for (const person of people) {
    const context = await browser.newContext({ locale: person.locale });
    const reader = await context.newPage();
    await reader.goto(`${server.url}/o/${server.owner.organisationId}/sign-in`);
    await reader.locator('#identifier').fill(person.email);
    await reader.locator('#password').fill(ONE_TIME);
    await reader.locator('button[type="submit"]').click();
    await expect(reader.locator('h1')).toHaveAttribute('data-state', 'choose_password');
    await reader.screenshot({ path: test.info().outputPath(`choose-${person.locale}.png`), fullPage: true });
    if (person.email === 'ines.martin@example.com') {
      // Not twice the same: the page says why, in the person's language.
      await reader.locator('#password').fill(OWN);
      await reader.locator('#confirm').fill(`${OWN}!`);
      await reader.locator('button[type="submit"]').click();
      await expect(reader.locator('[data-error="mismatch"]')).toBeVisible();
      await reader.locator('#password').fill(OWN);
      await reader.locator('#confirm').fill(OWN);
      await reader.locator('button[type="submit"]').click();
      await expect(reader.locator('h1')).toHaveAttribute('data-state', 'signed_in');
      await reader.screenshot({ path: test.info().outputPath('signed-in-en.png'), fullPage: true });
      // The one-time password opens nothing any more; her own does.
      await reader.goto(`${server.url}/o/${server.owner.organisationId}/sign-in`);
      await reader.locator('#identifier').fill(person.email);
      await reader.locator('#password').fill(ONE_TIME);
      await reader.locator('button[type="submit"]').click();
      await expect(reader.locator('[data-error="wrong"]')).toBeVisible();
    }
    await context.close();
  }

  // The console shows Ines confirmed after the next pull, and her profile's history says what happened, never the password.
  await bar.syncNow();
  const profiles = new ProfilesPage(page);
  await profiles.goto();
  await expect(profiles.row('Ines Martin').getByTestId('status-badge')).toHaveText('Confirmed');
  await expect(profiles.row('Chloé Lambert').getByTestId('status-badge')).not.toHaveText('Confirmed');
  await openProfile(page, 'Ines Martin');
  await expect(page.getByText('One-time password set')).toBeVisible();
  await expect(page.getByText('One-time password replaced by their own')).toBeVisible();
  await expect(page.getByRole('button', { name: 'One-time password…' })).toHaveCount(0);
  await page.screenshot({ path: test.info().outputPath('profile-confirmed-en.png'), fullPage: true });
});
