import { isAttributeField } from '../src-shared/attributes';
import type { AttributeField } from '../src-shared/attributes';
import { DEFAULT_LANGUAGE } from '../src-shared/languages';
import type { Language } from '../src-shared/languages';
import { PROFILE_FIELDS, validateProfile } from '../src-shared/profile';
import type { IdentityOptions, ProfileDraft, ProfileField } from '../src-shared/profile';
import { englishText, rule } from '../src-shared/messages';
import { findForbiddenCharacter, stripForbiddenCharacters } from '../src-shared/text-safety';
import type { CellIssue, ColumnInfo, ColumnMatch, ImportCounts, ImportRow, LanguageValue, MappingTarget, PhoneCountrySuggestion } from '../src-shared/import';
import { buildColumns, dataRowIndexes, detectHeaderRow } from './header';
import { guessLanguage } from './language';
import { assertMapping, matchColumns } from './match';
import type { Mapping, RememberedMapping } from './match';
import { splitFullName } from './names';
import { cleanSpaces, headerSignature } from './normalise';
import { addMarkIssues, cellIssue } from './marks';
import { suggestPhoneCountry } from './phone-country';
import type { CellMark, MergeRange } from './read';

/** Bulk fixes: sticky settings applied to every row (after hand edits), so they also cover rows edited later. */
export interface Fixes {
  trim: boolean;
  lowercaseEmails: boolean;
  languageWhereEmpty: Language | null;
  countryCodeWhereEmpty: string | null;
  /** "Remove hidden characters": control and text-direction characters taken out of every cell. */
  stripHidden: boolean;
}

export const NO_FIXES: Fixes = { trim: false, lowercaseEmails: false, languageWhereEmpty: null, countryCodeWhereEmpty: null, stripHidden: false };

export type RowEdits = Record<number, Partial<Record<ProfileField, string>>>;
export type LanguageMap = Record<string, Language | null>;

export interface Defaults {
  language: Language;
  phoneCountryCode: string | null;
  /** Who needs an email, and whether the server makes usernames (the organisation's settings); absent: everyone needs an email. */
  identity?: IdentityOptions | undefined;
}

/** Everything a row's evaluation depends on. */
export interface RowContext {
  grid: readonly (readonly string[])[];
  /** Sheet row index of each data row. */
  dataRows: readonly number[];
  mapping: Mapping;
  languageMap: LanguageMap;
  defaults: Defaults;
  fixes: Fixes;
  edits: RowEdits;
  excluded: ReadonlySet<number>;
  /** Cells the reader marked (error values, dates out of range). */
  marks?: readonly CellMark[] | undefined;
}

export interface AnalyseInput {
  grid: readonly (readonly string[])[];
  merges: readonly MergeRange[];
  /** Cells the reader marked (error values, dates out of range). */
  marks?: readonly CellMark[] | undefined;
  /** 'auto': detect. */
  headerRow: number | null | 'auto';
  /** 'auto': match (using remembered choices when given). */
  mapping: Mapping | 'auto';
  remembered?: { mapping: RememberedMapping; languages: LanguageMap } | undefined;
  /** Remembered choices of every known source, by header signature (used when `remembered` is not given). */
  rememberedSources?: Record<string, { mapping: RememberedMapping; languages: LanguageMap }> | undefined;
  /** Choices made in the value step; values not in it are guessed. */
  languageMap: LanguageMap;
  defaults: Defaults;
  fixes: Fixes;
  edits: RowEdits;
  excluded: readonly number[];
}

export interface Analysis {
  headerRow: number | null;
  detectedHeaderRow: number | null;
  columns: ColumnInfo[];
  matches: ColumnMatch[];
  mapping: Mapping;
  signature: string;
  rememberedMapping: boolean;
  languageMap: LanguageMap;
  languageValues: LanguageValue[];
  rows: ImportRow[];
  /** The country code to propose for phone numbers without one (phone-country.ts). */
  phoneCountry: PhoneCountrySuggestion | null;
}

const VALUE_SAMPLE = 300;

