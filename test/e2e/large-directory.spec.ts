import { expect, test } from '@playwright/test';
import { makeDataDir, removeDataDir, startConsoleHost } from './support/console-host';
import type { ConsoleHost } from './support/console-host';
import { ProfilesPage } from './support/pages';
import { seedDirectory } from './support/seed';

const COUNT = 100_000;
let dataDir: string;
let host: ConsoleHost;

test.beforeAll(async () => {
  test.setTimeout(120_000);
  dataDir = makeDataDir();
  seedDirectory(dataDir, COUNT);
  host = await startConsoleHost(dataDir);
});

test.afterAll(async () => {
  await host.stop();
  removeDataDir(dataDir);
});

test('the list of 100,000 profiles renders only what is on screen, scrolls to the end, filters and selects all results', async ({ page }) => {
  await page.goto(host.launchUrl);
  const profiles = new ProfilesPage(page);
  // With profiles, the console opens on the Dashboard; the list is one click away.
  await expect(page.getByRole('heading', { name: 'Dashboard', level: 2 })).toBeVisible();
  await profiles.goto();
  await expect(page.getByTestId('selection-summary')).toHaveText('100,000 profiles');
  await expect(profiles.rows().first()).toContainText('Person000000 Family000000');

  // Virtualised: a screenful of rows in the DOM, not 100,000.
  const rendered = await page.locator('[role="row"][aria-rowindex]').count();
  expect(rendered).toBeGreaterThan(5);
  expect(rendered).toBeLessThan(80);

  // Jump to the end: the last rows load and show.
  await page.getByTestId('profile-scroll').evaluate((el) => {
    el.scrollTop = el.scrollHeight;
  });
  await expect(profiles.row('Person099999 Family099999')).toBeVisible();
  await expect(page.getByTestId('profile-row-loading')).toHaveCount(0);

  // Sort by email, descending.
  await page.getByRole('columnheader', { name: 'Email' }).click();
  await page.getByRole('columnheader', { name: /Email/ }).click();
  await expect(page.getByRole('columnheader', { name: /Email/ })).toHaveAttribute('aria-sort', 'descending');
  await page.getByTestId('profile-scroll').evaluate((el) => {
    el.scrollTop = 0;
  });
  await expect(profiles.rows().first()).toContainText('person099999@example.com');

  // Filter by tag: every tenth profile.
  await page.getByRole('combobox', { name: 'Tag', exact: true }).click();
  await page.getByRole('option', { name: /Parking/ }).click();
  await page.keyboard.press('Escape');
  await expect(page.getByTestId('selection-summary')).toHaveText('10,000 profiles');

  // Search inside the filter, then select all search results and untick one.
  await profiles.search('Person0999');
  await expect(page.getByTestId('selection-summary')).toHaveText('10 profiles');
  await profiles.rows().first().getByRole('checkbox').check();
  await expect(page.getByTestId('selection-summary')).toContainText('1 of 10 selected');
  await page.getByRole('button', { name: 'Select all 10 search results' }).click();
  await expect(page.getByTestId('selection-summary')).toContainText('10 of 10 selected');
  await profiles.rows().nth(2).getByRole('checkbox').uncheck();
  await expect(page.getByTestId('selection-summary')).toContainText('9 of 10 selected');
});
