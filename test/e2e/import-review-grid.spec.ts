import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Locator, Page } from '@playwright/test';
import { expect, test } from './support/fixtures';
import { ImportPage } from './support/import-page';

/**
 * The import's smaller things users hit: the phone country proposed from the
 * column's own numbers and taken in one click; the review grid's columns
 * widened by their header's edge (mouse and keyboard), values cut by a
 * column shown whole on hover and in the row's details, emails readable at a
 * 1,400 px window; errors and warnings marked by more than colour; progress
 * announced; and the wizard in another language.
 */

const LONG_EMAIL = 'maximiliaan.vandenbossche-de-schrijver@ministerie-van-buitenlandse-zaken.example.be';

/** Mostly +32 / 0032 numbers, one French number, and two national numbers without a country. */
const PHONES_CSV = [
  'First name,Last name,Email,Mobile',
  'Ann,Peeters,ann.peeters@example.com,+32 470 11 11 11',
  'Bob,Maes,bob.maes@example.com,0032 471 22 22 22',
  'Cleo,Dupont,cleo.dupont@example.com,+33 6 12 34 56 78',
  'Dirk,Smet,dirk.smet@example.com,0472 33 33 33',
  'Els,Claes,els.claes@example.com,+32 2 511 22 33',
  'Frank,Wouters,frank.wouters@example.com,02 345 67 89',
  `Griet,Vandenbossche,${LONG_EMAIL},+32 473 44 44 44`,
  'Hans,Janssens,not-an-email,+32 474 55 55 55',
].join('\r\n');

let dir: string;
test.beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'roster-review-'));
});
test.afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

const write = (name: string, text: string): string => {
  const path = join(dir, name);
  writeFileSync(path, text, 'utf8');
  return path;
};

async function openAtValues(page: Page, launchUrl: string, file: string): Promise<ImportPage> {
  await page.goto(launchUrl);
  const imp = new ImportPage(page);
  await imp.goto();
  await imp.drop(file);
  await expect(imp.step('sheet')).toBeVisible();
  await imp.next();
  await imp.next();
  await expect(imp.step('values')).toBeVisible();
  return imp;
}

const widthOf = async (locator: Locator): Promise<number> => {
  const box = await locator.boundingBox();
  if (box === null) throw new Error('not laid out');
  return box.width;
};

test('the country most numbers carry is proposed, and one click makes the national numbers valid', async ({ page, roster }) => {
  const imp = await openAtValues(page, roster.host.launchUrl, write('phones.csv', PHONES_CSV));

  const suggestion = page.getByTestId('phone-country-suggestion');
  await expect(suggestion).toContainText('Most numbers in this file are +32');
  await expect(suggestion).toContainText('5 of the 6 phone numbers with a country code carry +32; 2 numbers have none.');

  // Before: Dirk's and Frank's numbers have no country, an error each.
  await imp.next();
  await expect(imp.step('review')).toBeVisible();
  await expect(imp.cell(5, 'phoneNumber')).toHaveAttribute('data-severity', 'error');
  await expect(imp.cell(7, 'phoneNumber')).toHaveAttribute('data-severity', 'error');
  await expect(page.getByTestId('review-summary')).toContainText('5 rows are ready · 3 have errors');
  // The review offers it too, beside the errors it would fix.
  await expect(page.getByTestId('phone-country-suggestion')).toBeVisible();

  await page.getByRole('button', { name: 'Back', exact: true }).click();
  await expect(imp.step('values')).toBeVisible();
  await page.getByRole('button', { name: 'Use +32' }).click();
  await expect(page.getByTestId('phone-country-in-use')).toContainText('+32, the country code most numbers in this file carry');
  await expect(page.getByRole('textbox', { name: 'Country code for numbers without one' })).toHaveValue('+32');
  await expect(suggestion).toHaveCount(0);

  // After: those rows are valid; a warning says which country was assumed.
  await imp.next();
  await expect(page.getByTestId('review-summary')).toContainText('7 rows are ready · 1 has errors');
  await expect(imp.cell(5, 'phoneNumber')).toHaveAttribute('data-severity', 'warning');
  await expect(imp.row(5).getByTestId('row-problems')).toContainText('+32 was assumed');
  await expect(imp.row(7).getByTestId('row-status')).not.toHaveText('Has errors');
  await expect(page.getByTestId('phone-country-suggestion')).toHaveCount(0);
});

