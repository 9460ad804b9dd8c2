import { closeSync, openSync, readFileSync, writeSync } from 'node:fs';
import { resolve } from 'node:path';
import { expect, test } from './support/fixtures';
import { read, utils } from 'xlsx';
import { ImportPage, dropFiles } from './support/import-page';
import { ProfilesPage } from './support/pages';

/**
 * The spreadsheet import over the real UI and the real host: files come in by
 * drag and drop (a DataTransfer holding the fixture's bytes, as a file manager
 * drops them) or through the file input.
 */

const FIXTURES = resolve('test/fixtures/import');
/** An HR export made with LibreOffice: a title row and a blank row above French headers (Prénom, Nom, E-mail, GSM, Langue, Matricule…), a hidden sheet. */
const HR_EXPORT = resolve(FIXTURES, 'hr-export.xlsx');
const SEMICOLON_CSV = resolve(FIXTURES, 'people-semicolon.csv');

test('drop an .xlsx with French headers and a title row, change a mapping, fix a row inline, commit, find the profiles', async ({ page, roster }) => {
  await page.goto(roster.host.launchUrl);
  await expect(page.getByTestId('empty-state')).toBeVisible();
  const imp = new ImportPage(page);
  await imp.goto();
  await imp.drop(HR_EXPORT);

  // Sheet and header: three sheets, the hidden one marked; the header row found below the title and blank rows.
  await expect(imp.step('sheet')).toBeVisible();
  await expect(page.getByTestId('sheet-option')).toHaveCount(3);
  await expect(imp.sheetOption('Lookup')).toHaveAttribute('data-hidden', 'true');
  await expect(imp.sheetOption('Lookup')).toContainText('hidden');
  await expect(imp.sheetOption('Personnel')).toHaveAttribute('data-hidden', 'false');
  await expect(imp.topRow(1)).toContainText('Export RH – 2024');
  await expect(imp.topRow(3)).toHaveAttribute('data-header', 'true');
  await expect(imp.topRow(3)).toContainText('detected');
  await expect(imp.topRow(1)).toHaveAttribute('data-header', 'false');

  // Column mapping: matched from the French headers, with their confidence.
  await imp.next();
  await expect(imp.step('mapping')).toBeVisible();
  await imp.expectMapping('A', 'firstName');
  await imp.expectMapping('B', 'lastName');
  await imp.expectMapping('C', 'email');
  await imp.expectMapping('D', 'phoneNumber');
  await imp.expectMapping('E', 'language');
  await imp.expectMapping('F', 'externalId');
  await imp.expectMapping('H', 'tags');
  await imp.expectMapping('I', 'ignore');
  await expect(imp.mappingRow('A').getByTestId('match-confidence')).toContainText('%');
  await expect(imp.mappingRow('A')).toContainText('Prénom');
  // Tags come from column I (the site) instead of H: the field moves, H becomes ignored.
  await imp.mapColumn('I', 'Tags');
  await imp.expectMapping('I', 'tags');
  await imp.expectMapping('H', 'ignore');
  await expect(imp.notice()).toContainText('Tags was on column H');
  await expect(imp.mappingRow('I').getByTestId('match-confidence')).toContainText('your choice');

  // Language values: each distinct value with its count and code; the unknown one stands out.
  await imp.next();
  await expect(imp.step('values')).toBeVisible();
  await expect(page.getByRole('combobox', { name: 'Language for “Français”' })).toHaveValue('French (fr_BE)');
  await expect(page.getByRole('combobox', { name: 'Language for “NL”' })).toHaveValue('Dutch (nl_BE)');
  await expect(page.getByRole('combobox', { name: 'Language for “Klingon”' })).toHaveValue('Not a language: leave as an error');
  await expect(page.getByTestId('unknown-languages')).toContainText('Klingon');

  // Review: per-cell errors with their messages, the in-file duplicate flagged.
  await imp.next();
  await expect(imp.step('review')).toBeVisible();
  await expect(imp.rows()).toHaveCount(5);
  await expect(imp.cell(7, 'email')).toHaveAttribute('data-severity', 'error');
  await expect(imp.row(7).getByTestId('row-problems')).toContainText('is not a valid email address');
  await expect(imp.row(8).getByTestId('row-problems')).toContainText('Last name is required');
  await expect(imp.row(8).getByTestId('row-problems')).toContainText('same email');
  await expect(imp.cell(6, 'phoneNumber')).toHaveAttribute('data-severity', 'error');
  await expect(imp.row(4).getByTestId('row-status')).toHaveText('New');

  await imp.filter(/^Errors/);
  await expect(imp.rows()).toHaveCount(3);

  // Claire's number has no country: correct it inline; the row is checked again and leaves the error filter.
  await imp.editCell(6, 'phoneNumber', '+32 475 00 00 00');
  await expect(imp.row(6)).toHaveCount(0);
  await imp.filter(/^All/);
  await expect(imp.cell(6, 'phoneNumber')).not.toHaveAttribute('data-severity', 'error');
  await expect(imp.cell(6, 'phoneNumber')).toHaveText('+32 475 00 00 00');
  await expect(imp.row(6).getByTestId('row-status')).toHaveText('New');

  // Commit: create-only is said plainly; three new profiles, the two rows with errors skipped.
  await imp.next();
  await expect(imp.step('commit')).toBeVisible();
  await expect(page.getByTestId('create-only-note')).toContainText('never overwrites existing data');
  await expect(page.getByTestId('commit-summary')).toContainText('new profiles will be created');
  await page.getByTestId('commit-button').click();
  await expect(imp.result()).toBeVisible();
  await expect(page.getByTestId('import-result-counts')).toContainText('3 profiles created, 0 updated, 2 rows skipped');

  // The profiles are in the list, with what the file and the fix gave them.
  await page.getByRole('button', { name: 'See the profiles' }).click();
  const profiles = new ProfilesPage(page);
  await expect(profiles.rows()).toHaveCount(3);
  await expect(profiles.row('Ann Peeters')).toContainText('ann.peeters@example.com');
  await expect(profiles.row('Ann Peeters')).toContainText('Bruxelles');
  await expect(profiles.row('Ann Peeters')).toContainText('007');
  await expect(profiles.row('Bob Janssens')).toContainText('bob.janssens@example.com');
  await expect(profiles.row('Bob Janssens')).not.toContainText('Support');
  await expect(profiles.row('Claire Dubois')).toContainText('+32 475 00 00 00');
  await expect(profiles.row('Dirk')).toHaveCount(0);
});

