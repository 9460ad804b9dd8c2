import type { AttributeField, Grants, ProfileAttributes } from './attributes';
import type { Language } from './languages';
import type { ProfileField, ProfileValues } from './profile';
import type { IdentityField } from './profile-values';
import type { RuleMessage } from './messages';

/**
 * The spreadsheet import, as the renderer and the main side both see it.
 * Types only (and a few constants): the pipeline itself lives in src-main/core/import.
 */

export const IMPORT_FORMATS = ['xlsx', 'xlsb', 'xls', 'ods', 'numbers', 'slk', 'dif', 'lotus', 'dbf', 'csv', 'tsv', 'txt'] as const;
export type ImportFormat = (typeof IMPORT_FORMATS)[number];

/** File name extensions the drop zone and picker accept. */
export const IMPORT_EXTENSIONS = ['.xlsx', '.xlsm', '.xlsb', '.xls', '.ods', '.fods', '.numbers', '.slk', '.dif', '.csv', '.tsv', '.txt'] as const;

export const TEXT_ENCODINGS = ['utf-8', 'utf-8-bom', 'utf-16le', 'utf-16be', 'windows-1252'] as const;
export type TextEncoding = (typeof TEXT_ENCODINGS)[number];

export const DELIMITERS = [',', ';', '\t', '|'] as const;
export type Delimiter = (typeof DELIMITERS)[number];

/** Where a delimiter came from: a `sep=` first line, the content, or the admin. */
export type DelimiterSource = 'sep-line' | 'detected' | 'manual';

/** The most profiles one commit batch (one transaction) holds: the limit comparable systems put on one upload. */
export const IMPORT_BATCH_LIMIT = 500;

/** Defaults of the bounds the parser runs under; each is configurable when the console starts. */
export const IMPORT_DEFAULT_LIMITS = {
  /**
   * Any file, in bytes: the most a plain-text (CSV, TSV) file may be. A
   * 1,000,000-row CSV of eight HR columns is some 90 MB (npm run bench:import).
   */
  maxFileBytes: 256 * 1024 * 1024,
  /** Data rows of one sheet: the most a plain-text file may have. */
  maxRows: 1_000_000,
  /**
   * A workbook (xlsx, ods, xls, and any other format but delimited text):
   * its file size, on top of maxFileBytes (the lower applies). A zipped
   * workbook unpacks to many times its size, and its reader holds far more
   * per cell than the CSV reader does.
   */
  maxWorkbookFileBytes: 50 * 1024 * 1024,
  /** A workbook's data rows, on top of maxRows (the lower applies). */
  maxWorkbookRows: 100_000,
  maxColumns: 200,
  /** What the parts of a zip-based workbook may unpack to, in total. */
  maxUnpackedBytes: 400 * 1024 * 1024,
  /** Parse (and validate) wall-clock time. */
  maxParseMs: 90_000,
  /**
   * The worker's V8 old generation, in MB: a 100,000-row sheet of 8 columns
   * needs some 160, of 16 columns under 384; the host's peak while it is read
   * stays within 512 MB of its baseline (npm run bench:import). A worker that
   * reaches it is ended with a clear message (import_out_of_memory).
   */
  maxMemoryMb: 384,
} as const;
export type ImportLimits = { -readonly [K in keyof typeof IMPORT_DEFAULT_LIMITS]: number };

/** The formats read as delimited text (CSV, TSV): the only ones held to maxFileBytes and maxRows alone. */
export const isTextFormat = (format: ImportFormat): boolean => format === 'csv' || format === 'tsv' || format === 'txt';

/** The limits a file of this format is read under: a workbook's size and rows are held to the lower workbook limits. */
export function limitsFor(limits: ImportLimits, format: ImportFormat): ImportLimits {
  if (isTextFormat(format)) return limits;
  return { ...limits, maxFileBytes: Math.min(limits.maxFileBytes, limits.maxWorkbookFileBytes), maxRows: Math.min(limits.maxRows, limits.maxWorkbookRows) };
}