test('no suggestion when no number carries a country', async ({ page, roster }) => {
  const csv = ['First name,Last name,Email,Mobile', 'Ann,Peeters,ann@example.com,0470 11 11 11', 'Bob,Maes,bob@example.com,0471 22 22 22'].join('\r\n');
  await openAtValues(page, roster.host.launchUrl, write('national.csv', csv));
  await expect(page.getByRole('heading', { name: 'Phone numbers' })).toBeVisible();
  await expect(page.getByTestId('phone-country-suggestion')).toHaveCount(0);
  await expect(page.getByTestId('phone-country-in-use')).toHaveCount(0);
});

test('review grid: emails read whole at 1,400 px, columns widen by mouse and keyboard, a cut value shows whole, errors are marked in words and icons', async ({
  page,
  roster,
}) => {
  expect(page.viewportSize()?.width).toBe(1400);
  const imp = await openAtValues(page, roster.host.launchUrl, write('phones.csv', PHONES_CSV));
  await imp.next();
  await expect(imp.step('review')).toBeVisible();

  // An ordinary address is not cut at the default widths, and the grid does not scroll sideways.
  const frank = imp.cell(7, 'email');
  await expect(frank).toHaveText('frank.wouters@example.com');
  expect(await frank.evaluate((el) => el.scrollWidth <= el.clientWidth)).toBe(true);
  expect(await page.getByTestId('review-scroll').evaluate((el) => el.scrollWidth <= el.clientWidth)).toBe(true);

  // A long one is cut; hovering shows it whole, and the row's details show every value whole.
  const long = imp.cell(8, 'email');
  expect(await long.evaluate((el) => el.scrollWidth > el.clientWidth)).toBe(true);
  await long.hover();
  await expect(long).toHaveAttribute('title', LONG_EMAIL);
  await imp.row(8).getByTestId('row-status').click();
  const details = page.getByTestId('row-details');
  await expect(details.getByTestId('row-values').locator('[data-field="email"]')).toContainText(LONG_EMAIL);
  const whole = details.getByTestId('row-values').locator('[data-field="email"]');
  await expect(whole).toBeVisible();
  expect(await whole.evaluate((el) => el.scrollWidth <= el.clientWidth)).toBe(true);

  // Drag the Email header's edge 200 px to the right: the column, header and cells, is 200 px wider.
  const header = page.locator('[role="columnheader"][data-column="email"]');
  const before = await widthOf(header);
  const cellBefore = await widthOf(frank);
  const handle = page.getByTestId('resize-email');
  const grip = await handle.boundingBox();
  if (grip === null) throw new Error('no resize handle');
  await page.mouse.move(grip.x + grip.width / 2, grip.y + grip.height / 2);
  await page.mouse.down();
  await page.mouse.move(grip.x + grip.width / 2 + 100, grip.y + grip.height / 2, { steps: 5 });
  await page.mouse.move(grip.x + grip.width / 2 + 200, grip.y + grip.height / 2, { steps: 5 });
  await page.mouse.up();
  await expect.poll(() => widthOf(header)).toBeCloseTo(before + 200, 0);
  expect(await widthOf(frank)).toBeCloseTo(cellBefore + 200, 0);
  await expect(handle).toHaveAttribute('aria-valuenow', String(Math.round(before + 200)));
  // The row is wider than the grid now: it scrolls sideways, the header with it.
  const scroll = page.getByTestId('review-scroll');
  expect(await scroll.evaluate((el) => el.scrollWidth > el.clientWidth)).toBe(true);
  await scroll.evaluate((el) => {
    el.scrollLeft = 150;
  });
  await expect.poll(() => page.locator('[data-testid="review-grid"] > div').first().evaluate((el) => el.scrollLeft)).toBe(150);

  // The keyboard does it too: Tab to the edge, arrows widen and narrow, Home restores the default.
  await handle.focus();
  await expect(handle).toHaveAccessibleName('Resize the Email column');
  await page.keyboard.press('ArrowRight');
  await expect(handle).toHaveAttribute('aria-valuenow', String(Math.round(before + 216)));
  await page.keyboard.press('Shift+ArrowLeft');
  await expect(handle).toHaveAttribute('aria-valuenow', String(Math.round(before + 152)));
  await page.keyboard.press('Home');
  await expect(handle).toHaveAttribute('aria-valuenow', String(Math.round(before)));
  await page.keyboard.press('ArrowRight');

  // The widths are kept: leaving the page and coming back finds the column as it was left.
  await page.getByRole('navigation').getByText('Profiles', { exact: true }).click();
  await imp.goto();
  await expect(imp.step('review')).toBeVisible();
  await expect(page.getByTestId('resize-email')).toHaveAttribute('aria-valuenow', String(Math.round(before + 16)));

  // Not colour alone: an error cell carries an icon and says "Error" in its name; a warning says "Warning".
  const bad = imp.cell(9, 'email');
  await expect(bad).toHaveAttribute('data-severity', 'error');
  await expect(bad.locator('svg[data-icon="error"]')).toHaveCount(1);
  await expect(bad).toHaveAccessibleName(/^Email: not-an-email\. Error: .*not a valid email address/);
  await expect(imp.row(9).getByTestId('row-problems').locator('svg[data-icon="error"]')).toHaveCount(1);
  const warned = imp.cell(2, 'language');
  await expect(warned).toHaveAttribute('data-severity', 'warning');
  await expect(warned.locator('svg[data-icon="warning"]')).toHaveCount(1);
  await expect(warned).toHaveAccessibleName(/^Language: empty\. Warning: No language given/);
  const fine = imp.cell(2, 'firstName');
  await expect(fine.locator('svg')).toHaveCount(0);
  await expect(fine).toHaveAccessibleName('First name: Ann');
});

