import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import type { TFunction } from 'i18next';
import { expect, test } from './support/fixtures';
import { ImportPage } from './support/import-page';
import { inEveryLanguage } from './support/languages';
import { createE2eServer } from './support/roster-server';
import type { E2eServer } from './support/roster-server';
import { ServerPage, StatusBar } from './support/sync-pages';

/**
 * Issue 15: a file's "Temporary password" column. The mapping step matches
 * it and masks its cells; nothing of it reaches the review; the commit sets
 * each row's password on the server and says which rows got none and why.
 * In every console language (screenshots); the person then signs in with it.
 */

let server: E2eServer;
let dir: string;

test.beforeEach(async () => {
  server = await createE2eServer({ organisationName: 'Schoonmaak Gent' });
  dir = mkdtempSync(join(tmpdir(), 'roster-otp-import-'));
});

test.afterEach(async () => {
  await server.dispose();
  rmSync(dir, { recursive: true, force: true });
});

const secret = (language: string): string => `harbour lantern ${language} sunflower`;

/** A file per language (its own people), with one good password and one too short. */
function starters(language: string): string {
  const file = join(dir, `starters-${language}.csv`);
  writeFileSync(file, ['First name,Last name,Email,Temporary password', `Ann,Peeters,ann.${language}@example.be,${secret(language)}`, `Bob,Jansen,bob.${language}@example.be,short`, ''].join('\n'));
  return file;
}

/** Leaves the step shown with its Next button, in the console's language, and waits for the next one. */
async function next(page: Page, t: TFunction, step: 'sheet' | 'mapping' | 'values' | 'review'): Promise<void> {
  const following = { sheet: 'mapping', mapping: 'values', values: 'review', review: 'commit' } as const;
  await expect(async () => {
    if (await page.getByTestId(`import-step-${step}`).isVisible()) await page.getByRole('button', { name: t(`import.next.${step}`) }).click({ timeout: 5_000 });
    await expect(page.getByTestId(`import-step-${following[step]}`)).toBeVisible({ timeout: 2_000 });
  }).toPass({ timeout: 30_000 });
}

test('a temporary password column is masked, never reviewed, and set on the server at commit', async ({ page, browser, roster }) => {
  test.setTimeout(240_000);
  await page.goto(roster.host.launchUrl);
  await new ServerPage(page).signIn(server.url, server.owner.email, server.owner.password);
  await new StatusBar(page).syncNow();

  await inEveryLanguage(browser, roster.host.launchUrl, { viewport: { width: 1400, height: 900 } }, async ({ page: shown, language, t }) => {
    const importPage = new ImportPage(shown);
    await shown.getByRole('navigation').getByText(t('common.nav.import'), { exact: true }).click();
    await importPage.drop(starters(language));
    await expect(importPage.step('sheet')).toBeVisible();
    // The header step shows the top rows: the password cells are already masked there.
    await expect(shown.getByText(secret(language))).toHaveCount(0);
    await next(shown, t, 'sheet');
    const column = importPage.mappingRow('D');
    await expect(column).toHaveAttribute('data-target', 'oneTimePassword');
    await expect(column).toContainText('••••••••');
    await expect(shown.getByText(secret(language))).toHaveCount(0);
    await shown.screenshot({ path: test.info().outputPath(`mapping-${language}.png`), fullPage: true });
    await next(shown, t, 'mapping');
    await next(shown, t, 'values');
    await expect(shown.getByText(secret(language))).toHaveCount(0);
    await next(shown, t, 'review');
    await shown.getByTestId('commit-button').click();
    const passwords = shown.getByTestId('import-one-time-passwords');
    await expect(passwords).toContainText(t('import.commit.oneTimeSet', { count: 1, n: '1' }));
    await expect(passwords.getByRole('listitem')).toHaveCount(1);
    // The rows went to the server at once: undo is not offered, and says why in the console's language.
    if (language !== 'en') await expect(shown.getByTestId('undo-blocked')).toHaveText(t('rules.import_undo_sent'));
    await shown.screenshot({ path: test.info().outputPath(`result-${language}.png`), fullPage: true });
  });

  // Each import is in the history; Ann signs in with hers and is asked to choose her own, Bob's was never set.
  await page.getByRole('navigation').getByText('Import', { exact: true }).click();
  await page.getByRole('tab', { name: 'History' }).click();
  await expect(page.getByTestId('import-history')).toContainText('starters-en.csv');
  const res = await fetch(`${server.url}/o/${server.owner.organisationId}/sign-in`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ identifier: 'ann.en@example.be', password: secret('en') }).toString(),
  });
  expect(await res.text()).toContain('data-state="choose_password"');
  const bob = await fetch(`${server.url}/o/${server.owner.organisationId}/sign-in`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ identifier: 'bob.en@example.be', password: 'short' }).toString(),
  });
  expect(bob.status).toBe(401);
});
