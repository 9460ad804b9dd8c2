import type { ImportLimits } from '../../../src-shared/import';

/** The environment variable that sets the import worker's memory cap (MB) when the console starts. */
const IMPORT_MEMORY_ENV = 'ROSTER_IMPORT_MAX_MEMORY_MB';

/** The cap may be set from this (below it the reader itself does not load) to this. */
const MEMORY_MB_RANGE = { min: 32, max: 16_384 } as const;

/**
 * The import limits set by the environment when the console starts: the
 * worker's memory cap (ROSTER_IMPORT_MAX_MEMORY_MB). Unset or empty, the
 * default stands; anything but a whole number in range is refused, naming
 * the variable, rather than quietly ignored.
 */
export function importLimitsFromEnv(env: Readonly<Record<string, string | undefined>>): Partial<ImportLimits> {
  const raw = env[IMPORT_MEMORY_ENV]?.trim();
  if (raw === undefined || raw === '') return {};
  const mb = /^\d+$/.test(raw) ? Number(raw) : Number.NaN;
  if (!Number.isSafeInteger(mb) || mb < MEMORY_MB_RANGE.min || mb > MEMORY_MB_RANGE.max) {
    throw new Error(`${IMPORT_MEMORY_ENV} must be a whole number of MB from ${MEMORY_MB_RANGE.min} to ${MEMORY_MB_RANGE.max} (it is "${raw.slice(0, 40)}").`);
  }
  return { maxMemoryMb: mb };
}
