import { expect, test } from '@playwright/test';
import type { Page } from '@playwright/test';
import { makeDataDir, removeDataDir, startConsoleHost } from './support/console-host';
import type { ConsoleHost } from './support/console-host';
import { ProfilesPage } from './support/pages';
import { createE2eServer } from './support/roster-server';
import type { E2eServer } from './support/roster-server';
import { ServerPage, StatusBar } from './support/sync-pages';
import { expectNoSeriousA11yViolations } from './support/a11y';

/**
 * Issue 19: the mail server is down when an invitation goes out. The console
 * shows the invitation as not delivered, with the mail server's reason, and
 * the status bar warns; once the mail server is back, the server's retries
 * deliver it and the console shows it delivered. The server retries every
 * 50–500 ms here (the e2e server's retry timing), so nothing waits minutes.
 */

let server: E2eServer;
let host: ConsoleHost;
const relay = { down: true };

test.beforeEach(async () => {
  relay.down = true;
  // Down: every connection is refused with 421 (service not available), as a relay that is stopping or overloaded answers.
  server = await createE2eServer({ sink: { onConnect: () => (relay.down ? 421 : undefined) } });
  host = await startConsoleHost(makeDataDir());
});

test.afterEach(async () => {
  await host.stop();
  removeDataDir(host.dataDir);
  await server.dispose();
});

/** Syncs until `check` holds: the server's worker goes on between syncs. */
async function syncUntil(page: Page, check: () => Promise<void>): Promise<void> {
  const bar = new StatusBar(page);
  await expect(async () => {
    await bar.syncNow();
    await check();
  }).toPass({ timeout: 20_000, intervals: [200, 300, 500] });
}

test('the mail server is down: the invitation shows as not delivered and the status bar warns; back up, it is delivered and shows so', async ({ page }) => {
  test.setTimeout(90_000);
  await page.goto(host.launchUrl);
  await new ServerPage(page).signIn(server.url, server.owner.email, server.owner.password);

  // A profile, invited from its page.
  const profiles = new ProfilesPage(page);
  await profiles.goto();
  const form = await profiles.openNew();
  await form.fill({ firstName: 'Nora', lastName: 'Mailless', email: 'nora@example.com' });
  await form.submit();
  await expect(page.getByRole('heading', { level: 2, name: 'Nora Mailless' })).toBeVisible();
  await page.getByRole('button', { name: 'Invite', exact: true }).click();
  await page.getByRole('dialog').getByRole('button', { name: 'Confirm' }).click();

  // The relay refuses: after a sync the status bar warns, with a count.
  const warning = page.getByTestId('sync-undelivered');
  await syncUntil(page, async () => {
    await expect(warning).toHaveText('1 invitation not delivered', { timeout: 500 });
  });
  expect(server.sink.messages).toHaveLength(0);

  // The profile page says it in words, with the mail server's reason and until when Roster keeps trying.
  const alert = page.getByTestId('delivery-alert');
  await expect(alert).toHaveAttribute('data-delivery', 'failing');
  await expect(alert).toContainText('Invitation not delivered');
  await expect(alert).toContainText(/Not delivered yet: the mail server refused it \(.*421.*\)\. Roster keeps trying until /);
  await expect(page.getByTestId('profile-details').getByTestId('delivery-value')).toContainText('Not delivered yet');
  await expect(page.getByTestId('status-badge').first()).toHaveText('Pending');
  await expectNoSeriousA11yViolations(page, 'Profile · invitation not delivered, with the status bar warning');

  // The warning leads to the Profiles list, filtered on "invitation not delivered".
  await warning.click();
  await expect(page.getByRole('heading', { level: 2, name: 'Profiles' })).toBeVisible();
  await expect(page.getByTestId('filter-undelivered')).toBeChecked();
  await expect(page.getByRole('checkbox', { name: 'Invitation not delivered (1)' })).toBeChecked();
  await expect(page.getByTestId('selection-summary')).toHaveText('1 profile');
  await expect(profiles.row('Nora Mailless')).toBeVisible();
  await expectNoSeriousA11yViolations(page, 'Profiles · filtered on invitation not delivered');

  // The Invitations page counts it in its batch.
  await page.getByRole('navigation').getByText('Invitations').click();
  await expect(page.getByTestId('batch')).toHaveAttribute('data-status', 'sent');
  await expect(page.getByTestId('batch-undelivered')).toHaveText('1 not delivered');

  // The mail server comes back: the server's next attempt delivers it, exactly once.
  relay.down = false;
  const [mail] = await server.sink.waitFor(1);
  expect(mail?.to).toBe('nora@example.com');
  await syncUntil(page, async () => {
    await expect(warning).toHaveCount(0, { timeout: 500 });
  });
  await expect(page.getByTestId('batch-undelivered')).toHaveCount(0);

  // The filtered list empties; the profile shows the email as sent, with no alert left.
  await profiles.goto();
  await expect(page.getByTestId('no-results')).toBeVisible();
  // Turned off, the filter leaves the bar: no invitation is left undelivered.
  await page.getByTestId('filter-undelivered').click();
  await expect(page.getByTestId('filter-undelivered')).toHaveCount(0);
  await profiles.row('Nora Mailless').click();
  await expect(page.getByRole('heading', { level: 2, name: 'Nora Mailless' })).toBeVisible();
  await expect(page.getByTestId('profile-details').getByTestId('delivery-value')).toHaveAttribute('data-delivery', 'sent');
  await expect(page.getByTestId('profile-details').getByTestId('delivery-value')).toContainText(/Sent on .*: the mail server accepted it\./);
  await expect(page.getByTestId('delivery-alert')).toHaveCount(0);
  expect(server.sink.messages).toHaveLength(1);
});
