import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import { startSftpServer } from '../support/sftp-server';
import type { TestSftpServer } from '../support/sftp-server';
import { expectNoSeriousA11yViolations } from './support/a11y';
import { expect, test } from './support/fixtures';
import { createE2eServer } from './support/roster-server';
import type { E2eServer } from './support/roster-server';
import { ServerPage } from './support/sync-pages';
import { inEveryLanguage } from './support/languages';
import { wordsFor } from './support/words';

/**
 * Employee files (issue 16) end to end: a real SFTP server on loopback holds
 * the HR system's export; the owner adds an SFTP source in the console (one
 * column mapped by hand), runs it, reads the run and its rejected row, and
 * downloads that row as CSV; the source pinned the SFTP server's host key;
 * the console syncs and lists the new people as from an employee file. Then
 * the page, the form and the runs in French, Dutch and Spanish (pictures in
 * the test's output).
 */

const PASSWORD = 'sftp-secret-password';
/** A folder longer than the "Where" column shows. */
const LONG_FOLDER = '/srv/exports/human-resources/payroll-system/nightly/belgium/all-sites/current';
let server: E2eServer;
let sftp: TestSftpServer;
let root: string;

test.beforeEach(async () => {
  root = mkdtempSync(join(tmpdir(), 'roster-e2e-sftp-'));
  mkdirSync(join(root, 'exports'));
  writeFileSync(
    join(root, 'exports', 'employees-2026-11-27.csv'),
    ['First name;Last name;Email;Personeelsnummer', 'Anna;Peeters;anna.peeters@hr.example;P-001', 'Bart;Maes;bart.maes@hr.example;P-002', 'Chloé;Dubois;not an email;P-003', 'Dirk;Claes;dirk.claes@hr.example;P-004'].join('\r\n'),
  );
  sftp = await startSftpServer({ root, username: 'hr', password: PASSWORD });
  server = await createE2eServer({ organisationName: 'Acme Parking' });
});

test.afterEach(async () => {
  await server.dispose();
  await sftp.close();
  rmSync(root, { recursive: true, force: true });
});

async function nav(page: Page, name: string): Promise<void> {
  await page.getByRole('navigation').getByText(name, { exact: true }).click();
  await expect(page.getByRole('heading', { level: 2, name })).toBeVisible();
}

