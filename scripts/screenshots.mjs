#!/usr/bin/env node
// `npm run screenshots`: the README's pictures of the main screens, taken from
// the e2e setup so they stay current. It builds the console, seeds a lifelike
// directory (test/e2e/support/showcase.ts), starts a Roster server and a
// second console to make a real sync conflict, imports the HR export fixture,
// and saves PNGs of Profiles, the import's column mapping and review, the
// Dashboard, Conflicts and the Server page (its sync log) to docs/screenshots/
// (English) and docs/screenshots/<language>/. Run by tsx (the e2e helpers are
// TypeScript). ROSTER_SCREENSHOT_LANGUAGES (default "en,fr"; English always
// comes first) and ROSTER_SCREENSHOT_DIR take them in other languages or
// elsewhere, e.g. all four console languages into a scratch folder to look at.
import { existsSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium } from '@playwright/test';
import { makeDataDir, removeDataDir, startConsoleHost } from '../test/e2e/support/console-host.ts';
import { ImportPage } from '../test/e2e/support/import-page.ts';
import { ProfilesPage } from '../test/e2e/support/pages.ts';
import { createE2eServer } from '../test/e2e/support/roster-server.ts';
import { seedShowcase } from '../test/e2e/support/showcase.ts';
import { ServerPage, StatusBar } from '../test/e2e/support/sync-pages.ts';
import { wordsFor } from '../test/e2e/support/words.ts';

const root = resolve(import.meta.dirname, '..');
const out = process.env.ROSTER_SCREENSHOT_DIR || join(root, 'docs', 'screenshots');
const LOCALES = { fr: 'fr-BE', nl: 'nl-BE', es: 'es-ES' };
const others = (process.env.ROSTER_SCREENSHOT_LANGUAGES || 'en,fr').split(',').map((l) => l.trim()).filter((l) => l !== 'en' && l !== '');
for (const l of others) if (!(l in LOCALES)) throw new Error(`No console language "${l}" (use ${Object.keys(LOCALES).join(', ')})`);
const HR_EXPORT = join(root, 'test', 'fixtures', 'import', 'hr-export.xlsx');
const VIEWPORT = { width: 1400, height: 900 };
const chromiumPath = [process.env.ROSTER_CHROMIUM, '/usr/bin/chromium', '/usr/bin/chromium-browser'].find((p) => p !== undefined && p !== '' && existsSync(p));
const say = (message) => console.log(`[screenshots] ${message}`);

/** The page at rest: no toast over it, no hover, nothing moving, then the picture. */
async function shoot(page, name, language) {
  for (const close of await page.locator('.mantine-Notification-closeButton').all()) await close.click().catch(() => undefined);
  await page.locator('.mantine-Notification-root').first().waitFor({ state: 'detached', timeout: 5_000 }).catch(() => undefined);
  await page.mouse.move(1, 1);
  await page.evaluate(async () => {
    // In the page: its animations (a fading dialog, a menu opening) finish; endless ones (spinners) are not waited for.
    const finite = globalThis.document.getAnimations().filter((a) => Number.isFinite(a.effect?.getComputedTiming().iterations));
    await Promise.all(finite.map((a) => a.finished.catch(() => undefined)));
  });
  const dir = language === 'en' ? out : join(out, language);
  mkdirSync(dir, { recursive: true });
  const path = join(dir, `${name}.png`);
  await page.screenshot({ path });
  say(`${path.slice(root.length + 1)}`);
}

async function nav(page, t, key) {
  await page.getByRole('navigation').getByText(t(key), { exact: true }).click();
}

/** Console B makes an edit the server takes first; console A edits the same profile after: A has a conflict to review. */
async function makeConflict(pageA, pageB, server) {
  for (const page of [pageA, pageB]) await new ServerPage(page).signIn(server.url, server.owner.email, server.owner.password);
  const profilesB = new ProfilesPage(pageB);
  await profilesB.goto();
  const form = await profilesB.openNew();
  await form.fill({ firstName: 'Lotte', lastName: 'Vermeulen', email: 'lotte.vermeulen@horta-facilities.be', externalId: 'HR-1301' });
  await form.submit();
  await pageB.getByRole('heading', { name: 'Lotte Vermeulen' }).waitFor();
  await new StatusBar(pageB).syncNow();
  const profilesA = new ProfilesPage(pageA);
  await profilesA.goto();
  await new StatusBar(pageA).syncNow();
  await profilesA.row('Lotte Vermeulen').waitFor();

  await pageB.getByRole('button', { name: 'Edit', exact: true }).click();
  await form.field('Last name').fill('Vermeulen-Claes');
  await form.submit('Save changes');
  await pageB.getByRole('heading', { name: 'Lotte Vermeulen-Claes' }).waitFor();
  await new StatusBar(pageB).syncNow();

  await profilesA.row('Lotte Vermeulen').click();
  await pageA.getByRole('button', { name: 'Edit', exact: true }).click();
  await pageA.getByRole('textbox', { name: 'Last name', exact: true }).fill('Vermeulen-Jacobs');
  await pageA.getByRole('textbox', { name: 'External ID', exact: true }).fill('HR-1302');
  await pageA.getByRole('button', { name: 'Save changes' }).click();
  await pageA.getByRole('heading', { name: 'Lotte Vermeulen-Jacobs' }).waitFor();
  await new StatusBar(pageA).syncNow();
  await pageA.getByTestId('sync-conflicts').waitFor();
}

