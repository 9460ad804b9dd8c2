import { z } from 'zod';
import { channel } from './channel';
import type { ExportedFile, MappingTarget } from '../import';
import { importSourceDraftSchema } from '../import-sources-wire';
import type { ImportRun, ImportSource } from '../import-sources-wire';

/**
 * The organisation's import sources in the console (issue 16): the employee
 * files the server reads by itself, their last runs and reports. Online
 * only, like every screen of the organisation: the console keeps none of it.
 */

/** A source as the console lists it: with its newest run (null: it never ran). */
export interface ImportSourceSummary {
  source: ImportSource;
  lastRun: ImportRun | null;
}

/** A mapping this console remembered from a manual import: the file's headers, and the field each fills (by the header as the file writes it). */
export interface SavedImportMapping {
  signature: string;
  headers: string[];
  mapping: Record<string, MappingTarget>;
  usedAt: string;
}

const id = z.uuid();

const word = z.string().trim().min(1).max(100);

/**
 * A run's rejected rows as CSV: the server writes it in English (its own
 * words: `Row`, the file's headers, `Reasons`); the console gives the words
 * of its reader's language: the two headers, CSV's separator as Excel
 * expects it there, and the reasons of the rows it can word from their
 * findings (the others keep the server's).
 */
export const rejectedCsvRequestSchema = z.strictObject({
  id,
  runId: id,
  words: z.strictObject({ row: word, reasons: word, delimiter: z.enum([',', ';']) }),
  reasons: z.array(z.strictObject({ rowNumber: z.number().int().min(1), text: z.string().max(10_000) })).max(100_000),
});
export type RejectedCsvRequest = z.infer<typeof rejectedCsvRequestSchema>;

export const importSourceChannels = {
  /** The sources with their newest run each. */
  'sources:list': channel<{ sources: ImportSourceSummary[] }>()(z.strictObject({})),
  /** Adds a source (no id) or changes one; a password or key left out is kept. */
  'sources:save': channel<ImportSource>()(z.strictObject({ id: id.optional(), draft: importSourceDraftSchema })),
  'sources:delete': channel<{ id: string }>()(z.strictObject({ id })),
  /** Runs a source now: the run and its report. */
  'sources:run': channel<ImportRun>()(z.strictObject({ id })),
  /** A source's last runs, newest first. */
  'sources:runs': channel<ImportRun[]>()(z.strictObject({ id })),
  /** Deactivates the people a run held back at its safety limit. */
  'sources:confirmDeactivation': channel<ImportRun>()(z.strictObject({ id, runId: id })),
  /** The rows a run rejected, as the server's CSV in the reader's words, saved the way every export is. */
  'sources:rejectedCsv': channel<ExportedFile>()(rejectedCsvRequestSchema),
  /** The mappings remembered from this console's manual imports, newest first: a new source can start from one. */
  'sources:savedMappings': channel<SavedImportMapping[]>()(z.strictObject({})),
};