/** Why a file was refused, finer than the error code (goes in error.details.reason). */
export const IMPORT_FAILURE_REASONS = [
  'empty-file',
  'too-large',
  'unsupported-format',
  'not-a-spreadsheet',
  'truncated',
  'corrupt',
  'encrypted',
  'zip-bomb',
  'xml-bomb',
  'too-many-rows',
  'too-many-columns',
  'timeout',
  'out-of-memory',
  'no-data',
] as const;
export type ImportFailureReason = (typeof IMPORT_FAILURE_REASONS)[number];

/** A column's destination: a profile field, "full name" (split into first and last), an attribute (entries named by code or name), or nothing. */
export const MAPPING_TARGETS = [
  'firstName',
  'lastName',
  'fullName',
  'email',
  'phoneCountryCode',
  'phoneNumber',
  'tags',
  'externalId',
  'username',
  'language',
  'accessRights',
  'department',
  'jobProfile',
  'permissionType',
  'userGroup',
  'paymentMethods',
  'licences',
  /** A first password for the person (issue 15): never shown, never kept; set on the server once the rows are pushed. */
  'oneTimePassword',
  'ignore',
] as const;
export type MappingTarget = (typeof MAPPING_TARGETS)[number];

export type MatchReason = 'header' | 'values' | 'header+values' | 'remembered' | 'manual' | 'none';

export interface SheetSummary {
  index: number;
  name: string;
  /** Hidden (or "very hidden") in the workbook: shown, marked, not chosen by default. */
  hidden: boolean;
  rows: number;
  columns: number;
}

export interface ColumnInfo {
  index: number;
  /** The letter a spreadsheet shows (A, B … AA). */
  letter: string;
  /** The header as shown: the header cell, or a made-up name for a blank or merged one. */
  header: string;
  /** The header cell was blank (named after its letter) or part of a merge (named after the merge). */
  headerKind: 'cell' | 'blank' | 'merged';
  /** A few non-empty values, for the mapping step. */
  samples: string[];
}

export interface ColumnMatch {
  column: number;
  target: MappingTarget;
  /** 0…1: how sure the automatic match is (1 for remembered or manual choices). */
  confidence: number;
  reason: MatchReason;
  /** Other plausible targets, best first (for the mapping dropdown). */
  alternatives: { target: MappingTarget; confidence: number }[];
}

export interface LanguageValue {
  /** The distinct value as it appears (trimmed); '' is the empty cell. */
  value: string;
  count: number;
  /** The code it maps to, or null when unknown (the rows keep a language error). */
  mapped: Language | null;
  confidence: number;
  reason: 'exact' | 'known-name' | 'remembered' | 'manual' | 'default' | 'unknown';
}

/**
 * One distinct value of an attribute column (a several-valued cell is split
 * on `;`, `,` or `|`), and the catalogue entry it stands for.
 */
export interface AttributeValue {
  field: AttributeField;
  /** As the file has it (trimmed). */
  value: string;
  count: number;
  /** The entry id, or null: left empty (reason 'empty') or not found (reason 'unknown': the rows keep an error). */
  mapped: string | null;
  /** How: the entry's code or name says so, the admin chose it (an entry or empty) now or for an earlier file with the same headers (remembered), or nothing matched. */
  reason: 'code' | 'name' | 'manual' | 'remembered' | 'empty' | 'unknown';
}

/** What a row's new profile will hold of the organisation's catalogues: the file's entries with what the rules add, and which rule gave which. */
export interface RowAttributes {
  attributes: ProfileAttributes;
  grants: Grants;
}

export type IssueSeverity = 'error' | 'warning';

