import type { Page } from '@playwright/test';
import { expectNoSeriousA11yViolations } from './support/a11y';
import { expect, test } from './support/fixtures';
import { ProfilesPage } from './support/pages';
import { apiCall, createE2eServer } from './support/roster-server';
import type { E2eServer } from './support/roster-server';
import { ServerPage, StatusBar } from './support/sync-pages';

/**
 * Issue 14 in the console: the owner defines catalogue entries on a real
 * server, creates a profile with them, sees them on its page, and deletes an
 * entry in use by moving its profile to another. Offline, an entry added
 * and one renamed wait in the console and go with the next sync; a rename
 * another admin's change met on the server waits as a conflict, yours beside
 * theirs, counted with the conflicts and shown on the Conflicts page too,
 * until the owner keeps theirs.
 */

let server: E2eServer;

test.beforeEach(async () => {
  server = await createE2eServer({ organisationName: 'Acme Parking' });
});

test.afterEach(async () => {
  await server.dispose();
});

async function openCatalogues(page: Page): Promise<void> {
  await page.getByRole('navigation').getByText('Catalogues', { exact: true }).click();
  await expect(page.getByRole('heading', { level: 2, name: 'Catalogues' })).toBeVisible();
}

async function addEntry(page: Page, tab: RegExp, button: string, entry: { code: string; name: string; description?: string; seats?: string }): Promise<void> {
  await page.getByRole('tab', { name: tab }).click();
  await page.getByRole('button', { name: button }).click();
  const dialog = page.getByRole('dialog', { name: button });
  await dialog.getByRole('textbox', { name: 'Code' }).fill(entry.code);
  await dialog.getByRole('textbox', { name: 'Name' }).fill(entry.name);
  if (entry.description !== undefined) await dialog.getByRole('textbox', { name: 'Description' }).fill(entry.description);
  if (entry.seats !== undefined) await dialog.getByRole('textbox', { name: 'Seats' }).fill(entry.seats);
  await dialog.getByRole('button', { name: 'Save' }).click();
  await expect(dialog).toBeHidden();
  await expect(page.getByTestId('catalogue-entry').filter({ hasText: entry.name })).toBeVisible();
}

