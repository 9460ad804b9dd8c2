import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import { expectNoSeriousA11yViolations } from './support/a11y';
import { expect, test } from './support/fixtures';
import { ImportPage } from './support/import-page';
import { inEveryLanguage } from './support/languages';
import { wordsFor } from './support/words';
import type { TFunction } from 'i18next';
import { apiCall, createE2eServer } from './support/roster-server';
import type { E2eServer } from './support/roster-server';
import { ServerPage, StatusBar } from './support/sync-pages';

/**
 * Issue 14's import, end to end against a real server: the organisation has
 * "Car park B" and the rule "Night shift → Car park B"; a file whose Tags
 * column says "Night shift" and whose Department column names entries by
 * name goes through the value step (a department nobody has is left empty),
 * the review grid shows the grant with the rule's name, the server holds it
 * after sync, the list filters on Access = Car park B, and a list action
 * removes it again. The value step and the grid are shot in four languages.
 */

let server: E2eServer;
let token: string;
let dir: string;
let file: string;

const call = <T,>(method: string, path: string, body?: unknown): Promise<T> => apiCall<T>(server, method, path, body, token === '' ? undefined : token);

test.beforeEach(async () => {
  server = await createE2eServer({ organisationName: 'Acme Parking' });
  token = '';
  token = (await call<{ token: string }>('POST', '/api/v1/auth/sign-in', { email: server.owner.email, password: server.owner.password })).token;
  dir = mkdtempSync(join(tmpdir(), 'roster-e2e-attributes-'));
  file = join(dir, 'night-staff.csv');
  writeFileSync(
    file,
    [
      'First name,Last name,Email,Tags,Department',
      'Ann,Claes,ann.claes@example.be,Night shift,Finance',
      'Bram,Peeters,bram.peeters@example.be,,Finance',
      'Cleo,Maes,cleo.maes@example.be,Night shift,Legal',
      'Dirk,Vos,dirk.vos@example.be,,Kitchen',
      '',
    ].join('\n'),
  );
});

test.afterEach(async () => {
  await server.dispose();
  rmSync(dir, { recursive: true, force: true });
});

/** Drops the file and goes on to the values step, with the Next buttons in the console's language. */
async function toValues(page: Page, t: TFunction): Promise<ImportPage> {
  const importPage = new ImportPage(page);
  await page.getByRole('navigation').getByText(t('common.nav.import'), { exact: true }).click();
  await importPage.drop(file);
  await expect(importPage.step('sheet')).toBeVisible();
  await page.getByRole('button', { name: t('import.next.sheet') }).click();
  await expect(importPage.step('mapping')).toBeVisible();
  await page.getByRole('button', { name: t('import.next.mapping') }).click();
  await expect(importPage.step('values')).toBeVisible();
  await expect(page.getByTestId('attribute-values')).toBeVisible();
  return importPage;
}