/** Values of each column for matching: the first few hundred non-empty cells below the header. */
function columnValues(grid: readonly (readonly string[])[], dataRows: readonly number[], width: number): string[][] {
  const values: string[][] = Array.from({ length: width }, () => []);
  for (const r of dataRows) {
    const row = grid[r] ?? [];
    let full = true;
    for (let c = 0; c < width; c++) {
      const bucket = values[c];
      if (bucket === undefined || bucket.length >= VALUE_SAMPLE) continue;
      full = false;
      const v = (row[c] ?? '').trim();
      if (v !== '') bucket.push(v);
    }
    if (full) break;
  }
  return values;
}

const emptyValues = (): Record<ProfileField, string> => ({
  firstName: '',
  lastName: '',
  email: '',
  phoneCountryCode: '',
  phoneNumber: '',
  tags: '',
  externalId: '',
  username: '',
  language: '',
});

/** Undoes the apostrophe our own error export puts before = + - @ (so a fixed file imports as typed). */
const unneutralise = (value: string): string => (value.length > 1 && value.charCodeAt(0) === 0x27 && '=+-@'.includes(value.charAt(1)) ? value.slice(1) : value);

/** The column each field comes from (names from a full-name column point there). */
export function fieldColumns(mapping: Mapping): Partial<Record<ProfileField, number>> {
  const out: Partial<Record<ProfileField, number>> = {};
  mapping.forEach((target, column) => {
    if (target === 'ignore' || target === 'oneTimePassword' || isAttributeField(target)) return;
    if (target === 'fullName') {
      if (!mapping.includes('firstName')) out.firstName = column;
      if (!mapping.includes('lastName')) out.lastName = column;
      return;
    }
    out[target] = column;
  });
  return out;
}