test('the owner adds an SFTP source, runs it, reads its report, and the console lists the people it made as from an employee file', async ({ page, browser, roster }, testInfo) => {
  test.setTimeout(240_000);
  await page.setViewportSize({ width: 1400, height: 900 });
  await page.goto(roster.host.launchUrl);
  await new ServerPage(page).signIn(server.url, server.owner.email, server.owner.password);
  await nav(page, 'Employee files');
  await expect(page.getByTestId('sources-empty')).toBeVisible();

  await page.getByTestId('source-add').click();
  const form = page.getByRole('dialog', { name: 'Add a source' });
  await form.getByRole('textbox', { name: 'Name', exact: true }).fill('HR export');
  await form.getByRole('textbox', { name: 'Host', exact: true }).fill('127.0.0.1');
  await form.getByRole('textbox', { name: 'Port', exact: true }).fill(String(sftp.port));
  await form.getByRole('textbox', { name: 'User name', exact: true }).fill('hr');
  await form.getByLabel('Password', { exact: true }).fill(PASSWORD);
  await form.getByRole('textbox', { name: 'Folder', exact: true }).fill('/exports');
  await form.getByRole('textbox', { name: 'File pattern', exact: true }).fill('employees-*.csv');
  // A file pattern with a folder in it is refused beside its field, and nothing is saved.
  await form.getByRole('textbox', { name: 'File pattern', exact: true }).fill('exports/employees-*.csv');
  await form.getByTestId('source-save').click();
  await expect(form.getByRole('textbox', { name: 'File pattern', exact: true })).toHaveAttribute('aria-invalid', 'true');
  await form.getByRole('textbox', { name: 'File pattern', exact: true }).fill('employees-*.csv');
  // The staff number column fills the external ID.
  await form.getByTestId('source-add-column').click();
  const column = form.getByTestId('source-mapping-row');
  await column.getByRole('textbox', { name: 'Header in the file', exact: true }).fill('Personeelsnummer');
  await column.getByRole('combobox', { name: 'Field', exact: true }).click();
  await page.getByRole('option', { name: 'External ID', exact: true }).click();
  await form.getByTestId('source-save').click();
  await expect(page.getByText('Source HR export saved.')).toBeVisible();
  await expect(form).toBeHidden();

  const row = page.getByTestId('import-source');
  await expect(row).toHaveCount(1);
  await expect(row).toContainText('hr@127.0.0.1');
  await expect(row).toContainText('Never ran');
  await row.getByRole('button', { name: 'Run now' }).click();
  await expect(page.getByText('Run finished: 3 created, 0 updated, 1 rows rejected.')).toBeVisible();
  await expect(row.getByTestId('source-run-status')).toHaveText('Succeeded');
  await expect(row.getByTestId('source-run-counts')).toContainText('3 created');
  await expect(row.getByTestId('source-run-counts')).toContainText('1 row rejected');
  await expectNoSeriousA11yViolations(page, 'Employee files');

  await row.getByRole('button', { name: 'Runs' }).click();
  const runs = page.getByRole('dialog', { name: 'Runs of HR export' });
  await expect(runs.getByTestId('source-run')).toHaveCount(1);
  await expect(runs.getByTestId('source-run')).toContainText('employees-2026-11-27.csv');
  await expect(runs.getByTestId('source-run')).toContainText('Run by hand');
  await expect(runs.getByTestId('source-run-rejected')).toContainText('Row 4:');
  const download = page.waitForEvent('download');
  await runs.getByRole('button', { name: 'Download the rejected rows (CSV)' }).click();
  const file = await download;
  expect(file.suggestedFilename()).toMatch(/^roster-rejected-rows-\d{4}-\d{2}-\d{2}\.csv$/);
  const csv = readFileSync(await file.path(), 'utf8');
  expect(csv.startsWith('\uFEFF')).toBe(true);
  expect(csv).toContain('not an email');
  expect(csv).not.toContain('anna.peeters@hr.example');
  await page.screenshot({ path: testInfo.outputPath('sources-runs-en.png') });
  await runs.getByRole('button', { name: 'Close' }).click();

  // The source pinned the SFTP server's host key on its first connection: the form shows it for comparison.
  await row.getByRole('button', { name: 'Edit' }).click();
  const edit = page.getByRole('dialog', { name: 'Change HR export' });
  await expect(edit.getByTestId('source-host-key')).toHaveValue(sftp.fingerprint());
  await expect(edit.getByText('One is kept. Leave empty to keep it.')).toBeVisible();
  await page.keyboard.press('Escape');
  await expect(edit).toBeHidden();
  // The file went to the archive folder on the SFTP server.
  expect(readFileSync(join(root, 'exports', 'archive', 'employees-2026-11-27.csv'), 'utf8')).toContain('Anna;Peeters');

  // A source whose password is wrong: its run fails, and the console says why in its own words, the server's details beneath.
  await page.getByTestId('source-add').click();
  const second = page.getByRole('dialog', { name: 'Add a source' });
  await second.getByRole('textbox', { name: 'Name', exact: true }).fill('Old password');
  await second.getByRole('textbox', { name: 'Host', exact: true }).fill('127.0.0.1');
  await second.getByRole('textbox', { name: 'Port', exact: true }).fill(String(sftp.port));
  await second.getByRole('textbox', { name: 'User name', exact: true }).fill('hr');
  await second.getByLabel('Password', { exact: true }).fill('not-the-password');
  await second.getByRole('textbox', { name: 'Folder', exact: true }).fill(LONG_FOLDER);
  await second.getByTestId('source-save').click();
  await expect(second).toBeHidden();
  const failing = page.getByTestId('import-source').filter({ hasText: 'Old password' });
  // A long folder stays on one line, cut with an ellipsis, the whole path in its tooltip.
  const folder = failing.getByTestId('source-folder');
  await expect(folder).toHaveAttribute('title', LONG_FOLDER);
  const shape = await folder.evaluate((el) => ({ cut: el.scrollWidth > el.clientWidth, lines: Math.round(el.getBoundingClientRect().height / parseFloat(getComputedStyle(el).lineHeight)), overflow: getComputedStyle(el).textOverflow }));
  expect(shape).toEqual({ cut: true, lines: 1, overflow: 'ellipsis' });
  await failing.getByRole('button', { name: 'Run now' }).click();
  await expect(page.getByText('The run failed: The SFTP server refused the user name and password or key.')).toBeVisible();
  await expect(failing.getByTestId('source-run-status')).toHaveText('Failed');
  await failing.getByRole('button', { name: 'Runs' }).click();
  const failed = page.getByRole('dialog', { name: 'Runs of Old password' });
  await expect(failed.getByTestId('source-run-error')).toContainText('The SFTP server refused the user name and password or key.');
  await expect(failed.getByTestId('source-run-error')).toContainText('refused to sign in as "hr"');
  await failed.getByRole('button', { name: 'Close' }).click();

  const t = await wordsFor('en');
  await page.getByTestId('status-bar').getByRole('button', { name: t('sync.status.syncNow') }).click();
  await page.getByRole('navigation').getByText(t('common.nav.profiles'), { exact: true }).click();
  const people = page.getByTestId('profile-row');
  await expect(people).toHaveCount(3);
  await page.getByTestId('filter-source').click();
  await page.getByRole('option', { name: t('profiles.list.facet', { label: t('profiles.source.import_source'), n: '3' }) }).click();
  await expect(people).toHaveCount(3);
  await expect(people.filter({ hasText: 'anna.peeters@hr.example' }).getByTestId('source-badge')).toHaveText(t('profiles.source.badge.import_source'));
  // The column mapped by hand filled the external ID.
  await expect(people.filter({ hasText: 'bart.maes@hr.example' })).toContainText('P-002');
  await people.filter({ hasText: 'bart.maes@hr.example' }).click();
  await expect(page.getByTestId('profile-source')).toHaveText(t('profiles.source.createdBy.import_source'));

  await inEveryLanguage(browser, roster.host.launchUrl, { viewport: { width: 1400, height: 900 } }, async ({ page: other, language, t: w }) => {
    await nav(other, w('org.nav.importSources'));
    const listed = other.getByTestId('import-source').filter({ hasText: 'HR export' });
    await expect(listed.getByTestId('source-run-status')).toHaveText(w('org.sources.status.succeeded'));
    await other.screenshot({ path: testInfo.outputPath(`sources-${language}.png`) });
    // The failed run's problem in the reader's language.
    await other.getByTestId('import-source').filter({ hasText: 'Old password' }).getByRole('button', { name: w('org.sources.list.runs') }).click();
    await expect(other.getByTestId('source-run-error')).toContainText(w('org.sources.problem.sign_in_refused'));
    await other.screenshot({ path: testInfo.outputPath(`sources-failed-${language}.png`) });
    await other.keyboard.press('Escape');
    await listed.getByRole('button', { name: w('org.sources.list.runs') }).click();
    const runsDialog = other.getByRole('dialog', { name: w('org.sources.runs.title', { name: 'HR export' }) });
    await expect(runsDialog.getByTestId('source-run')).toHaveCount(1);
    // The rejected row's reason in the reader's language (the rules' English is the templates themselves).
    if (language !== 'en') await expect(runsDialog.getByTestId('source-run-rejected')).toContainText(w('rules.email_invalid', { value: 'not an email' }));
    await other.screenshot({ path: testInfo.outputPath(`sources-runs-${language}.png`) });
    await other.keyboard.press('Escape');
    await listed.getByRole('button', { name: w('org.sources.list.edit') }).click();
    await expect(other.getByRole('dialog', { name: w('org.sources.form.editTitle', { name: 'HR export' }) })).toBeVisible();
    await other.screenshot({ path: testInfo.outputPath(`sources-form-${language}.png`) });
    // The lower half of the form: mode, schedule and the column mapped by hand.
    await other.getByTestId('source-mapping-row').scrollIntoViewIfNeeded();
    await expect(other.getByTestId('source-mapping-row').getByRole('combobox')).toHaveValue(w('import.fields.externalId'));
    await other.screenshot({ path: testInfo.outputPath(`sources-form-columns-${language}.png`) });
  });

  // The rejected rows downloaded in French: its headers and reason in French, with Excel's semicolon; the file's own cells as they were.
  const fr = await wordsFor('fr');
  const french = await browser.newContext({ locale: 'fr-BE', viewport: { width: 1400, height: 900 } });
  const reader = await french.newPage();
  await reader.goto(roster.host.launchUrl);
  await nav(reader, fr('org.nav.importSources'));
  await reader.getByTestId('import-source').filter({ hasText: 'HR export' }).getByRole('button', { name: fr('org.sources.list.runs') }).click();
  const frenchDownload = reader.waitForEvent('download');
  await reader.getByRole('button', { name: fr('org.sources.runs.download') }).click();
  const frenchCsv = readFileSync(await (await frenchDownload).path(), 'utf8').split('\r\n');
  expect(frenchCsv[0]).toBe(`\uFEFF${fr('org.sources.runs.csvRow')};First name;Last name;Email;Personeelsnummer;${fr('org.sources.runs.csvReasons')}`);
  expect(frenchCsv[1]).toBe(`4;Chloé;Dubois;not an email;P-003;${fr('rules.email_invalid', { value: 'not an email' })}`);
  await french.close();
});
