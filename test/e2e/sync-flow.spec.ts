import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import * as XLSX from 'xlsx';
import { makeDataDir, removeDataDir, startConsoleHost } from './support/console-host';
import type { ConsoleHost } from './support/console-host';
import { ImportPage } from './support/import-page';
import { ProfilesPage } from './support/pages';
import { createE2eServer } from './support/roster-server';
import type { E2eServer } from './support/roster-server';
import { ServerPage, StatusBar } from './support/sync-pages';
import { expectNoSeriousA11yViolations } from './support/a11y';

let server: E2eServer;
let host: ConsoleHost;
let dir: string;

/** An HR export of 20 people, made with SheetJS as a spreadsheet program would save it. */
function makeWorkbook(path: string): void {
  const rows = [['First name', 'Last name', 'Email', 'Language', 'Tags']];
  for (let i = 1; i <= 20; i++) {
    rows.push([`Person${String(i).padStart(2, '0')}`, i <= 5 ? 'Night' : 'Day', `person${String(i).padStart(2, '0')}@example.com`, i % 2 === 0 ? 'French' : 'Dutch', i <= 5 ? 'Night shift' : 'Office']);
  }
  const book = XLSX.utils.book_new();
  XLSX.utils.book_append_sheet(book, XLSX.utils.aoa_to_sheet(rows), 'Staff');
  writeFileSync(path, XLSX.write(book, { type: 'buffer', bookType: 'xlsx' }) as Buffer);
}

test.beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'roster-e2e-flow-'));
  server = await createE2eServer({ startNow: false });
  host = await startConsoleHost(makeDataDir());
});

test.afterEach(async () => {
  await host.stop();
  removeDataDir(host.dataDir);
  await server.dispose();
  rmSync(dir, { recursive: true, force: true });
});

test('offline import and invitations, then the server comes up: emails go out, a person confirms, the console shows it', async ({ page, browser }) => {
  test.setTimeout(120_000);
  expect(server.running()).toBe(false);
  const file = join(dir, 'staff.xlsx');
  makeWorkbook(file);

  // 1. Import 20 profiles while no server is reachable.
  await page.goto(host.launchUrl);
  const imp = new ImportPage(page);
  await imp.goto();
  await imp.drop(file);
  await expect(imp.step('sheet')).toBeVisible();
  await imp.next();
  await expect(imp.step('mapping')).toBeVisible();
  await imp.next();
  await expect(imp.step('values')).toBeVisible();
  await imp.next();
  await expect(imp.step('review')).toBeVisible();
  await imp.next();
  await expect(imp.step('commit')).toBeVisible();
  await page.getByTestId('commit-button').click();
  await expect(page.getByTestId('import-result-counts')).toContainText('20 profiles created');

  // 2. Invite the five night-shift people from the list: filter by tag, select all results, List actions → Invite users.
  const profiles = new ProfilesPage(page);
  await profiles.goto();
  await expect(page.getByTestId('selection-summary')).toHaveText('20 profiles');
  await page.getByRole('combobox', { name: 'Tag', exact: true }).click();
  await page.getByRole('option', { name: /Night shift/ }).click();
  await page.keyboard.press('Escape');
  await expect(page.getByTestId('selection-summary')).toHaveText('5 profiles');
  await profiles.rows().first().getByRole('checkbox').check();
  await page.getByRole('button', { name: 'Select all 5 search results' }).click();
  await page.getByRole('button', { name: 'List actions' }).click();
  await page.getByRole('menuitem', { name: 'Invite users' }).click();
  await expect(page.getByTestId('invite-count')).toHaveText('5 people will get an email to confirm their account and set a password.');
  await page.getByRole('button', { name: 'Confirm' }).click();

  // 3. The status bar says what waits: 20 profiles and one batch of 5 invitations.
  const bar = new StatusBar(page);
  await expect(bar.state()).toHaveText(/not connected/i);
  await expect(bar.waiting()).toHaveText('21 changes waiting · 5 invitations waiting');
  await page.getByRole('navigation').getByText('Invitations').click();
  await expect(page.getByTestId('batch')).toHaveAttribute('data-status', 'queued');
  expect(server.sink.messages).toHaveLength(0);

  // 4. The server comes up; sign in; everything syncs and the five emails arrive.
  await server.start();
  await new ServerPage(page).signIn(server.url, server.owner.email, server.owner.password);
  await bar.syncNow();
  await expect(bar.waiting()).toHaveText('0 changes waiting');
  await expect(bar.state()).toHaveText(/online/i);
  const mails = await server.sink.waitFor(5);
  expect(mails.map((m) => m.to).sort()).toEqual(['person01@example.com', 'person02@example.com', 'person03@example.com', 'person04@example.com', 'person05@example.com']);
  await page.getByRole('navigation').getByText('Invitations').click();
  await expect(page.getByTestId('batch')).toHaveAttribute('data-status', 'sent');

  // 5. Person02 opens the link and sets a password on the server's page.
  const mail = server.sink.to('person02@example.com')[0];
  const link = mail?.links.find((l) => l.includes('/invite/'));
  expect(link).toBeDefined();
  // The invitee's page in a context of its own making: axe checks pages only in such contexts.
  const inviteeContext = await browser.newContext();
  const invitee = await inviteeContext.newPage();
  await invitee.goto(link ?? '');
  await expectNoSeriousA11yViolations(invitee, 'Server · the invitation page (set a password)');
  await invitee.locator('#password').fill('a long enough password 42');
  await invitee.locator('#confirm').fill('a long enough password 42');
  await invitee.getByRole('button').click();
  await expect(invitee.locator('h1')).toHaveAttribute('data-state', /confirmed|done|success/);
  await inviteeContext.close();

  // 6. After the next pull the console shows Person02 as confirmed, the other four pending.
  await bar.syncNow();
  await profiles.goto();
  await expect(profiles.row('Person02 Night').getByTestId('status-badge')).toHaveText('Confirmed');
  await expect(profiles.row('Person01 Night').getByTestId('status-badge')).toHaveText('Pending');
  // Without the tag filter, the others are still not invited.
  await page.getByRole('combobox', { name: 'Tag', exact: true }).click();
  await page.keyboard.press('Backspace');
  await page.keyboard.press('Escape');
  await expect(page.getByTestId('selection-summary')).toHaveText('20 profiles');
  await expect(profiles.row('Person06 Day').getByTestId('status-badge')).toHaveText('Not invited');
});
