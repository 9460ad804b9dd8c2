import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Page } from '@playwright/test';
import { expect, test } from './support/fixtures';
import { inEveryLanguage } from './support/languages';
import { ProfilesPage } from './support/pages';
import { apiCall, createE2eServer, waitForSms } from './support/roster-server';
import type { E2eServer } from './support/roster-server';
import { ServerPage, StatusBar } from './support/sync-pages';
import { createMutation } from '../support/mutations';

const PHONE = '+32470123456';
const LOCALES = resolve('src-renderer/i18n/locales');

let server: E2eServer;

test.beforeEach(async () => {
  server = await createE2eServer({ organisationName: 'Schoonmaak Antwerpen' });
});

test.afterEach(async () => {
  await server.dispose();
});

const call = <T,>(method: string, path: string, body: unknown, token?: string): Promise<T> => apiCall<T>(server, method, path, body, token);

/** A key of one of the console's locale files, as the console shows it. */
const word = (language: string, file: string, path: string): string => {
  let value: unknown = JSON.parse(readFileSync(resolve(LOCALES, language, `${file}.json`), 'utf8'));
  for (const part of path.split('.')) value = (value as Record<string, unknown>)[part];
  if (typeof value !== 'string') throw new Error(`no ${language}/${file}.json ${path}`);
  return value;
};

async function openInviteDialog(page: Page, language: string): Promise<void> {
  await page.getByRole('navigation').getByText(word(language, 'common', 'nav.profiles'), { exact: true }).click();
  await page.getByTestId('profile-row').filter({ hasText: 'Sanne Peeters' }).getByRole('checkbox').check();
  await page.getByRole('button', { name: word(language, 'profiles', 'list.actions') }).click();
  await page.getByRole('menuitem', { name: word(language, 'profiles', 'list.invite') }).click();
  await expect(page.getByTestId('invite-channels')).toHaveText(word(language, 'sync', 'invite.bySms'));
  await expect(page.getByTestId('invite-by-channel')).toHaveText([word(language, 'sync', 'invite.viaSms_one').replace('{{n}}', '1').replace('{{examples}}', 'Sanne Peeters')]);
}

const orgLabel = (language: string, key: 'organisation' | 'channels' | 'sms'): string => {
  const org = JSON.parse(readFileSync(resolve(LOCALES, language, 'org.json'), 'utf8')) as { nav: { organisation: string }; settings: { channels: string; channel: { sms: string } } };
  return key === 'organisation' ? org.nav.organisation : key === 'channels' ? org.settings.channels : org.settings.channel.sms;
};

async function openOrganisation(page: Page, language: string): Promise<void> {
  await page.getByRole('navigation').getByText(orgLabel(language, 'organisation'), { exact: true }).click();
  await expect(page.getByTestId('invitation-channels')).toBeVisible();
}

