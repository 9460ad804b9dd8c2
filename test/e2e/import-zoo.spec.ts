import { join } from 'node:path';
import { expect, test } from './support/fixtures';
import { ImportPage } from './support/import-page';

/**
 * A workbook from the import's format zoo (written by LibreOffice: dates no calendar holds, Excel
 * error values) in the console, in English and in French: the note about the dates and the error of
 * the cell holding #N/A are worded in the reader's language, as is the refusal of a Word document.
 */

const ZOO = join(import.meta.dirname, '../fixtures/import/zoo');
const NNBSP = '\u202f';
const NBSP = '\u00a0';

test('out-of-range dates and error values, said in English and in French', async ({ page, roster }) => {
  await page.goto(roster.host.launchUrl);
  const imp = new ImportPage(page);
  await imp.goto();
  await imp.drop(join(ZOO, 'staff.xlsx'));
  await expect(imp.step('sheet')).toBeVisible();
  const notes = page.getByTestId('file-notes');
  await expect(notes).toContainText('Sheet “Staff”, 3 cells (G3, G4, F5): dates before 1900 or after 9999');
  for (let i = 0; i < 3; i++) await imp.next();
  await expect(imp.step('review')).toBeVisible();
  await expect(imp.cell(4, 'email')).toHaveAttribute('data-severity', 'error');
  await expect(imp.row(4).getByTestId('row-problems')).toContainText('Email holds the error value #N/A from the file');

  await page.getByTestId('language-picker').click();
  await page.getByRole('option', { name: 'Français' }).click();
  await expect(imp.row(4).getByTestId('row-problems')).toContainText(`Le champ «${NBSP}E-mail${NBSP}» contient la valeur d’erreur #N/A du fichier`);

  await page.getByTestId('import-start-over').click();
  await imp.drop(join(ZOO, 'staff.xlsx'));
  await expect(imp.step('sheet')).toBeVisible();
  await expect(notes).toContainText(`Feuille «${NBSP}Staff${NBSP}», 3 cellules (G3, G4, F5)${NNBSP}: des dates antérieures à 1900 ou postérieures à 9999`);
  await expect(notes).not.toContainText('Sheet “Staff”');

  await page.getByTestId('import-start-over').click();
  await imp.drop(join(ZOO, 'letter.docx'));
  await expect(imp.error()).toContainText(`«${NBSP}letter.docx${NBSP}» est un document Word, pas une feuille de calcul.`);
});
