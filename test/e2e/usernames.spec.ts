import { expect, test } from '@playwright/test';
import type { Page } from '@playwright/test';
import { makeDataDir, removeDataDir, startConsoleHost } from './support/console-host';
import type { ConsoleHost } from './support/console-host';
import { ProfilesPage } from './support/pages';
import { createE2eServer } from './support/roster-server';
import type { E2eServer } from './support/roster-server';
import { ServerPage } from './support/sync-pages';
import { inEveryLanguage } from './support/languages';
import { englishText, rule } from '../../src-shared/messages';

/**
 * Issue 15 in the console: the owner sets the organisation's username format
 * (a bad token is refused, the example follows the typing), the profile form
 * generates the next free username, a taken one is refused under the field,
 * the profile page changes it, and the list shows and sorts it. Then the
 * same screens in French, Dutch and Spanish, saved as screenshots.
 */

let server: E2eServer;
let host: ConsoleHost | null = null;

test.beforeEach(async () => {
  server = await createE2eServer({ organisationName: 'Acme Parking' });
});

test.afterEach(async () => {
  if (host !== null) {
    await host.stop();
    removeDataDir(host.dataDir);
    host = null;
  }
  await server.dispose();
});

async function nav(page: Page, name: string): Promise<void> {
  await page.getByRole('navigation').getByText(name, { exact: true }).click();
  await expect(page.getByRole('heading', { level: 2, name })).toBeVisible();
}

