import { resolve } from 'node:path';
import type { Page } from '@playwright/test';
import { expect, test } from './support/fixtures';
import { expectNoSeriousA11yViolations } from './support/a11y';
import { ImportPage } from './support/import-page';
import { ProfilesPage } from './support/pages';
import { createE2eServer } from './support/roster-server';
import { seedDirectory } from './support/seed';
import { ServerPage, StatusBar } from './support/sync-pages';

/**
 * axe on every page and every dialog of the console, with data in them:
 * 0 serious or critical violations. Each check names the screen it was made
 * on; a failing run lists every screen's violations at once.
 */

const FIXTURES = resolve('test/fixtures/import');
const HR_EXPORT = resolve(FIXTURES, 'hr-export.xlsx');
const SEMICOLON_CSV = resolve(FIXTURES, 'people-semicolon.csv');

const check = expectNoSeriousA11yViolations;

async function nav(page: Page, name: string): Promise<void> {
  await page.getByRole('navigation').getByText(name, { exact: true }).click();
}

/** Opens a dialog with `open`, checks it, and closes it with Escape; the dialog is gone after. */
async function checkDialog(page: Page, context: string, open: () => Promise<void>): Promise<void> {
  await open();
  await expect(page.getByRole('dialog')).toBeVisible();
  await check(page, context);
  await page.keyboard.press('Escape');
  await expect(page.getByRole('dialog')).toHaveCount(0);
}

/** Opens a menu or a list with `open`, checks the page with it open, and closes it with Escape. */
async function checkPopup(page: Page, context: string, role: 'menu' | 'listbox', open: () => Promise<void>): Promise<void> {
  await open();
  await expect(page.getByRole(role)).toBeVisible();
  await check(page, context);
  await page.keyboard.press('Escape');
  await expect(page.getByRole(role)).toHaveCount(0);
}

test('the empty console: every page, the language picker, the sign-in form, New profile', async ({ page, roster }) => {
  test.setTimeout(300_000);
  await page.goto(roster.host.launchUrl);

  // An empty directory.
  await expect(page.getByTestId('empty-state')).toBeVisible();
  await check(page, 'Profiles · empty directory');
  await checkPopup(page, 'Header · language picker open', 'listbox', () => page.getByTestId('language-picker').click());
  await nav(page, 'Dashboard');
  await check(page, 'Dashboard · no profiles');
  await nav(page, 'Invitations');
  await expect(page.getByTestId('no-batches')).toBeVisible();
  await check(page, 'Invitations · none yet');
  await nav(page, 'Conflicts');
  await expect(page.getByTestId('no-conflicts')).toBeVisible();
  await check(page, 'Conflicts · none');
  await nav(page, 'Server');
  await expect(page.getByRole('textbox', { name: 'Server address' })).toBeVisible();
  await check(page, 'Server · sign-in form');
  await page.getByRole('textbox', { name: 'Server address' }).fill('http://192.0.2.1');
  await page.getByRole('textbox', { name: 'Email' }).fill('someone@example.com');
  await page.getByRole('textbox', { name: 'Password' }).fill('not the password');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('textbox', { name: 'Server address' })).toHaveAttribute('aria-invalid', 'true');
  await check(page, 'Server · sign-in refused');

  // New profile, empty and refused.
  const profiles = new ProfilesPage(page);
  await profiles.goto();
  const form = await profiles.openNew();
  await check(page, 'New profile');
  await form.fill({ firstName: 'Ann', email: 'not an email' });
  // Enter in the field sends the form (a click right after typing can miss: leaving the field shows its message and moves the button).
  await form.field('Email').press('Enter');
  await expect(page.getByTestId('form-error')).toBeVisible();
  await check(page, 'New profile · with field errors');
});

test('the import: the file, sheet, columns and values steps, with the template menu and an option list', async ({ page, roster }) => {
  test.setTimeout(300_000);
  await page.goto(roster.host.launchUrl);
  const imp = new ImportPage(page);
  await imp.goto();
  await check(page, 'Import · file');
  await checkPopup(page, 'Import · template menu', 'menu', () => page.getByTestId('template-menu').click());
  await imp.drop(resolve(FIXTURES, 'random-bytes.xlsx'), 'payroll.xlsx');
  await expect(imp.error()).toBeVisible();
  await check(page, 'Import · file · not a spreadsheet');
  await imp.drop(HR_EXPORT);
  await expect(imp.step('sheet')).toBeVisible();
  await check(page, 'Import · sheet and header');
  await imp.next();
  await expect(imp.step('mapping')).toBeVisible();
  await check(page, 'Import · columns');
  await checkPopup(page, 'Import · columns · a field list open', 'listbox', () => imp.mappingRow('I').locator('input').first().click());
  await imp.next();
  await expect(imp.step('values')).toBeVisible();
  await check(page, 'Import · values');
});

