import { existsSync, statSync } from 'node:fs';
import { arch, platform, release } from 'node:os';
import type { SyncStatus } from '../../src-shared/contract/sync';
import type { LogFile } from './log-file';

/**
 * "Copy diagnostics": what a support desk needs to start, and nothing
 * personal — no names, emails, server address, account or organisation
 * names, no paths (they hold the user's name), no tokens. The last problems
 * come from the log, which is scrubbed as it is written.
 */
export interface DiagnosticsInput {
  version: string;
  mode: string;
  schemaVersion: number;
  file: string;
  profiles: number;
  status: SyncStatus;
  log: LogFile;
  now: Date;
}

const mib = (bytes: number): string => `${(bytes / (1024 * 1024)).toFixed(1)} MiB`;
const size = (path: string): number => (existsSync(path) ? statSync(path).size : 0);

export function diagnosticsText(input: DiagnosticsInput): string {
  const { status } = input;
  // Under plain Node there is no Electron version, whatever Electron's types say.
  const versions: Record<string, string | undefined> = { ...process.versions };
  const problems = input.log.lastProblems(10);
  return [
    `Roster ${input.version} (${input.mode === 'electron' ? 'desktop app' : 'browser mode'})`,
    `Taken at: ${input.now.toISOString()}`,
    `System: ${platform()} ${release()} ${arch()}; Node ${versions.node ?? '?'}${versions.electron === undefined ? '' : `; Electron ${versions.electron}`}`,
    `Data file: format ${String(input.schemaVersion)}, ${mib(size(input.file))} (+ ${mib(size(`${input.file}-wal`))} write-ahead log)`,
    `Profiles: ${String(input.profiles)}`,
    `Server: ${status.connected ? 'signed in' : 'not signed in'}${status.organisation === null ? '' : ` as ${status.organisation.role}`}; ${status.workOffline ? 'working offline by choice' : status.online === null ? 'not tried yet' : status.online ? 'reachable' : 'unreachable'}`,
    `Waiting to sync: ${String(status.waiting.mutations)} changes (${String(status.waiting.blocked)} held by conflicts), ${String(status.waiting.invitations)} invitations; open conflicts: ${String(status.openConflicts)}; catalogue and rule changes to decide: ${String(status.offlineDecisions.catalogues + status.offlineDecisions.rules)}`,
    `Last sync: ${status.lastSyncAt ?? 'never'}${status.lastError === null ? '' : `; last sync error: ${status.lastError.rule?.key ?? status.lastError.cause?.code ?? 'unknown'}`}`,
    `Last problems in the log (${String(problems.length)}):`,
    ...(problems.length === 0 ? ['  none'] : problems.map((line) => `  ${line}`)),
  ].join('\n');
}