test('progress is announced: a status region that speaks, and a progress bar with its value', async ({ page, roster }) => {
  const lines = ['First name,Last name,Email,Mobile'];
  for (let i = 0; i < 60_000; i++) lines.push(`Person${i},Family${i},person${i}@example.com,+32 470 ${String(i).padStart(6, '0')}`);
  const file = write('big.csv', lines.join('\r\n'));
  await page.goto(roster.host.launchUrl);
  const imp = new ImportPage(page);
  await imp.goto();
  await imp.drop(file);

  const busy = page.getByTestId('import-busy');
  await expect(busy).toBeVisible();
  const status = busy.getByRole('status');
  await expect(status).toHaveAttribute('aria-live', 'polite');
  await expect(status).toContainText('Reading “big.csv”');
  // The phase under way is spoken with the label (how far along, at each quarter); the exact numbers stay out of the live region.
  await expect(status.getByTestId('import-progress-spoken')).toHaveText(/^(Loading the file|Reading the file|Reading the sheets|Checking the rows)(…|: \d+%)$/);
  await expect(status.getByTestId('import-progress-detail')).toHaveCount(0);
  const bar = busy.getByRole('progressbar');
  await expect(bar).toHaveAccessibleName('Reading “big.csv”');
  await expect(bar).toHaveAttribute('aria-valuemin', '0');
  await expect(bar).toHaveAttribute('aria-valuemax', '100');
  // Once the work's size is known, the bar says how far along it is.
  await expect.poll(async () => Number(await bar.getAttribute('aria-valuenow')), { intervals: [50] }).toBeGreaterThanOrEqual(0);
  await expect(bar).toHaveAttribute('aria-valuetext', /%|of/);
  await expect(imp.step('sheet')).toBeVisible({ timeout: 60_000 });
});

test('the wizard speaks the console language: French headers, French names for errors', async ({ page, roster }) => {
  const imp = await openAtValues(page, roster.host.launchUrl, write('phones.csv', PHONES_CSV));
  await page.getByTestId('language-picker').click();
  await page.getByRole('option', { name: 'Français' }).click();
  await expect(page.getByRole('heading', { name: 'Numéros de téléphone' })).toBeVisible();
  await expect(page.getByRole('button', { name: 'Utiliser +32' })).toBeVisible();
  await expect(page.getByTestId('phone-country-suggestion')).toContainText('5 des 6 numéros avec indicatif sont en +32\u202f; 2 numéros n’en ont pas.');
  await page.getByRole('button', { name: 'Suivant\u202f: vérifier les lignes' }).click();
  await expect(imp.step('review')).toBeVisible();
  await expect(page.locator('[role="columnheader"][data-column="email"]')).toHaveText('E-mail');
  await expect(page.getByTestId('review-summary')).toContainText('5 lignes prêtes · 3 en erreur');
  await expect(imp.cell(9, 'email')).toHaveAccessibleName(/^E-mail[\s\u202f]: not-an-email\. Erreur[\s\u202f]: /);
  await expect(page.getByTestId('resize-email')).toHaveAccessibleName('Redimensionner la colonne E-mail');
});
