import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from './support/fixtures';
import { ImportPage } from './support/import-page';
import { ProfilesPage } from './support/pages';
import { expectNoSeriousA11yViolations } from './support/a11y';

/**
 * A CSV whose cells hold NUL, a bidi override (U+202E) and a C1 control (U+0085): the review shows
 * each such cell as a warning, the row's details offer "Remove hidden characters", one click clears
 * the cell, and the profiles imported carry clean names.
 */

const CLEAN = Array.from({ length: 20 }, (_, i) => `Ann${i},Clean${i},ann${i}@example.com,en_US,Staff`);
const CSV = [
  'First name,Last name,Email,Language,Tags',
  'Jo\u0000hn,Do\u202Ee,john@example.com,en_US,"Sales\u0085, Night"',
  ...CLEAN,
].join('\r\n');

test('hidden characters: a warning per cell, removed with one click, and the imported profile is clean', async ({ page, roster }) => {
  const dir = mkdtempSync(join(tmpdir(), 'roster-hidden-'));
  const file = join(dir, 'staff.csv');
  writeFileSync(file, CSV, 'utf8');
  try {
    await page.goto(roster.host.launchUrl);
    const imp = new ImportPage(page);
    await imp.goto();
    await imp.drop(file);
    await expect(imp.step('sheet')).toBeVisible();
    for (let i = 0; i < 3; i++) await imp.next();
    await expect(imp.step('review')).toBeVisible();

    // Row 2 (John): a warning on each cell that holds one, saying what happens and how to remove them now.
    await expect(imp.cell(2, 'firstName')).toHaveAttribute('data-severity', 'warning');
    await expect(imp.cell(2, 'lastName')).toHaveAttribute('data-severity', 'warning');
    await expect(imp.cell(2, 'tags')).toHaveAttribute('data-severity', 'warning');
    await expect(imp.cell(2, 'email')).not.toHaveAttribute('data-severity');
    await expect(imp.row(2).getByTestId('row-problems')).toContainText('invisible control or text-direction character (U+0000)');
    await expect(imp.row(2).getByTestId('row-problems')).toContainText('(U+202E)');
    await expect(imp.row(2).getByTestId('row-status')).not.toHaveText('Has errors');

    // The row's details: one "Remove hidden characters" per cell; each click clears that cell.
    await imp.row(2).locator('[role="gridcell"]').nth(1).click();
    const details = page.getByTestId('row-details');
    await expect(details.getByTestId('remove-hidden')).toHaveCount(3);
    await expectNoSeriousA11yViolations(page, 'Import · review · warnings for hidden characters, row details');
    await details.getByTestId('remove-hidden').first().click();
    await expect(details.getByTestId('remove-hidden')).toHaveCount(2);
    await expect(imp.cell(2, 'firstName')).toHaveText('John');
    await expect(imp.cell(2, 'firstName')).not.toHaveAttribute('data-severity');
    await details.getByTestId('remove-hidden').first().click();
    await details.getByTestId('remove-hidden').first().click();
    await expect(details.getByTestId('remove-hidden')).toHaveCount(0);
    await expect(imp.cell(2, 'lastName')).toHaveText('Doe');
    await expect(imp.cell(2, 'tags')).not.toHaveAttribute('data-severity');

    await imp.next();
    await page.getByTestId('commit-button').click();
    await expect(page.getByTestId('import-result-counts')).toContainText('21 profiles created');
    await page.getByRole('button', { name: 'See the profiles' }).click();
    const profiles = new ProfilesPage(page);
    await expect(profiles.row('John Doe')).toBeVisible();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
