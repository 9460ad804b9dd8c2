import type { ExportedFile, ImportCounts, ImportPreviewPage, ImportRow, PreviewFilter } from '../../../src-shared/import';
import { countRows, markDuplicates } from '../../../src-import/analyse';
import { emitProgress } from './context';
import type { ImportContext } from './context';
import { diffRow } from '../../../src-import/diff';
import type { DirectoryLookup } from '../../../src-import/diff';
import { exportProblems } from './export';
import type { ProblemSelection } from './export';
import { throwIfCancelled } from '../../../src-import/failure';
import type { Session } from './sessions';
import { checkRequiredOnNew, clearRequired, resolveAttributes } from './attributes';

/**
 * Reviewing an open session: pages of rows through a filter and a search (as
 * the review grid shows them), exclusions, the comparison with the local
 * directory, and the export of the rows with problems.
 */

export const hasError = (row: ImportRow): boolean => row.issues.some((i) => i.severity === 'error');

const FILTERS: Record<PreviewFilter, (row: ImportRow) => boolean> = {
  all: () => true,
  problems: (r) => !r.excluded && r.issues.length > 0,
  errors: (r) => !r.excluded && hasError(r),
  warnings: (r) => !r.excluded && r.issues.some((i) => i.severity === 'warning'),
  excluded: (r) => r.excluded,
  new: (r) => r.status === 'new',
  update: (r) => r.status === 'update',
  unchanged: (r) => r.status === 'unchanged',
  conflict: (r) => r.status === 'conflict',
};

/** The rows a filter and a search show, in file order: the search looks in the names, the email and the external ID. */
function shown(rows: readonly ImportRow[], filter: PreviewFilter, search: string | undefined): ImportRow[] {
  const test = FILTERS[filter];
  const needle = search?.trim().toLowerCase() ?? '';
  return rows.filter((row) => {
    if (!test(row)) return false;
    if (needle === '') return true;
    const v = row.values;
    return `${v.firstName} ${v.lastName} ${v.email} ${v.externalId}`.toLowerCase().includes(needle);
  });
}

export function preview(s: Session, args: { offset: number; limit: number; filter: PreviewFilter; search?: string | undefined }): ImportPreviewPage {
  const matching = shown(s.analysis.rows, args.filter, args.search);
  return { rows: matching.slice(args.offset, args.offset + args.limit), total: matching.length, offset: args.offset, counts: countRows(s.analysis.rows) };
}

export function excludeRows(s: Session, rowIndexes: readonly number[], excluded: boolean): ImportCounts {
  const rows: ImportRow[] = [];
  for (const i of rowIndexes) {
    const row = s.analysis.rows[i];
    if (row !== undefined) rows.push(row);
  }
  return setExcluded(s, rows, excluded);
}

/** Excludes (or includes back) every row the filter and the search show: the same rows the review grid lists. */
export function excludeWhere(s: Session, args: { filter: PreviewFilter; search?: string | undefined; excluded: boolean }): ImportCounts {
  return setExcluded(s, shown(s.analysis.rows, args.filter, args.search), args.excluded);
}

function setExcluded(s: Session, rows: readonly ImportRow[], excluded: boolean): ImportCounts {
  for (const row of rows) {
    if (excluded) s.excluded.add(row.index);
    else s.excluded.delete(row.index);
    row.excluded = excluded;
  }
  markDuplicates(s.analysis.rows);
  s.diffed = false;
  return countRows(s.analysis.rows);
}

export function exportSessionProblems(s: Session, format: 'xlsx' | 'csv', selection: ProblemSelection): ExportedFile {
  return exportProblems(s.analysis.rows, s.file.facts.fileName, format, selection);
}

/** Compares every row with the local directory (chunked, with progress on a large sheet); the signal stops it between chunks. */
export async function compareWithDirectory(ctx: ImportContext, s: Session, signal: AbortSignal | undefined): Promise<void> {
  const { replica, clock } = ctx;
  const now = clock.now();
  const lookup: DirectoryLookup = {
    byEmail: (email) => {
      const id = replica.profiles.findIdByEmail(email);
      return id === undefined ? undefined : replica.profiles.get(id, now);
    },
    byExternalId: (externalId) => {
      const id = replica.profiles.findIdByExternalId(externalId);
      return id === undefined ? undefined : replica.profiles.get(id, now);
    },
    byUsername: (username) => {
      const id = replica.profiles.findIdByUsername(username);
      return id === undefined ? undefined : replica.profiles.get(id, now);
    },
    possibleDuplicates: (values) => replica.profiles.possibleDuplicates(values),
  };
  // The catalogues and rules may have changed since the rows were checked (a pull meanwhile): the attribute cells are resolved again first.
  resolveAttributes(ctx, s);
  const required = ctx.requiredAttributes();
  const rows = s.analysis.rows;
  const chunk = 2000;
  for (let start = 0; start < rows.length; start += chunk) {
    throwIfCancelled(signal);
    for (let i = start; i < Math.min(rows.length, start + chunk); i++) {
      const row = rows[i];
      if (row === undefined) continue;
      clearRequired(row);
      diffRow(row, s.analysis.mapping, lookup);
      checkRequiredOnNew(row, required);
    }
    if (rows.length > chunk) {
      emitProgress(ctx, s.id, 'diffing', Math.min(rows.length, start + chunk), rows.length);
      await ctx.yieldNow();
    }
  }
  s.diffed = true;
}
