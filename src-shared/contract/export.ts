import { z } from 'zod';
import { channel } from './channel';
import { selectionSchema } from './profiles';
import { PROFILE_STATUSES } from '../profile';
import type { ExportedFile } from '../import';
import { ATTRIBUTE_FIELDS } from '../attributes';
import { IDENTITY_FIELDS } from '../profile-values';

/**
 * The columns a profile list export can hold, in the order the file shows
 * them: who the person is, the attributes (each written by its entries'
 * names), then the invitation state and times.
 */
export const EXPORT_COLUMNS = [
  ...IDENTITY_FIELDS,
  ...ATTRIBUTE_FIELDS,
  'status',
  'invitedAt',
  'confirmedAt',
  'createdAt',
  'updatedAt',
] as const;
export type ExportColumn = (typeof EXPORT_COLUMNS)[number];

export const EXPORT_FORMATS = ['xlsx', 'csv'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

const label = z.string().trim().min(1).max(100);

/**
 * An export of the profile list: which profiles (a selection: ticked ids, or
 * the list's own query, the one `profiles:list` takes, minus the unticked),
 * which columns, and the words the file uses (headers and statuses in the
 * console's language, given by the console).
 */
export const exportRequestSchema = z.strictObject({
  /** Chosen by the console, so that it can cancel the export while it runs. */
  exportId: z.uuid(),
  selection: selectionSchema,
  format: z.enum(EXPORT_FORMATS),
  columns: z
    .array(z.enum(EXPORT_COLUMNS))
    .min(1)
    .max(EXPORT_COLUMNS.length)
    .refine((columns) => new Set(columns).size === columns.length, { message: 'A column is named twice.' }),
  headers: z.strictObject(Object.fromEntries(EXPORT_COLUMNS.map((c) => [c, label])) as Record<ExportColumn, typeof label>),
  statuses: z.strictObject(Object.fromEntries(PROFILE_STATUSES.map((s) => [s, label])) as Record<(typeof PROFILE_STATUSES)[number], typeof label>),
  /** CSV only: comma, or semicolon where Excel expects it (French, Dutch, Spanish). */
  delimiter: z.enum([',', ';']),
  /** The file's name without its extension: no path, nothing a file system refuses. */
  // eslint-disable-next-line no-control-regex -- refusing control characters is what this pattern is for
  baseName: z.string().trim().min(1).max(100).regex(/^[^/\\:*?"<>|\x00-\x1f]+$/),
});
export type ExportRequest = z.infer<typeof exportRequestSchema>;

/** An export's file and how many profiles it holds. */
export interface ExportResult extends ExportedFile {
  rows: number;
}

/** How far an export has come (rows written of the total). */
export interface ExportProgress {
  exportId: string;
  done: number;
  total: number;
}

export const exportChannels = {
  'export:profiles': channel<ExportResult>()(exportRequestSchema),
  /** Stops a running export: no file is made. */
  'export:cancel': channel<{ cancelled: boolean }>()(z.strictObject({ exportId: z.uuid() })),
};
