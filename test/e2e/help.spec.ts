import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from './support/fixtures';
import { NewProfileForm, ProfilesPage } from './support/pages';

test('Help: back up the data, restore the copy in place of later changes, and read the diagnostics for support', async ({ page, roster }) => {
  await page.goto(roster.host.launchUrl);
  const profiles = new ProfilesPage(page);
  const form = await profiles.openNew();
  await form.fill({ firstName: 'Ada', lastName: 'Lovelace', email: 'ada@example.com' });
  await form.submit();
  await expect(page.getByRole('heading', { name: 'Ada Lovelace' })).toBeVisible();

  await page.getByTestId('help-menu').click();
  await page.getByRole('menuitem', { name: 'Backups of the data…' }).click();
  const backups = page.getByRole('dialog', { name: 'Backups of the data' });
  await expect(backups.getByText('No copy yet.')).toBeVisible();
  await backups.getByRole('button', { name: 'Back up now' }).click();
  await expect(backups.getByTestId('backups-table').locator('tbody tr')).toHaveCount(1);
  await expect(backups.getByTestId('backups-table')).toContainText('Asked for');
  await page.keyboard.press('Escape');
  await expect(backups).toBeHidden();
  expect(readdirSync(join(roster.dataDir, 'backups')).filter((n) => n.endsWith('-manual.sqlite'))).toHaveLength(1);

  await profiles.goto();
  await profiles.openNew();
  await form.fill({ firstName: 'Bob', lastName: 'Marley', email: 'bob@example.com' });
  await form.submit();
  await profiles.goto();
  await expect(profiles.rows()).toHaveCount(2);

  await page.getByTestId('help-menu').click();
  await page.getByRole('menuitem', { name: 'Backups of the data…' }).click();
  await page.getByRole('dialog', { name: 'Backups of the data' }).getByRole('button', { name: 'Restore…' }).click();
  const confirm = page.getByRole('dialog', { name: 'Restore this copy?' });
  await expect(confirm).toContainText('The data in use is set aside beside it, not deleted.');
  await confirm.getByRole('button', { name: 'Restore', exact: true }).click();
  await expect(page.getByText(/^The copy of .* is in use\.$/)).toBeVisible();
  await expect(profiles.rows()).toHaveCount(1);
  await expect(profiles.rows().first()).toContainText('Ada Lovelace');
  expect(readdirSync(roster.dataDir).some((n) => n.startsWith('roster.sqlite.replaced-'))).toBe(true);

  await page.getByTestId('help-menu').click();
  await page.getByRole('menuitem', { name: 'Diagnostics for support…' }).click();
  const diagnostics = page.getByRole('dialog', { name: 'Diagnostics for support' });
  const text = diagnostics.getByRole('textbox');
  await expect(text).toHaveValue(/Profiles: 1\n/);
  await expect(text).toHaveValue(/^Roster .* \(browser mode\)/);
  await expect(text).not.toHaveValue(/ada@example\.com|Lovelace/);
  expect(existsSync(join(roster.dataDir, 'logs', 'roster.log'))).toBe(true);
});

test('keyboard shortcuts: n for a new profile, / for the search, i for the import, ? for the list; keys typed in a field stay there', async ({ page, roster }) => {
  await page.goto(roster.host.launchUrl);
  await expect(page.getByTestId('empty-state')).toBeVisible();
  await page.keyboard.press('n');
  await expect(page.getByRole('heading', { name: 'New profile' })).toBeVisible();
  const newForm = new NewProfileForm(page);
  await newForm.fill({ firstName: 'Ada', lastName: 'Lovelace', email: 'ada@example.com' });
  await newForm.submit();
  await expect(page.getByRole('heading', { name: 'Ada Lovelace' })).toBeVisible();

  await page.keyboard.press('/');
  const search = page.getByRole('textbox', { name: 'Search profiles' });
  await expect(search).toBeFocused();
  // Typed into the search field, "i" is a letter of the search, not the import.
  await page.keyboard.type('lovi');
  await expect(search).toHaveValue('lovi');
  await expect(page.getByRole('heading', { name: 'Profiles' })).toBeVisible();

  await search.blur();
  await page.keyboard.press('i');
  await expect(page.getByRole('heading', { name: 'Import', exact: true })).toBeVisible();

  await page.keyboard.press('?');
  const shortcuts = page.getByRole('dialog', { name: 'Keyboard shortcuts' });
  await expect(shortcuts.getByTestId('shortcuts')).toContainText('Search the profiles');
  // While the dialog is open, a shortcut key does nothing behind it.
  await page.keyboard.press('n');
  await expect(page.getByRole('heading', { name: 'Import', exact: true })).toBeVisible();
  await page.keyboard.press('Escape');
  await expect(shortcuts).toBeHidden();
});
