import { join } from 'node:path';
import { readFileSync, readdirSync } from 'node:fs';
import { resolve } from 'node:path';
import i18next from 'i18next';
import type { TFunction } from 'i18next';
import { expect, test } from '@playwright/test';
import type { Page } from '@playwright/test';
import { makeDataDir, removeDataDir, startConsoleHost } from './support/console-host';
import type { ConsoleHost } from './support/console-host';
import { seedDirectory } from './support/seed';
import { openDatabase } from '../../src-main/db/database';
import { cataloguesRepo } from '../../src-main/db/catalogues.repo';
import { profilesRepo } from '../../src-main/db/profiles.repo';
import type { CatalogueKind } from '../../src-shared/attributes';

/**
 * The Profiles list's attribute filters and list actions: filter on Access,
 * select all results, grant and remove an access right through the
 * confirmation, and undo from the notification. The same screens in French,
 * Dutch and Spanish (SHOTS_DIR set: each saved as a screenshot).
 */

const CAR_PARK = '00000000-0000-4000-9000-000000000001';
const BIKES = '00000000-0000-4000-9000-000000000002';
const SALES = '00000000-0000-4000-9000-000000000003';
const COUNT = 30;

/** 30 profiles; every third holds Car park B, the others nothing; catalogues with a few entries. */
function seed(dataDir: string): void {
  seedDirectory(dataDir, COUNT);
  const db = openDatabase(join(dataDir, 'roster.sqlite'));
  try {
    const at = '2026-01-01T00:00:00.000Z';
    const entries: [string, CatalogueKind, string][] = [
      [CAR_PARK, 'accessRight', 'Car park B'],
      [BIKES, 'accessRight', 'Bike shelter'],
      [SALES, 'department', 'Sales'],
    ];
    for (const [id, kind, name] of entries) cataloguesRepo.put(db, { id, kind, code: name.replace(/\W/g, ''), name, description: '', seats: null, version: 1, createdAt: at, updatedAt: at });
    const now = new Date(at);
    for (const { id } of profilesRepo.list(db, {}, 0, COUNT, now).rows.filter((_, i) => i % 3 === 0)) {
      const p = profilesRepo.get(db, id, now);
      if (p !== undefined) profilesRepo.update(db, { ...p, status: 'not_invited', accessRights: [CAR_PARK] });
    }
  } finally {
    db.close();
  }
}

const hosts: ConsoleHost[] = [];
test.afterEach(async () => {
  for (const h of hosts.splice(0)) {
    await h.stop();
    removeDataDir(h.dataDir);
  }
});

async function openList(page: Page, t: TFunction): Promise<void> {
  const dataDir = makeDataDir();
  seed(dataDir);
  const host = await startConsoleHost(dataDir);
  hosts.push(host);
  await page.goto(host.launchUrl);
  await page.getByRole('navigation').getByText(t('common.nav.profiles'), { exact: true }).click();
  await expect(page.getByTestId('selection-summary')).toHaveText(t('profiles.list.count', { count: COUNT, total: String(COUNT) }));
}

async function wordsFor(language: string): Promise<TFunction> {
  const dir = resolve('src-renderer/i18n/locales', language);
  const translation = Object.fromEntries(readdirSync(dir).map((file) => [file.replace(/\.json$/, ''), JSON.parse(readFileSync(resolve(dir, file), 'utf8')) as unknown]));
  const instance = i18next.createInstance();
  await instance.init({ resources: { [language]: { translation } }, lng: language, interpolation: { escapeValue: false } });
  return instance.t;
}

async function pickOption(page: Page, label: string, option: RegExp | string): Promise<void> {
  await page.getByRole('combobox', { name: label, exact: true }).click();
  await page.getByRole('option', { name: option }).click();
  await page.keyboard.press('Escape');
}

/** Ticks the first row, then "Select all N search results". */
async function selectAllResults(page: Page): Promise<void> {
  await page.getByTestId('profile-row').first().getByRole('checkbox').check();
  await page.getByTestId('selection-summary').getByRole('button').first().click();
}

const shot = async (page: Page, name: string): Promise<void> => {
  if (process.env.SHOTS_DIR !== undefined) await page.screenshot({ path: join(process.env.SHOTS_DIR, name) });
};