test('the owner sets the username format; Generate makes the next free username; a taken one is refused; Change username; the list shows and sorts the column', async ({ page, browser }) => {
  test.setTimeout(540_000);
  host = await startConsoleHost(makeDataDir());
  await page.goto(host.launchUrl);
  await new ServerPage(page).signIn(server.url, server.owner.email, server.owner.password);

  // Organisation: an unknown token is refused under the field, a good format shows its example and is saved.
  await nav(page, 'Organisation');
  const format = page.getByTestId('username-format');
  await format.fill('{first}.{surname}');
  await expect(page.getByText('{surname} is not a username format token: use {first}, {last}, {f}, {l}, {nn} or {n}.')).toBeVisible();
  await expect(page.getByTestId('username-example')).toHaveCount(0);
  await page.getByRole('button', { name: 'Save', exact: true }).click();
  await expect(page.getByText('Settings saved.')).toHaveCount(0);
  await format.fill('{first}.{last}');
  await expect(page.getByTestId('username-example')).toHaveText('Élodie Dupré-Van den Broeck → elodie.duprevandenbroeck');
  await page.getByRole('button', { name: 'Save', exact: true }).click();
  await expect(page.getByText('Settings saved.')).toBeVisible();

  // A new profile: Generate fills the username from the format.
  const profiles = new ProfilesPage(page);
  await profiles.goto();
  let form = await profiles.openNew();
  await form.fill({ firstName: 'Anaïs', lastName: "O'Brien", email: 'anais@example.com' });
  const username = page.getByRole('textbox', { name: 'Username' });
  await page.getByRole('button', { name: 'Generate' }).click();
  await expect(username).toHaveValue('anais.obrien');
  await page.getByRole('button', { name: 'Create profile' }).click();
  await expect(page.getByRole('heading', { level: 2, name: "Anaïs O'Brien" })).toBeVisible();
  await expect(page.getByTestId('profile-details')).toContainText('anais.obrien');

  // A second Anaïs O'Brien: Generate skips the taken name; the taken one typed in capitals is refused under the field.
  await profiles.goto();
  form = await profiles.openNew();
  await form.fill({ firstName: 'Anaïs', lastName: "O'Brien", email: 'anais.two@example.com' });
  await page.getByRole('button', { name: 'Generate' }).click();
  await expect(username).toHaveValue('anais.obrien2');
  await username.fill('ANAIS.OBRIEN');
  await page.getByRole('button', { name: 'Create profile' }).click();
  await expect(page.getByText('Another profile already has the username anais.obrien.').first()).toBeVisible();
  await username.fill('anais.o');
  await page.getByRole('button', { name: 'Create profile' }).click();
  await expect(page.getByRole('heading', { level: 2, name: "Anaïs O'Brien" })).toBeVisible();

  // Change username: a bad one is refused by the shared rule, a taken one by the replica, a free one is saved and queued.
  await page.getByRole('button', { name: 'Change username' }).click();
  const dialog = page.getByRole('dialog');
  const field = dialog.getByRole('textbox', { name: 'Username' });
  await field.fill('anaïs o');
  await dialog.getByRole('button', { name: 'Change username' }).click();
  await expect(dialog.getByText('A username may hold only letters a–z, digits, dots, hyphens and underscores (not "ï").')).toBeVisible();
  await field.fill('Anais.OBrien');
  await dialog.getByRole('button', { name: 'Change username' }).click();
  await expect(dialog.getByText('Another profile already has the username anais.obrien.')).toBeVisible();
  await field.fill('aobrien');
  await dialog.getByRole('button', { name: 'Change username' }).click();
  await expect(page.getByText('Username changed.')).toBeVisible();
  await expect(dialog).toHaveCount(0);
  await expect(page.getByTestId('profile-details')).toContainText('aobrien');

  // The list: a Username column, sortable; the search finds a username.
  await profiles.goto();
  const header = page.getByRole('columnheader', { name: 'Username' });
  await expect(header).toBeVisible();
  await header.click();
  await expect(header).toHaveAttribute('aria-sort', 'ascending');
  await expect(profiles.rows().first()).toContainText('anais.obrien');
  await header.click();
  await expect(profiles.rows().first()).toContainText('aobrien');
  await profiles.search('aobrien');
  await expect(profiles.rows()).toHaveCount(1);

  // The same screens in the four languages, for the screenshots.
  await inEveryLanguage(browser, host.launchUrl, { viewport: { width: 1280, height: 860 } }, async ({ page: shown, language, t }) => {
    // The shared rules speak English from their templates, the other languages from the console's rules files.
    const taken = language === 'en' ? englishText(rule('username_taken', { username: 'anais.obrien' })) : t('rules.username_taken', { username: 'anais.obrien' });
    const badToken = language === 'en' ? englishText(rule('username_format_token', { token: '{x}' })) : t('rules.username_format_token', { token: '{x}' });
    await nav(shown, t('common.nav.profiles'));
    await expect(shown.getByRole('columnheader', { name: t('common.fields.username') })).toBeVisible();
    await expect(shown.getByTestId('profile-row')).toHaveCount(2);
    await shown.screenshot({ path: test.info().outputPath(`${language}-list.png`) });
    await shown.getByTestId('profile-row').filter({ hasText: 'aobrien' }).click();
    await expect(shown.getByTestId('profile-details')).toContainText('aobrien');
    await shown.screenshot({ path: test.info().outputPath(`${language}-profile.png`) });
    await shown.getByRole('button', { name: t('profiles.username.change') }).click();
    const changing = shown.getByRole('dialog');
    await changing.getByRole('textbox', { name: t('common.fields.username') }).fill('anais.obrien');
    await changing.getByRole('button', { name: t('profiles.username.changeSave') }).click();
    await expect(changing.getByText(taken)).toBeVisible();
    await shown.screenshot({ path: test.info().outputPath(`${language}-change-username.png`) });
    await changing.getByRole('button', { name: t('common.actions.cancel') }).click();
    await nav(shown, t('common.nav.profiles'));
    await shown.getByRole('button', { name: t('profiles.new.title') }).first().click();
    await shown.getByRole('textbox', { name: t('common.fields.firstName'), exact: true }).fill('Élodie');
    await shown.getByRole('textbox', { name: t('common.fields.lastName'), exact: true }).fill('Dupré-Van den Broeck');
    await shown.getByRole('button', { name: t('profiles.username.generate') }).click();
    await expect(shown.getByRole('textbox', { name: t('common.fields.username') })).toHaveValue('elodie.duprevandenbroeck');
    await shown.screenshot({ path: test.info().outputPath(`${language}-new-profile.png`), fullPage: true });
    await nav(shown, t('org.nav.organisation'));
    await shown.getByTestId('username-format').fill('{f}{last}{nn}');
    await expect(shown.getByTestId('username-example')).toHaveText('Élodie Dupré-Van den Broeck → eduprevandenbroeck01');
    // The editor, its tokens and its example in the middle of the screen.
    await shown.getByTestId('username-format').evaluate((input) => {
      input.scrollIntoView({ block: 'center' });
  });
  await shown.screenshot({ path: test.info().outputPath(`${language}-organisation.png`) });
  await shown.getByTestId('username-format').fill('{first}.{x}');
  await expect(shown.getByText(badToken)).toBeVisible();
  await shown.screenshot({ path: test.info().outputPath(`${language}-organisation-error.png`) });
  });
});