test('the import review: the grid, its filters, row details, the cell editor, its menus and dialogs', async ({ page, roster }) => {
  test.setTimeout(300_000);
  await page.goto(roster.host.launchUrl);
  const imp = new ImportPage(page);
  await imp.goto();
  await imp.drop(HR_EXPORT);
  for (let i = 0; i < 3; i++) await imp.next();
  await expect(imp.step('review')).toBeVisible();
  await expect(imp.rows()).toHaveCount(5);
  await check(page, 'Import · review');
  await imp.filter(/^Errors/);
  await expect(imp.rows()).toHaveCount(3);
  await check(page, 'Import · review · errors only');
  await imp.filter(/^All/);
  await imp.row(7).getByTestId('row-status').click();
  await expect(page.getByTestId('row-details')).toBeVisible();
  await check(page, 'Import · review · row details');
  await imp.cell(6, 'phoneNumber').click();
  await expect(page.getByTestId('cell-editor')).toBeVisible();
  await check(page, 'Import · review · editing a cell');
  await page.getByTestId('cell-editor').press('Escape');
  await checkPopup(page, 'Import · review · bulk fixes menu', 'menu', () => page.getByRole('button', { name: 'Bulk fixes' }).click());
  await checkDialog(page, 'Import · review · set a language where empty', async () => {
    await page.getByRole('button', { name: 'Bulk fixes' }).click();
    await page.getByRole('menuitem', { name: 'Set a language where empty…' }).click();
  });
  await checkDialog(page, 'Import · review · set a country code where empty', async () => {
    await page.getByRole('button', { name: 'Bulk fixes' }).click();
    await page.getByRole('menuitem', { name: 'Set a phone country code where empty…' }).click();
  });
  await checkPopup(page, 'Import · review · export menu', 'menu', () => page.getByRole('button', { name: 'Export problem rows' }).click());
  await imp.row(5).getByRole('checkbox').check();
  await check(page, 'Import · review · a row selected');
  await page.getByRole('button', { name: 'Exclude', exact: true }).click();
  await expect(imp.row(5).getByTestId('row-status')).toHaveText('Excluded');
  await check(page, 'Import · review · a row excluded');
});

test('the import step, its result, the history and the undo confirmation', async ({ page, roster }) => {
  test.setTimeout(300_000);
  await page.goto(roster.host.launchUrl);
  const imp = new ImportPage(page);
  await imp.goto();
  await imp.drop(HR_EXPORT);
  for (let i = 0; i < 4; i++) await imp.next();
  await expect(imp.step('commit')).toBeVisible();
  await expect(page.getByTestId('commit-summary')).toBeVisible();
  await check(page, 'Import · import step');
  await page.getByTestId('commit-button').click();
  await expect(imp.result()).toBeVisible();
  await check(page, 'Import · result');
  await imp.openHistory();
  await expect(imp.historyEntries()).toHaveCount(1);
  await check(page, 'Import · history');
  await checkDialog(page, 'Import · history · undo confirmation', () => imp.historyEntries().first().getByRole('button', { name: 'Undo this import' }).click());
});

test('an import that would change existing profiles: the changes first', async ({ page, roster }) => {
  test.setTimeout(300_000);
  await page.goto(roster.host.launchUrl);
  const imp = new ImportPage(page);
  await imp.goto();
  await imp.drop(SEMICOLON_CSV);
  for (let i = 0; i < 4; i++) await imp.next();
  await page.getByTestId('commit-button').click();
  await expect(page.getByTestId('import-result-counts')).toContainText('3 profiles created');
  await page.getByRole('button', { name: 'Import another file' }).click();
  await imp.drop(SEMICOLON_CSV);
  for (let i = 0; i < 3; i++) await imp.next();
  await imp.editCell(3, 'lastName', 'Lefèvre-Martin');
  await imp.next();
  await expect(page.getByTestId('commit-button')).toHaveText('Nothing to import');
  await checkDialog(page, 'Import · update existing: the changes first', async () => {
    await page.getByTestId('mode-update').click();
    await expect(page.getByTestId('update-diff').getByTestId('update-row')).toHaveCount(1);
  });
});

