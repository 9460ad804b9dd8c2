import { readFileSync } from 'node:fs';
import { expect, test } from '@playwright/test';
import { read, utils } from 'xlsx';
import { makeDataDir, removeDataDir, startConsoleHost } from './support/console-host';
import type { ConsoleHost } from './support/console-host';
import { ProfilesPage } from './support/pages';
import { seedDirectory } from './support/seed';

let dataDir: string;
let host: ConsoleHost;

test.beforeEach(async () => {
  dataDir = makeDataDir();
  seedDirectory(dataDir, 30);
  host = await startConsoleHost(dataDir);
});

test.afterEach(async () => {
  await host.stop();
  removeDataDir(dataDir);
});

/** A CSV download's text: it must start with the UTF-8 byte order mark. */
function csvLines(bytes: Buffer): string[] {
  expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
  return bytes.subarray(3).toString('utf8').split('\r\n').filter((l) => l !== '');
}

test('export the searched list to CSV: the file holds the rows the search shows, with the chosen columns', async ({ page }) => {
  await page.goto(host.launchUrl);
  const profiles = new ProfilesPage(page);
  await profiles.goto();
  await profiles.search('Family00001');
  await expect(page.getByTestId('selection-summary')).toHaveText('10 profiles');

  await page.getByTestId('export-button').click();
  const dialog = page.getByRole('dialog', { name: 'Export profiles' });
  await expect(dialog.getByRole('radio', { name: 'The list as shown, with its search and filters (10)' })).toBeChecked();
  await dialog.getByRole('radio', { name: 'CSV, UTF-8 (.csv)' }).check();
  for (const column of ['Phone', 'Tags', 'Language', 'Status']) await dialog.getByRole('checkbox', { name: column, exact: true }).uncheck();
  const download = page.waitForEvent('download');
  await dialog.getByRole('button', { name: 'Export 10 profiles' }).click();
  const file = await download;
  expect(file.suggestedFilename()).toMatch(/^roster-profiles-\d{4}-\d{2}-\d{2}\.csv$/);
  const lines = csvLines(readFileSync(await file.path()));
  expect(lines[0]).toBe('First name,Last name,Email,External ID');
  expect(lines).toHaveLength(11);
  expect(lines[1]).toBe('Person000010,Family000010,person000010@example.com,EXT-000010');
  expect(lines.slice(1).every((l) => /^Person00001\d,/.test(l))).toBe(true);
  await expect(dialog).toBeHidden();
  await expect(page.getByText('10 profiles exported to')).toBeVisible();
});

test('export the ticked profiles to xlsx, headers in the console language', async ({ page }) => {
  await page.goto(host.launchUrl);
  const profiles = new ProfilesPage(page);
  await profiles.goto();
  await page.getByTestId('language-picker').click();
  await page.getByRole('option', { name: 'Français' }).click();
  await profiles.rows().nth(1).getByRole('checkbox').check();
  await profiles.rows().nth(2).getByRole('checkbox').check();

  await page.getByRole('button', { name: 'Exporter', exact: true }).click();
  const dialog = page.getByRole('dialog', { name: 'Exporter des profils' });
  await expect(dialog.getByRole('radio', { name: 'Les profils cochés (2)' })).toBeChecked();
  const download = page.waitForEvent('download');
  await dialog.getByRole('button', { name: 'Exporter 2 profils' }).click();
  const file = await download;
  expect(file.suggestedFilename()).toMatch(/^roster-profils-.*\.xlsx$/);
  const book = read(readFileSync(await file.path()));
  const sheet = book.Sheets[book.SheetNames[0] ?? ''];
  if (sheet === undefined) throw new Error('the export has no sheet');
  const rows = utils.sheet_to_json<string[]>(sheet, { header: 1 });
  expect(rows[0]).toEqual(['Prénom', 'Nom', 'E-mail', 'Téléphone', 'Étiquettes', 'Identifiant externe', 'Langue', 'Statut']);
  expect(rows).toHaveLength(3);
  expect(rows[1]?.[7]).toBe('Non invité');
});

test('reset local data: two confirmations naming the counts, the unsynced profile downloaded as a file, then an empty console', async ({ page }) => {
  await page.goto(host.launchUrl);
  const profiles = new ProfilesPage(page);
  await profiles.goto();
  const form = await profiles.openNew();
  await form.fill({ firstName: 'Ada', lastName: 'Lovelace', email: 'ada@example.com' });
  await form.submit();
  await expect(page.getByRole('heading', { name: 'Ada Lovelace' })).toBeVisible();

  await page.getByRole('navigation').getByText('Server', { exact: true }).click();
  await page.getByTestId('reset-local-data').click();
  const first = page.getByRole('dialog', { name: 'Reset local data?' });
  await expect(first).toContainText('The 31 profiles on this console are discarded here and synced again from the server.');
  await expect(first).toContainText('1 profile is not on the server yet');
  await first.getByRole('button', { name: 'Continue' }).click();
  const final = page.getByRole('dialog', { name: 'Empty the local data now?' });
  await expect(final).toContainText('31 profiles are discarded from this console.');
  const download = page.waitForEvent('download');
  await final.getByRole('button', { name: 'Reset and discard 31 profiles' }).click();
  const file = await download;
  expect(file.suggestedFilename()).toMatch(/^roster-unsynced-.*\.csv$/);
  const lines = csvLines(readFileSync(await file.path()));
  expect(lines).toEqual(['First name,Last name,Email,Phone,Tags,External ID,Language', 'Ada,Lovelace,ada@example.com,,,,en_US']);
  await expect(page.getByText(/^Local data reset\. 1 unsynced profile was saved to roster-unsynced-/)).toBeVisible();

  await profiles.goto();
  await expect(page.getByTestId('empty-state')).toBeVisible();
});