test('a file picked with the file dialog; importing it again finds nothing new; update existing shows the changes first', async ({ page, roster }) => {
  await page.goto(roster.host.launchUrl);
  const imp = new ImportPage(page);
  await imp.goto();
  await imp.pick(SEMICOLON_CSV);

  // A text file: its encoding and delimiter are shown, changeable.
  await expect(imp.step('sheet')).toBeVisible();
  await expect(page.getByRole('combobox', { name: 'Delimiter' })).toHaveValue(/Semicolon/);
  await imp.next();
  await imp.expectMapping('F', 'externalId');
  await imp.next();
  await imp.next();
  await expect(imp.rows()).toHaveCount(3);
  await imp.next();
  await page.getByTestId('commit-button').click();
  await expect(page.getByTestId('import-result-counts')).toContainText('3 profiles created');

  // The same file again: all three exist and are unchanged; the remembered mapping is said.
  await page.getByRole('button', { name: 'Import another file' }).click();
  await imp.pick(SEMICOLON_CSV);
  await imp.next();
  await expect(page.getByTestId('remembered-mapping')).toBeVisible();
  await imp.next();
  await imp.next();
  await expect(imp.rows().getByTestId('row-status').first()).toHaveText('Unchanged');
  // Change one person's last name: that row now would update an existing profile.
  await imp.editCell(3, 'lastName', "O'Brien-Smit");
  await expect(imp.row(3).getByTestId('row-status')).toHaveText('Would update');
  await imp.next();
  await expect(page.getByTestId('commit-button')).toHaveText('Nothing to import');
  await page.getByTestId('mode-update').click();
  const diff = page.getByTestId('update-diff');
  await expect(diff.getByTestId('update-row')).toHaveCount(1);
  await expect(diff.getByTestId('field-changes')).toContainText("O'Brien-Smit");
  await expect(diff.getByTestId('field-changes')).toContainText('O’Brien');
  await page.getByTestId('confirm-update').click();
  await expect(page.getByTestId('commit-button')).toHaveText('Import 1 profile');
  await page.getByTestId('commit-button').click();
  await expect(page.getByTestId('import-result-counts')).toContainText('0 profiles created, 1 updated');

  await page.getByRole('button', { name: 'See the profiles' }).click();
  const profiles = new ProfilesPage(page);
  await expect(profiles.rows()).toHaveCount(3);
  await expect(profiles.row("Zoë O'Brien-Smit")).toBeVisible();
});

