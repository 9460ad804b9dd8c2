import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import type { TFunction } from 'i18next';
import { expect, test } from './support/fixtures';
import { ImportPage, dropFiles } from './support/import-page';
import { ProfilesPage } from './support/pages';
import { inEveryLanguage } from './support/languages';
import { wordsFor } from './support/words';
import { englishText, rule } from '../../src-shared/messages';

/**
 * Issue 21, possible duplicates: a new profile with another email but the
 * same name (case and accents aside) and phone as an existing one is not
 * created before the admin chooses: "Open it" opens the existing profile,
 * "Create anyway" creates it; the list's "Possible duplicates" filter shows
 * both; the import review warns on such a row. Then the same screens in
 * French, Dutch and Spanish, saved as screenshots.
 */

const CSV = ['First name,Last name,Email,Phone number', 'Ada,LOVELACE,countess@example.org,+32 470 12 34 56', 'Grace,Hopper,grace@example.org,'].join('\r\n');

/** Drops the file on the Import page and goes on to the review; `t`: the console's words in the page's language. */
async function goToImportReview(page: Page, dir: string, t: TFunction): Promise<void> {
  const next = { sheet: t('import.next.sheet'), mapping: t('import.next.mapping'), values: t('import.next.values') };
  const file = join(dir, 'people.csv');
  writeFileSync(file, CSV, 'utf8');
  await dropFiles(page, page.getByTestId('import-dropzone'), [{ path: file }]);
  for (const step of ['sheet', 'mapping', 'values'] as const) {
    await expect(page.getByTestId(`import-step-${step}`)).toBeVisible();
    await expect(async () => {
      if (await page.getByTestId(`import-step-${step}`).isVisible()) await page.getByRole('button', { name: next[step] }).click({ timeout: 5_000 });
      await expect(page.getByTestId(`import-step-${step}`)).toHaveCount(0, { timeout: 2_000 });
    }).toPass({ timeout: 30_000 });
  }
  await expect(page.getByTestId('import-step-review')).toBeVisible();
}

