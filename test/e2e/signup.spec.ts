import type { Page } from '@playwright/test';
import { decodeQr } from '../support/qr';
import { expectNoSeriousA11yViolations } from './support/a11y';
import { expect, test } from './support/fixtures';
import { createE2eServer } from './support/roster-server';
import type { E2eServer } from './support/roster-server';
import { ServerPage } from './support/sync-pages';
import { inEveryLanguage } from './support/languages';

/**
 * Self sign-up in the console (issue 15), against a real server: the owner
 * opens sign-up for one email domain; the page lists the organisation's link
 * and the Sales department's, whose QR codes (read back by a QR decoder)
 * carry those links; the link opens the server's sign-up page; printing
 * shows only the sheet, one page per link. Then the page in French, Dutch and
 * Spanish (pictures in the test's output).
 */

let server: E2eServer;

test.beforeEach(async () => {
  server = await createE2eServer({ organisationName: 'Acme Parking' });
});

test.afterEach(async () => {
  await server.dispose();
});

/** A department made over the API, as the owner. */
async function department(name: string): Promise<string> {
  const post = async (path: string, body: unknown, token?: string): Promise<{ data: Record<string, unknown> }> => {
    const response = await fetch(`${server.url}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token === undefined ? {} : { authorization: `Bearer ${token}` }) },
      body: JSON.stringify(body),
    });
    expect(response.status, `${path}: ${response.status}`).toBe(200);
    return (await response.json()) as { data: Record<string, unknown> };
  };
  const session = await post('/api/v1/auth/sign-in', { email: server.owner.email, password: server.owner.password });
  const made = await post('/api/v1/catalogues', { kind: 'department', draft: { code: name.toUpperCase().slice(0, 6), name } }, String(session.data.token));
  return String(made.data.id);
}

async function nav(page: Page, name: string): Promise<void> {
  await page.getByRole('navigation').getByText(name, { exact: true }).click();
  await expect(page.getByRole('heading', { level: 2, name })).toBeVisible();
}

test('the owner opens self sign-up; the links and their QR codes lead to the sign-up page, and the printed sheet has one page per link', async ({ page, browser, roster }, testInfo) => {
  test.setTimeout(180_000);
  const sales = await department('Sales');
  await page.goto(roster.host.launchUrl);
  await new ServerPage(page).signIn(server.url, server.owner.email, server.owner.password);

  await nav(page, 'Self sign-up');
  await expect(page.getByTestId('signup-closed')).toBeVisible();
  await page.getByRole('switch', { name: 'Self sign-up is open' }).check();
  const domains = page.getByRole('textbox', { name: 'Allowed email domains' });
  // A domain the server refuses is said under the field, and nothing is saved.
  await domains.fill('not a domain');
  await page.getByRole('button', { name: 'Save', exact: true }).click();
  await expect(page.getByText('Self sign-up settings saved.')).toBeHidden();
  await expect(domains).toHaveAttribute('aria-invalid', 'true');
  // The owner's form has no read-only note, and a refusal its field shows is not said twice.
  await expect(page.getByTestId('signup-read-only')).toHaveCount(0);
  await expect(page.getByTestId('signup-error')).toHaveCount(0);
  await domains.fill('example.org');
  await page.getByRole('button', { name: 'Save', exact: true }).click();
  await expect(page.getByText('Self sign-up settings saved.')).toBeVisible();
  await expect(page.getByTestId('signup-closed')).toBeHidden();

  const cards = page.getByTestId('signup-link');
  await expect(cards).toHaveCount(2);
  const organisationUrl = `${server.url}/o/${server.owner.organisationId}/sign-up`;
  const salesUrl = `${organisationUrl}?department=${sales}`;
  await expect(cards.nth(0)).toContainText('Whole organisation');
  await expect(cards.nth(0).getByTestId('signup-link-url')).toHaveValue(organisationUrl);
  await expect(cards.nth(1)).toContainText('Sales');
  await expect(cards.nth(1).getByTestId('signup-link-url')).toHaveValue(salesUrl);
  const qr = cards.nth(1).getByRole('img', { name: 'QR code of the sign-up link for Sales' });
  expect(decodeQr(String(await qr.getAttribute('src')))).toBe(salesUrl);
  await expectNoSeriousA11yViolations(page, 'Self sign-up');

  const download = page.waitForEvent('download');
  await cards.nth(1).getByRole('button', { name: 'Download the QR code' }).click();
  expect((await download).suggestedFilename()).toBe('roster-sign-up-sales.png');

  // Printing shows the sheet alone: one page per link, the app hidden.
  await page.emulateMedia({ media: 'print' });
  const sheet = page.getByTestId('signup-sheet');
  await expect(sheet).toBeVisible();
  await expect(sheet.locator('section')).toHaveCount(2);
  await expect(sheet.locator('section').nth(1)).toContainText('Join Acme Parking');
  await expect(sheet.locator('section').nth(1)).toContainText(salesUrl);
  await expect(page.getByRole('navigation')).toBeHidden();
  await page.screenshot({ path: testInfo.outputPath('signup-sheet-en.png'), fullPage: true });
  await page.emulateMedia({ media: 'screen' });
  await expect(sheet).toBeHidden();

  // The department's link opens the server's sign-up page, which sets the department.
  const visitor = await browser.newPage();
  await visitor.goto(salesUrl);
  await expect(visitor.getByRole('heading', { level: 1 })).toContainText('Acme Parking');
  await expect(visitor.locator(`[data-department="${sales}"]`)).toContainText('Sales');
  await visitor.close();

  await inEveryLanguage(browser, roster.host.launchUrl, { viewport: { width: 1400, height: 900 } }, async ({ page: other, language, t }) => {
    await nav(other, t('org.nav.signup'));
    await expect(other.getByTestId('signup-link')).toHaveCount(2);
    await expect(other.getByRole('switch', { name: t('org.signup.enabled') })).toBeChecked();
    await other.screenshot({ path: testInfo.outputPath(`signup-${language}.png`), fullPage: true });
    await other.emulateMedia({ media: 'print' });
    await expect(other.getByTestId('signup-sheet')).toContainText(t('org.signup.sheetHow'));
    await other.screenshot({ path: testInfo.outputPath(`signup-sheet-${language}.png`), fullPage: true });
  });
});
