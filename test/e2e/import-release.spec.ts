import { resolve } from 'node:path';
import { expect, test } from './support/fixtures';
import { ImportPage } from './support/import-page';
import { ProfilesPage } from './support/pages';
import type { ConsoleHost } from './support/console-host';

/**
 * An import holds the file and its analysis in the console host's memory.
 * Moving to another page of the console keeps it; closing the tab gives it
 * back at once (the page's pagehide sends a keepalive close), and whoever
 * asks for it afterwards is told it was closed with its page.
 */

const SEMICOLON_CSV = resolve('test/fixtures/import/people-semicolon.csv');

interface Answer {
  ok: boolean;
  error?: { code: string; message: string };
}

/** Asks the host, as the console page would, for the import's view. */
async function viewImport(host: ConsoleHost, importId: string): Promise<Answer> {
  const token = /#token=([A-Za-z0-9_-]+)/.exec(host.launchUrl)?.[1] ?? '';
  const res = await fetch(`${host.url}/api/invoke/import:view`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
    body: JSON.stringify({ importId }),
  });
  return (await res.json()) as Answer;
}

test('closing the tab releases its import on the host; moving to another page keeps it', async ({ page, roster, context }) => {
  await page.goto(roster.host.launchUrl);
  const imp = new ImportPage(page);
  await imp.goto();
  const opened = page.waitForResponse((r) => r.url().endsWith('/api/upload/import:open'));
  await imp.drop(SEMICOLON_CSV);
  const body = (await (await opened).json()) as { ok: boolean; data?: { importId: string } };
  const importId = body.data?.importId;
  expect(body.ok).toBe(true);
  if (importId === undefined) throw new Error('import:open gave no import id');
  await expect(imp.step('mapping').or(imp.step('sheet'))).toBeVisible();

  // Another page of the console, and back: the import is still open on the host.
  await new ProfilesPage(page).goto();
  await expect(page.getByRole('button', { name: 'New profile' }).first()).toBeVisible();
  expect((await viewImport(roster.host, importId)).ok).toBe(true);
  await imp.goto();
  await expect(imp.step('mapping').or(imp.step('sheet'))).toBeVisible();
  expect((await viewImport(roster.host, importId)).ok).toBe(true);

  // A second tab keeps the console open while the first one closes.
  const other = await context.newPage();
  await other.goto(roster.host.launchUrl);
  await page.close();

  await expect
    .poll(async () => (await viewImport(roster.host, importId)).error?.code ?? 'still open', { timeout: 10_000 })
    .toBe('NOT_FOUND');
  expect((await viewImport(roster.host, importId)).error?.message).toContain('closed when its page was closed');
  await other.close();
});
