import { mkdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import type { Browser, Page } from '@playwright/test';
import { SeededConsoles } from './support/console-host';
import { seedDirectory } from './support/seed';
import { ProfilesPage } from './support/pages';
import { wordsFor } from './support/words';
import { RULE_TEMPLATES } from '../../src-shared/messages';

/**
 * Help → Check for updates… in the browser host, against a real feed (a
 * latest-linux.yml served on a loopback port): the update, its notes, and
 * that installing needs the desktop app; the export dialog's attribute
 * columns; and an export cancelled while it runs, which makes no file.
 * SHOTS_DIR set: each screen saved in en, fr, nl and es.
 */

const SHA = 'c'.repeat(86) + '==';
const FEED = `version: 99.1.0\nfiles:\n  - url: Roster-99.1.0.AppImage\n    sha512: ${SHA}\n    size: 1000\npath: Roster-99.1.0.AppImage\nsha512: ${SHA}\nreleaseDate: '2026-11-20T10:00:00.000Z'\nreleaseNotes: Exports hold the attributes.\n`;

let feedServer: Server;
let feedUrl: string;
const consoles = new SeededConsoles();

test.beforeAll(async () => {
  feedServer = createServer((req, res) => {
    const found = req.url === '/feed/latest-linux.yml';
    res.writeHead(found ? 200 : 404, { 'content-type': 'text/yaml' });
    res.end(found ? FEED : 'not here');
  });
  await new Promise<void>((resolve) => feedServer.listen(0, '127.0.0.1', resolve));
  feedUrl = `http://127.0.0.1:${(feedServer.address() as AddressInfo).port}/feed/`;
});
test.afterAll(async () => {
  await new Promise((resolve) => feedServer.close(resolve));
});
test.afterEach(async () => {
  await consoles.stopAll();
});

const shot = async (page: Page, name: string): Promise<void> => {
  const dir = process.env.SHOTS_DIR;
  if (dir === undefined) return;
  mkdirSync(dir, { recursive: true });
  await page.screenshot({ path: join(dir, name) });
};

const open = (browser: Browser, locale: string, profiles: number, env: NodeJS.ProcessEnv = {}): Promise<Page> =>
  consoles.open(
    browser,
    locale,
    (dataDir) => seedDirectory(dataDir, profiles),
    (dataDir) => ({ ROSTER_POLICY_FILE: join(dataDir, 'no-policy.json'), ...env }),
  );

for (const [language, locale] of [
  ['en', 'en-GB'],
  ['fr', 'fr-BE'],
  ['nl', 'nl-BE'],
  ['es', 'es-ES'],
] as const) {
  test(`${language}: Help → Check for updates finds the feed's release, shows its notes, and says installing needs the desktop app`, async ({ browser }) => {
    const t = await wordsFor(language);
    const page = await open(browser, locale, 3, { ROSTER_UPDATE_URL: feedUrl });
    await page.getByTestId('help-menu').click();
    await page.getByRole('menuitem', { name: t('common.help.updates') }).click();
    const dialog = page.getByRole('dialog', { name: t('common.updates.title') });
    await expect(dialog.getByText(t('common.updates.available', { version: '99.1.0' }))).toBeVisible();
    await expect(dialog.getByTestId('updates-notes')).toHaveText('Exports hold the attributes.');
    await expect(dialog.getByText(t('common.updates.desktopOnly'))).toBeVisible();
    await expect(dialog.getByTestId('updates-download')).toHaveCount(0);
    await expect(dialog.getByRole('switch', { name: t('common.updates.automatic') })).toBeChecked();
    await shot(page, `updates-available-${language}.png`);

    // Turning automatic checks off is kept.
    await dialog.getByRole('switch', { name: t('common.updates.automatic') }).click({ force: true });
    await expect(dialog.getByRole('switch', { name: t('common.updates.automatic') })).not.toBeChecked();
    await dialog.getByRole('button', { name: t('common.actions.close') }).last().click();
    await page.getByTestId('help-menu').click();
    await page.getByRole('menuitem', { name: t('common.help.updates') }).click();
    await expect(dialog.getByRole('switch', { name: t('common.updates.automatic') })).not.toBeChecked();
  });

  test(`${language}: a machine whose policy turns updates off: the dialog says so and checks nothing, and the switch cannot turn them on`, async ({ browser }) => {
    const t = await wordsFor(language);
    let asked = 0;
    const counting = createServer((_req, res) => {
      asked += 1;
      res.writeHead(200, { 'content-type': 'text/yaml' });
      res.end(FEED);
    });
    await new Promise<void>((resolve) => counting.listen(0, '127.0.0.1', resolve));
    try {
      const url = `http://127.0.0.1:${(counting.address() as AddressInfo).port}/feed/`;
      const page = await consoles.open(
        browser,
        locale,
        (dataDir) => {
          seedDirectory(dataDir, 3);
          writeFileSync(join(dataDir, 'policy.json'), JSON.stringify({ updates: { enabled: false } }));
        },
        (dataDir) => ({ ROSTER_POLICY_FILE: join(dataDir, 'policy.json'), ROSTER_UPDATE_URL: url }),
      );
      await page.getByTestId('help-menu').click();
      await page.getByRole('menuitem', { name: t('common.help.updates') }).click();
      const dialog = page.getByRole('dialog', { name: t('common.updates.title') });
      await expect(dialog.getByText(t('common.updates.policy'))).toBeVisible();
      const automatic = dialog.getByRole('switch', { name: t('common.updates.automatic') });
      await expect(automatic).not.toBeChecked();
      await expect(automatic).toBeDisabled();
      await expect(dialog.getByTestId('updates-found')).toHaveCount(0);
      await shot(page, `updates-policy-${language}.png`);
      expect(asked).toBe(0);
    } finally {
      await new Promise((resolve) => counting.close(resolve));
    }
  });

  test(`${language}: the updates dialog says when no feed is set, and the export dialog offers the attribute columns`, async ({ browser }) => {
    const t = await wordsFor(language);
    const page = await open(browser, locale, 3);
    await page.getByTestId('help-menu').click();
    await page.getByRole('menuitem', { name: t('common.help.updates') }).click();
    const dialog = page.getByRole('dialog', { name: t('common.updates.title') });
    await expect(dialog.getByText(t('common.updates.noFeed'))).toBeVisible();
    await shot(page, `updates-no-feed-${language}.png`);
    await dialog.getByRole('button', { name: t('common.actions.close') }).last().click();

    await page.getByRole('navigation').getByText(t('common.nav.profiles'), { exact: true }).click();
    await page.getByTestId('export-button').click();
    const exporting = page.getByRole('dialog', { name: t('profiles.export.title') });
    for (const field of ['accessRights', 'department', 'jobProfile', 'permissionType', 'userGroup', 'paymentMethods', 'licences'] as const) {
      // English rule words are the shared templates themselves (no locale file).
      const name = language === 'en' ? RULE_TEMPLATES[`field_${field}`] : t(`rules.field_${field}`);
      await expect(exporting.getByRole('checkbox', { name, exact: true })).toBeVisible();
    }
    await shot(page, `export-columns-${language}.png`);
  });
}

test('an export cancelled while it runs makes no file, and the dialog says so', async ({ browser }) => {
  const page = await open(browser, 'en-GB', 100_000);
  const downloads: string[] = [];
  page.on('download', (d) => downloads.push(d.suggestedFilename()));
  await new ProfilesPage(page).goto();
  await page.getByTestId('export-button').click();
  const dialog = page.getByRole('dialog', { name: 'Export profiles' });
  for (const column of ['Created', 'Last changed', 'Access rights', 'Department']) await dialog.getByRole('checkbox', { name: column, exact: true }).check();
  await dialog.getByTestId('export-start').click();
  await dialog.getByTestId('export-cancel').click();
  await expect(dialog.getByTestId('export-cancelled')).toHaveText('Export cancelled: no file was made.');
  await expect(dialog.getByTestId('export-progress')).toHaveCount(0);
  await expect(dialog.getByTestId('export-start')).toBeEnabled();
  await shot(page, 'export-cancelled-en.png');
  // A moment for a file that should not come.
  await page.waitForTimeout(1000);
  expect(downloads).toEqual([]);
});