/** One data row: mapped values, edits, fixes and value mapping, then the shared rules. */
export function evaluateRow(ctx: RowContext, index: number, columnsOf: Partial<Record<ProfileField, number>> = fieldColumns(ctx.mapping)): ImportRow {
  const sheetRow = ctx.dataRows[index] ?? 0;
  const cells = ctx.grid[sheetRow] ?? [];
  const values = emptyValues();
  const issues: CellIssue[] = [];
  let fullName: string | null = null;
  let fullColumn = -1;
  let attributeCells: Partial<Record<AttributeField, string>> | undefined;
  const mapping = ctx.mapping;
  for (let column = 0; column < mapping.length; column++) {
    const target: MappingTarget | undefined = mapping[column];
    // A one-time password never joins the row: the commit reads it from the sheet, and nothing shows it.
    if (target === undefined || target === 'ignore' || target === 'oneTimePassword') continue;
    const cell = unneutralise(cells[column] ?? '');
    if (target === 'fullName') {
      fullName = cell;
      fullColumn = column;
    } else if (isAttributeField(target)) (attributeCells ??= {})[target] = cell;
    else values[target] = cell;
  }
  if (fullName !== null) {
    const split = splitFullName(fullName);
    const fillFirst = !ctx.mapping.includes('firstName');
    const fillLast = !ctx.mapping.includes('lastName');
    if (fillFirst) values.firstName = split.firstName;
    if (fillLast) values.lastName = split.lastName;
    if (split.ambiguous && fillFirst && fillLast && split.lastName !== '') {
      issues.push(
        cellIssue(
          'lastName',
          fullColumn,
          'warning',
          'name-split',
          rule('import_name_split', {
            fullName: stripForbiddenCharacters(fullName).trim(),
            firstName: stripForbiddenCharacters(split.firstName),
            lastName: stripForbiddenCharacters(split.lastName),
          }),
        ),
      );
    }
  }
  const edits = ctx.edits[index];
  const edited: ProfileField[] = [];
  if (edits !== undefined) {
    for (const field of PROFILE_FIELDS) {
      const v = edits[field];
      if (v !== undefined) {
        values[field] = v;
        edited.push(field);
      }
    }
  }
  const { fixes, defaults } = ctx;
  if (fixes.stripHidden) for (const field of PROFILE_FIELDS) values[field] = stripForbiddenCharacters(values[field]);
  if (fixes.trim) for (const field of PROFILE_FIELDS) values[field] = cleanSpaces(values[field]);
  if (fixes.lowercaseEmails) values.email = values.email.trim().toLowerCase();
  if (fixes.languageWhereEmpty !== null && values.language.trim() === '') values.language = fixes.languageWhereEmpty;
  // Control and text-direction characters cannot be stored: the row is checked (and imported) without
  // them, and the cell says so until they are removed from it (by hand, one click or the bulk fix).
  // Each cell is scanned once; everything below reads the cleaned values.
  const clean = { ...values };
  for (const field of PROFILE_FIELDS) {
    const found = findForbiddenCharacter(values[field]);
    if (found === null) continue;
    clean[field] = stripForbiddenCharacters(values[field]);
    const column = columnsOf[field] ?? (field === 'phoneCountryCode' ? columnsOf.phoneNumber : undefined) ?? null;
    issues.push(cellIssue(field, column, 'warning', 'hidden-characters', rule('import_hidden_character', { field, codePoint: found.codePoint })));
  }
  const number = clean.phoneNumber.trim();
  const international = number.startsWith('+') || number.startsWith('00');
  if (fixes.countryCodeWhereEmpty !== null && number !== '' && !international && clean.phoneCountryCode.trim() === '') {
    values.phoneCountryCode = fixes.countryCodeWhereEmpty;
    clean.phoneCountryCode = fixes.countryCodeWhereEmpty;
  }

  const draft: ProfileDraft = { ...clean };
  const languageRaw = clean.language.trim();
  if (languageRaw === '') {
    issues.push(cellIssue('language', columnsOf.language ?? null, 'warning', 'language-default', rule('import_language_default', { language: defaults.language })));
    draft.language = defaults.language;
  } else {
    const mapped = ctx.languageMap[languageRaw];
    draft.language = mapped ?? languageRaw;
  }
  if (number !== '' && !international && clean.phoneCountryCode.trim() === '' && defaults.phoneCountryCode !== null) {
    draft.phoneCountryCode = defaults.phoneCountryCode;
    const column = columnsOf.phoneCountryCode ?? columnsOf.phoneNumber ?? null;
    issues.push(cellIssue('phoneCountryCode', column, 'warning', 'phone-default-country', rule('import_phone_default_country', { code: defaults.phoneCountryCode, number })));
  }

  const checked = validateProfile(draft, { defaultLanguage: defaults.language, ...defaults.identity });
  if (!checked.ok) {
    for (const [field, found] of Object.entries(checked.rules)) {
      const f = field as ProfileField;
      const column = columnsOf[f] ?? (f === 'phoneCountryCode' ? columnsOf.phoneNumber : undefined) ?? null;
      issues.push({ field: f, column, severity: 'error', code: found.key === 'required' ? 'required' : 'invalid', message: checked.fields[field] ?? englishText(found), rule: found });
    }
  }
  // An error value (#N/A…) the file holds in a mapped cell is an error of that cell, whatever the rules made of its text.
  const errorValue = addMarkIssues(issues, ctx.marks, sheetRow, cells, columnsOf, edited.length > 0 ? new Set(edited) : null);
  const excluded = ctx.excluded.has(index);
  const hasError = issues.some((i) => i.severity === 'error');
  return {
    index,
    rowNumber: sheetRow + 1,
    values,
    ...(attributeCells === undefined ? {} : { attributeCells }),
    normalised: checked.ok && !errorValue ? checked.value : null,
    issues,
    excluded,
    edited,
    status: excluded ? 'excluded' : hasError ? 'invalid' : 'pending',
    existingId: null,
    changes: [],
  };
}

const DUPLICATE_CODES = new Set(['duplicate-email', 'duplicate-external-id', 'duplicate-username']);

const holdsErrorValue = (row: ImportRow, field: ProfileField): boolean => row.issues.some((x) => x.code === 'error-value' && x.field === field);

type UniqueField = 'email' | 'externalId' | 'username';

/** Per unique field: its issue code, and the findings on the first row and on the later ones. */
const DUPLICATE_FINDINGS = {
  email: { code: 'duplicate-email', first: (o: { count: number; rows: string }) => rule('import_duplicate_email_first', o), later: (o: { row: number }) => rule('import_duplicate_email', o) },
  externalId: {
    code: 'duplicate-external-id',
    first: (o: { count: number; rows: string }) => rule('import_duplicate_external_id_first', o),
    later: (o: { row: number }) => rule('import_duplicate_external_id', o),
  },
  username: {
    code: 'duplicate-username',
    first: (o: { count: number; rows: string }) => rule('import_duplicate_username_first', o),
    later: (o: { row: number }) => rule('import_duplicate_username', o),
  },
} as const satisfies Record<UniqueField, unknown>;

