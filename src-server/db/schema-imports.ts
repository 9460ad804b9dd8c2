import type { ImportRunProblem } from '../../src-shared/import-sources-wire';

/**
 * The server's tables for import sources (0120 on, see
 * docs/IMPORT-SOURCES.md): where each organisation's employee files come
 * from, the runs that read them, and the people each source brought. Kept
 * apart from the other tables (schema.ts), whose Database takes these in
 * through ImportTables; the column types follow the same rules.
 */

/** An organisation's import source (0120): where employee files come from, how they map, when they are read. */
export interface ImportSourcesTable {
  id: string;
  organisation_id: string;
  name: string;
  kind: 'folder' | 'sftp';
  /** kind folder: the absolute folder, inside the server's import root; sftp: the folder on the SFTP server. */
  folder: string;
  host: string | null;
  port: number | null;
  username: string | null;
  /** Sealed with the server secret (Sealer); never sent back. */
  sealed_password: string | null;
  sealed_private_key: string | null;
  /** SHA256:… of the SFTP server's host key: pinned on the first connection (or set by an admin); another key refuses the run. */
  host_key_fingerprint: string | null;
  file_pattern: string;
  /** JSON: header → mapping target. */
  mapping: string;
  mode: 'create' | 'createOrUpdate';
  /** 1: a run (createOrUpdate) deactivates the people this source brought who are missing from its file (0150). */
  deactivate_missing: number;
  /** The share (percent) of the source's people a run may deactivate without an admin's confirmation (0150; default 10). */
  deactivate_limit: number;
  /** Cron syntax; null: only run on request. */
  schedule: string | null;
  time_zone: string;
  created_at: string;
  created_by: string | null;
  updated_at: string;
  /** The server process running this source now, until when (one process per source). */
  lease_owner: string | null;
  lease_expires_at: string | null;
  /** When the scheduler runs it next (0140): the schedule's next time, or sooner while a failed scheduled run is retried; null: no schedule. */
  next_run_at: string | null;
  /** Retries made of the current scheduled time after failed runs (0140); 0 once a run did not fail. */
  retry_attempt: number;
}

/** One run of an import source (0120). */
export interface ImportRunsTable {
  id: string;
  organisation_id: string;
  source_id: string;
  started_at: string;
  finished_at: string | null;
  trigger: 'schedule' | 'manual';
  status: 'running' | 'succeeded' | 'failed' | 'nothing-new' | 'needs-confirmation';
  file_name: string | null;
  file_size: number | string | null;
  file_sha256: string | null;
  created: number;
  updated: number;
  unchanged: number;
  rejected: number;
  /** People this run deactivated (missing from its file; 0150). */
  deactivated: number;
  /** JSON list of profile ids: status needs-confirmation, the people missing from the file an admin may confirm to deactivate (0150). */
  pending_deactivation: string | null;
  error: string | null;
  /** The error as a code (IMPORT_RUN_PROBLEMS; 0160): null with no error, and for runs before it. */
  problem: ImportRunProblem | null;
  /** JSON: the rejected rows with their reasons. */
  report: string | null;
}

/** The profiles an import source created or matched in its file (0150): the people a run may deactivate when the file no longer names them. */
export interface ImportSourcePeopleTable {
  source_id: string;
  profile_id: string;
  organisation_id: string;
  /** The last run whose file named the profile. */
  last_run_id: string;
}

/** The import sources' tables by name, as Database (schema.ts) includes them. */
export interface ImportTables {
  import_sources: ImportSourcesTable;
  import_runs: ImportRunsTable;
  import_source_people: ImportSourcePeopleTable;
}
