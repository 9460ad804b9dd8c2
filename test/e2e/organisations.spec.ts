import { randomBytes } from 'node:crypto';
import { expect, test } from '@playwright/test';
import type { Browser, Page } from '@playwright/test';
import { makeDataDir, removeDataDir, startConsoleHost } from './support/console-host';
import type { ConsoleHost } from './support/console-host';
import { ProfilesPage } from './support/pages';
import { createE2eServer } from './support/roster-server';
import type { E2eServer } from './support/roster-server';
import { ServerPage, StatusBar } from './support/sync-pages';
import { expectNoSeriousA11yViolations } from './support/a11y';

const OPERATOR = randomBytes(32).toString('base64url');
let server: E2eServer;
const hosts: ConsoleHost[] = [];

test.beforeEach(async () => {
  server = await createE2eServer({ organisationName: 'Beta Parking', operatorToken: OPERATOR });
});

test.afterEach(async () => {
  for (const h of hosts.splice(0)) {
    await h.stop();
    removeDataDir(h.dataDir);
  }
  await server.dispose();
});

async function console_(browser: Browser): Promise<Page> {
  const host = await startConsoleHost(makeDataDir());
  hosts.push(host);
  // A context of its own (axe needs one), as a second person's browser would be.
  const page = await (await browser.newContext()).newPage();
  await page.goto(host.launchUrl);
  return page;
}

/** POST to the server's API as the operator or an admin; the answer's data. */
async function api<T>(path: string, token: string | null, body: unknown): Promise<T> {
  const headers: Record<string, string> = { 'Content-Type': 'application/json' };
  if (token !== null) headers.Authorization = `Bearer ${token}`;
  const res = await fetch(`${server.url}${path}`, { method: 'POST', headers, body: JSON.stringify(body) });
  const json = (await res.json()) as { ok: boolean; data: T };
  expect(res.status, JSON.stringify(json)).toBe(200);
  return json.data;
}

/** The account link in the latest email to `to`, opened in a browser page of its own. */
async function followAccountLink(browser: Browser, to: string, count: number): Promise<Page> {
  const messages = await server.sink.waitFor(count);
  const mail = messages.filter((m) => m.to.includes(to)).at(-1);
  const link = mail?.links.find((l) => l.includes('/account/'));
  expect(link, `an account link in the email to ${to}`).toBeDefined();
  const page = await (await browser.newContext()).newPage();
  await page.goto(link ?? '');
  return page;
}

async function createProfile(page: Page, first: string, email: string): Promise<void> {
  const profiles = new ProfilesPage(page);
  await profiles.goto();
  const form = await profiles.openNew();
  await form.fill({ firstName: first, lastName: 'Test', email });
  await form.submit();
  await expect(page.getByRole('heading', { name: `${first} Test` })).toBeVisible();
}

