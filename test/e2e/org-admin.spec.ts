import { expect, test } from '@playwright/test';
import type { Page } from '@playwright/test';
import { expectNoSeriousA11yViolations } from './support/a11y';
import { makeDataDir, removeDataDir, startConsoleHost } from './support/console-host';
import type { ConsoleHost } from './support/console-host';
import { createE2eServer } from './support/roster-server';
import type { E2eServer } from './support/roster-server';
import { ServerPage } from './support/sync-pages';

/**
 * Issue 13 in the console: the owner manages the organisation's admins, its
 * settings, reads its audit log and changes their password, against a real
 * server and SMTP sink; a viewer sees the settings read-only.
 */

let server: E2eServer;
const hosts: ConsoleHost[] = [];

test.beforeEach(async () => {
  server = await createE2eServer({ organisationName: 'Acme Parking' });
});

test.afterEach(async () => {
  for (const host of hosts.splice(0)) {
    await host.stop();
    removeDataDir(host.dataDir);
  }
  await server.dispose();
});

async function console_(): Promise<ConsoleHost> {
  const host = await startConsoleHost(makeDataDir());
  hosts.push(host);
  return host;
}

async function nav(page: Page, name: string): Promise<void> {
  await page.getByRole('navigation').getByText(name, { exact: true }).click();
  await expect(page.getByRole('heading', { level: 2, name })).toBeVisible();
}

const COLLEAGUE = 'colleague@example.com';
const COLLEAGUE_PASSWORD = 'blue river stone garden';
const NEW_PASSWORD = 'quiet harbour lantern morning';

