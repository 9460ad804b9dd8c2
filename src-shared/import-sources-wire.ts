import { z } from 'zod';
import { MAPPING_TARGETS } from './import';
import { findForbiddenCharacter } from './text-safety';
import { API_PREFIX } from './wire';

/**
 * Scheduled employee-file imports (issue 16): the admin API of an
 * organisation's import sources, an SFTP server or a folder on the server's
 * disk that the server reads employee files from. See docs/IMPORT-SOURCES.md.
 */

export const IMPORT_SOURCES_PATH = `${API_PREFIX}/import-sources`;

export const IMPORT_SOURCE_NAME_MAX = 100;
/** Sources one organisation may hold: one per HR system and environment, not a store. */
export const IMPORT_SOURCES_MAX = 50;

const oneLine = (what: string, max: number) =>
  z
    .string()
    .trim()
    .min(1, { error: `Give the ${what}.` })
    .max(max, { error: `The ${what} has at most ${max} characters.` })
    .refine((text) => findForbiddenCharacter(text) === null && !/[\r\n]/.test(text), { error: `The ${what} is one line without control characters.` });

/** A file name pattern: `*` any run of characters, `?` one; no folder separators (the folder is its own setting). */
const filePattern = oneLine('file pattern', 200).refine((p) => !/[/\\]/.test(p), { error: 'The file pattern names files, not folders: no / or \\ in it.' });

/** Where to read from: the source's folder on the SFTP server, or (kind folder) below the server's import root. */
const folder = oneLine('folder', 1000);

/** The column mapping saved with the source: a header as the file writes it → the field it fills (the console's remembered-mapping shape). */
/** A scheduled file's columns fill the profile and its attributes; one-time passwords are only the console's import's (never read unattended from a file). */
const sourceTarget = z.enum(MAPPING_TARGETS).exclude(['oneTimePassword'], { error: 'A scheduled employee file cannot carry one-time passwords: import those in the console, or leave the column out.' });
export const SOURCE_MAPPING_TARGETS = sourceTarget.options;
export type SourceMappingTarget = z.infer<typeof sourceTarget>;
export const isSourceMappingTarget = (target: string): target is SourceMappingTarget => (SOURCE_MAPPING_TARGETS as readonly string[]).includes(target);

export const importSourceMappingSchema = z
  .record(z.string().max(200), sourceTarget)
  .refine((m) => Object.keys(m).length <= 200, { error: 'A mapping has at most 200 columns.' });

/** The share (percent) of a source's people a run deactivates without an admin's confirmation, unless the source says otherwise. */
export const IMPORT_DEACTIVATE_LIMIT_DEFAULT = 10;

/** create: new people only, never overwrites; createOrUpdate: also updates people matched by external ID or email. */
export const IMPORT_SOURCE_MODES = ['create', 'createOrUpdate'] as const;

const common = {
  name: oneLine('source name', IMPORT_SOURCE_NAME_MAX),
  filePattern,
  mapping: importSourceMappingSchema.default({}),
  mode: z.enum(IMPORT_SOURCE_MODES).default('create'),
  /** createOrUpdate only: deactivate the people this source brought who are missing from its file. */
  deactivateMissing: z.boolean().default(false),
  /** The share (percent) of the source's people a run may deactivate; more waits for an admin's confirmation. */
  deactivateLimit: z.int().min(0).max(100).default(IMPORT_DEACTIVATE_LIMIT_DEFAULT),
  /** Cron syntax (five or six fields, checked by the server's scheduler); null: only "run now". */
  schedule: z.string().trim().max(100).nullable().default(null),
  /** The IANA time zone the schedule is read in. */
  timeZone: z.string().trim().min(1).max(64).default('UTC'),
};

const sha256Fingerprint = z.string().regex(/^SHA256:[A-Za-z0-9+/]{43}$/, { error: 'A host key fingerprint is written SHA256: and 43 base64 characters, as ssh-keygen -l prints it.' });

export const importSourceDraftSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('folder'), folder, ...common }),
  z.strictObject({
    kind: z.literal('sftp'),
    folder,
    host: oneLine('host', 253),
    port: z.int().min(1).max(65535).default(22),
    username: oneLine('user name', 100),
    /** Either or both; on a change, one left out keeps the stored one. Kept sealed, never sent back. */
    password: z.string().min(1).max(1000).optional(),
    privateKey: z.string().min(1).max(20_000).optional(),
    /** The host key an admin confirmed (SHA256:…); null: pinned on the first connection, then shown for confirmation. */
    hostKeyFingerprint: sha256Fingerprint.nullable().optional(),
    ...common,
  }),
]);
export type ImportSourceDraft = z.output<typeof importSourceDraftSchema>;