test('an operator creates an organisation; its owner sets a password and signs in; an admin of two organisations picks one at sign-in, works in each from a second console, offline too, and never sees the other’s profiles', async ({ browser }) => {
  test.setTimeout(150_000);
  // 1. The operator creates Acme Parking; its owner gets the email with a link to set a password.
  const owner = 'it@acme.example';
  await api('/api/v1/operator/organisations', OPERATOR, { name: 'Acme Parking', ownerEmail: owner });
  const ownerLink = await followAccountLink(browser, owner, 1);
  await expect(ownerLink.getByRole('heading', { name: 'Administer Acme Parking' })).toBeVisible();
  const ownerPassword = 'Tulip-Harbour-Lantern-42';
  await ownerLink.getByLabel('New password').fill(ownerPassword);
  await ownerLink.getByLabel('Repeat the password').fill(ownerPassword);
  await ownerLink.getByRole('button', { name: 'Set my password and accept' }).click();
  await expect(ownerLink.getByRole('heading', { name: 'You are in' })).toBeVisible();

  // 2. The owner signs in from a console and creates a profile.
  const a = await console_(browser);
  await new ServerPage(a).signIn(server.url, owner, ownerPassword);
  await expect(a.getByTestId('organisation')).toHaveText('Acme Parking');
  await createProfile(a, 'Ann', 'ann@acme.example');
  await new StatusBar(a).syncNow();

  // 3. From the console's Admins page, the owner invites an admin, who is already owner of Beta Parking: they accept with the account they have.
  await a.getByRole('navigation').getByText('Admins', { exact: true }).click();
  await a.getByRole('textbox', { name: 'Email' }).fill(server.owner.email);
  await a.getByRole('button', { name: 'Send the invitation' }).click();
  await expect(a.getByTestId('admin-invitation-row')).toContainText(server.owner.email);
  const join = await followAccountLink(browser, server.owner.email, 2);
  await join.getByRole('button', { name: 'Accept the invitation' }).click();
  await expect(join.getByRole('heading', { name: 'You are in' })).toBeVisible();

  // 4. That admin signs in from a second console: being an admin of two organisations, they are asked which one to open.
  const b = await console_(browser);
  const serverPage = new ServerPage(b);
  await serverPage.submitSignIn(server.url, server.owner.email, server.owner.password);
  const picker = serverPage.picker();
  await expect(picker).toBeVisible();
  const acmeChoice = picker.getByRole('radio', { name: /Acme Parking/ });
  const betaChoice = picker.getByRole('radio', { name: /Beta Parking/ });
  await expect(acmeChoice).toContainText('Admin');
  await expect(betaChoice).toContainText('Owner');
  // A console never used: nothing preselected, nothing to open yet.
  await expect(acmeChoice).not.toBeChecked();
  await expect(betaChoice).not.toBeChecked();
  await expect(picker.getByRole('button', { name: 'Open' })).toBeDisabled();
  await expectNoSeriousA11yViolations(b, 'the organisation picker');
  // Cancelled: the console stays signed out, the form as it was.
  await picker.getByRole('button', { name: 'Cancel' }).click();
  await expect(picker).toBeHidden();
  await expect(b.getByText('Sign-in cancelled: this console stays as it was.')).toBeVisible();
  await expect(b.getByTestId('connection')).toBeHidden();
  await expect(b.getByRole('button', { name: 'Sign in' })).toBeVisible();
  // Again, choosing Beta Parking: it opens, with its own profile.
  await b.getByRole('button', { name: 'Sign in' }).click();
  await expect(picker).toBeVisible();
  await betaChoice.click();
  await picker.getByRole('button', { name: 'Open' }).click();
  await expect(b.getByTestId('connection')).toContainText('Beta Parking');
  await expect(b.getByTestId('several-organisations')).toContainText('2 organisations');
  await createProfile(b, 'Bob', 'bob@beta.example');
  await new StatusBar(b).syncNow();

  // 5. Switching to Acme Parking: the same directory as the owner's console, and nothing of Beta's.
  const switcher = b.getByTestId('organisation-switcher');
  await expect(switcher).toHaveValue('Beta Parking (owner)');
  await expectNoSeriousA11yViolations(b, 'the organisation switcher');
  await switcher.click();
  await b.getByRole('option', { name: 'Acme Parking (admin)' }).click();
  await expect(b.getByText('Now working in Acme Parking.', { exact: false })).toBeVisible();
  await expect(switcher).toHaveValue('Acme Parking (admin)');
  const profiles = new ProfilesPage(b);
  await profiles.goto();
  await expect(profiles.row('Ann')).toBeVisible();
  await expect(profiles.rows()).toHaveCount(1);

  // 5b. Signed out and in again: the picker preselects the organisation used last on this console, and opens it.
  await serverPage.signOut();
  await serverPage.submitSignIn(server.url, server.owner.email, server.owner.password);
  await expect(acmeChoice).toBeChecked();
  await expect(acmeChoice).toContainText('Last used on this console');
  await picker.getByRole('button', { name: 'Open' }).click();
  await expect(b.getByTestId('connection')).toContainText('Acme Parking');
  await expect(switcher).toHaveValue('Acme Parking (admin)');
  await profiles.goto();
  await expect(profiles.row('Ann')).toBeVisible();
  await expect(profiles.rows()).toHaveCount(1);

  // 6. The server goes away: both organisations still open, each with only its own profiles.
  await server.stop();
  await switcher.click();
  await b.getByRole('option', { name: 'Beta Parking (owner)' }).click();
  await expect(switcher).toHaveValue('Beta Parking (owner)');
  await profiles.goto();
  await expect(profiles.row('Bob')).toBeVisible();
  await expect(profiles.rows()).toHaveCount(1);
  await createProfile(b, 'Bea', 'bea@beta.example');
  await switcher.click();
  await b.getByRole('option', { name: 'Acme Parking (admin)' }).click();
  await expect(switcher).toHaveValue('Acme Parking (admin)');
  await profiles.goto();
  await expect(profiles.row('Ann')).toBeVisible();
  await expect(profiles.rows()).toHaveCount(1);
  await profiles.search('Bea');
  await expect(profiles.rows()).toHaveCount(0);
});