/** The import of the HR export up to its review: the mapping and the review pictures, a row's details open. */
async function importPictures(page, t, language) {
  const imp = new ImportPage(page);
  await nav(page, t, 'common.nav.import');
  if (await page.getByTestId('import-start-over').isVisible()) await page.getByTestId('import-start-over').click();
  await imp.drop(HR_EXPORT);
  await imp.step('sheet').waitFor();
  await page.getByRole('button', { name: t('import.next.sheet') }).click();
  await imp.step('mapping').waitFor();
  await shoot(page, 'import-mapping', language);
  await page.getByRole('button', { name: t('import.next.mapping') }).click();
  await page.getByRole('button', { name: t('import.next.values') }).click();
  await imp.step('review').waitFor();
  await imp.rows().nth(4).waitFor();
  await imp.row(7).getByTestId('row-status').click();
  await page.getByTestId('row-details').waitFor();
  await shoot(page, 'import-review', language);
}

const server = await createE2eServer({ organisationName: 'Horta Facilities' });
const dirA = makeDataDir();
seedShowcase(dirA);
const hostA = await startConsoleHost(dirA);
const hostB = await startConsoleHost(makeDataDir());
const browser = await chromium.launch({
  ...(chromiumPath === undefined ? {} : { executablePath: chromiumPath }),
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
});
try {
  const en = await wordsFor('en');
  const contextA = await browser.newContext({ locale: 'en-GB', viewport: VIEWPORT });
  const contextB = await browser.newContext({ locale: 'en-GB', viewport: VIEWPORT });
  const pageA = await contextA.newPage();
  const pageB = await contextB.newPage();
  await pageA.goto(hostA.launchUrl);
  await pageB.goto(hostB.launchUrl);
  say('a sync conflict between two consoles…');
  await makeConflict(pageA, pageB, server);

  const languages = [[pageA, en, 'en']];
  for (const language of others) {
    const page = await (await browser.newContext({ locale: LOCALES[language], viewport: VIEWPORT })).newPage();
    await page.goto(hostA.launchUrl);
    await page.getByRole('heading', { level: 2 }).first().waitFor();
    languages.push([page, await wordsFor(language), language]);
  }

  // The directory and the conflict, then the import up to its review (each page its own import), before anything is imported.
  for (const [page, t, language] of languages) {
    say(language);
    await nav(page, t, 'common.nav.profiles');
    await new ProfilesPage(page).rows().nth(10).waitFor();
    await shoot(page, 'profiles', language);
    await nav(page, t, 'common.nav.conflicts');
    await page.getByTestId('conflict').waitFor();
    await shoot(page, 'conflicts', language);
    await importPictures(page, t, language);
  }

  // The English import goes through; the Dashboard shows it as the last import.
  for (const [page, , language] of languages) if (language !== 'en') await page.getByTestId('import-start-over').click();
  const imp = new ImportPage(pageA);
  await pageA.getByRole('button', { name: en('import.next.review') }).click();
  await imp.step('commit').waitFor();
  await pageA.getByTestId('commit-button').click();
  await imp.result().waitFor();
  await new StatusBar(pageA).syncNow();
  for (const [page, t, language] of languages) {
    await nav(page, t, 'common.nav.dashboard');
    await page.getByTestId('dashboard-activity').waitFor();
    await page.getByTestId('attention-import-status').waitFor();
    // The charts draw themselves in (recharts' own animation).
    await page.waitForTimeout(1_500);
    await shoot(page, 'dashboard', language);
    await nav(page, t, 'common.nav.server');
    await page.getByTestId('sync-log').getByRole('row').first().waitFor();
    await shoot(page, 'server', language);
  }
} catch (error) {
  // What each page showed when it failed, to see why.
  for (const [i, context] of browser.contexts().entries()) {
    for (const [j, page] of context.pages().entries()) {
      const path = join(tmpdir(), `roster-screenshots-failed-${i}-${j}.png`);
      await page.screenshot({ path }).then(() => say(`failed; the page was: ${path}`), () => undefined);
    }
  }
  throw error;
} finally {
  await browser.close();
  for (const host of [hostA, hostB]) {
    await host.stop();
    removeDataDir(host.dataDir);
  }
  await server.dispose();
}