test('filter on Access, select all results, grant an access right with the confirmation, undo it, then remove it', async ({ page }) => {
  const t = await wordsFor('en');
  await openList(page, t);

  // Access = Car park B: every third profile; Not set: the others.
  await pickOption(page, 'Access rights', /^Car park B \(10\)$/);
  await expect(page.getByTestId('selection-summary')).toHaveText('10 profiles');
  await page.getByRole('combobox', { name: 'Access rights', exact: true }).click();
  await page.getByRole('option', { name: /^Car park B/ }).click();
  await page.getByRole('option', { name: /^Not set \(20\)$/ }).click();
  await page.keyboard.press('Escape');
  await expect(page.getByTestId('selection-summary')).toHaveText('20 profiles');

  // Select all 20 results and grant Car park B: the confirmation says how many change.
  await selectAllResults(page);
  await expect(page.getByTestId('selection-summary')).toContainText('20 of 20 selected');
  await shot(page, 'en-filter-access.png');
  await page.getByRole('button', { name: 'List actions' }).click();
  await shot(page, 'en-menu.png');
  await page.getByRole('menuitem', { name: 'Grant an access right' }).click();
  const dialog = page.getByRole('dialog');
  await dialog.getByRole('combobox', { name: 'Access rights' }).click();
  await page.getByRole('option', { name: 'Car park B' }).click();
  await expect(dialog.getByTestId('list-action-count')).toHaveText('20 profiles change.');
  await shot(page, 'en-confirm-grant.png');
  await dialog.getByTestId('list-action-confirm').click();
  await expect(page.getByTestId('list-action-done')).toContainText('20 profiles changed.');
  await shot(page, 'en-done-undo.png');
  // They hold it now: "Not set" lists no one.
  await expect(page.getByTestId('no-results')).toBeVisible();

  // Undo from the notification: the 20 are back without it.
  await page.getByTestId('list-action-done').getByRole('button', { name: 'Undo' }).click();
  await expect(page.getByText('Undone: 20 profiles are back as they were.')).toBeVisible();
  await expect(page.getByTestId('selection-summary')).toHaveText('20 profiles');

  // Remove it from the ten that hold it (Bike shelter first: none of them has it, the confirmation says so).
  await page.getByRole('combobox', { name: 'Access rights', exact: true }).click();
  await page.getByRole('option', { name: /^Not set/ }).click();
  await page.getByRole('option', { name: /^Car park B \(10\)$/ }).click();
  await page.keyboard.press('Escape');
  await expect(page.getByTestId('selection-summary')).toHaveText('10 profiles');
  await selectAllResults(page);
  await page.getByRole('button', { name: 'List actions' }).click();
  await page.getByRole('menuitem', { name: 'Remove an access right' }).click();
  await dialog.getByRole('combobox', { name: 'Access rights' }).click();
  await page.getByRole('option', { name: 'Bike shelter' }).click();
  await expect(dialog.getByTestId('list-action-count')).toHaveText('No profile in the selection changes.');
  await expect(dialog.getByTestId('list-action-skipped')).toContainText('10 skipped (does not have it): ');
  await expect(dialog.getByTestId('list-action-confirm')).toBeDisabled();
  await dialog.getByRole('combobox', { name: 'Access rights' }).click();
  await page.getByRole('option', { name: 'Car park B' }).click();
  await expect(dialog.getByTestId('list-action-count')).toHaveText('10 profiles change.');
  await dialog.getByTestId('list-action-confirm').click();
  await expect(page.getByTestId('list-action-done')).toContainText('10 profiles changed.');
  await expect(page.getByTestId('no-results')).toBeVisible();
});

for (const [locale, language] of [
  ['fr-BE', 'fr'],
  ['nl-BE', 'nl'],
  ['es-ES', 'es'],
] as const) {
  test(`the attribute filters and the list action confirmation speak ${language}`, async ({ browser }) => {
    const t = await wordsFor(language);
    const context = await browser.newContext({ locale, viewport: { width: 1440, height: 900 } });
    const page = await context.newPage();
    await openList(page, t);
    await pickOption(page, t('rules.field_accessRights'), new RegExp(`^${t('profiles.list.notSet')}`));
    await expect(page.getByTestId('selection-summary')).toHaveText(t('profiles.list.count', { count: 20, total: '20' }));
    await shot(page, `${language}-filter-access.png`);
    await selectAllResults(page);
    await page.getByRole('button', { name: t('profiles.list.actions') }).click();
    await shot(page, `${language}-menu.png`);
    await page.getByRole('menuitem', { name: t('profiles.listActions.addAccessRights') }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByRole('combobox', { name: t('rules.field_accessRights') }).click();
    await page.getByRole('option', { name: 'Car park B' }).click();
    await expect(dialog.getByTestId('list-action-count')).toHaveText(t('profiles.listActions.changes', { count: 20, n: '20' }));
    await shot(page, `${language}-confirm-grant.png`);
    await dialog.getByTestId('list-action-confirm').click();
    await expect(page.getByTestId('list-action-done')).toContainText(t('profiles.listActions.done', { count: 20, n: '20' }));
    await shot(page, `${language}-done-undo.png`);
    await context.close();
  });
}