/** One message on one cell (or on the row, when field is null). */
export interface CellIssue {
  field: ProfileField | AttributeField | null;
  /** The file column it came from, when known. */
  column: number | null;
  severity: IssueSeverity;
  code: ImportIssueCode;
  /** In English (the export, logs): `rule` in words. */
  message: string;
  /** What exactly, as a code and its params, for the console to word in its reader's language (the import check always sets it). */
  rule?: RuleMessage;
}

export type ImportIssueCode =
  | 'invalid'
  | 'required'
  | 'duplicate-email'
  | 'duplicate-external-id'
  | 'duplicate-username'
  | 'language-default'
  | 'language-mapped'
  | 'name-split'
  | 'phone-default-country'
  | 'email-taken'
  | 'external-id-taken'
  | 'conflict'
  /** A new email, but the same name and the same phone or external ID as an existing profile (src-shared/duplicates.ts): a warning. */
  | 'possible-duplicate'
  | 'neutralised'
  /** An attribute cell names no entry of its catalogue (and the value step did not map it), or names several where one is allowed. */
  | 'unknown-entry'
  /** A control or text-direction character (NUL, U+202E …): removed on import; the "remove hidden characters" fix removes it now. */
  | 'hidden-characters'
  /** The file holds a spreadsheet error value (#N/A, #REF!, #DIV/0!…) in the cell: an error until the cell is typed over. */
  | 'error-value'
  /** The cell is formatted as a date but holds a number no date has (before 1900, after 9999): its number was kept. */
  | 'date-out-of-range';

/** 'pending': valid, not compared with the directory yet. */
export type DiffStatus = 'pending' | 'new' | 'update' | 'unchanged' | 'conflict' | 'invalid' | 'excluded';

export interface FieldChange {
  field: IdentityField | AttributeField;
  before: unknown;
  after: unknown;
}

/** One data row of the file, as the review grid shows it. */
export interface ImportRow {
  /** 0-based index among the data rows (stable id for edits). */
  index: number;
  /** 1-based row number in the sheet, as a spreadsheet shows it. */
  rowNumber: number;
  /** The mapped values before normalisation (after edits and value mapping). */
  values: Record<ProfileField, string>;
  /** The attribute columns' cells as the file has them (only the mapped ones). */
  attributeCells?: Partial<Record<AttributeField, string>> | undefined;
  /** What the row's profile would hold of the catalogues once created: the file's entries and the rules' (set while the row is valid). */
  gets?: RowAttributes | undefined;
  /** The values that will be stored, when the row is valid. */
  normalised: ProfileValues | null;
  issues: CellIssue[];
  excluded: boolean;
  /** Fields edited by hand in the grid. */
  edited: ProfileField[];
  /** Against the local directory (filled by the diff). */
  status: DiffStatus;
  /** The existing profile this row matches (update/unchanged/conflict). */
  existingId: string | null;
  changes: FieldChange[];
}

export interface ImportCounts {
  rows: number;
  valid: number;
  withErrors: number;
  withWarnings: number;
  excluded: number;
  new: number;
  update: number;
  unchanged: number;
  conflict: number;
}

export type ImportMode = 'create' | 'createAndUpdate';

export interface FileFacts {
  fileName: string;
  size: number;
  format: ImportFormat;
  /** Text files only. */
  encoding: TextEncoding | null;
  delimiter: Delimiter | null;
  delimiterSource: DelimiterSource | null;
  /** Notes about the file as a whole (e.g. "named .xlsx but is a CSV"), in English… */
  notes: string[];
  /** …and the same notes as codes and params, in the same order. */
  noteRules?: RuleMessage[];
}

/** The country code proposed for a phone column's numbers without one: the code most of the column's other numbers carry. */
export interface PhoneCountrySuggestion {
  /** "+32". */
  code: string;
  /** Numbers carrying it (their own "+32"/"0032" prefix, or "32" in their row's country code cell). */
  carriers: number;
  /** Numbers whose country is known, whichever it is. */
  withCountry: number;
  /** National numbers with no country code: the ones the suggestion is for. */
  withoutCountry: number;
}

