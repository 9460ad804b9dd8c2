import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { expect } from '@playwright/test';
import type { Locator, Page } from '@playwright/test';

const MIME: Record<string, string> = {
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  xls: 'application/vnd.ms-excel',
  ods: 'application/vnd.oasis.opendocument.spreadsheet',
  csv: 'text/csv',
  tsv: 'text/tab-separated-values',
  txt: 'text/plain',
};

const mimeOf = (name: string): string => MIME[name.split('.').pop()?.toLowerCase() ?? ''] ?? 'application/octet-stream';

/**
 * Drops files on an element the way a file manager does: a DataTransfer in
 * the page holding real File objects with the fixtures' bytes, then
 * dragenter, dragover and drop on the target.
 */
export async function dropFiles(page: Page, target: Locator, files: { path: string; name?: string }[]): Promise<void> {
  const payload = files.map((f) => {
    const name = f.name ?? basename(f.path);
    return { name, type: mimeOf(name), base64: readFileSync(f.path).toString('base64') };
  });
  const dataTransfer = await page.evaluateHandle((items) => {
    const transfer = new DataTransfer();
    for (const item of items) {
      const binary = atob(item.base64);
      const bytes = new Uint8Array(binary.length);
      for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
      transfer.items.add(new File([bytes], item.name, { type: item.type }));
    }
    return transfer;
  }, payload);
  await target.dispatchEvent('dragenter', { dataTransfer });
  await target.dispatchEvent('dragover', { dataTransfer });
  await target.dispatchEvent('drop', { dataTransfer });
}

/** The Import page as an admin sees it: the drop zone, the steps, the review grid, the commit and the history. */
export class ImportPage {
  constructor(readonly page: Page) {}

  async goto(): Promise<void> {
    await this.page.getByRole('navigation').getByText('Import', { exact: true }).click();
    await expect(this.page.getByRole('heading', { name: 'Import', exact: true })).toBeVisible();
  }

  dropzone(): Locator {
    return this.page.getByTestId('import-dropzone');
  }

  async drop(path: string, name?: string): Promise<void> {
    await dropFiles(this.page, this.dropzone(), [{ path, ...(name === undefined ? {} : { name }) }]);
  }

  /** The file dialog's way in: the drop zone's file input. */
  async pick(path: string): Promise<void> {
    await this.dropzone().locator('input[type="file"]').setInputFiles(path);
  }

  error(): Locator {
    return this.page.getByTestId('import-error');
  }

  notice(): Locator {
    return this.page.getByTestId('import-notice');
  }

  step(name: 'file' | 'sheet' | 'mapping' | 'values' | 'review' | 'commit'): Locator {
    return this.page.getByTestId(`import-step-${name}`);
  }

  /**
   * Goes on to the next step and waits until it is shown. The review step
   * compares the rows with the directory a moment after it opens, and the
   * buttons are disabled meanwhile: a click that lands just as that starts
   * is lost, as a person's would be. It is made again, but only while the
   * step it was meant for is still the one shown, so no step is skipped.
   */
  async next(): Promise<void> {
    const region = this.page.locator('[data-testid^="import-step-"]');
    const button = this.page.getByRole('button', { name: /^Next:/ });
    // A step with a Next button is shown (not a file still opening): that is the step to leave.
    await expect(button).toBeVisible();
    const before = await region.getAttribute('data-testid');
    await expect(async () => {
      if ((await region.getAttribute('data-testid')) === before) await button.click({ timeout: 5_000 });
      expect(await region.getAttribute('data-testid')).not.toBe(before);
    }).toPass({ timeout: 30_000 });
  }

  // ── sheet & header ──

  sheetOption(name: string): Locator {
    return this.page.getByTestId('sheet-option').filter({ hasText: name });
  }

  topRow(rowNumber: number): Locator {
    return this.page.getByTestId('top-row').nth(rowNumber - 1);
  }

  // ── mapping ──

  mappingRow(letter: string): Locator {
    return this.page.locator(`[data-testid="mapping-row"][data-column="${letter}"]`);
  }

  async expectMapping(letter: string, target: string): Promise<void> {
    await expect(this.mappingRow(letter)).toHaveAttribute('data-target', target);
  }

  async mapColumn(letter: string, label: string): Promise<void> {
    await this.mappingRow(letter).locator('input').first().click();
    // A field another column holds is listed as "Tags (now column H)".
    await this.page.getByRole('option', { name: new RegExp(`^${label.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}( \\(now column [A-Z]+\\))?$`) }).click();
  }

  // ── review ──

  rows(): Locator {
    return this.page.getByTestId('import-row');
  }

  row(rowNumber: number): Locator {
    return this.page.locator(`[data-testid="import-row"][data-row-number="${rowNumber}"]`);
  }

  cell(rowNumber: number, field: string): Locator {
    return this.row(rowNumber).getByTestId(`cell-${field}`);
  }

  async filter(label: RegExp): Promise<void> {
    await this.page.getByTestId('review-filter').getByText(label).click();
  }

  async editCell(rowNumber: number, field: string, value: string): Promise<void> {
    await this.cell(rowNumber, field).click();
    const editor = this.page.getByTestId('cell-editor');
    await editor.fill(value);
    await editor.press('Enter');
    await expect(editor).toHaveCount(0);
  }

  // ── commit and history ──

  result(): Locator {
    return this.page.getByTestId('import-result');
  }

  async openHistory(): Promise<void> {
    await this.page.getByRole('tab', { name: 'History' }).click();
  }

  historyEntries(): Locator {
    return this.page.getByTestId('history-entry');
  }
}
