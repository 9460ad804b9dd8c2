import { IMPORT_RUN_PROBLEMS } from '../../../src-shared/import-sources-wire';
import type { IMPORT_RUN_STATUSES, IMPORT_SOURCE_MODES, ImportRunProblem } from '../../../src-shared/import-sources-wire';

/** The words of the import sources' screens, each a whole i18next key. */

export const RUN_STATUS_LABELS = {
  succeeded: 'org.sources.status.succeeded',
  failed: 'org.sources.status.failed',
  'nothing-new': 'org.sources.status.nothingNew',
  'needs-confirmation': 'org.sources.status.needsConfirmation',
} as const satisfies Record<(typeof IMPORT_RUN_STATUSES)[number], string>;

export const RUN_STATUS_COLOURS = {
  succeeded: 'green',
  failed: 'red',
  'nothing-new': 'gray',
  'needs-confirmation': 'yellow',
} as const satisfies Record<(typeof IMPORT_RUN_STATUSES)[number], string>;

export const MODE_LABELS = {
  create: 'org.sources.mode.create',
  createOrUpdate: 'org.sources.mode.createOrUpdate',
} as const satisfies Record<(typeof IMPORT_SOURCE_MODES)[number], string>;

export const TRIGGER_LABELS = {
  schedule: 'org.sources.trigger.schedule',
  manual: 'org.sources.trigger.manual',
} as const;

export const PROBLEM_LABELS = {
  unreachable: 'org.sources.problem.unreachable',
  timeout: 'org.sources.problem.timeout',
  sign_in_refused: 'org.sources.problem.sign_in_refused',
  host_key_changed: 'org.sources.problem.host_key_changed',
  key_unusable: 'org.sources.problem.key_unusable',
  no_sftp: 'org.sources.problem.no_sftp',
  connection_failed: 'org.sources.problem.connection_failed',
  folder_missing: 'org.sources.problem.folder_missing',
  folder_denied: 'org.sources.problem.folder_denied',
  folder_unreadable: 'org.sources.problem.folder_unreadable',
  file_unreadable: 'org.sources.problem.file_unreadable',
  file_invalid: 'org.sources.problem.file_invalid',
  not_archived: 'org.sources.problem.not_archived',
  failed: 'org.sources.problem.failed',
} as const satisfies Record<ImportRunProblem, string>;

/** A run's problem this console knows (a newer server's code is left to its English error). */
export const knownProblem = (problem: string | null): ImportRunProblem | null => IMPORT_RUN_PROBLEMS.find((p) => p === problem) ?? null;
