import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import type { Page } from '@playwright/test';
import AxeBuilder from '@axe-core/playwright';
import { makeDataDir, removeDataDir, startConsoleHost } from './support/console-host';
import type { ConsoleHost } from './support/console-host';
import { ProfilesPage } from './support/pages';
import { createE2eServer } from './support/roster-server';
import type { E2eServer } from './support/roster-server';
import { ServerPage, StatusBar } from './support/sync-pages';
import { createMutation, inviteMutation } from '../support/mutations';
import { openDatabase } from '../../src-main/db/database';
import { migrate } from '../../src-main/db/migrations';
import { profilesRepo } from '../../src-main/db/profiles.repo';
import type { StoredProfile } from '../../src-main/core/ports';
import { noAttributeValues } from '../../src-shared/profile-values';

const DAY = 86_400_000;
const ago = (days: number): string => new Date(Date.now() - days * DAY).toISOString();

/**
 * Profiles of every status in the console's replica before it starts, with
 * invitation dates in the last days: 4 not invited, 1 pending (six days
 * left), 2 expired, 2 confirmed. They exist on this console only.
 */
function seedStatuses(dataDir: string): void {
  const db = openDatabase(join(dataDir, 'roster.sqlite'));
  try {
    migrate(db);
    const rows: Partial<StoredProfile>[] = [
      {},
      {},
      {},
      {},
      { status: 'pending', invitedAt: ago(1), invitationExpiresAt: ago(-6) },
      { status: 'pending', invitedAt: ago(10), invitationExpiresAt: ago(3) },
      { status: 'pending', invitedAt: ago(9), invitationExpiresAt: ago(2) },
      { status: 'confirmed', invitedAt: ago(3), invitationExpiresAt: ago(-4), confirmedAt: ago(2) },
      { status: 'confirmed', invitedAt: ago(3), invitationExpiresAt: ago(-4), confirmedAt: ago(2) },
    ];
    db.transaction(() => {
      rows.forEach((values, i) => {
        const n = String(i + 1).padStart(2, '0');
        profilesRepo.insert(db, {
          id: `00000000-0000-4000-8000-0000000000${n}`,
          firstName: `Local${n}`,
          lastName: 'Seeded',
          email: `local${n}@example.com`,
          phone: null,
          tags: [],
          externalId: null,
          username: null,
          language: 'fr_BE',
          ...noAttributeValues(),
          status: 'not_invited',
          invitedAt: null,
          invitationExpiresAt: null,
          confirmedAt: null,
          version: 1,
          createdAt: ago(20),
          updatedAt: ago(20),
          ...values,
        });
      });
    })();
  } finally {
    db.close();
  }
}

/** Through the server's own API, as another console would: three people, invited at once, in an organisation whose invitations last one day. */
async function inviteOnServer(server: E2eServer): Promise<void> {
  const call = async (method: string, path: string, body: unknown, token?: string): Promise<unknown> => {
    const response = await fetch(`${server.url}${path}`, {
      method,
      headers: { 'content-type': 'application/json', ...(token === undefined ? {} : { authorization: `Bearer ${token}` }) },
      body: JSON.stringify(body),
    });
    const json = (await response.json()) as { ok: boolean; data: unknown };
    if (!response.ok || !json.ok) throw new Error(`${method} ${path}: ${response.status} ${JSON.stringify(json)}`);
    return json.data;
  };
  const session = (await call('POST', '/api/v1/auth/sign-in', { email: server.owner.email, password: server.owner.password })) as { token: string };
  await call('PATCH', '/api/v1/organisation', { invitationLifetimeDays: 1 }, session.token);
  const people = ['Anouk', 'Bert', 'Chiara'].map((firstName) => createMutation({ firstName, lastName: 'Remote', email: `${firstName.toLowerCase()}@example.com` }));
  const pushed = (await call(
    'POST',
    '/api/v1/sync/push',
    { clientId: 'dashboard-e2e-other-console', mutations: [...people, inviteMutation(people.map((p) => p.entityId))] },
    session.token,
  )) as { results: { status: string }[] };
  expect(pushed.results.map((r) => r.status)).toEqual(['applied', 'applied', 'applied', 'applied']);
}