test('a file’s tags and departments give what the rules and the catalogues say, shown before anything is saved; filtered on and removed after sync', async ({ page, browser, roster }) => {
  test.setTimeout(180_000);
  const car = await call<{ id: string }>('POST', '/api/v1/catalogues', { kind: 'accessRight', draft: { code: 'CAR-B', name: 'Car park B' } });
  await call('POST', '/api/v1/catalogues', { kind: 'department', draft: { code: 'FIN', name: 'Finance' } });
  await call('POST', '/api/v1/rules', { draft: { name: 'Night shift', conditions: [{ subject: 'tag', value: 'Night shift' }], actions: [{ field: 'accessRights', grant: [car.id] }] } });

  await page.setViewportSize({ width: 1400, height: 900 });
  await page.goto(roster.host.launchUrl);
  await new ServerPage(page).signIn(server.url, server.owner.email, server.owner.password);
  await new StatusBar(page).syncNow();

  const importPage = await toValues(page, await wordsFor('en'));
  const section = page.getByTestId('attribute-values').locator('[data-field="department"]');
  await expect(section.getByTestId('attribute-value-row')).toHaveCount(3);
  await expect(section.getByTestId('unknown-entries')).toHaveText('2 values name no entry: their rows cannot be imported until you choose one, leave them empty or add them.');
  const legal = section.locator('[data-testid="attribute-value-row"][data-value="Legal"]');
  const kitchen = section.locator('[data-testid="attribute-value-row"][data-value="Kitchen"]');
  await expect(legal).toContainText('Not found');
  await expect(section.locator('[data-testid="attribute-value-row"][data-value="Finance"]')).toContainText('Its name');
  await expectNoSeriousA11yViolations(page, 'Import · attribute values');
  await page.screenshot({ path: test.info().outputPath('values-en.png'), fullPage: true });
  // Legal is added to the catalogue (on the server) and chosen; Kitchen is left empty.
  await legal.getByRole('button', { name: 'Add to the catalogue' }).click();
  await expect(legal).toContainText('Chosen');
  await expect(legal.getByRole('combobox', { name: 'Entry for “Legal”' })).toHaveValue('Legal');
  await kitchen.getByRole('combobox', { name: 'Entry for “Kitchen”' }).click();
  await page.getByRole('option', { name: 'Leave empty' }).click();
  await expect(kitchen).toContainText('Left empty');
  await expect(section.getByTestId('unknown-entries')).toHaveCount(0);

  // The review shows what each new profile gets, the rule's grant named.
  await importPage.next();
  await expect(importPage.step('review')).toBeVisible();
  await expect(importPage.row(2).getByTestId('row-gets')).toHaveText('Car park B (rule “Night shift”), Finance');
  await expect(importPage.row(3).getByTestId('row-gets')).toHaveText('Finance');
  await expect(importPage.row(4).getByTestId('row-gets')).toHaveText('Car park B (rule “Night shift”), Legal');
  await expect(importPage.row(5).getByTestId('row-gets')).toHaveText('');
  await expect(importPage.row(5)).toHaveAttribute('data-status', 'new');
  // With the "gets" column the whole row still fits a 1,400 px window: the grid does not scroll sideways.
  expect(page.viewportSize()?.width).toBe(1400);
  expect(await page.getByTestId('review-scroll').evaluate((el) => el.scrollWidth <= el.clientWidth)).toBe(true);
  await page.screenshot({ path: test.info().outputPath('review-en.png') });
  await importPage.next();
  await page.getByRole('button', { name: /^Import 4 profiles/ }).click();
  await expect(importPage.result()).toContainText('4');
  await new StatusBar(page).syncNow();

  // The server holds what the grid showed.
  const held = await call<{ rows: { email: string; accessRights: string[]; department: string | null }[] }>('GET', '/api/v1/profiles?limit=50');
  const departments = (await call<{ entries: { id: string; code: string }[] }>('GET', '/api/v1/catalogues?kind=department')).entries;
  const byEmail = new Map(held.rows.map((p) => [p.email, p]));
  expect(byEmail.get('ann.claes@example.be')?.accessRights).toEqual([car.id]);
  expect(byEmail.get('bram.peeters@example.be')?.accessRights).toEqual([]);
  expect(byEmail.get('cleo.maes@example.be')?.accessRights).toEqual([car.id]);
  expect(byEmail.get('cleo.maes@example.be')?.department).toBe(departments.find((d) => d.code === 'legal')?.id);
  expect(byEmail.get('dirk.vos@example.be')?.department).toBeNull();

  // The list on Access = Car park B, and a list action takes it off them.
  await page.getByRole('navigation').getByText('Profiles', { exact: true }).click();
  await page.getByRole('combobox', { name: 'Access rights', exact: true }).click();
  await page.getByRole('option', { name: /^Car park B \(2\)$/ }).click();
  await page.keyboard.press('Escape');
  await expect(page.getByTestId('selection-summary')).toHaveText('2 profiles');
  await page.getByTestId('profile-row').first().getByRole('checkbox').check();
  await page.getByTestId('selection-summary').getByRole('button').first().click();
  await page.getByRole('button', { name: 'List actions' }).click();
  await page.getByRole('menuitem', { name: 'Remove an access right' }).click();
  const dialog = page.getByRole('dialog');
  await dialog.getByRole('combobox', { name: 'Access rights' }).click();
  await page.getByRole('option', { name: 'Car park B' }).click();
  await expect(dialog.getByTestId('list-action-count')).toHaveText('2 profiles change.');
  await dialog.getByTestId('list-action-confirm').click();
  await expect(page.getByTestId('list-action-done')).toContainText('2 profiles changed.');
  await new StatusBar(page).syncNow();
  const after = await call<{ rows: { email: string; accessRights: string[] }[] }>('GET', '/api/v1/profiles?limit=50');
  expect(after.rows.every((p) => p.accessRights.length === 0)).toBe(true);

  // The value step and the grid in every console language. The same file again: the values chosen for it
  // last time (Legal, Kitchen left empty) are remembered for its headers.
  await inEveryLanguage(browser, roster.host.launchUrl, { viewport: { width: 1400, height: 900 } }, async ({ page: other, language, t }) => {
    const shown = await toValues(other, t);
    await expect(other.getByTestId('attribute-values').locator('[data-testid="attribute-value-row"][data-value="Legal"]')).toContainText(t('import.attributes.remembered'));
    await expect(other.getByTestId('attribute-values').locator('[data-testid="attribute-value-row"][data-value="Finance"]')).toContainText(t('import.attributes.byName'));
    const row = other.getByTestId('attribute-values').locator('[data-testid="attribute-value-row"][data-value="Kitchen"]');
    await expect(row).toContainText(t('import.attributes.leftEmpty'));
    await expect(other.getByTestId('attribute-values').locator('[data-field="department"]').getByTestId('unknown-entries')).toHaveCount(0);
    await other.screenshot({ path: test.info().outputPath(`values-${language}.png`), fullPage: true });
    await row.getByRole('combobox', { name: t('import.attributes.entryFor', { value: 'Kitchen' }) }).click();
    await other.getByRole('option', { name: t('import.attributes.leaveEmpty') }).click();
    await expect(row).toContainText(t('import.attributes.leftEmpty'));
    await other.getByRole('button', { name: t('import.next.values') }).click();
    await expect(shown.row(2).getByTestId('row-gets')).toHaveText(`${t('import.grid.byRule', { name: 'Car park B', rule: 'Night shift' })}, Finance`);
    await other.screenshot({ path: test.info().outputPath(`review-${language}.png`) });
  });
});
