import { expect, test } from '@playwright/test';
import { createE2eServer } from './support/roster-server';
import type { E2eServer } from './support/roster-server';
import { makeDataDir, removeDataDir, startConsoleHost } from './support/console-host';
import type { ConsoleHost } from './support/console-host';
import { NewProfileForm, ProfilesPage } from './support/pages';
import { ServerPage, StatusBar } from './support/sync-pages';
import { expectNoSeriousA11yViolations } from './support/a11y';

let server: E2eServer;
const hosts: ConsoleHost[] = [];

test.beforeEach(async () => {
  server = await createE2eServer();
});

test.afterEach(async () => {
  for (const h of hosts.splice(0)) {
    await h.stop();
    removeDataDir(h.dataDir);
  }
  await server.dispose();
});

test('the same profile edited in two consoles: the conflict is resolved through the UI', async ({ browser }) => {
  const a = await startConsoleHost(makeDataDir());
  const b = await startConsoleHost(makeDataDir());
  hosts.push(a, b);
  const pageA = await browser.newPage();
  // B's page in a context of its own making: axe checks pages only in such contexts.
  const contextB = await browser.newContext();
  const pageB = await contextB.newPage();
  await pageA.goto(a.launchUrl);
  await pageB.goto(b.launchUrl);
  for (const page of [pageA, pageB]) await new ServerPage(page).signIn(server.url, server.owner.email, server.owner.password);

  // Console A creates the profile and syncs; console B pulls it.
  const profilesA = new ProfilesPage(pageA);
  await profilesA.goto();
  const form = await profilesA.openNew();
  await form.fill({ firstName: 'Hanne', lastName: 'Goossens', email: 'hanne@example.com' });
  await form.submit();
  await expect(pageA.getByRole('heading', { name: 'Hanne Goossens' })).toBeVisible();
  await new StatusBar(pageA).syncNow();
  await expect(new StatusBar(pageA).waiting()).toHaveText('0 changes waiting');
  const profilesB = new ProfilesPage(pageB);
  await profilesB.goto();
  await new StatusBar(pageB).syncNow();
  await expect(profilesB.row('Hanne Goossens')).toBeVisible();

  // Both edit the last name; A syncs first.
  await profilesA.goto();
  await profilesA.row('Hanne Goossens').click();
  await pageA.getByRole('button', { name: 'Edit' }).click();
  await form.field('Last name').fill('Goossens-Alpha');
  await form.submit('Save changes');
  await expect(pageA.getByRole('heading', { name: 'Hanne Goossens-Alpha' })).toBeVisible();
  await new StatusBar(pageA).syncNow();

  await profilesB.row('Hanne Goossens').click();
  await pageB.getByRole('button', { name: 'Edit' }).click();
  const formB = new NewProfileForm(pageB);
  await formB.field('Last name').fill('Goossens-Beta');
  await formB.field('External ID').fill('B-1');
  await formB.submit('Save changes');
  await expect(pageB.getByRole('heading', { name: 'Hanne Goossens-Beta' })).toBeVisible();
  await new StatusBar(pageB).syncNow();

  // B sees a conflict: the last name overlaps, the external ID is merged.
  await expect(pageB.getByTestId('sync-conflicts')).toHaveText('1 conflict to review');
  await pageB.getByTestId('sync-conflicts').click();
  const conflict = pageB.getByTestId('conflict');
  await expect(conflict).toHaveAttribute('data-kind', 'edit');
  await expect(conflict.locator('[data-field="lastName"]')).toHaveAttribute('data-overlap', 'true');
  await expect(conflict.locator('[data-field="lastName"]')).toContainText('Goossens-Beta');
  await expect(conflict.locator('[data-field="lastName"]')).toContainText('Goossens-Alpha');
  await expect(conflict.locator('[data-field="externalId"]')).toContainText('merged');
  await expectNoSeriousA11yViolations(pageB, 'Conflicts · a profile edited on both sides');
  await conflict.getByRole('radio', { name: 'Keep theirs for Last name' }).check();
  await conflict.getByRole('button', { name: 'Apply my choices' }).click();
  await expect(pageB.getByTestId('no-conflicts')).toBeVisible();
  await new StatusBar(pageB).syncNow();
  await expect(new StatusBar(pageB).waiting()).toHaveText('0 changes waiting');

  // Both consoles end with theirs for the name and mine for the external ID.
  await new StatusBar(pageA).syncNow();
  for (const page of [pageA, pageB]) {
    const list = new ProfilesPage(page);
    await list.goto();
    await expect(list.row('Hanne Goossens-Alpha')).toContainText('B-1');
  }
  await contextB.close();
});
