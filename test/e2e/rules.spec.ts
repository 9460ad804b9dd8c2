import { expect, test } from '@playwright/test';
import type { Browser, Page } from '@playwright/test';
import { expectNoSeriousA11yViolations } from './support/a11y';
import { makeDataDir, removeDataDir, startConsoleHost } from './support/console-host';
import type { ConsoleHost } from './support/console-host';
import { ProfilesPage } from './support/pages';
import { apiCall, createE2eServer } from './support/roster-server';
import type { E2eServer } from './support/roster-server';
import { ServerPage, StatusBar } from './support/sync-pages';

/**
 * Issue 14's rules in the console, against a real server: the owner defines
 * "Night shift → Car park B"; a profile created with the tag shows the
 * grant and the rule that gave it; a profile made before the rule gets it
 * by an explicit apply (previewed, confirmed), and the apply is undone.
 * Offline, a change of the rule waits in the console (applying needs the
 * server) and goes with the next sync. Deleting the rule asks first and
 * says who keeps what it gave.
 * The Rules page, its editor, the preview, the applies and the deletion are shot in
 * English, French, Dutch and Spanish.
 */

let server: E2eServer;
let host: ConsoleHost;

test.beforeEach(async () => {
  server = await createE2eServer({ organisationName: 'Acme Parking' });
  host = await startConsoleHost(makeDataDir());
});

test.afterEach(async () => {
  await host.stop();
  removeDataDir(host.dataDir);
  await server.dispose();
});

async function openRules(page: Page, nav = 'Rules', heading = 'Assignment rules'): Promise<void> {
  await page.getByRole('navigation').getByText(nav, { exact: true }).click();
  await expect(page.getByRole('heading', { level: 2, name: heading })).toBeVisible();
}

/** The Rules page, its editor, the preview and the applies, in another language (the browser's picks the console's). */
async function shootIn(browser: Browser, lang: string, locale: string, words: { nav: string; heading: string }): Promise<void> {
  const context = await browser.newContext({ locale, viewport: { width: 1280, height: 860 } });
  const page = await context.newPage();
  await page.goto(host.launchUrl);
  await openRules(page, words.nav, words.heading);
  await expect(page.getByTestId('apply')).toHaveCount(1);
  await page.screenshot({ path: test.info().outputPath(`rules-${lang}.png`), fullPage: true });
  const row = page.getByTestId('rule').first();
  await row.getByRole('button').nth(2).click();
  await page.getByRole('dialog').waitFor();
  await page.screenshot({ path: test.info().outputPath(`editor-${lang}.png`) });
  await page.keyboard.press('Escape');
  await expect(page.getByRole('dialog')).toBeHidden();
  await row.getByRole('button').nth(3).click();
  await expect(page.getByTestId('preview-count')).toBeVisible();
  await page.screenshot({ path: test.info().outputPath(`preview-${lang}.png`) });
  await page.keyboard.press('Escape');
  await expect(page.getByRole('dialog')).toBeHidden();
  await row.getByRole('button').nth(4).click();
  await expect(page.getByTestId('rule-holders')).toContainText('1');
  await page.screenshot({ path: test.info().outputPath(`delete-${lang}.png`) });
  await context.close();
}

