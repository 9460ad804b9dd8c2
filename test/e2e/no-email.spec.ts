import type { Page } from '@playwright/test';
import { expect, test } from './support/fixtures';
import { inEveryLanguage } from './support/languages';
import { ProfilesPage } from './support/pages';
import { apiCall, createE2eServer, waitForSms } from './support/roster-server';
import type { E2eServer } from './support/roster-server';
import { ServerPage, StatusBar } from './support/sync-pages';

const PHONE = '+32470555123';
const PASSWORD = 'a long enough password 42';

let server: E2eServer;

test.beforeEach(async () => {
  server = await createE2eServer({ organisationName: 'Schoonmaak Antwerpen' });
});

test.afterEach(async () => {
  await server.dispose();
});

async function openOrganisation(page: Page, label: string): Promise<void> {
  await page.getByRole('navigation').getByText(label, { exact: true }).click();
  await expect(page.getByTestId('email-policy')).toBeVisible();
}

/** Issue 15: "email, or username + phone" — a person without an email is invited by SMS, sets a password, signs in by username. */
test('an owner lets people go without an email; a profile with a username and a mobile only is invited by SMS, sets a password, shows confirmed and signs in by username', async ({ page, browser, roster }) => {
  test.setTimeout(150_000);
  await page.goto(roster.host.launchUrl);
  await new ServerPage(page).signIn(server.url, server.owner.email, server.owner.password);
  const bar = new StatusBar(page);
  await bar.syncNow();

  // Before the setting, the form wants an email.
  const profiles = new ProfilesPage(page);
  await profiles.goto();
  let form = await profiles.openNew();
  await form.fill({ firstName: 'Noor', lastName: 'Haddad', phoneNumber: PHONE });
  await page.getByRole('textbox', { name: 'Username' }).fill('noor.haddad');
  await form.submit();
  await expect(await form.errorOf('Email')).toHaveText('Email is required.');
  await page.getByRole('button', { name: 'Cancel' }).click();

  // The owner chooses "Email, or a username and a mobile number".
  await openOrganisation(page, 'Organisation');
  const policy = page.getByTestId('email-policy');
  await expect(policy).toHaveValue('Everyone');
  await policy.click();
  await page.getByRole('option', { name: 'Email, or a username and a mobile number' }).click();
  await page.getByRole('button', { name: 'Save', exact: true }).click();
  await expect(page.getByText('Settings saved.')).toBeVisible();
  await expect(policy).toHaveValue('Email, or a username and a mobile number');
  const session = await apiCall<{ token: string }>(server, 'POST', '/api/v1/auth/sign-in', { email: server.owner.email, password: server.owner.password });
  expect((await apiCall<{ emailPolicy: string }>(server, 'GET', '/api/v1/organisation', undefined, session.token)).emailPolicy).toBe('or_username_phone');

  // Without the username the form names what stands in for the email; with it, the profile is created.
  await profiles.goto();
  form = await profiles.openNew();
  await expect(page.getByText('Optional: without one, the profile needs a username and a mobile number, and is invited by SMS.')).toBeVisible();
  await form.fill({ firstName: 'Noor', lastName: 'Haddad', phoneNumber: PHONE });
  await form.submit();
  await expect(await form.errorOf('Email')).toHaveText('Email is required, unless the profile has a username and a mobile number instead.');
  await page.getByRole('textbox', { name: 'Username' }).fill('noor.haddad');
  await page.screenshot({ path: test.info().outputPath('new-profile-no-email-en.png'), fullPage: true });
  await form.submit();
  await expect(page.getByRole('heading', { level: 2, name: 'Noor Haddad' })).toBeVisible();
  await bar.syncNow();

  // The setting and the form in every language (screenshots).
  await inEveryLanguage(browser, roster.host.launchUrl, {}, async ({ page: other, language, t }) => {
    await openOrganisation(other, t('org.nav.organisation'));
    await expect(other.getByTestId('email-policy')).toHaveValue(t('org.settings.emailPolicyOption.or_username_phone'));
    await other.getByTestId('email-policy').scrollIntoViewIfNeeded();
    await expect(other.getByText(t('org.settings.emailPolicyHint'))).toBeVisible();
    await other.screenshot({ path: test.info().outputPath(`org-email-policy-${language}.png`) });
    await other.getByRole('navigation').getByText(t('common.nav.profiles'), { exact: true }).click();
    await other.getByRole('button', { name: t('profiles.new.title') }).first().click();
    await expect(other.getByText(t('profiles.form.emailOptionalHint'))).toBeVisible();
    await other.screenshot({ path: test.info().outputPath(`new-profile-no-email-${language}.png`), fullPage: true });
  });

  // Invited from the list: by SMS, the one channel she has.
  await profiles.goto();
  await profiles.row('Noor Haddad').getByRole('checkbox').check();
  await page.getByRole('button', { name: 'List actions' }).click();
  await page.getByRole('menuitem', { name: 'Invite users' }).click();
  await expect(page.getByTestId('invite-by-channel')).toHaveText(['By SMS (1): Noor Haddad']);
  await page.getByRole('button', { name: 'Confirm' }).click();
  await bar.syncNow();

  const sms = await waitForSms(server, PHONE);
  expect(sms.text).toMatch(/^Schoonmaak Antwerpen: activate your Roster account: http:\/\/127\.0\.0\.1:\d+\/i\/[\w-]{43}$/);
  expect(server.sink.messages).toHaveLength(0);

  // She opens the link from the dev SMS inbox and sets her password.
  const inbox = await browser.newContext();
  const reader = await inbox.newPage();
  await reader.goto(`${server.url}/dev/sms`);
  await reader.getByRole('link', { name: 'Open the link' }).first().click();
  await reader.locator('#password').fill(PASSWORD);
  await reader.locator('#confirm').fill(PASSWORD);
  await reader.getByRole('button').click();
  await expect(reader.locator('h1')).toHaveAttribute('data-state', /done/);

  // She signs in on her organisation's page with her username.
  await reader.goto(`${server.url}/o/${server.owner.organisationId}/sign-in`);
  await reader.locator('input[name="identifier"]').fill('Noor.Haddad');
  await reader.locator('input[name="password"]').fill(PASSWORD);
  await reader.locator('form button[type="submit"]').first().click();
  await expect(reader.locator('h1')).toHaveAttribute('data-state', 'signed_in');
  await expect(reader.locator('main')).toContainText('noor.haddad');
  await reader.screenshot({ path: test.info().outputPath('signed-in-by-username.png'), fullPage: true });
  await inbox.close();

  // The console shows her confirmed after the next pull; her email cell is empty.
  await bar.syncNow();
  await profiles.goto();
  await expect(profiles.row('Noor Haddad').getByTestId('status-badge')).toHaveText('Confirmed');
  await page.screenshot({ path: test.info().outputPath('profiles-no-email-en.png'), fullPage: true });
});
