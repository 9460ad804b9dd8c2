import { expect, test } from '@playwright/test';
import { makeDataDir, removeDataDir, startConsoleHost } from './support/console-host';
import type { ConsoleHost } from './support/console-host';
import { NewProfileForm, ProfilesPage } from './support/pages';
import { createE2eServer } from './support/roster-server';
import type { E2eServer } from './support/roster-server';
import { seedDirectory } from './support/seed';
import { seedEditConflict } from './support/seed-sync';
import { ServerPage, StatusBar } from './support/sync-pages';
import { startFaultProxy } from '../support/fault-proxy';
import type { FaultProxy } from '../support/fault-proxy';

/**
 * Keyboard and screen-reader users: focus lands somewhere sensible after each
 * page change, form and dialog; pages have real headings; the status bar's
 * sync state is a polite live region that changes with the state, not with
 * every sync.
 */

const hosts: ConsoleHost[] = [];
let server: E2eServer | undefined;
let proxy: FaultProxy | undefined;
test.afterEach(async () => {
  for (const h of hosts.splice(0)) {
    await h.stop();
    removeDataDir(h.dataDir);
  }
  await proxy?.close();
  proxy = undefined;
  await server?.dispose();
  server = undefined;
});

test('focus follows the admin: new profile, edit, dialogs, deletion, navigation, a settled conflict; headings are real', async ({ page }) => {
  const dataDir = makeDataDir();
  seedDirectory(dataDir, 2);
  seedEditConflict(dataDir, '00000100-0000-4000-8000-000000000001', 'Original', 'Server-side');
  const host = await startConsoleHost(dataDir);
  hosts.push(host);
  await page.goto(host.launchUrl);

  await expect(page.getByRole('heading', { level: 1, name: 'Roster' })).toBeVisible();
  // With profiles, the console opens on the Dashboard; Profiles is one click away.
  await expect(page.getByRole('heading', { level: 2, name: 'Dashboard' })).toBeVisible();
  await new ProfilesPage(page).goto();
  await expect(page.getByRole('heading', { level: 2, name: 'Profiles' })).toBeVisible();

  // A new profile: once created, its page opens with focus on its heading.
  const form = await new ProfilesPage(page).openNew();
  await form.fill({ firstName: 'Ada', lastName: 'Lovelace', email: 'ada@example.com' });
  await form.submit();
  await expect(page.getByRole('heading', { level: 2, name: 'Ada Lovelace' })).toBeFocused();

  // Editing ends (saved or cancelled) with focus back on Edit.
  const edit = page.getByRole('button', { name: 'Edit', exact: true });
  await edit.click();
  await new NewProfileForm(page).field('Last name').fill('King');
  await page.getByRole('button', { name: 'Save changes' }).click();
  await expect(page.getByRole('heading', { level: 2, name: 'Ada King' })).toBeVisible();
  await expect(edit).toBeFocused();
  await edit.click();
  await page.getByRole('button', { name: 'Cancel' }).click();
  await expect(edit).toBeFocused();

  // A dialog closed gives focus back to what opened it.
  const invite = page.getByRole('button', { name: 'Invite', exact: true });
  await invite.click();
  await expect(page.getByRole('dialog', { name: 'Invite users' })).toBeVisible();
  await page.keyboard.press('Escape');
  await expect(page.getByRole('dialog')).toHaveCount(0);
  await expect(invite).toBeFocused();
  const remove = page.getByRole('button', { name: 'Delete', exact: true });
  await remove.click();
  await page.getByRole('dialog', { name: 'Delete this profile?' }).getByRole('button', { name: 'Keep it' }).click();
  await expect(page.getByRole('dialog')).toHaveCount(0);
  await expect(remove).toBeFocused();

  // Deleted: the list opens with focus on its heading, not on a button that is gone.
  await remove.click();
  await page.getByRole('dialog', { name: 'Delete this profile?' }).getByRole('button', { name: 'Delete' }).click();
  await expect(page.getByRole('heading', { level: 2, name: 'Profiles' })).toBeFocused();

  // The navigation moves focus to the page it opens.
  await page.getByRole('navigation').getByText('Invitations', { exact: true }).click();
  await expect(page.getByRole('heading', { level: 2, name: 'Invitations' })).toBeFocused();
  await page.getByRole('navigation').getByText('Server', { exact: true }).click();
  await expect(page.getByRole('heading', { level: 2, name: 'Server' })).toBeFocused();

  // A settled conflict's card goes away: focus goes to the page heading; the announcement drops the conflict.
  const announcer = page.getByTestId('status-bar').getByRole('status');
  await expect(announcer).toHaveText('Not connected. 1 conflict to review');
  await page.getByTestId('sync-conflicts').click();
  await expect(page.getByRole('heading', { level: 2, name: 'Conflicts' })).toBeFocused();
  const conflict = page.getByTestId('conflict');
  await expect(conflict.getByRole('heading', { level: 3 })).toHaveText('Person000001 Family000001 was changed here and on the server.');
  await conflict.getByRole('radio', { name: 'Keep mine for Last name' }).check();
  await conflict.getByRole('button', { name: 'Apply my choices' }).click();
  await expect(page.getByTestId('no-conflicts')).toBeVisible();
  await expect(page.getByRole('heading', { level: 2, name: 'Conflicts' })).toBeFocused();
  await expect(announcer).toHaveText('Not connected');
});

