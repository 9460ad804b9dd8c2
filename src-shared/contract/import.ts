import { z } from 'zod';
import { channel } from './channel';
import { LANGUAGES } from '../languages';
import { ATTRIBUTE_FIELDS } from '../attributes';
import { PROFILE_FIELDS } from '../profile';
import { BULK_FIXES, DELIMITERS, MAPPING_TARGETS, PREVIEW_FILTERS, TEMPLATE_LANGUAGES, TEXT_ENCODINGS } from '../import';
import type {
  CommitResult,
  ExportedFile,
  ImportCounts,
  ImportHistoryEntry,
  ImportLimits,
  ImportPreviewPage,
  ImportRow,
  ImportSessionView,
} from '../import';

/**
 * The spreadsheet import. A file is opened once (import:open) and then
 * shaped step by step on the main side, keyed by the importId it returns:
 * sheet → header row → mapping → language values → review (preview, edits,
 * bulk fixes, exclusions) → diff → commit (progress on the 'import:progress'
 * event, cancellable) → history and undo.
 */

const importId = z.uuid();
/** The file as it is on disk, at most 64 MiB here (the configurable limit, 50 MB by default, is checked again on the main side). */
export const IMPORT_MAX_UPLOAD_BYTES = 64 * 1024 * 1024;

/** Browser mode: the channels whose file is sent as a binary body to UPLOAD_PATH + name; their other arguments as JSON in UPLOAD_ARGS_HEADER (URI-encoded). */
export const UPLOAD_CHANNELS = ['import:open'] as const;
export const UPLOAD_PATH = '/api/upload/';
export const UPLOAD_ARGS_HEADER = 'x-roster-args';
const fileBytes = z
  .custom<Uint8Array>((value) => value instanceof Uint8Array, { message: 'The file must come as bytes.' })
  .refine((b) => b.byteLength > 0, { message: 'The file is empty.' })
  .refine((b) => b.byteLength <= IMPORT_MAX_UPLOAD_BYTES, { message: `The file is larger than ${IMPORT_MAX_UPLOAD_BYTES} bytes.` });

export interface ImportFileInfo {
  limits: ImportLimits;
  extensions: readonly string[];
  batchLimit: number;
}