/** The whole state of an open import, as the mapping and review steps need it (rows come paged). */
export interface ImportSessionView {
  importId: string;
  file: FileFacts;
  sheets: SheetSummary[];
  sheetIndex: number;
  /** 0-based row of the sheet holding the headers (null: the sheet has no header row, columns are named by letter). */
  headerRow: number | null;
  detectedHeaderRow: number | null;
  /** The first rows of the sheet as text, for the header step. */
  topRows: string[][];
  columns: ColumnInfo[];
  matches: ColumnMatch[];
  /** A mapping remembered for files with these headers was applied. */
  rememberedMapping: boolean;
  signature: string;
  languageValues: LanguageValue[];
  /** The distinct values of the attribute columns, and the entries they stand for. */
  attributeValues: AttributeValue[];
  defaults: { language: Language; phoneCountryCode: string | null };
  /** A country code to propose for the phone numbers without one, or null (none lacks one, none carries one, or a tie). */
  phoneCountrySuggestion: PhoneCountrySuggestion | null;
  mode: ImportMode;
  counts: ImportCounts;
  /** Whether the diff against the directory is current. */
  diffed: boolean;
}

export const PREVIEW_FILTERS = ['all', 'problems', 'errors', 'warnings', 'excluded', 'new', 'update', 'unchanged', 'conflict'] as const;
export type PreviewFilter = (typeof PREVIEW_FILTERS)[number];

export interface ImportPreviewPage {
  rows: ImportRow[];
  /** Rows matching the filter. */
  total: number;
  offset: number;
  counts: ImportCounts;
}

export const BULK_FIXES = ['trim', 'lowercaseEmails', 'setLanguageWhereEmpty', 'setCountryCodeWhereEmpty', 'stripHiddenCharacters'] as const;
export type BulkFix = (typeof BULK_FIXES)[number];

export type ImportHistoryStatus = 'running' | 'completed' | 'cancelled' | 'failed' | 'undone';

export interface ImportHistoryEntry {
  id: string;
  fileName: string;
  format: ImportFormat | null;
  sheetName: string | null;
  mode: ImportMode;
  status: ImportHistoryStatus;
  rows: number;
  created: number;
  updated: number;
  skipped: number;
  startedAt: string;
  finishedAt: string | null;
  undoneAt: string | null;
  /** Undo is offered while every change of the import is still waiting in the outbox, untouched since. */
  canUndo: boolean;
  /** Why undo is not offered, when it is not (in English)… */
  undoBlockedReason: string | null;
  /** …and as a code, for the console to word. */
  undoBlockedRule?: RuleMessage | null;
}

export interface CommitResult {
  historyId: string;
  status: 'completed' | 'cancelled';
  created: number;
  updated: number;
  /** Rows not written: invalid, excluded, unchanged, conflicts, existing (in create mode) or taken meanwhile. */
  skipped: number;
  batches: number;
  /** Rows that failed at commit time (e.g. the email was taken meanwhile), with why. */
  failures: { rowNumber: number; message: string; rule?: RuleMessage }[];
  /** When a column went to "one-time password": how many the server set, and the rows it did not, with why. */
  oneTimePasswords?: { set: number; failures: { rowNumber: number; message: string; rule?: RuleMessage }[] } | undefined;
}

export type ImportPhase = 'reading' | 'parsing' | 'validating' | 'diffing' | 'committing';

/** Pushed on the 'import:progress' event. */
export interface ImportProgress {
  importId: string;
  phase: ImportPhase;
  done: number;
  total: number;
  message?: string;
}

export interface ExportedFile {
  fileName: string;
  mimeType: string;
  base64: string;
}

export const TEMPLATE_LANGUAGES = ['en', 'fr', 'nl'] as const;
export type TemplateLanguage = (typeof TEMPLATE_LANGUAGES)[number];

/** The manual edits the grid can make: one value per field of a row. */
