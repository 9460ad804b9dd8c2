import { resolve } from 'node:path';
import type { Page } from '@playwright/test';
import { expect, test } from './support/fixtures';
import { ImportPage } from './support/import-page';
import { ProfilesPage } from './support/pages';
import { hasFocus, pressUntil, tabTo } from './support/keyboard';

/**
 * The whole import wizard and the invite flow with the keyboard only: Tab,
 * Shift+Tab, Enter, Space, the arrows (in the option lists and the review
 * grid) and Esc. No click anywhere; the only thing not typed is the file,
 * handed to the file dialog that Enter on "Choose a file…" opens. After each
 * step and each dialog, focus is where a keyboard user goes on from.
 */

const HR_EXPORT = resolve('test/fixtures/import/hr-export.xlsx');

/** Focus is on `name`'s Select's option list: the option shown as active is `option`. */
const activeOption = (page: Page, option: RegExp) => async (): Promise<boolean> =>
  (await page.locator('[role="option"][data-combobox-selected]').filter({ hasText: option }).count()) > 0;

test('the import wizard and the invitations, with the keyboard only', async ({ page, roster }) => {
  test.setTimeout(180_000);
  await page.goto(roster.host.launchUrl);
  await expect(page.getByTestId('empty-state')).toBeVisible();
  const imp = new ImportPage(page);
  const nav = page.getByRole('navigation');

  // To the Import page through the navigation.
  await tabTo(page, nav.getByRole('button', { name: 'Import', exact: true }));
  await page.keyboard.press('Enter');
  await expect(page.getByRole('heading', { name: 'Import', exact: true })).toBeVisible();
  await expect(nav.getByRole('button', { name: 'Import', exact: true })).toHaveAttribute('aria-current', 'page');

  // The file: Enter on "Choose a file…" opens the file dialog.
  await tabTo(page, page.getByRole('button', { name: 'Choose a file…' }));
  const chooser = page.waitForEvent('filechooser');
  await page.keyboard.press('Enter');
  await (await chooser).setFiles(HR_EXPORT);

  // Sheet and header: the step takes focus, named; Tab goes on into it and on to Next.
  const sheetStep = page.getByRole('region', { name: 'Sheet & header' });
  await expect(sheetStep).toBeFocused();
  await tabTo(page, page.getByRole('button', { name: 'Use row 2 as the header row' }));
  await page.keyboard.press('Enter');
  await expect(imp.topRow(2)).toHaveAttribute('data-header', 'true');
  await tabTo(page, page.getByRole('button', { name: 'Use row 3 as the header row' }));
  await page.keyboard.press('Space');
  await expect(imp.topRow(3)).toHaveAttribute('data-header', 'true');
  await tabTo(page, page.getByRole('button', { name: /^Next:/ }));
  await page.keyboard.press('Enter');

  // Columns: the step has focus; column I goes to Tags through its option list (Enter opens, arrows move, Enter chooses).
  await expect(page.getByRole('region', { name: 'Columns' })).toBeFocused();
  const fieldOfI = page.getByRole('combobox', { name: /^Field for column I / });
  await tabTo(page, fieldOfI);
  await page.keyboard.press('Enter');
  await expect(page.getByRole('listbox')).toBeVisible();
  await pressUntil(page, 'ArrowUp', activeOption(page, /^Tags/), 'the Tags option');
  await page.keyboard.press('Enter');
  await imp.expectMapping('I', 'tags');
  await imp.expectMapping('H', 'ignore');
  await expect(fieldOfI).toBeFocused();
  await tabTo(page, page.getByRole('button', { name: /^Next:/ }));
  await page.keyboard.press('Enter');

  // Values: "Klingon" becomes Dutch, with the arrows in its list.
  await expect(page.getByRole('region', { name: 'Values' })).toBeFocused();
  const klingon = page.getByRole('combobox', { name: 'Language for “Klingon”' });
  await tabTo(page, klingon);
  await page.keyboard.press('ArrowDown');
  await expect(page.getByRole('listbox')).toBeVisible();
  await pressUntil(page, 'ArrowDown', activeOption(page, /^Dutch/), 'the Dutch option');
  await page.keyboard.press('Enter');
  await expect(klingon).toHaveValue(/^Dutch/);
  await tabTo(page, page.getByRole('button', { name: /^Next:/ }));
  await page.keyboard.press('Enter');

  // Review: Tab reaches the grid once; the arrows move from cell to cell.
  await expect(page.getByRole('region', { name: 'Review' })).toBeFocused();
  await expect(imp.rows()).toHaveCount(5);
  const firstTick = imp.row(4).getByRole('checkbox');
  await tabTo(page, firstTick);
  for (let i = 0; i < 5; i++) await page.keyboard.press('ArrowRight');
  await expect(imp.cell(4, 'phoneNumber')).toBeFocused();
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('ArrowDown');
  await expect(imp.cell(6, 'phoneNumber')).toBeFocused();
  // Enter edits the cell, Enter again saves it and puts focus back on it.
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('cell-editor')).toBeFocused();
  await page.keyboard.type('+32 475 00 00 00');
  await page.keyboard.press('Enter');
  await expect(imp.cell(6, 'phoneNumber')).toHaveText('+32 475 00 00 00');
  await expect(imp.cell(6, 'phoneNumber')).toBeFocused();
  await expect(imp.cell(6, 'phoneNumber')).not.toHaveAttribute('data-severity', 'error');
  // Esc leaves an edit without saving it, back on the cell.
  await page.keyboard.press('ArrowLeft');
  await page.keyboard.press('Enter');
  await page.keyboard.type('+99');
  await page.keyboard.press('Escape');
  await expect(imp.cell(6, 'phoneCountryCode')).toBeFocused();
  await expect(page.getByTestId('cell-editor')).toHaveCount(0);
  // Home goes to the row's tick box; Space ticks it; Shift+Tab reaches "Exclude".
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('Home');
  await expect(imp.row(8).getByRole('checkbox')).toBeFocused();
  await page.keyboard.press('Space');
  await expect(imp.row(8).getByRole('checkbox')).toBeChecked();
  await tabTo(page, page.getByRole('button', { name: 'Exclude', exact: true }), { backwards: true });
  await page.keyboard.press('Enter');
  await expect(imp.row(8).getByTestId('row-status')).toHaveText('Excluded');
  // A dialog from a menu: Enter opens "Bulk fixes", the arrows reach an item, Enter opens its dialog, Esc closes it.
  const bulk = page.getByRole('button', { name: 'Bulk fixes' });
  await tabTo(page, bulk);
  await page.keyboard.press('Enter');
  await expect(page.getByRole('menu')).toBeVisible();
  const setLanguage = page.getByRole('menuitem', { name: 'Set a language where empty…' });
  await pressUntil(page, 'ArrowDown', () => hasFocus(setLanguage), 'Set a language where empty…');
  await page.keyboard.press('Enter');
  const dialog = page.getByRole('dialog', { name: 'Set a language where empty' });
  await expect(dialog).toBeVisible();
  expect(await dialog.evaluate((d) => d.contains(document.activeElement))).toBe(true);
  await page.keyboard.press('Escape');
  await expect(dialog).toHaveCount(0);
  await expect(bulk).toBeFocused();
  await tabTo(page, page.getByRole('button', { name: /^Next:/ }));
  await page.keyboard.press('Enter');

  // Import: the step has focus; the Import button; the result takes its place and takes focus.
  await expect(page.getByRole('region', { name: 'Import' })).toBeFocused();
  await tabTo(page, page.getByTestId('commit-button'));
  await expect(page.getByTestId('commit-button')).toHaveText('Import 3 profiles');
  await page.keyboard.press('Enter');
  await expect(imp.result()).toBeFocused();
  await expect(page.getByTestId('import-result-counts')).toContainText('3 profiles created, 0 updated, 2 rows skipped');

  // "See the profiles": the list's heading has focus.
  await tabTo(page, page.getByRole('button', { name: 'See the profiles' }));
  await page.keyboard.press('Enter');
  await expect(page.getByRole('heading', { name: 'Profiles', exact: true })).toBeFocused();
  const profiles = new ProfilesPage(page);
  await expect(profiles.rows()).toHaveCount(3);

  // Invite from the list: Space ticks a profile, "List actions" → "Invite users"; Esc closes the dialog back on the menu's button.
  await tabTo(page, profiles.rows().first().getByRole('checkbox'));
  await page.keyboard.press('ArrowDown');
  await expect(profiles.rows().nth(1).getByRole('checkbox')).toBeFocused();
  await page.keyboard.press('Space');
  await expect(page.getByTestId('selection-summary')).toContainText('1 of 3 selected');
  const listActions = page.getByRole('button', { name: 'List actions' });
  await tabTo(page, listActions, { backwards: true });
  const openInvite = async (): Promise<void> => {
    await page.keyboard.press('Enter');
    const invite = page.getByRole('menuitem', { name: 'Invite users' });
    await pressUntil(page, 'ArrowDown', () => hasFocus(invite), 'Invite users');
    await page.keyboard.press('Enter');
    await expect(page.getByTestId('invite-count')).toHaveText('1 person will get an email to confirm their account and set a password.');
  };
  await openInvite();
  await page.keyboard.press('Escape');
  await expect(page.getByRole('dialog')).toHaveCount(0);
  await expect(listActions).toBeFocused();
  await openInvite();
  await tabTo(page, page.getByRole('dialog').getByRole('button', { name: 'Confirm' }));
  await page.keyboard.press('Enter');
  await expect(page.getByRole('dialog')).toHaveCount(0);
  await expect(page.getByTestId('sync-waiting')).toContainText('1 invitation waiting');
  // The selection is gone with the bar that held "List actions": focus is on the list's heading, not lost.
  await expect(page.getByRole('heading', { name: 'Profiles', exact: true })).toBeFocused();

  // Invite from a profile's page: Tab comes back to the list's cell it left (the second row's tick box), Ctrl+Home goes to the
  // first cell, the arrows reach a name, Enter opens it; the dialog's Confirm; focus back on its opener.
  await tabTo(page, page.getByTestId('profile-scroll').locator('[data-grid-row]'));
  await expect(profiles.rows().nth(1).getByRole('checkbox')).toBeFocused();
  await page.keyboard.press('Control+Home');
  await expect(profiles.rows().first().getByRole('checkbox')).toBeFocused();
  await page.keyboard.press('ArrowRight');
  const firstName = (await profiles.rows().first().getByRole('gridcell').nth(1).textContent()) ?? '';
  await page.keyboard.press('Enter');
  await expect(page.getByRole('heading', { name: firstName })).toBeFocused();
  const invite = page.getByRole('button', { name: /^Invite/ });
  await tabTo(page, invite);
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('invite-count')).toBeVisible();
  await tabTo(page, page.getByRole('dialog').getByRole('button', { name: 'Confirm' }));
  await page.keyboard.press('Enter');
  await expect(page.getByRole('dialog')).toHaveCount(0);
  await expect(page.getByTestId('sync-waiting')).toContainText('2 invitations waiting');
  await expect(invite).toBeFocused();

  // The Invitations page, from the navigation: two queued batches, opened with Enter.
  await tabTo(page, nav.getByRole('button', { name: 'Invitations' }), { backwards: true });
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('batch')).toHaveCount(2);
  await tabTo(page, page.getByTestId('batch').first().getByRole('button').first());
  await page.keyboard.press('Enter');
  await expect(page.getByRole('button', { name: 'Cancel this batch' })).toBeVisible();
});