test('a rule defined in the console grants on creation and shows which rule gave it; applied to existing profiles and undone; shot in four languages', async ({ page, browser }) => {
  test.setTimeout(180_000);
  await page.setViewportSize({ width: 1280, height: 860 });
  await page.goto(host.launchUrl);
  await new ServerPage(page).signIn(server.url, server.owner.email, server.owner.password);

  await page.getByRole('navigation').getByText('Catalogues', { exact: true }).click();
  await page.getByRole('button', { name: 'Add an access right' }).click();
  const entry = page.getByRole('dialog', { name: 'Add an access right' });
  await entry.getByRole('textbox', { name: 'Code' }).fill('CAR-B');
  await entry.getByRole('textbox', { name: 'Name' }).fill('Car park B');
  await entry.getByRole('button', { name: 'Save' }).click();
  await expect(entry).toBeHidden();

  // A profile made before the rule: only an apply gives it the grant.
  const profiles = new ProfilesPage(page);
  await profiles.goto();
  let form = await profiles.openNew();
  await form.fill({ firstName: 'Bram', lastName: 'Peeters', email: 'bram.peeters@example.be', tags: ['night-shift'] });
  await form.submit();
  await expect(page.getByRole('heading', { name: 'Bram Peeters' })).toBeVisible();
  await new StatusBar(page).syncNow();

  await openRules(page);
  await expect(page.getByTestId('rules-empty')).toBeVisible();
  await page.getByRole('button', { name: 'Add a rule' }).click();
  const editor = page.getByRole('dialog', { name: 'Add a rule' });
  await editor.getByRole('textbox', { name: 'Name' }).fill('Night shift');
  await editor.getByRole('button', { name: 'Add a condition' }).click();
  await editor.getByRole('textbox', { name: 'Value' }).fill('night-shift');
  // A second condition, turned to the email domain (its value starts afresh with that hint), then taken out again.
  await editor.getByRole('button', { name: 'Add a condition' }).click();
  const second = editor.getByTestId('rule-condition').nth(1);
  await second.getByRole('textbox', { name: 'Value' }).fill('left over');
  await second.getByRole('combobox', { name: 'Condition on' }).click();
  await page.getByRole('option', { name: 'Email domain', exact: true }).click();
  await expect(second.getByRole('textbox', { name: 'Value' })).toHaveValue('');
  await expect(second.getByRole('textbox', { name: 'Value' })).toHaveAttribute('placeholder', 'A domain, e.g. example.com');
  await second.getByRole('button', { name: 'Remove this condition' }).click();
  await expect(editor.getByTestId('rule-condition')).toHaveCount(1);
  await expect(editor.getByRole('textbox', { name: 'Value' })).toHaveValue('night-shift');
  await editor.getByRole('combobox', { name: 'Entries to grant' }).click();
  await page.getByRole('option', { name: 'Car park B' }).click();
  await page.keyboard.press('Escape');
  await expectNoSeriousA11yViolations(page, 'Rules · editor');
  await editor.getByRole('button', { name: 'Save rule' }).click();

  // Saving shows what applying would change; applying is its own, confirmed step.
  const preview = page.getByRole('dialog', { name: '“Night shift” and the existing profiles' });
  await expect(preview.getByTestId('preview-count')).toHaveText('Saved. Applied now, this rule would change 1 of the 1 existing profiles.');
  await expect(preview.getByTestId('preview-sample')).toContainText('Bram Peeters');
  await expect(preview.getByTestId('preview-sample')).toContainText('Access rights: Car park B');
  await preview.getByRole('button', { name: 'Not now' }).click();
  await expect(page.getByTestId('rule')).toHaveText([/Night shift.*Tags: night-shift.*Access rights: Car park B/]);

  // A new profile with the tag gets the grant at once, and says which rule gave it.
  await profiles.goto();
  form = await profiles.openNew();
  await form.fill({ firstName: 'Ann', lastName: 'Claes', email: 'ann.claes@example.be', tags: ['night-shift'] });
  await form.submit();
  await expect(page.getByRole('heading', { name: 'Ann Claes' })).toBeVisible();
  const details = page.getByTestId('profile-details');
  await expect(details.locator('[data-field="accessRights"]')).toContainText('Car park B');
  await expect(details.getByTestId('granted-by')).toHaveText('granted by rule “Night shift”');
  await new StatusBar(page).syncNow();

  // Applied to the existing profiles: Bram gets it; then undone.
  await openRules(page);
  await page.getByTestId('rule').getByRole('button', { name: 'Apply…' }).click();
  const apply = page.getByRole('dialog', { name: '“Night shift” and the existing profiles' });
  await expect(apply.getByTestId('preview-count')).toContainText('would change 1 of the 2 existing profiles');
  await apply.getByRole('button', { name: 'Apply to existing profiles…' }).click();
  await expect(apply.getByTestId('apply-confirm')).toHaveText('“Night shift” will change 1 existing profile. You can undo this from the list of applies.');
  await expectNoSeriousA11yViolations(page, 'Rules · confirming an apply');
  await apply.getByRole('button', { name: 'Change 1 profile' }).click();
  await expect(apply).toBeHidden();
  await expect(page.getByTestId('apply')).toContainText('Applied to 1 profile');
  await new StatusBar(page).syncNow();
  await profiles.goto();
  await profiles.row('Bram').click();
  await expect(page.getByTestId('profile-details').getByTestId('granted-by')).toHaveText('granted by rule “Night shift”');

  await openRules(page);
  await page.screenshot({ path: test.info().outputPath(`rules-en.png`), fullPage: true });
  await page.getByTestId('rule').getByRole('button', { name: 'Apply…' }).click();
  await expect(page.getByTestId('preview-count')).toBeVisible();
  await page.screenshot({ path: test.info().outputPath(`preview-en.png`) });
  await page.getByRole('button', { name: 'Not now' }).click();
  await page.getByTestId('rule').getByRole('button', { name: 'Edit' }).click();
  await page.getByRole('dialog', { name: 'Edit “Night shift”' }).waitFor();
  await page.screenshot({ path: test.info().outputPath(`editor-en.png`) });
  await page.keyboard.press('Escape');

  await page.getByTestId('apply').getByRole('button', { name: 'Undo' }).click();
  await expect(page.getByTestId('apply')).toContainText('Undone');
  await page.screenshot({ path: test.info().outputPath(`applies-en.png`), fullPage: true });
  await new StatusBar(page).syncNow();
  await profiles.goto();
  await profiles.row('Bram').click();
  await expect(page.getByTestId('profile-details').getByTestId('granted-by')).toHaveCount(0);

  await shootIn(browser, 'fr', 'fr-BE', { nav: 'Règles', heading: 'Règles d’attribution' });
  await shootIn(browser, 'nl', 'nl-BE', { nav: 'Regels', heading: 'Toewijzingsregels' });
  await shootIn(browser, 'es', 'es-ES', { nav: 'Reglas', heading: 'Reglas de asignación' });

  // Offline: the page says writes wait here for the next sync; applying to existing profiles needs the server.
  await page.getByTestId('status-bar').getByRole('switch', { name: 'Work offline' }).click();
  await openRules(page);
  await expect(page.getByTestId('rules-blocked')).toContainText('Roster is set to work offline.');
  await expect(page.getByRole('button', { name: 'Add a rule' })).toBeEnabled();
  await expect(page.getByTestId('rule').getByRole('button', { name: 'Edit' })).toBeEnabled();
  await expect(page.getByTestId('rule').getByRole('button', { name: 'Apply…' })).toBeDisabled();
  // Switched off and on again offline: one change waits, shown on the rule and counted in the status bar.
  // (by keyboard: the switch's own input sits under its track)
  const enabled = page.getByRole('switch', { name: 'Enable “Night shift”' });
  await enabled.focus();
  await page.keyboard.press('Space');
  await expect(enabled).not.toBeChecked();
  await expect(page.getByTestId('rule-pending')).toHaveText('Waiting to sync');
  await page.keyboard.press('Space');
  await expect(enabled).toBeChecked();
  await expect(page.getByTestId('status-bar')).toContainText('1 change waiting');
  // The applies history lives on the server: offline it says so, never "none yet".
  await expect(page.getByTestId('applies-unavailable')).toHaveText('The history of applies is kept on the server: it shows here while the server can be reached.');
  await expect(page.getByTestId('applies-empty')).toHaveCount(0);
  await page.screenshot({ path: test.info().outputPath(`offline-en.png`), fullPage: true });

  // Meanwhile another admin renames the rule on the server and switches it off.
  const session = await apiCall<{ token: string }>(server, 'POST', '/api/v1/auth/sign-in', { email: server.owner.email, password: server.owner.password });
  const onServer = (await apiCall<{ rules: { id: string; version: number }[] }>(server, 'GET', '/api/v1/rules', undefined, session.token)).rules[0];
  expect(onServer).toBeDefined();
  await apiCall(server, 'PATCH', `/api/v1/rules/${onServer?.id ?? ''}`, { baseVersion: onServer?.version, draft: { name: 'Night shift (all sites)', enabled: false } }, session.token);

  // Back online: my change meets theirs and waits, mine beside theirs for the fields that differ only.
  await page.getByTestId('status-bar').getByRole('switch', { name: 'Work offline' }).click();
  await expect(page.getByTestId('rules-blocked')).toHaveCount(0);
  await new StatusBar(page).syncNow();
  const ruleChanges = page.getByTestId('rule-changes');
  await expect(ruleChanges.getByTestId('rule-change')).toContainText('“Night shift” was changed on the server by someone else after you changed it here.');
  const versions = ruleChanges.getByTestId('change-versions');
  await expect(versions.locator('[data-field="name"] td')).toHaveText(['Name', 'Night shift', 'Night shift (all sites)']);
  await expect(versions.locator('[data-field="enabled"] td')).toHaveText(['Enabled', 'Enabled', 'Disabled']);
  await expect(versions.locator('[data-field="conditions"], [data-field="actions"]')).toHaveCount(0);
  await expect(page.getByTestId('rule-pending')).toHaveText('Changed on the server too');
  await expectNoSeriousA11yViolations(page, 'Rules · a change in conflict');

  // Counted with the conflicts, and waiting on the Conflicts page too, with the way back to the rules.
  await expect(page.getByTestId('sync-conflicts')).toHaveText('1 conflict to review');
  await page.getByRole('navigation').getByRole('button', { name: /^Conflicts/ }).click();
  await expect(page.getByRole('heading', { level: 2, name: 'Conflicts' })).toBeVisible();
  const waiting = page.getByTestId('offline-changes');
  await expect(waiting.getByRole('heading', { name: 'Catalogue entries and rules' })).toBeVisible();
  await expect(waiting.getByTestId('catalogue-changes')).toHaveCount(0);
  await expect(waiting.getByTestId('rule-change')).toContainText('Rule');
  await expect(waiting.getByTestId('change-versions').locator('[data-field="name"] td')).toHaveText(['Name', 'Night shift', 'Night shift (all sites)']);
  await expect(waiting.getByRole('button', { name: 'Take the server’s' })).toBeVisible();
  await page.screenshot({ path: test.info().outputPath('conflicts-rule-en.png'), fullPage: true });
  await expectNoSeriousA11yViolations(page, 'Conflicts · a rule change in conflict');
  await waiting.getByRole('button', { name: 'Open the Rules page' }).click();
  await expect(page.getByRole('heading', { level: 2, name: 'Assignment rules' })).toBeVisible();
  // Keep mine: it goes over theirs with the next sync.
  await ruleChanges.getByRole('button', { name: 'Keep mine' }).click();
  await expect(ruleChanges).toBeHidden();
  await new StatusBar(page).syncNow();
  await expect(page.getByTestId('rule-pending')).toHaveCount(0);
  await expect(page.getByTestId('sync-conflicts')).toHaveCount(0);
  const kept = (await apiCall<{ rules: { name: string; enabled: boolean }[] }>(server, 'GET', '/api/v1/rules', undefined, session.token)).rules;
  expect(kept.map((r) => [r.name, r.enabled])).toEqual([['Night shift', true]]);

  // Deleting asks first, and says who holds what the rule gave: they keep it.
  await page.getByTestId('rule').getByRole('button', { name: 'Delete “Night shift”' }).click();
  const remove = page.getByRole('dialog', { name: 'Delete the rule “Night shift”?' });
  await expect(remove.getByTestId('rule-holders')).toHaveText('1 profile holds a value this rule gave. It keeps it: deleting a rule takes nothing away from anyone.');
  await expectNoSeriousA11yViolations(page, 'Rules · deleting a rule');
  await page.screenshot({ path: test.info().outputPath(`delete-en.png`) });
  await remove.getByRole('button', { name: 'Delete the rule' }).click();
  await expect(remove).toBeHidden();
  await expect(page.getByTestId('rules-empty')).toBeVisible();
  await profiles.goto();
  await profiles.row('Ann').click();
  await expect(page.getByTestId('profile-details').locator('[data-field="accessRights"]')).toContainText('Car park B');
});
