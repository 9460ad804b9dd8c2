import { Buffer } from 'node:buffer';
import type { ImportSourceSummary, RejectedCsvRequest, SavedImportMapping } from '../../../src-shared/contract/import-sources';
import type { ExportedFile, MappingTarget } from '../../../src-shared/import';
import type { ImportRun, ImportSource, ImportSourceDraft } from '../../../src-shared/import-sources-wire';
import { normaliseKey } from '../../../src-import/normalise';
import type { RememberedSource } from '../import/store';
import { rejectedCsvInWords } from './rejected-csv';
import type { Clock } from '../ports';
import type { ImportSourcesTransport, OrgConnection } from './ports';

export interface ImportSourcesDeps {
  /** The organisation's screens' way to the server: this console's session, its refusals worded (OrgService.withServer). */
  server: { withServer<T>(fn: (c: OrgConnection) => Promise<T>): Promise<T> };
  transport: ImportSourcesTransport;
  /** The mappings this console remembered from its manual imports, newest first. */
  remembered: (limit: number) => RememberedSource[];
  clock: Clock;
}

/** How many remembered mappings a new source may start from. */
const SAVED_MAPPINGS_SHOWN = 20;

/**
 * The organisation's import sources (issue 16, docs/IMPORT-SOURCES.md), asked
 * of the server; and the mappings of this console's manual imports, which a
 * new source can start from.
 */
export class ImportSourcesService {
  constructor(private readonly deps: ImportSourcesDeps) {}

  /** The sources, each with its newest run. */
  list(): Promise<{ sources: ImportSourceSummary[] }> {
    const t = this.deps.transport;
    return this.deps.server.withServer(async (c) => {
      const sources = await t.list(c);
      const runs = await Promise.all(sources.map((source) => t.runs(c, source.id)));
      return { sources: sources.map((source, i) => ({ source, lastRun: runs[i]?.[0] ?? null })) };
    });
  }

  save(id: string | undefined, draft: ImportSourceDraft): Promise<ImportSource> {
    return this.deps.server.withServer((c) => (id === undefined ? this.deps.transport.create(c, draft) : this.deps.transport.update(c, id, draft)));
  }

  async delete(id: string): Promise<{ id: string }> {
    await this.deps.server.withServer((c) => this.deps.transport.remove(c, id));
    return { id };
  }

  run(id: string): Promise<ImportRun> {
    return this.deps.server.withServer((c) => this.deps.transport.run(c, id));
  }

  runs(id: string): Promise<ImportRun[]> {
    return this.deps.server.withServer((c) => this.deps.transport.runs(c, id));
  }

  confirmDeactivation(id: string, runId: string): Promise<ImportRun> {
    return this.deps.server.withServer((c) => this.deps.transport.confirmDeactivation(c, id, runId));
  }

  /** The server's CSV of a run's rejected rows in the reader's words, as a file the console saves the way it saves every export. */
  async rejectedCsv({ id, runId, words, reasons }: RejectedCsvRequest): Promise<ExportedFile> {
    const csv = await this.deps.server.withServer((c) => this.deps.transport.rejectedCsv(c, id, runId));
    const day = this.deps.clock.now().toISOString().slice(0, 10);
    const bytes = rejectedCsvInWords(csv, { words, reasons });
    return { fileName: `roster-rejected-rows-${day}.csv`, mimeType: 'text/csv;charset=utf-8', base64: Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64') };
  }

  /** The remembered mappings, keyed by the headers as the file wrote them (the server matches headers as the import does, whatever their case and spacing). */
  savedMappings(): SavedImportMapping[] {
    return this.deps.remembered(SAVED_MAPPINGS_SHOWN).map((source) => {
      const mapping: Record<string, MappingTarget> = {};
      for (const header of source.headers) {
        const target = source.mapping[normaliseKey(header)];
        if (target !== undefined && header.trim() !== '' && !(header in mapping)) mapping[header] = target;
      }
      return { signature: source.signature, headers: source.headers, mapping, usedAt: source.usedAt };
    });
  }
}