const isoTimestamp = z.iso.datetime({ offset: true });

/** A source as listed: never its password or key, only whether it has one. */
export const importSourceSchema = z.object({
  id: z.uuid(),
  name: z.string(),
  kind: z.enum(['folder', 'sftp']),
  folder: z.string(),
  host: z.string().nullable(),
  port: z.int().nullable(),
  username: z.string().nullable(),
  hasPassword: z.boolean(),
  hasPrivateKey: z.boolean(),
  hostKeyFingerprint: z.string().nullable(),
  filePattern: z.string(),
  mapping: z.record(z.string(), sourceTarget),
  mode: z.enum(IMPORT_SOURCE_MODES),
  deactivateMissing: z.boolean(),
  deactivateLimit: z.int(),
  schedule: z.string().nullable(),
  timeZone: z.string(),
  /** When the schedule next fires (null: no schedule). */
  nextRunAt: isoTimestamp.nullable(),
  createdAt: isoTimestamp,
  updatedAt: isoTimestamp,
});
export type ImportSource = z.output<typeof importSourceSchema>;

export const importSourceListSchema = z.object({ sources: z.array(importSourceSchema) });

/** The audit actions of import sources (server-side: a console shows an action it does not know as the server names it). */
export const IMPORT_SOURCE_AUDIT_ACTIONS = ['import_source.created', 'import_source.updated', 'import_source.deleted', 'import_source.run', 'import_source.deactivation_confirmed'] as const;
export type ImportSourceAuditAction = (typeof IMPORT_SOURCE_AUDIT_ACTIONS)[number];

/** needs-confirmation: the file was imported, but more of the source's people are missing from it than its limit lets a run deactivate: an admin confirms. */
export const IMPORT_RUN_STATUSES = ['succeeded', 'failed', 'nothing-new', 'needs-confirmation'] as const;

/** A finding as the shared rules give it (src-shared/messages.ts): its code and params, for a console to word. */
const findingSchema = z.object({ key: z.string(), params: z.record(z.string(), z.union([z.string(), z.number()])) });

/**
 * What went wrong with a run, for a console to say in its reader's language
 * (the run's `error` says it in English, with the details): the SFTP server
 * cannot be reached, did not answer in time, refused the user, showed another
 * host key, the source's key cannot be used, no SFTP on the server, the
 * folder is missing, may not be listed or cannot be, the file cannot be read
 * or is not a spreadsheet Roster reads, the file was imported but not
 * archived; `failed` anything else.
 */
export const IMPORT_RUN_PROBLEMS = [
  'unreachable',
  'timeout',
  'sign_in_refused',
  'host_key_changed',
  'key_unusable',
  'no_sftp',
  'connection_failed',
  'folder_missing',
  'folder_denied',
  'folder_unreadable',
  'file_unreadable',
  'file_invalid',
  'not_archived',
  'failed',
] as const;
export type ImportRunProblem = (typeof IMPORT_RUN_PROBLEMS)[number];

/** One row of a file the run did not import, and why: the shared rules' English wording, and the findings behind it (one per reason) when every reason has one. */
const rejectedRowSchema = z.object({ rowNumber: z.int(), reasons: z.array(z.string()), rules: z.array(findingSchema).optional() });

/** One run of a source: which file, what it did, the rows it rejected. */
export const importRunSchema = z.object({
  id: z.uuid(),
  trigger: z.enum(['schedule', 'manual']),
  status: z.enum(IMPORT_RUN_STATUSES),
  startedAt: isoTimestamp,
  finishedAt: isoTimestamp.nullable(),
  fileName: z.string().nullable(),
  fileSize: z.number().nullable(),
  fileSha256: z.string().nullable(),
  created: z.int(),
  /** createOrUpdate: people matched by external ID or email whose values the file changed. */
  updated: z.int(),
  unchanged: z.int(),
  rejected: z.int(),
  /** People missing from the file that the run (or an admin's confirmation) deactivated. */
  deactivated: z.int(),
  /** needs-confirmation: how many people missing from the file wait for an admin's confirmation to be deactivated. */
  pendingDeactivation: z.int(),
  /** Why the run failed as a whole (nothing of the file was saved), or why its file stayed in place; in English. */
  error: z.string().nullable(),
  /** The same as a code (IMPORT_RUN_PROBLEMS; a newer server's as it comes); null with no error, and for runs before 0160. */
  problem: z.string().nullable().default(null),
  rejectedRows: z.array(rejectedRowSchema),
});
export type ImportRun = z.output<typeof importRunSchema>;

export const importRunListSchema = z.object({ runs: z.array(importRunSchema) });
