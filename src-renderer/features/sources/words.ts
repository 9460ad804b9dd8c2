import type { IMPORT_RUN_STATUSES, IMPORT_SOURCE_MODES } from '../../../src-shared/import-sources-wire';

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