test('the sync state is announced politely when it changes, and not while a sync runs', async ({ page }) => {
  server = await createE2eServer();
  // A proxy in front of the server holds a push, so the sync under way is on screen long enough to be seen.
  proxy = await startFaultProxy(server.url);
  const host = await startConsoleHost(makeDataDir());
  hosts.push(host);
  await page.goto(host.launchUrl);

  const announcer = page.getByTestId('status-bar').getByRole('status');
  await expect(announcer).toHaveAttribute('aria-live', 'polite');
  await expect(announcer).toHaveText('Not connected');

  await new ServerPage(page).signIn(proxy.url, server.owner.email, server.owner.password);
  await expect(announcer).toHaveText('Online');

  // Record every text the live region takes from here on.
  await announcer.evaluate((node) => {
    const seen: string[] = [];
    (window as unknown as { announced: string[] }).announced = seen;
    new MutationObserver(() => {
      seen.push(node.textContent);
    }).observe(node, { childList: true, characterData: true, subtree: true });
  });
  proxy.inject({ path: '/api/v1/sync/push', fault: { kind: 'hold' } });
  const profiles = new ProfilesPage(page);
  await profiles.goto();
  const form = await profiles.openNew();
  await form.fill({ firstName: 'Grace', lastName: 'Hopper', email: 'grace@example.com' });
  await form.submit();
  await expect(page.getByRole('heading', { level: 2, name: 'Grace Hopper' })).toBeVisible();
  // The sync that pushes it waits on the proxy: the badge says so, the announcement does not change.
  const bar = new StatusBar(page);
  await expect(bar.state()).toHaveText('Syncing…');
  await expect(announcer).toHaveText('Online');
  proxy.releaseHeld();
  await expect(bar.waiting()).toHaveText('0 changes waiting');
  await expect(bar.state()).toHaveText('Online');
  await bar.syncNow();
  await expect(page.getByTestId('sync-last')).toHaveText('Last sync: just now');
  const announced = await page.evaluate(() => (window as unknown as { announced: string[] }).announced);
  expect(announced.filter((text) => text !== 'Online')).toEqual([]);

  // Working offline is a change of state: announced.
  // (The switch follows the saved setting, a moment after the click.)
  const offline = page.getByRole('switch', { name: 'Work offline' });
  await offline.click();
  await expect(offline).toBeChecked();
  await expect(announcer).toHaveText('Working offline');
  await offline.click();
  await expect(offline).not.toBeChecked();
  await expect(announcer).toHaveText('Online');

  // Signed out from the Server page: the dialog's opener is gone, focus goes to the page heading.
  await new ServerPage(page).open();
  await page.getByTestId('connection').getByRole('button', { name: 'Sign out' }).click();
  await page.getByRole('dialog', { name: 'Sign out?' }).getByRole('button', { name: 'Sign out' }).click();
  await expect(page.getByRole('textbox', { name: 'Server address' })).toBeVisible();
  await expect(page.getByRole('heading', { level: 2, name: 'Server' })).toBeFocused();
  await expect(announcer).toHaveText('Not connected');
});