test('a file dropped on the empty Profiles page is imported, and the import is undone from the history', async ({ page, roster }) => {
  await page.goto(roster.host.launchUrl);
  const profiles = new ProfilesPage(page);
  await expect(page.getByTestId('empty-state')).toBeVisible();
  await dropFiles(page, page.getByTestId('empty-state').getByTestId('import-dropzone'), [{ path: SEMICOLON_CSV }]);

  const imp = new ImportPage(page);
  await expect(imp.step('sheet')).toBeVisible();
  await imp.next();
  await imp.next();
  await imp.next();
  await imp.next();
  await page.getByTestId('commit-button').click();
  await expect(page.getByTestId('import-result-counts')).toContainText('3 profiles created');

  await imp.openHistory();
  await expect(imp.historyEntries()).toHaveCount(1);
  const entry = imp.historyEntries().first();
  await expect(entry).toContainText('people-semicolon.csv');
  await expect(entry.getByTestId('history-status')).toHaveText('Completed');
  await expect(entry.getByTestId('history-created')).toHaveText('3');
  await entry.getByRole('button', { name: 'Undo this import' }).click();
  await page.getByRole('dialog').getByRole('button', { name: 'Undo the import' }).click();
  await expect(entry.getByTestId('history-status')).toHaveText('Undone');
  await expect(entry.getByRole('button', { name: 'Undo this import' })).toHaveCount(0);

  await profiles.goto();
  await expect(page.getByTestId('empty-state')).toBeVisible();
});

test('an edit made after an import blocks its undo, and the history says why', async ({ page, roster }) => {
  await page.goto(roster.host.launchUrl);
  const imp = new ImportPage(page);
  await imp.goto();
  await imp.drop(SEMICOLON_CSV);
  await expect(imp.step('sheet')).toBeVisible();
  for (let i = 0; i < 4; i++) await imp.next();
  await page.getByTestId('commit-button').click();
  await expect(page.getByTestId('import-result-counts')).toContainText('3 profiles created');

  const profiles = new ProfilesPage(page);
  await profiles.goto();
  await profiles.row('Zoë').click();
  await page.getByRole('button', { name: 'Edit' }).click();
  await page.getByRole('textbox', { name: 'Last name', exact: true }).fill('Obrien');
  await page.getByRole('button', { name: 'Save changes' }).click();
  await expect(page.getByRole('heading', { name: 'Zoë Obrien' })).toBeVisible();

  await imp.goto();
  await imp.openHistory();
  const entry = imp.historyEntries().first();
  await expect(entry.getByRole('button', { name: 'Undo this import' })).toHaveCount(0);
  await expect(entry.getByTestId('undo-blocked')).toContainText('changed after the import');
});

test('a broken file and a password-protected one each get a clear message, and nothing is saved', async ({ page, roster }) => {
  await page.goto(roster.host.launchUrl);
  const imp = new ImportPage(page);
  await imp.goto();

  // Random bytes named .xlsx.
  await imp.drop(resolve(FIXTURES, 'random-bytes.xlsx'), 'payroll.xlsx');
  await expect(imp.error()).toBeVisible();
  await expect(imp.error()).toContainText('This is not a spreadsheet');
  await expect(imp.error()).toContainText('payroll.xlsx');
  await expect(imp.error()).toContainText('Nothing was saved');
  await expect(imp.step('file')).toBeVisible();

  // A password-protected workbook.
  await imp.pick(resolve(FIXTURES, 'encrypted.xlsx'));
  await expect(imp.error()).toContainText('password');
  await expect(imp.step('file')).toBeVisible();

  // A file over the 256 MB limit (a CSV file's; a workbook's is 50 MB) is refused by its size, before it is read or sent.
  await expect(imp.dropzone()).toContainText('CSV up to 256 MB, workbooks up to 50 MB');
  const huge = resolve(roster.dataDir, 'everyone.csv');
  const fd = openSync(huge, 'w');
  writeSync(fd, 'x', 257 * 1024 * 1024);
  closeSync(fd);
  await imp.pick(huge);
  await expect(imp.error()).toContainText('This file is too large');
  await expect(imp.error()).toContainText('up to 256 MB');

  // Two files at once are refused before anything is read.
  await dropFiles(page, imp.dropzone(), [{ path: SEMICOLON_CSV }, { path: HR_EXPORT }]);
  await expect(page.getByTestId('import-drop-rejected')).toContainText('Drop one file at a time (you dropped 2)');

  // Nothing reached the directory or the history; the page still works.
  await imp.openHistory();
  await expect(page.getByTestId('history-empty')).toBeVisible();
  const profiles = new ProfilesPage(page);
  await profiles.goto();
  await expect(page.getByTestId('empty-state')).toBeVisible();
  await imp.goto();
  await imp.drop(SEMICOLON_CSV);
  await expect(imp.step('sheet')).toBeVisible();
  await expect(imp.error()).toHaveCount(0);
});