/** What axe finds serious or critical inside `selector`. */
async function seriousProblems(page: Page, selector: string): Promise<string[]> {
  const result = await new AxeBuilder({ page }).include(selector).analyze();
  return result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`);
}

const part = (page: Page, status: string) => page.locator(`[data-testid="status-part"][data-status="${status}"]`);

let server: E2eServer;
let host: ConsoleHost;

test.beforeEach(async () => {
  server = await createE2eServer();
  const dataDir = makeDataDir();
  seedStatuses(dataDir);
  host = await startConsoleHost(dataDir);
});

test.afterEach(async () => {
  await host.stop();
  removeDataDir(host.dataDir);
  await server.dispose();
});

test('the Dashboard opens first, counts by status, opens the filtered list, and invites again those about to expire', async ({ page }) => {
  test.setTimeout(120_000);
  await page.goto(host.launchUrl);

  // With profiles in the directory, the console opens on the Dashboard.
  await expect(page.getByRole('heading', { name: 'Dashboard', level: 2 })).toBeVisible();
  await expect(part(page, 'not_invited')).toHaveText(/Not invited\s*4/);
  await expect(part(page, 'pending')).toHaveText(/Pending\s*1/);
  await expect(part(page, 'expired')).toHaveText(/Expired\s*2/);
  await expect(part(page, 'confirmed')).toHaveText(/Confirmed\s*2/);
  await expect(page.getByTestId('status-total')).toHaveText('9 profiles');
  // The chart's numbers as text: 5 invitations sent and 2 confirmed over the 30 days, day by day in the table.
  await expect(page.getByTestId('activity-totals')).toHaveText('5 sent, 2 confirmed');
  await expect(page.getByTestId('activity-table').locator('tbody tr')).toHaveCount(30);
  await expect(page.getByTestId('attention-expired')).toContainText('2 invitations have expired');
  await expect(page.getByTestId('attention-expiring')).toContainText('No invitation expires in the next 48 hours.');
  await expect(page.getByTestId('attention-conflicts')).toContainText('No conflict to resolve.');
  await expect(page.getByTestId('attention-import')).toContainText('No import yet.');

  // No serious or critical accessibility problem on the page (its main area: the header and status bar are the shell's).
  expect(await seriousProblems(page, 'main')).toEqual([]);

  // A status part, reached with the keyboard, opens the Profiles list filtered by that status.
  await part(page, 'expired').focus();
  await page.keyboard.press('Enter');
  const profiles = new ProfilesPage(page);
  await expect(page.getByTestId('selection-summary')).toHaveText('2 profiles');
  await expect(profiles.rows()).toHaveCount(2);
  for (const badge of await profiles.rows().getByTestId('status-badge').all()) await expect(badge).toHaveText('Expired');

  // Another console invited three people on the server; after a sync their one-day invitations are about to expire.
  await inviteOnServer(server);
  await expect.poll(() => server.sink.messages.length, { timeout: 20_000 }).toBe(3);
  await new ServerPage(page).signIn(server.url, server.owner.email, server.owner.password);
  const bar = new StatusBar(page);
  await bar.syncNow();
  await page.getByRole('navigation').getByText('Dashboard', { exact: true }).click();
  await expect(part(page, 'pending')).toHaveText(/Pending\s*4/);
  const expiring = page.getByTestId('attention-expiring');
  await expect(expiring).toContainText('3 invitations expire within 48 hours');

  // One "Invite again" for all three, prepared while working offline: confirmed, queued, and sent once back online;
  // the server's cooldown skips them (invited minutes ago), and the page says so.
  // The switch follows the console's state (it turns once the console has switched), so it is pressed rather than "checked".
  const offline = page.getByTestId('status-bar').getByRole('switch', { name: 'Work offline' });
  await offline.focus();
  await page.keyboard.press('Space');
  await expect(bar.state()).toHaveText('Working offline');
  await expiring.getByRole('button', { name: 'Invite again' }).click();
  await expect(page.getByTestId('invite-again-count')).toHaveText('3 people get a new invitation email. The links they have now stop working.');
  expect(await seriousProblems(page, '[role="dialog"]')).toEqual([]);
  await page.getByRole('dialog').getByRole('button', { name: 'Send the invitations' }).click();
  const outcome = page.getByTestId('invite-again-outcome');
  await expect(outcome).toContainText('3 invitations queued: they go out as soon as Roster is connected and online.');
  await expect(page.getByTestId('invite-again-live')).toBeFocused();
  await expect(expiring).toContainText('3 new invitations to people whose invitation is about to expire wait to be sent.');
  await expect(expiring.getByRole('button', { name: 'Invite again' })).toHaveCount(0);
  await expect(page.getByTestId('attention-waiting')).toContainText('1 change waits to be sent to the server');
  await offline.focus();
  await page.keyboard.press('Space');
  await expect(bar.state()).not.toHaveText('Working offline');
  await bar.syncNow();
  await expect(outcome).toHaveAttribute('data-status', 'sent');
  await expect(outcome).toContainText('3 skipped: invited a few minutes ago.');
  await expect(outcome).toContainText('They can be invited again from');
  expect(server.sink.messages).toHaveLength(3);
  // Still about to expire (nothing was sent), so the button is back for later.
  await expect(expiring.getByRole('button', { name: 'Invite again' })).toBeVisible();
  expect(await seriousProblems(page, 'main')).toEqual([]);
});

test('with no profile the console opens on Profiles, and the Dashboard says what it will show', async ({ browser }) => {
  const emptyDir = makeDataDir();
  const empty = await startConsoleHost(emptyDir);
  try {
    const page = await browser.newPage();
    await page.goto(empty.launchUrl);
    await expect(page.getByTestId('empty-state')).toBeVisible();
    await page.getByRole('navigation').getByText('Dashboard', { exact: true }).click();
    await expect(page.getByTestId('dashboard-empty')).toContainText('No profiles yet');
    await page.close();
  } finally {
    await empty.stop();
    removeDataDir(emptyDir);
  }
});