test('a directory with people: the list, its filters and actions, a profile and its dialogs, invitations, the dashboard', async ({ page, roster }) => {
  test.setTimeout(300_000);
  seedDirectory(roster.dataDir, 40);
  await roster.restart();
  await page.goto(roster.host.launchUrl);
  const profiles = new ProfilesPage(page);

  // The list with people in it, its filters, the selection and its actions.
  await profiles.goto();
  await expect(profiles.rows().first()).toBeVisible();
  await check(page, 'Profiles · list');
  await checkPopup(page, 'Profiles · status filter open', 'listbox', () => page.getByRole('combobox', { name: 'Status' }).click());
  await profiles.search('nobody-here');
  await expect(page.getByTestId('no-results')).toBeVisible();
  await check(page, 'Profiles · no result');
  await profiles.search('');
  await profiles.rows().first().getByRole('checkbox').check();
  await check(page, 'Profiles · a profile selected');
  await checkPopup(page, 'Profiles · list actions', 'menu', () => page.getByRole('button', { name: 'List actions' }).click());
  await checkDialog(page, 'Profiles · invite dialog', async () => {
    await page.getByRole('button', { name: 'List actions' }).click();
    await page.getByRole('menuitem', { name: 'Invite users' }).click();
    await expect(page.getByTestId('invite-count')).toBeVisible();
  });

  // One profile: its page, its form, its dialogs.
  await profiles.row('Person000001 Family000001').click();
  await expect(page.getByRole('heading', { name: 'Person000001 Family000001' })).toBeVisible();
  await check(page, 'Profile');
  await checkDialog(page, 'Profile · invite dialog', async () => {
    await page.getByRole('button', { name: 'Invite', exact: true }).click();
    await expect(page.getByTestId('invite-count')).toBeVisible();
  });
  await checkDialog(page, 'Profile · delete confirmation', () => page.getByRole('button', { name: 'Delete' }).click());
  await page.getByRole('button', { name: 'Edit' }).click();
  await check(page, 'Profile · edit');
  await page.getByRole('button', { name: 'Invite', exact: true }).waitFor({ state: 'detached' });
  await page.getByRole('button', { name: 'Cancel' }).click();

  // Invite everyone: the toast, then a queued batch on the Invitations page.
  await page.getByRole('button', { name: 'Invite', exact: true }).click();
  await page.getByRole('dialog').getByRole('button', { name: 'Confirm' }).click();
  await expect(page.getByRole('alert').filter({ hasText: 'queued' })).toBeVisible();
  await check(page, 'Profile · invitation queued (toast)');
  await nav(page, 'Invitations');
  await expect(page.getByTestId('batch')).toHaveCount(1);
  await page.getByTestId('batch').getByRole('button').first().click();
  await expect(page.getByRole('button', { name: 'Cancel this batch' })).toBeVisible();
  await check(page, 'Invitations · a queued batch, open');
  await nav(page, 'Dashboard');
  await check(page, 'Dashboard · with profiles');
});

test('the pages that need a server: signed in, sign-out confirmation, a sent batch', async ({ page, roster }) => {
  test.setTimeout(120_000);
  const server = await createE2eServer();
  try {
    await page.goto(roster.host.launchUrl);
    const profiles = new ProfilesPage(page);
    const form = await profiles.openNew();
    await form.fill({ firstName: 'Hanne', lastName: 'Goossens', email: 'hanne@example.com' });
    await form.submit();
    await expect(page.getByRole('heading', { name: 'Hanne Goossens' })).toBeVisible();
    await page.getByRole('button', { name: 'Invite', exact: true }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Confirm' }).click();
    await expect(page.getByRole('dialog')).toHaveCount(0);

    await new ServerPage(page).signIn(server.url, server.owner.email, server.owner.password);
    const bar = new StatusBar(page);
    await bar.syncNow();
    await expect(bar.waiting()).toHaveText('0 changes waiting');
    await check(page, 'Server · signed in, with the sync log');
    await checkDialog(page, 'Server · sign-out confirmation', () => page.getByRole('button', { name: 'Sign out' }).click());

    await nav(page, 'Invitations');
    await expect(page.getByTestId('batch')).toHaveAttribute('data-status', 'sent');
    await page.getByTestId('batch').getByRole('button').first().click();
    await expect(page.getByTestId('invite-result')).toHaveCount(1);
    await check(page, 'Invitations · a sent batch, open');
    await profiles.goto();
    await check(page, 'Profiles · online, a pending profile');
  } finally {
    await server.dispose();
  }
});