test('a duplicate warning on a new profile: Open it opens the existing one, Create anyway creates; the list filter shows both; the import review warns', async ({ page, roster, browser }) => {
  test.setTimeout(300_000);
  await page.goto(roster.host.launchUrl);
  const profiles = new ProfilesPage(page);
  let form = await profiles.openNew();
  await form.fill({ firstName: 'Ada', lastName: 'Lovelace', email: 'ada@example.org', phoneCountryCode: '+32', phoneNumber: '0470 12 34 56' });
  await form.submit();
  await expect(page.getByRole('heading', { level: 2, name: 'Ada Lovelace' })).toBeVisible();
  await profiles.goto();
  form = await profiles.openNew();
  await form.fill({ firstName: 'Bram', lastName: 'Peeters', email: 'bram@example.org', phoneCountryCode: '+32', phoneNumber: '0470 12 34 56' });
  await form.submit();
  await expect(page.getByRole('heading', { level: 2, name: 'Bram Peeters' })).toBeVisible();

  // The same person (case and accents aside), same phone, another email: a warning, and nothing created yet.
  await profiles.goto();
  form = await profiles.openNew();
  await form.fill({ firstName: 'ADA', lastName: 'Lóvelace', email: 'ada.l@example.org', phoneCountryCode: '+32', phoneNumber: '470123456' });
  await form.submit();
  const warning = page.getByRole('dialog', { name: 'Might this person already have a profile?' });
  await expect(warning).toBeVisible();
  await expect(warning.getByTestId('duplicate-warning')).toContainText('Might be the same person as Ada Lovelace (ada@example.org)');
  await expect(warning.getByTestId('duplicate-warning')).not.toContainText('Bram');
  await warning.getByRole('button', { name: 'Open it' }).click();
  await expect(page.getByRole('heading', { level: 2, name: 'Ada Lovelace' })).toBeVisible();
  await expect(page.getByTestId('profile-details')).toContainText('ada@example.org');
  await profiles.goto();
  await expect(profiles.rows()).toHaveCount(2);

  // Back to the form keeps what was typed and creates nothing; Create anyway creates.
  form = await profiles.openNew();
  await form.fill({ firstName: 'ADA', lastName: 'Lóvelace', email: 'ada.l@example.org', phoneCountryCode: '+32', phoneNumber: '470123456' });
  await form.submit();
  await warning.getByRole('button', { name: 'Back to the form' }).click();
  await expect(warning).toHaveCount(0);
  await expect(form.field('Email')).toHaveValue('ada.l@example.org');
  await form.submit();
  await warning.getByRole('button', { name: 'Create anyway' }).click();
  await expect(page.getByRole('heading', { level: 2, name: 'ADA Lóvelace' })).toBeVisible();

  // The list: three profiles; the filter shows the two that might be the same person.
  await profiles.goto();
  await expect(profiles.rows()).toHaveCount(3);
  const filter = page.getByRole('checkbox', { name: 'Possible duplicates (2)' });
  await filter.check();
  await expect(profiles.rows()).toHaveCount(2);
  await expect(profiles.row('Ada Lovelace')).toBeVisible();
  await expect(profiles.row('ADA Lóvelace')).toBeVisible();
  await filter.uncheck();
  await expect(profiles.rows()).toHaveCount(3);

  // The import review: a row with a new email, the same name and phone as Ada, is warned about, not refused.
  const dir = mkdtempSync(join(tmpdir(), 'roster-duplicates-'));
  try {
    await new ImportPage(page).goto();
    await goToImportReview(page, dir, await wordsFor('en'));
    const imp = new ImportPage(page);
    await expect(imp.row(2).getByTestId('row-problems')).toContainText(englishText(rule('import_possible_duplicate', { name: 'Ada Lovelace', email: 'ada@example.org' })));
    await expect(imp.row(2).getByTestId('row-problems')).toContainText('Might be the same person as ADA Lóvelace (ada.l@example.org)');
    await expect(imp.row(2).getByTestId('row-status')).not.toHaveText('Has errors');
    await expect(imp.cell(2, 'lastName')).toHaveAttribute('data-severity', 'warning');
    await expect(imp.row(3)).not.toContainText('Might be the same person');

    // The same screens in the four languages.
    await inEveryLanguage(browser, roster.host.launchUrl, { viewport: { width: 1280, height: 860 } }, async ({ page: shown, language, t }) => {
      await shown.getByRole('navigation').getByText(t('common.nav.profiles'), { exact: true }).click();
      await shown.getByTestId('filter-duplicates').check();
      await expect(shown.getByTestId('profile-row')).toHaveCount(2);
      await shown.screenshot({ path: test.info().outputPath(`${language}-filter.png`) });
      await shown.getByRole('button', { name: t('profiles.new.title') }).first().click();
      await shown.getByRole('textbox', { name: t('common.fields.firstName'), exact: true }).fill('Ada');
      await shown.getByRole('textbox', { name: t('common.fields.lastName'), exact: true }).fill('Lovelace');
      await shown.getByRole('textbox', { name: t('common.fields.email'), exact: true }).fill('a.lovelace@example.org');
      await shown.getByRole('textbox', { name: t('common.fields.phoneNumber'), exact: true }).fill('0470 12 34 56');
      await shown.getByRole('button', { name: t('profiles.new.submit') }).click();
      const dialog = shown.getByRole('dialog', { name: t('profiles.duplicates.title') });
      await expect(dialog.getByRole('button', { name: t('profiles.duplicates.open') })).toHaveCount(2);
      await expect(dialog).toContainText(t('profiles.duplicates.mightBe', { name: 'Ada Lovelace', email: 'ada@example.org' }));
      // The dialog's opening transition over before the picture.
      // (the submit button's spinner turns for ever: only transitions that end are waited for).
      await shown.evaluate(() => Promise.all(document.getAnimations().filter((a) => a.effect?.getComputedTiming().iterations !== Infinity).map((a) => a.finished)));
      await shown.screenshot({ path: test.info().outputPath(`${language}-warning.png`) });
      await dialog.getByRole('button', { name: t('profiles.duplicates.back') }).click();
      await shown.getByRole('navigation').getByText(t('common.nav.import'), { exact: true }).click();
      await goToImportReview(shown, dir, t);
      const words = language === 'en' ? englishText(rule('import_possible_duplicate', { name: 'Ada Lovelace', email: 'ada@example.org' })) : t('rules.import_possible_duplicate', { name: 'Ada Lovelace', email: 'ada@example.org' });
      await expect(shown.locator('[data-testid="import-row"][data-row-number="2"]').getByTestId('row-problems')).toContainText(words);
      // The row's details name the existing profiles.
      await shown.locator('[data-testid="import-row"][data-row-number="2"]').locator('[role="gridcell"]').nth(1).click();
      await expect(shown.getByTestId('row-details')).toContainText(words);
      await shown.getByTestId('row-details').getByText(words).first().scrollIntoViewIfNeeded();
      await shown.screenshot({ path: test.info().outputPath(`${language}-import-review.png`) });
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