test('the owner invites an admin, changes their role, cannot remove the last owner, sets the invitation lifetime, reads the audit log and changes their password; a viewer reads the settings only', async ({ page, browser }) => {
  test.setTimeout(180_000);
  const host = await console_();
  await page.goto(host.launchUrl);

  // Signed out, the pages say they need the server.
  await nav(page, 'Admins');
  await expect(page.getByTestId('org-unavailable')).toContainText('Needs a connection to the server');
  await expectNoSeriousA11yViolations(page, 'Admins · signed out');

  await new ServerPage(page).signIn(server.url, server.owner.email, server.owner.password);

  // Admins: the owner alone; invite a colleague as admin: the email leaves.
  await nav(page, 'Admins');
  await expect(page.getByTestId('admin-row')).toHaveCount(1);
  await expect(page.getByTestId('admin-row')).toContainText(server.owner.email);
  await expect(page.getByTestId('admin-invitations-none')).toBeVisible();
  await page.getByRole('textbox', { name: 'Email' }).fill(COLLEAGUE);
  await page.getByRole('button', { name: 'Send the invitation' }).click();
  await expect(page.getByTestId('admin-invitation-row')).toContainText(COLLEAGUE);
  await expectNoSeriousA11yViolations(page, 'Admins · owner, an invitation pending');
  const [mail] = await server.sink.waitFor(1);
  expect(mail?.envelopeTo).toEqual([COLLEAGUE]);
  // Inviting the owner again is refused with the server's rule, under the email.
  await page.getByRole('textbox', { name: 'Email' }).fill(server.owner.email);
  await page.getByRole('button', { name: 'Send the invitation' }).click();
  await expect(page.getByText(`${server.owner.email} is already an owner of this organisation; change their role instead.`)).toBeVisible();

  // The colleague sets a password on the server's page: they are an admin.
  const link = mail?.links.find((l) => l.includes(server.url)) ?? '';
  expect(link).not.toBe('');
  const invitee = await browser.newPage();
  await invitee.goto(link);
  await invitee.locator('#password').fill(COLLEAGUE_PASSWORD);
  await invitee.locator('#confirm').fill(COLLEAGUE_PASSWORD);
  await invitee.locator('button[type="submit"]').click();
  await expect(invitee.getByText('Sign in from the Roster console with your email and password.')).toBeVisible();
  await invitee.close();

  await nav(page, 'Organisation');
  await nav(page, 'Admins');
  await expect(page.getByTestId('admin-row')).toHaveCount(2);
  await expect(page.getByTestId('admin-invitations-none')).toBeVisible();

  // Change their role to viewer.
  await page.getByRole('combobox', { name: `Role of ${COLLEAGUE}` }).click();
  await page.getByRole('option', { name: /^Viewer/ }).click();
  await expect(page.getByText(`The role of ${COLLEAGUE} is now: Viewer.`)).toBeVisible();

  // The last owner cannot leave: the server's refusal, in words.
  await page.getByTestId('admin-row').filter({ hasText: server.owner.email }).getByRole('button', { name: 'Leave the organisation' }).click();
  await page.getByRole('dialog').getByRole('button', { name: 'Leave the organisation' }).click();
  await expect(page.getByTestId('admins-error')).toHaveText(
    `${server.owner.email} is the last owner and cannot be removed. The organisation needs at least one owner: make another admin an owner first.`,
  );
  await expectNoSeriousA11yViolations(page, 'Admins · a refusal shown');

  // Organisation: a lifetime out of range is refused on its field; 21 days is saved and still there after a reload.
  await nav(page, 'Organisation');
  const lifetime = page.getByRole('textbox', { name: 'Invitation lifetime (days)' });
  await expect(lifetime).toHaveValue('7');
  await lifetime.fill('400');
  await page.getByRole('button', { name: 'Save' }).click();
  await expect(page.getByText('This value is larger than 365.')).toBeVisible();
  await expect(lifetime).toHaveAttribute('aria-invalid', 'true');
  await expectNoSeriousA11yViolations(page, 'Organisation · owner, a field refused');
  await lifetime.fill('21');
  await page.getByRole('button', { name: 'Save' }).click();
  await expect(page.getByText('Settings saved.')).toBeVisible();
  await page.reload();
  await nav(page, 'Organisation');
  await expect(page.getByRole('textbox', { name: 'Invitation lifetime (days)' })).toHaveValue('21');

  // The viewer, from a console of their own, reads the settings only.
  const viewerHost = await console_();
  const viewerContext = await browser.newContext();
  const viewer = await viewerContext.newPage();
  await viewer.goto(viewerHost.launchUrl);
  await new ServerPage(viewer).signIn(server.url, COLLEAGUE, COLLEAGUE_PASSWORD);
  await nav(viewer, 'Organisation');
  await expect(viewer.getByTestId('settings-read-only')).toBeVisible();
  await expect(viewer.getByRole('textbox', { name: 'Invitation lifetime (days)' })).toHaveValue('21');
  await expect(viewer.getByRole('textbox', { name: 'Invitation lifetime (days)' })).toHaveAttribute('readonly', '');
  await expect(viewer.getByRole('button', { name: 'Save' })).toHaveCount(0);
  await expectNoSeriousA11yViolations(viewer, 'Organisation · viewer, read-only');
  await nav(viewer, 'Admins');
  await expect(viewer.getByTestId('admins-read-only')).toBeVisible();
  await expect(viewer.getByRole('button', { name: 'Send the invitation' })).toHaveCount(0);
  await expect(viewer.getByRole('button', { name: 'Remove' })).toHaveCount(0);
  // Self sign-up and single sign-on: the owner's settings, read only, with nothing to save.
  await nav(viewer, 'Self sign-up');
  await expect(viewer.getByTestId('signup-read-only')).toBeVisible();
  await expect(viewer.getByRole('textbox', { name: 'Allowed email domains' })).toHaveAttribute('readonly', '');
  await expect(viewer.getByRole('button', { name: 'Save', exact: true })).toHaveCount(0);
  await nav(viewer, 'Single sign-on');
  await expect(viewer.getByTestId('sso-read-only')).toBeVisible();
  await expect(viewer.getByRole('textbox', { name: 'Issuer URL', exact: true })).toHaveAttribute('readonly', '');
  await expect(viewer.getByRole('button', { name: 'Save', exact: true })).toHaveCount(0);
  await expect(viewer.getByRole('button', { name: 'Test the connection' })).toHaveCount(0);
  await viewerContext.close();

  // Audit: those actions are listed; a filter narrows them.
  await nav(page, 'Audit log');
  const entries = page.getByTestId('audit-entry');
  await expect(page.getByTestId('audit-log')).toContainText('Admin invited');
  await expect(page.getByTestId('audit-log')).toContainText('Role changed');
  await expect(page.getByTestId('audit-log')).toContainText('Settings changed');
  await expect(page.getByTestId('audit-log')).toContainText('invitation_lifetime_days: 7 → 21');
  const all = await entries.count();
  await expectNoSeriousA11yViolations(page, 'Audit log · every entry');
  await page.getByRole('combobox', { name: 'Action' }).click();
  await page.getByRole('option', { name: 'Role changed' }).click();
  await page.getByRole('button', { name: 'Filter', exact: true }).click();
  await expect(entries).toHaveCount(1);
  expect(all).toBeGreaterThan(1);
  await expect(entries.first()).toContainText(server.owner.email);
  // The period is typed as the console's language writes a day (dd/mm/yyyy in English here), not the browser's mm/dd/yyyy.
  const day = (offset: number): string => {
    const d = new Date();
    d.setDate(d.getDate() + offset);
    return `${String(d.getDate()).padStart(2, '0')}/${String(d.getMonth() + 1).padStart(2, '0')}/${d.getFullYear()}`;
  };
  const from = page.getByRole('textbox', { name: 'From' });
  const until = page.getByRole('textbox', { name: 'Until (included)' });
  await expect(from).toHaveAttribute('placeholder', 'dd/mm/yyyy');
  await from.fill(day(0));
  await until.fill(day(0));
  await page.getByRole('button', { name: 'Filter', exact: true }).click();
  await expect(entries).toHaveCount(1);
  await from.fill(day(1));
  await page.getByRole('button', { name: 'Filter', exact: true }).click();
  await expect(page.getByText('The end of the period is before its start.')).toBeVisible();
  await expect(entries).toHaveCount(1);
  await until.fill(day(1));
  await page.getByRole('button', { name: 'Filter', exact: true }).click();
  await expect(page.getByTestId('audit-none')).toBeVisible();
  await from.fill('31/02/2026');
  await page.getByRole('button', { name: 'Filter', exact: true }).click();
  await expect(page.getByText(`Type a date as dd/mm/yyyy, for example ${day(0)}.`)).toBeVisible();
  await from.fill('');
  await until.fill('');
  await page.getByRole('textbox', { name: 'Who' }).fill('nobody@example.com');
  await page.getByRole('button', { name: 'Filter', exact: true }).click();
  await expect(page.getByTestId('audit-none')).toBeVisible();

  // My account: a wrong current password is refused; then the password changes, and signing in takes the new one.
  await nav(page, 'My account');
  await expect(page.getByTestId('account-session')).toHaveCount(1);
  await expectNoSeriousA11yViolations(page, 'My account');
  await page.getByLabel('Current password').fill('not my password');
  await page.getByLabel(/^New password\W*$/).fill(NEW_PASSWORD);
  await page.getByLabel('New password again').fill(NEW_PASSWORD);
  await page.getByRole('button', { name: 'Change my password' }).click();
  await expect(page.getByText('The current password is not right.')).toBeVisible();
  await page.getByLabel('Current password').fill(server.owner.password);
  await page.getByRole('button', { name: 'Change my password' }).click();
  await expect(page.getByText(/Your password is changed/)).toBeVisible();

  await new ServerPage(page).open();
  await page.getByTestId('connection').getByRole('button', { name: 'Sign out' }).click();
  await page.getByRole('dialog', { name: 'Sign out?' }).getByRole('button', { name: 'Sign out' }).click();
  await page.getByRole('textbox', { name: 'Email' }).fill(server.owner.email);
  await page.getByRole('textbox', { name: 'Password' }).fill(server.owner.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByTestId('sign-in-error')).toBeVisible();
  await page.getByRole('textbox', { name: 'Password' }).fill(NEW_PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByTestId('connection')).toBeVisible();

  // Forgot password, from the sign-in form: the same neutral answer.
  await page.getByTestId('connection').getByRole('button', { name: 'Sign out' }).click();
  await page.getByRole('dialog', { name: 'Sign out?' }).getByRole('button', { name: 'Sign out' }).click();
  await page.getByRole('button', { name: 'Forgot password?' }).click();
  await page.getByRole('dialog').getByRole('textbox', { name: 'Email' }).fill(server.owner.email);
  await expectNoSeriousA11yViolations(page, 'Server · forgot password');
  await page.getByRole('dialog').getByRole('button', { name: 'Send the link' }).click();
  await expect(page.getByTestId('forgot-done')).toHaveText('If this email belongs to a Roster admin, a link to choose a new password is on its way. It works for one hour.');
  const resets = await server.sink.waitFor(2);
  expect(resets.at(-1)?.envelopeTo).toEqual([server.owner.email]);
});