test('entries defined on the server, a profile created with them and shown by name, an entry in use deleted by moving its profile; offline changes wait, and a conflict with another admin is settled', async ({ page, roster }) => {
  test.setTimeout(150_000);
  await page.goto(roster.host.launchUrl);
  await new ServerPage(page).signIn(server.url, server.owner.email, server.owner.password);

  await openCatalogues(page);
  await expect(page.getByTestId('catalogue-empty')).toHaveText('No access rights yet.');
  await addEntry(page, /^Access rights/, 'Add an access right', { code: 'CAR-B', name: 'Car park B', description: 'Underground, level -2' });
  await addEntry(page, /^Access rights/, 'Add an access right', { code: 'CAR-C', name: 'Car park C' });
  // A code already used in the list is refused under the field, with the server's words.
  await page.getByRole('button', { name: 'Add an access right' }).click();
  const duplicate = page.getByRole('dialog', { name: 'Add an access right' });
  await duplicate.getByRole('textbox', { name: 'Code' }).fill('car-b');
  await duplicate.getByRole('textbox', { name: 'Name' }).fill('Another car park');
  await duplicate.getByRole('button', { name: 'Save' }).click();
  await expect(duplicate.getByText('The code "car-b" is already used by another entry of this list.')).toBeVisible();
  await expect(duplicate.getByRole('textbox', { name: 'Code' })).toHaveAttribute('aria-invalid', 'true');
  await expectNoSeriousA11yViolations(page, 'Catalogues · a code refused');
  await duplicate.getByRole('button', { name: 'Cancel' }).click();
  await addEntry(page, /^Departments/, 'Add a department', { code: 'OPS', name: 'Operations' });
  await addEntry(page, /^Licences/, 'Add a licence', { code: 'PARK', name: 'Parking app', seats: '2' });
  await expect(page.getByTestId('catalogue-entry').filter({ hasText: 'Parking app' })).toContainText('0 of 2');
  await expectNoSeriousA11yViolations(page, 'Catalogues · licences');

  // A profile created with an access right, a department and a licence.
  const profiles = new ProfilesPage(page);
  await profiles.goto();
  const form = await profiles.openNew();
  await form.fill({ firstName: 'Amélie', lastName: 'Dubois', email: 'amelie.dubois@example.be' });
  await page.getByRole('combobox', { name: 'Department' }).click();
  await page.getByRole('option', { name: 'Operations (OPS)' }).click();
  await page.getByRole('combobox', { name: 'Access rights' }).click();
  await page.getByRole('option', { name: 'Car park B (CAR-B)' }).click();
  await page.getByRole('combobox', { name: 'Licences' }).click();
  await page.getByRole('option', { name: 'Parking app (PARK)' }).click();
  await page.keyboard.press('Escape');
  await expectNoSeriousA11yViolations(page, 'New profile · attributes picked');
  await form.submit();
  await expect(page.getByRole('heading', { name: 'Amélie Dubois' })).toBeVisible();
  const details = page.getByTestId('profile-details');
  await expect(details.locator('[data-field="accessRights"]')).toHaveText('Car park B');
  await expect(details.locator('[data-field="department"]')).toHaveText('Operations');
  await expect(details.locator('[data-field="licences"]')).toHaveText('Parking app');
  await new StatusBar(page).syncNow();

  // The entries count the profile; deleting Car park B, which it holds, offers to move it: to Car park C.
  await openCatalogues(page);
  await expect(page.getByTestId('catalogue-entry').filter({ hasText: 'Car park B' })).toContainText('1');
  await page.getByRole('button', { name: 'Delete Car park B' }).click();
  const deletion = page.getByRole('dialog', { name: 'Delete “Car park B”?' });
  await expect(deletion.getByTestId('entry-in-use')).toHaveText('1 profile holds this entry. Choose what happens to it:');
  await expect(deletion.getByRole('button', { name: 'Delete' })).toBeDisabled();
  await deletion.getByRole('combobox', { name: 'Move them to' }).click();
  await page.getByRole('option', { name: 'Car park C (CAR-C)' }).click();
  await expectNoSeriousA11yViolations(page, 'Catalogues · deleting an entry in use');
  await deletion.getByRole('button', { name: 'Delete' }).click();
  await expect(deletion).toBeHidden();
  await expect(page.getByTestId('catalogue-entry').filter({ hasText: 'Car park B' })).toHaveCount(0);
  await new StatusBar(page).syncNow();
  await expect(page.getByTestId('catalogue-entry').filter({ hasText: 'Car park C' })).toContainText('1');

  await profiles.goto();
  await profiles.row('Amélie').click();
  await expect(page.getByTestId('profile-details').locator('[data-field="accessRights"]')).toHaveText('Car park C');

  // Offline: the page says where changes go, an added entry and a renamed one wait here, counted in the status bar.
  await page.getByTestId('status-bar').getByRole('switch', { name: 'Work offline' }).click();
  await openCatalogues(page);
  await expect(page.getByTestId('catalogues-blocked')).toContainText('kept in this console and sent to the server with the next sync');
  await addEntry(page, /^Access rights/, 'Add an access right', { code: 'BIKE', name: 'Bike shelter' });
  await expect(page.getByTestId('catalogue-entry').filter({ hasText: 'Bike shelter' }).getByTestId('entry-pending')).toHaveText('Waiting to sync');
  await page.getByRole('button', { name: 'Edit Car park C' }).click();
  const rename = page.getByRole('dialog', { name: 'Edit “Car park C”' });
  await rename.getByRole('textbox', { name: 'Name' }).fill('Car park C (visitors)');
  await rename.getByRole('button', { name: 'Save' }).click();
  await expect(rename).toBeHidden();
  await expect(page.getByTestId('catalogue-entry').filter({ hasText: 'Car park C (visitors)' }).getByTestId('entry-pending')).toHaveText('Waiting to sync');
  await expect(page.getByTestId('status-bar')).toContainText('2 changes waiting');
  await expectNoSeriousA11yViolations(page, 'Catalogues · offline changes waiting');

  // Meanwhile another admin renames Car park C on the server.
  const session = await apiCall<{ token: string }>(server, 'POST', '/api/v1/auth/sign-in', { email: server.owner.email, password: server.owner.password });
  const { entries } = await apiCall<{ entries: { id: string; code: string; version: number }[] }>(server, 'GET', '/api/v1/catalogues', undefined, session.token);
  const carC = entries.find((e) => e.code === 'CAR-C');
  expect(carC).toBeDefined();
  await apiCall(server, 'PATCH', `/api/v1/catalogues/${carC?.id ?? ''}`, { baseVersion: carC?.version, draft: { name: 'Visitors’ car park' } }, session.token);

  // Back online: the new entry goes; the rename meets theirs and waits, yours beside theirs.
  await page.getByTestId('status-bar').getByRole('switch', { name: 'Work offline' }).click();
  await new StatusBar(page).syncNow();
  await expect(page.getByTestId('catalogue-entry').filter({ hasText: 'Bike shelter' }).getByTestId('entry-pending')).toHaveCount(0);
  const changes = page.getByTestId('catalogue-changes');
  await expect(changes).toContainText('“Car park C (visitors)” was changed on the server by someone else after you changed it here.');
  await expect(changes.getByTestId('change-versions')).toContainText('Car park C (visitors)');
  await expect(changes.getByTestId('change-versions')).toContainText('Visitors’ car park');
  await expect(page.getByTestId('catalogue-entry').filter({ hasText: 'Car park C (visitors)' }).getByTestId('entry-pending')).toHaveText('Changed on the server too');
  await expectNoSeriousA11yViolations(page, 'Catalogues · a change in conflict');

  // The conflict is counted with the others (navigation, status bar) and waits on the Conflicts page too, with the way back here.
  await expect(page.getByTestId('sync-conflicts')).toHaveText('1 conflict to review');
  await page.getByRole('navigation').getByRole('button', { name: /^Conflicts/ }).click();
  await expect(page.getByRole('heading', { level: 2, name: 'Conflicts' })).toBeVisible();
  const waiting = page.getByTestId('offline-changes');
  await expect(waiting.getByRole('heading', { name: 'Catalogue entries and rules' })).toBeVisible();
  await expect(page.getByTestId('no-conflicts')).toHaveCount(0);
  const onConflicts = waiting.getByTestId('catalogue-change');
  await expect(onConflicts).toContainText('Access rights');
  await expect(onConflicts).toContainText('“Car park C (visitors)” was changed on the server by someone else after you changed it here.');
  await expect(onConflicts.getByTestId('change-versions')).toContainText('Visitors’ car park');
  await expect(onConflicts.getByRole('button', { name: 'Keep mine' })).toBeVisible();
  await expect(waiting.getByTestId('rule-changes')).toHaveCount(0);
  await page.screenshot({ path: test.info().outputPath('conflicts-catalogue-en.png'), fullPage: true });
  await expectNoSeriousA11yViolations(page, 'Conflicts · a catalogue change in conflict');
  await waiting.getByRole('button', { name: 'Open the Catalogues page' }).click();
  await expect(page.getByRole('heading', { level: 2, name: 'Catalogues' })).toBeVisible();

  await changes.getByRole('button', { name: 'Take the server’s' }).click();
  await expect(changes).toBeHidden();
  await expect(page.getByTestId('sync-conflicts')).toHaveCount(0);
  await expect(page.getByTestId('catalogue-entry').filter({ hasText: 'Visitors’ car park' })).toBeVisible();
  const after = await apiCall<{ entries: { code: string; name: string }[] }>(server, 'GET', '/api/v1/catalogues', undefined, session.token);
  expect(after.entries.map((e) => `${e.code}: ${e.name}`).sort()).toEqual(['BIKE: Bike shelter', 'CAR-C: Visitors’ car park', 'OPS: Operations', 'PARK: Parking app']);
});
