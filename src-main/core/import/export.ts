import * as XLSX from 'xlsx';
import { FIELD_LABELS, PROFILE_FIELDS } from '../../../src-shared/profile';
import type { ProfileField } from '../../../src-shared/profile';
import { ATTRIBUTE_FIELDS, isAttributeField } from '../../../src-shared/attributes';
import type { AttributeField } from '../../../src-shared/attributes';
import { RULE_TEMPLATES } from '../../../src-shared/messages';
import type { ExportedFile, ImportRow } from '../../../src-shared/import';
import { neutralise, toCsv } from '../../../src-shared/csv';

/**
 * The rows with problems, as a file to fix in Excel and drop again: one
 * column per profile field (headers the import recognises), the original row
 * number and the problems. Cells that a spreadsheet would read as a formula
 * (= + - @, tab, CR) get a leading apostrophe; the import removes it again.
 */

export type ProblemSelection = 'errors' | 'problems';

export function problemRows(rows: readonly ImportRow[], selection: ProblemSelection): ImportRow[] {
  return rows.filter((row) => !row.excluded && row.issues.some((i) => selection === 'problems' || i.severity === 'error'));
}

const labelOf = (field: ProfileField | AttributeField): string => (isAttributeField(field) ? RULE_TEMPLATES[`field_${field}`] : FIELD_LABELS[field]);

export function problemTable(rows: readonly ImportRow[]): string[][] {
  // The attribute columns the file had, as it had them (headers the import recognises).
  const attributes = ATTRIBUTE_FIELDS.filter((f) => rows.some((row) => row.attributeCells?.[f] !== undefined));
  const header = ['Row', ...PROFILE_FIELDS.map((f) => FIELD_LABELS[f]), ...attributes.map(labelOf), 'Problems'];
  const body = rows.map((row) => [
    String(row.rowNumber),
    ...PROFILE_FIELDS.map((f) => row.values[f]),
    ...attributes.map((f) => row.attributeCells?.[f] ?? ''),
    row.issues.map((i) => `${i.severity === 'error' ? 'Error' : 'Warning'}${i.field === null ? '' : ` (${labelOf(i.field)})`}: ${i.message}`).join('\n'),
  ]);
  return [header, ...body].map((cells) => cells.map(neutralise));
}

/** An xlsx of one sheet whose cells are all text. */
export function toXlsx(table: readonly (readonly string[])[], sheetName: string): Uint8Array {
  const sheet = XLSX.utils.aoa_to_sheet(table.map((row) => [...row]));
  const book = XLSX.utils.book_new();
  XLSX.utils.book_append_sheet(book, sheet, sheetName);
  const out: unknown = XLSX.write(book, { type: 'array', bookType: 'xlsx', compression: true });
  if (!(out instanceof ArrayBuffer)) throw new Error('the xlsx writer returned no bytes');
  return new Uint8Array(out);
}

export const MIME = {
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  csv: 'text/csv; charset=utf-8',
} as const;

export const toBase64 = (bytes: Uint8Array): string => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');

export function exportProblems(rows: readonly ImportRow[], fileName: string, format: 'xlsx' | 'csv', selection: ProblemSelection): ExportedFile {
  const table = problemTable(problemRows(rows, selection));
  const base = fileName.replace(/\.[^.]*$/, '') || 'import';
  const bytes = format === 'xlsx' ? toXlsx(table, 'Problems') : toCsv(table);
  return { fileName: `${base} - problems.${format}`, mimeType: MIME[format], base64: toBase64(bytes) };
}