/** A row's value of a unique field as compared: email and username whatever their case; '' for none. */
function uniqueKey(row: ImportRow, field: UniqueField): string {
  if (holdsErrorValue(row, field)) return ''; // Error values (#N/A down a column of failed lookups) are no values: they duplicate nothing.
  const n = row.normalised;
  if (field === 'email') return n !== null ? n.email : row.values.email.trim().toLowerCase();
  if (field === 'externalId') return n !== null ? (n.externalId ?? '') : row.values.externalId.trim();
  return n !== null ? (n.username ?? '') : row.values.username.trim().toLowerCase();
}

/** Same email (any case), same external ID or same username (any case) on two rows: the later ones are errors, the first gets a warning. */
export function markDuplicates(rows: ImportRow[]): void {
  const fields: readonly UniqueField[] = ['email', 'externalId', 'username'];
  const first = new Map<UniqueField, Map<string, number>>(fields.map((f) => [f, new Map()]));
  const duplicates = new Map<UniqueField, Map<number, number[]>>(fields.map((f) => [f, new Map()]));
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i];
    if (row === undefined) continue;
    if (row.issues.length > 0 && row.issues.some((x) => DUPLICATE_CODES.has(x.code))) row.issues = row.issues.filter((x) => !DUPLICATE_CODES.has(x.code));
    if (row.excluded) continue;
    for (const field of fields) {
      const key = uniqueKey(row, field);
      if (key === '') continue;
      const firsts = first.get(field) ?? new Map<string, number>();
      const seen = firsts.get(key);
      if (seen === undefined) {
        firsts.set(key, i);
        continue;
      }
      const dups = duplicates.get(field) ?? new Map<number, number[]>();
      const list = dups.get(seen);
      if (list === undefined) dups.set(seen, [i]);
      else list.push(i);
    }
  }
  for (const field of fields) {
    const findings = DUPLICATE_FINDINGS[field];
    for (const [firstIndex, restIndexes] of duplicates.get(field) ?? []) {
      const head = rows[firstIndex];
      if (head === undefined) continue;
      const rest = restIndexes.map((i) => rows[i]).filter((r): r is ImportRow => r !== undefined);
      head.issues.push(cellIssue(field, null, 'warning', findings.code, findings.first({ count: rest.length, rows: rest.map((r) => r.rowNumber).join(', ') })));
      const found = findings.later({ row: head.rowNumber });
      for (const row of rest) row.issues.push(cellIssue(field, null, 'error', findings.code, found));
    }
  }
  for (const row of rows) {
    if (row.excluded) row.status = 'excluded';
    else if (row.issues.length > 0 && row.issues.some((x) => x.severity === 'error')) row.status = 'invalid';
    else if (row.status === 'invalid' || row.status === 'excluded') row.status = 'pending';
  }
}

/** Distinct language values with their counts and where they map. */
export function languageValues(ctx: RowContext, guessed: LanguageMap, remembered: LanguageMap | undefined): { values: LanguageValue[]; map: LanguageMap } {
  const column = ctx.mapping.indexOf('language');
  const counts = new Map<string, number>();
  ctx.dataRows.forEach((sheetRow, index) => {
    const edit = ctx.edits[index]?.language;
    let raw = edit ?? (column === -1 ? '' : (ctx.grid[sheetRow]?.[column] ?? ''));
    if (ctx.fixes.trim) raw = cleanSpaces(raw);
    // Keyed as the row is checked: without control or text-direction characters.
    const key = stripForbiddenCharacters(raw).trim();
    counts.set(key, (counts.get(key) ?? 0) + 1);
  });
  const map: LanguageMap = {};
  const values: LanguageValue[] = [];
  for (const [value, count] of [...counts.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))) {
    if (value === '') {
      values.push({ value, count, mapped: ctx.fixes.languageWhereEmpty ?? ctx.defaults.language, confidence: 1, reason: 'default' });
      continue;
    }
    if (Object.prototype.hasOwnProperty.call(guessed, value)) {
      const chosen = guessed[value] ?? null;
      map[value] = chosen;
      values.push({ value, count, mapped: chosen, confidence: 1, reason: 'manual' });
      continue;
    }
    if (remembered !== undefined && Object.prototype.hasOwnProperty.call(remembered, value)) {
      const chosen = remembered[value] ?? null;
      map[value] = chosen;
      values.push({ value, count, mapped: chosen, confidence: 1, reason: 'remembered' });
      continue;
    }
    const guess = guessLanguage(value);
    map[value] = guess.mapped;
    values.push({ value, count, mapped: guess.mapped, confidence: guess.confidence, reason: guess.reason });
  }
  return { values, map };
}