test('a template and the rows with problems download as files', async ({ page, roster }) => {
  await page.goto(roster.host.launchUrl);
  const imp = new ImportPage(page);
  await imp.goto();

  // The French template: an .xlsx whose headers are in French, with one example row.
  await page.getByTestId('template-menu').click();
  const templateDownload = page.waitForEvent('download');
  await page.getByRole('group', { name: 'En-têtes en français' }).getByRole('menuitem', { name: 'Excel workbook (.xlsx)' }).click();
  const template = await templateDownload;
  expect(template.suggestedFilename()).toMatch(/\.xlsx$/);
  const workbook = read(readFileSync(await template.path()));
  const sheet = workbook.Sheets[workbook.SheetNames[0] ?? ''];
  if (sheet === undefined) throw new Error('the template has no sheet');
  const [headers, example] = utils.sheet_to_json<string[]>(sheet, { header: 1 });
  expect(headers).toContain('Prénom');
  expect(headers).toContain('Langue');
  expect(example?.length).toBeGreaterThan(0);

  // The rows with errors of the HR export, as CSV to fix in Excel.
  await imp.drop(HR_EXPORT);
  for (let i = 0; i < 3; i++) await imp.next();
  await expect(imp.rows()).toHaveCount(5);
  await page.getByRole('button', { name: 'Export problem rows' }).click();
  const problemsDownload = page.waitForEvent('download');
  await page.getByRole('menuitem', { name: 'Rows with errors (.csv)' }).click();
  const problems = await problemsDownload;
  expect(problems.suggestedFilename()).toBe('hr-export - problems.csv');
  const csv = readFileSync(await problems.path(), 'utf8');
  expect(csv).toContain('dirk@example');
  expect(csv).toContain('Klingon');
  expect(csv).not.toContain('BOB.JANSSENS');
});

test('rows shown by a filter are excluded together, and excluded rows are skipped', async ({ page, roster }) => {
  await page.goto(roster.host.launchUrl);
  const imp = new ImportPage(page);
  await imp.goto();
  await imp.drop(HR_EXPORT);
  for (let i = 0; i < 3; i++) await imp.next();
  await expect(imp.rows()).toHaveCount(5);

  await imp.filter(/^Errors/);
  await expect(imp.rows()).toHaveCount(3);
  // Filter and search together: only the rows both show are excluded (Claire and Eva, not Dirk whose email has no domain).
  const search = page.getByRole('textbox', { name: 'Search the rows' });
  await search.fill('example.com');
  await expect(imp.rows()).toHaveCount(2);
  await expect(page.getByTestId('exclude-shown')).toHaveText('Exclude these 2 rows');
  await page.getByTestId('exclude-shown').click();
  await expect(imp.rows()).toHaveCount(0);
  await search.fill('');
  await expect(imp.rows()).toHaveCount(1);
  await expect(imp.row(7)).toHaveCount(1);
  await page.getByTestId('exclude-shown').click();
  await expect(imp.rows()).toHaveCount(0);
  await imp.filter(/^Excluded/);
  await expect(imp.rows()).toHaveCount(3);
  await expect(imp.row(7).getByTestId('row-status')).toHaveText('Excluded');

  // One row excluded by its tick box: Bob.
  await imp.filter(/^All/);
  await imp.row(5).getByRole('checkbox').check();
  await page.getByRole('button', { name: 'Exclude', exact: true }).click();
  await expect(imp.row(5).getByTestId('row-status')).toHaveText('Excluded');

  await imp.next();
  await expect(page.getByTestId('commit-button')).toHaveText('Import 1 profile');
  await page.getByTestId('commit-button').click();
  await expect(page.getByTestId('import-result-counts')).toContainText('1 profile created, 0 updated, 4 rows skipped');
});
