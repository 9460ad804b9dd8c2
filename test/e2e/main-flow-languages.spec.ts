import { resolve } from 'node:path';
import { expect, test } from './support/fixtures';
import { ImportPage } from './support/import-page';
import { wordsFor } from './support/words';

/**
 * The main flow (import a small file, review it, import it, invite the new
 * people) in French and in Dutch. The browser's language is the only hint:
 * the console opens in it. Everything is found by its role and its name in
 * that language, the words read from the console's locale files.
 */

const HR_EXPORT = resolve('test/fixtures/import/hr-export.xlsx');

/** `text` as a pattern; any run of spaces (the narrow no-break space of French typography too) matches any other. */
const pattern = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/\s+/g, '\\s+');

for (const [language, locale] of [
  ['fr', 'fr-BE'],
  ['nl', 'nl-BE'],
] as const) {
  test(`${language}: import, review, import, invite, in the browser's language (${locale})`, async ({ browser, roster }) => {
    const t = await wordsFor(language);
    const context = await browser.newContext({ locale });
    const page = await context.newPage();
    try {
      await page.goto(roster.host.launchUrl);

      // The console follows the browser: its language, its words.
      await expect(page.locator('html')).toHaveAttribute('lang', language);
      await expect(page.getByRole('heading', { level: 2, name: t('profiles.empty.title') })).toBeVisible();
      const status = page.getByTestId('status-bar').getByRole('status');
      await expect(status).toHaveAttribute('aria-live', 'polite');
      await expect(status).toHaveText(t('sync.status.notConnected'));

      // Import: the page, a file chosen with the file dialog.
      await page.getByRole('navigation').getByRole('button', { name: t('common.nav.import'), exact: true }).click();
      await expect(page.getByRole('heading', { level: 2, name: t('import.page.title'), exact: true })).toBeVisible();
      const chooser = page.waitForEvent('filechooser');
      await page.getByRole('button', { name: t('import.drop.choose') }).click();
      await (await chooser).setFiles(HR_EXPORT);

      // Each step is a region named in the language, and Next says where it goes.
      const imp = new ImportPage(page);
      const steps = [
        ['import.steps.sheet', 'import.next.sheet'],
        ['import.steps.mapping', 'import.next.mapping'],
        ['import.steps.values', 'import.next.values'],
      ] as const;
      for (const [step, next] of steps) {
        await expect(page.getByRole('region', { name: t(step) })).toBeVisible();
        await page.getByRole('button', { name: t(next) }).click();
      }
      await expect(page.getByRole('region', { name: t('import.steps.review') })).toBeVisible();

      // Review: the grid by its name; its rows' status and the filters in the language.
      const grid = page.getByRole('grid', { name: t('import.grid.label') });
      await expect(grid).toBeVisible();
      await expect(imp.rows()).toHaveCount(5);
      await expect(imp.row(4).getByTestId('row-status')).toHaveText(t('import.status.new'));
      await expect(imp.row(7).getByTestId('row-status')).toHaveText(t('import.status.invalid'));
      // An error cell says so in words: its field, its value, "error" and why (the rule's message), in the language.
      const [before = ''] = t('import.grid.cellError', { field: t('import.fields.email'), value: 'dirk@example', problems: '|' }).split('|');
      await expect(imp.cell(7, 'email')).toHaveAccessibleName(new RegExp(`^${pattern(before)}\\S.+`));
      await page.getByTestId('review-filter').getByText(t('import.review.errors'), { exact: false }).click();
      await expect(imp.rows()).toHaveCount(3);
      await page.getByTestId('review-filter').getByText(t('import.review.all'), { exact: false }).click();
      await expect(imp.rows()).toHaveCount(5);
      await page.getByRole('button', { name: t('import.next.review') }).click();

      // Import: the button counts the profiles; the result says what was done.
      await expect(page.getByRole('region', { name: t('import.steps.commit') })).toBeVisible();
      await page.getByRole('button', { name: t('import.commit.importN', { count: 2 }) }).click();
      await expect(imp.result()).toContainText(t('import.commit.created', { count: 2 }));
      await expect(imp.result()).toContainText(t('import.commit.skipped', { count: 3 }));

      // The new people, both invited from the list.
      await page.getByRole('button', { name: t('import.commit.seeProfiles') }).click();
      await expect(page.getByRole('heading', { level: 2, name: t('profiles.list.title') })).toBeVisible();
      await page.getByRole('checkbox', { name: t('profiles.list.select', { name: 'Ann Peeters' }) }).check();
      await page.getByRole('checkbox', { name: t('profiles.list.select', { name: 'Bob Janssens' }) }).check();
      await page.getByRole('button', { name: t('profiles.list.actions') }).click();
      await page.getByRole('menuitem', { name: t('profiles.list.invite') }).click();
      const dialog = page.getByRole('dialog', { name: t('sync.invite.title') });
      await expect(dialog).toContainText(t('sync.invite.willGet', { count: 2, n: '2' }));
      await dialog.getByRole('button', { name: t('sync.invite.confirm') }).click();
      await expect(dialog).toHaveCount(0);
      await expect(page.getByTestId('sync-waiting')).toContainText(t('sync.status.invitationsWaiting', { count: 2, n: '2' }));
      await expect(page.getByRole('status').filter({ hasText: t('sync.status.notConnected') })).toBeVisible();
      await page.screenshot({ path: test.info().outputPath(`main-flow-${language}.png`) });
    } finally {
      await context.close();
    }
  });
}