/** The whole analysis of one sheet: header, columns, mapping, language values, every row checked. */
export function analyseSheet(input: AnalyseInput, onProgress?: (done: number, total: number) => void): Analysis {
  const { grid } = input;
  const detectedHeaderRow = detectHeaderRow(grid);
  const headerRow = input.headerRow === 'auto' ? detectedHeaderRow : input.headerRow;
  const dataRows = dataRowIndexes(grid, headerRow);
  const columns = buildColumns(grid, headerRow, input.merges, dataRows);
  const signature = headerSignature(columns.map((c) => c.header));
  let matches: ColumnMatch[];
  let rememberedMapping = false;
  const memory = input.remembered ?? (Object.prototype.hasOwnProperty.call(input.rememberedSources ?? {}, signature) ? input.rememberedSources?.[signature] : undefined);
  if (input.mapping === 'auto') {
    matches = matchColumns({ columns, values: columnValues(grid, dataRows, columns.length), remembered: memory?.mapping });
    rememberedMapping = matches.some((m) => m.reason === 'remembered');
  } else {
    const chosen = input.mapping;
    assertMapping(chosen);
    const auto = matchColumns({ columns, values: columnValues(grid, dataRows, columns.length) });
    matches = columns.map((column) => {
      const target = chosen[column.index] ?? 'ignore';
      const suggestion = auto[column.index];
      if (suggestion !== undefined && suggestion.target === target) return suggestion;
      return {
        column: column.index,
        target,
        confidence: 1,
        reason: 'manual',
        alternatives: suggestion === undefined ? [] : [{ target: suggestion.target, confidence: suggestion.confidence }, ...suggestion.alternatives].filter((a) => a.target !== target).slice(0, 3),
      };
    });
  }
  const mapping: Mapping = matches.map((m) => m.target);
  const ctx: RowContext = {
    grid,
    dataRows,
    mapping,
    languageMap: {},
    defaults: input.defaults,
    fixes: input.fixes,
    edits: input.edits,
    excluded: new Set(input.excluded),
    marks: input.marks,
  };
  const languages = languageValues(ctx, input.languageMap, memory?.languages);
  ctx.languageMap = languages.map;
  const columnsOf = fieldColumns(mapping);
  const rows: ImportRow[] = new Array<ImportRow>(dataRows.length);
  const step = 5000;
  for (let i = 0; i < dataRows.length; i++) {
    rows[i] = evaluateRow(ctx, i, columnsOf);
    if (onProgress !== undefined && i % step === step - 1) onProgress(i + 1, dataRows.length);
  }
  markDuplicates(rows);
  const phoneCountry = mapping.includes('phoneNumber') ? suggestPhoneCountry(rows.map((r) => r.values)) : null;
  onProgress?.(dataRows.length, dataRows.length);
  return { headerRow, detectedHeaderRow, columns, matches, mapping, signature, rememberedMapping, languageMap: languages.map, languageValues: languages.values, rows, phoneCountry };
}

export function countRows(rows: readonly ImportRow[]): ImportCounts {
  const counts: ImportCounts = { rows: rows.length, valid: 0, withErrors: 0, withWarnings: 0, excluded: 0, new: 0, update: 0, unchanged: 0, conflict: 0 };
  for (const row of rows) {
    if (row.excluded) {
      counts.excluded++;
      continue;
    }
    let error = false;
    let warning = false;
    for (const issue of row.issues) {
      if (issue.severity === 'error') error = true;
      else warning = true;
    }
    if (error) counts.withErrors++;
    else counts.valid++;
    if (warning) counts.withWarnings++;
    if (row.status === 'new' || row.status === 'update' || row.status === 'unchanged' || row.status === 'conflict') counts[row.status]++;
  }
  return counts;
}

export const DEFAULT_DEFAULTS: Defaults = { language: DEFAULT_LANGUAGE, phoneCountryCode: null };