export const importChannels = {
  /** Limits and accepted extensions, for the drop zone. */
  'import:info': channel<ImportFileInfo>()(z.strictObject({})),
  /**
   * Reads a dropped file in a worker and analyses its first visible sheet. The file travels as bytes, never
   * encoded: a Uint8Array over IPC (structured clone), an application/octet-stream body in browser mode
   * (POST /api/upload/import:open, the other arguments in the X-Roster-Args header).
   */
  'import:open': channel<ImportSessionView>()(
    z.strictObject({
      fileName: z.string().min(1).max(255),
      bytes: fileBytes,
      delimiter: z.enum(DELIMITERS).optional(),
      encoding: z.enum(TEXT_ENCODINGS).optional(),
    }),
  ),
  /** Reads the same file again with a delimiter and/or encoding chosen by hand. */
  'import:reparse': channel<ImportSessionView>()(
    z.strictObject({ importId, delimiter: z.enum(DELIMITERS).optional(), encoding: z.enum(TEXT_ENCODINGS).optional() }),
  ),
  'import:view': channel<ImportSessionView>()(z.strictObject({ importId })),
  'import:setSheet': channel<ImportSessionView>()(z.strictObject({ importId, sheetIndex: z.int().min(0).max(10_000) })),
  /** null: the sheet has no header row (columns are named by letter). */
  'import:setHeaderRow': channel<ImportSessionView>()(z.strictObject({ importId, headerRow: z.int().min(0).max(1_000_000).nullable() })),
  /** One target per column, in column order; each field at most once. */
  'import:setMapping': channel<ImportSessionView>()(z.strictObject({ importId, mapping: z.array(z.enum(MAPPING_TARGETS)).max(1000) })),
  /** Language values → codes (null: leave the value as an error). */
  'import:setValueMap': channel<ImportSessionView>()(
    z.strictObject({
      importId,
      values: z.array(z.strictObject({ value: z.string().max(1000), language: z.enum(LANGUAGES).nullable() })).max(10_000),
    }),
  ),
  /** The value step, for an attribute column: one distinct value → an entry of that attribute's catalogue, or none (null: the cells' value is left out). */
  'import:setAttributeValue': channel<ImportSessionView>()(
    z.strictObject({ importId, field: z.enum(ATTRIBUTE_FIELDS), value: z.string().min(1).max(1000), entryId: z.uuid().nullable() }),
  ),
  /** The language used where a row has none, and the phone country code assumed for national numbers. */
  'import:setDefaults': channel<ImportSessionView>()(
    z.strictObject({ importId, language: z.enum(LANGUAGES).optional(), phoneCountryCode: z.string().max(10).nullable().optional() }),
  ),
  'import:setMode': channel<ImportSessionView>()(z.strictObject({ importId, mode: z.enum(['create', 'createAndUpdate']) })),
  /** A page of rows with their issues and diff status; filter to problems, errors, new, update … */
  'import:preview': channel<ImportPreviewPage>()(
    z.strictObject({
      importId,
      offset: z.int().min(0),
      limit: z.int().min(1).max(1000),
      filter: z.enum(PREVIEW_FILTERS).default('all'),
      search: z.string().max(200).optional(),
    }),
  ),
  /** An inline edit of one cell of the grid; the row is checked again at once. */
  'import:editCell': channel<{ row: ImportRow; counts: ImportCounts }>()(
    z.strictObject({ importId, rowIndex: z.int().min(0), field: z.enum(PROFILE_FIELDS), value: z.string().max(1000) }),
  ),
  /** trim · lowercaseEmails · setLanguageWhereEmpty (value: a code) · setCountryCodeWhereEmpty (value: +32, 32 or BE). */
  'import:bulkFix': channel<ImportSessionView>()(z.strictObject({ importId, fix: z.enum(BULK_FIXES), value: z.string().max(20).nullable().default(null) })),
  /** Excludes (or includes back) the rows given by their index, e.g. those ticked in the grid. */
  'import:excludeRows': channel<ImportCounts>()(
    z.strictObject({ importId, rowIndexes: z.array(z.int().min(0)).max(1_000_000), excluded: z.boolean() }),
  ),
  /** Excludes (or includes back) every row a filter and a search show: the same rows import:preview lists for them. */
  'import:excludeWhere': channel<ImportCounts>()(
    z.strictObject({ importId, filter: z.enum(PREVIEW_FILTERS), search: z.string().max(200).optional(), excluded: z.boolean() }),
  ),
  /** Compares the rows with the local directory: new / update (with field changes) / unchanged / conflict. */
  'import:diff': channel<ImportSessionView>()(z.strictObject({ importId })),
  /** Writes the rows in batches of at most 500, one transaction each; resolves when done or cancelled. */
  'import:commit': channel<CommitResult>()(
    z.strictObject({ importId, mode: z.enum(['create', 'createAndUpdate']).optional(), batchSize: z.int().min(1).max(500).optional() }),
  ),
  /** Cancels what the import is doing: reading, checking, comparing or committing (between batches); the import stays open. */
  'import:cancel': channel<{ cancelled: boolean }>()(z.strictObject({ importId })),
  /**
   * Closes the import, stopping whatever it runs (a file still being read included), and gives its memory back.
   * left: its page was closed (the tab, the window); coming back to it says so.
   */
  'import:close': channel<{ closed: boolean }>()(z.strictObject({ importId, left: z.boolean().default(false) })),
  'import:history': channel<ImportHistoryEntry[]>()(z.strictObject({ limit: z.int().min(1).max(500).default(50) })),
  /** Removes what an import created and restores what it updated, while none of it was sent. */
  'import:undo': channel<{ removed: number; restored: number }>()(z.strictObject({ historyId: z.uuid() })),
  /** The rows with errors (or any problem) as xlsx/csv, formula-safe, to fix and drop again. */
  'import:exportProblems': channel<ExportedFile>()(
    z.strictObject({ importId, format: z.enum(['xlsx', 'csv']), include: z.enum(['errors', 'problems']).default('errors') }),
  ),
  'import:template': channel<ExportedFile>()(z.strictObject({ language: z.enum(TEMPLATE_LANGUAGES), format: z.enum(['xlsx', 'csv']) })),
};