test('an owner chooses SMS; a profile with a phone is invited, the SMS lands in the dev SMS inbox, its link sets a password, the console shows it confirmed', async ({ page, browser, roster }) => {
  test.setTimeout(120_000);
  // A profile with an email and a mobile number, made on the server (as another console would).
  const session = await call<{ token: string }>('POST', '/api/v1/auth/sign-in', { email: server.owner.email, password: server.owner.password });
  const create = createMutation({ firstName: 'Sanne', lastName: 'Peeters', email: 'sanne.peeters@example.com', phone: PHONE, language: 'nl_BE' });
  await call('POST', '/api/v1/sync/push', { clientId: 'e2e-sms-client', mutations: [create] }, session.token);

  await page.goto(roster.host.launchUrl);
  await new ServerPage(page).signIn(server.url, server.owner.email, server.owner.password);
  const bar = new StatusBar(page);
  await bar.syncNow();

  // The owner sets "Invitations go out by" to SMS.
  await openOrganisation(page, 'en');
  const channels = page.getByTestId('invitation-channels');
  await expect(channels).toHaveValue('Email');
  await channels.click();
  await page.getByRole('option', { name: 'SMS', exact: true }).click();
  await page.getByRole('button', { name: 'Save' }).click();
  // Saved, the form is drawn again from the server's answer: the field is read after that.
  await expect(page.getByText('Settings saved.')).toBeVisible();
  await expect(channels).toHaveValue('SMS');
  await channels.scrollIntoViewIfNeeded();
  await page.screenshot({ path: test.info().outputPath(`org-setting-en.png`), fullPage: true });
  const saved = await call<{ invitationChannels: string }>('GET', '/api/v1/organisation', undefined, session.token);
  expect(saved.invitationChannels).toBe('sms');

  // The setting and the invite dialog in every language (screenshots), read back as saved.
  await inEveryLanguage(browser, roster.host.launchUrl, {}, async ({ page: other, language }) => {
    if (language !== 'en') {
      await openOrganisation(other, language);
      await expect(other.getByTestId('invitation-channels')).toHaveValue(orgLabel(language, 'sms'));
      await other.getByTestId('invitation-channels').scrollIntoViewIfNeeded();
      await expect(other.getByText(orgLabel(language, 'channels'))).toBeVisible();
      await other.screenshot({ path: test.info().outputPath(`org-setting-${language}.png`) });
    }
    await openInviteDialog(other, language);
    await other.screenshot({ path: test.info().outputPath(`invite-dialog-${language}.png`) });
  });

  // Invite her from the list.
  const profiles = new ProfilesPage(page);
  await profiles.goto();
  await profiles.row('Sanne Peeters').getByRole('checkbox').check();
  await page.getByRole('button', { name: 'List actions' }).click();
  await page.getByRole('menuitem', { name: 'Invite users' }).click();
  await expect(page.getByTestId('invite-channels')).toHaveText('This organisation sends invitations by SMS: people without a mobile number get the email instead.');
  // The count names no channel: it is the SMS, not an email, that Sanne gets.
  await expect(page.getByTestId('invite-count')).toHaveText('1 person will get an invitation to confirm their account and set a password.');
  // Per person: Sanne has a mobile number, so the SMS is hers.
  await expect(page.getByTestId('invite-by-channel')).toHaveText(['By SMS (1): Sanne Peeters']);
  await page.getByRole('button', { name: 'Confirm' }).click();
  await bar.syncNow();

  // The SMS is in the dev SMS inbox, in her language, and no email went out.
  const sms = await waitForSms(server, PHONE);
  expect(sms.text).toMatch(/^Schoonmaak Antwerpen: activeer je Roster-account: http:\/\/127\.0\.0\.1:\d+\/i\/[\w-]{43}$/);
  expect(sms.text.length).toBeLessThanOrEqual(160);
  expect(server.sink.to('sanne.peeters@example.com')).toHaveLength(0);

  const inbox = await browser.newContext();
  const reader = await inbox.newPage();
  await reader.goto(`${server.url}/dev/sms`);
  await expect(reader.getByRole('heading', { name: 'Dev SMS inbox' })).toBeVisible();
  await expect(reader.getByRole('cell', { name: PHONE })).toBeVisible();
  await reader.screenshot({ path: test.info().outputPath(`dev-sms-inbox.png`), fullPage: true });

  // She opens the link from the SMS list and sets her password.
  await reader.getByRole('link', { name: 'Open the link' }).first().click();
  await reader.locator('#password').fill('a long enough password 42');
  await reader.locator('#confirm').fill('a long enough password 42');
  await reader.getByRole('button').click();
  await expect(reader.locator('h1')).toHaveAttribute('data-state', /done/);
  await inbox.close();

  // The console shows her confirmed after the next pull.
  await bar.syncNow();
  await profiles.goto();
  await expect(profiles.row('Sanne Peeters').getByTestId('status-badge')).toHaveText('Confirmed');
});
