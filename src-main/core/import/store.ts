import type { AttributeChoices } from '../../../src-import/attributes';
import type { Language } from '../../../src-shared/languages';
import type { Profile } from '../../../src-shared/profile';
import type { ImportHistoryEntry, ImportHistoryStatus, MappingTarget } from '../../../src-shared/import';

/** The import history and remembered mappings, as the replica keeps them (port; SQLite in src-main/db/imports.repo.ts). */

/** A history entry as stored: what the history shows, less what is worked out when it is read, plus the source's header signature. */
export type ImportRecord = Omit<ImportHistoryEntry, 'canUndo' | 'undoBlockedReason'> & { signature: string | null };

export interface ImportItem {
  importId: string;
  profileId: string;
  rowNumber: number;
  action: 'create' | 'update';
  mutationId: string;
  /** The profile before an update (null for a create). */
  before: Profile | null;
}

export interface UndoCheck {
  items: number;
  /** Items whose mutation is still waiting in the outbox. */
  unsent: number;
  /** Outbox mutations made after the import on the same profiles. */
  laterChanges: number;
}

export interface RememberedSource {
  signature: string;
  headers: string[];
  /** Target per normalised header. */
  mapping: Record<string, MappingTarget>;
  languages: Record<string, Language | null>;
  /** Per attribute, the entry (or none) each value was mapped to by hand (values by their folded key). */
  attributeChoices: AttributeChoices;
  usedAt: string;
}

export interface ImportStorePort {
  start(record: ImportRecord): void;
  addItem(item: ImportItem): void;
  progress(id: string, counts: { created: number; updated: number; skipped: number }): void;
  finish(id: string, status: ImportHistoryStatus, finishedAt: string, counts: { created: number; updated: number; skipped: number }): void;
  get(id: string): ImportRecord | undefined;
  list(limit: number): ImportRecord[];
  items(id: string): ImportItem[];
  undoCheck(id: string): UndoCheck;
  /** Removes a profile that never left the machine, and its create mutation. */
  removeCreated(profileId: string, mutationId: string): void;
  /** Removes one unsent mutation. */
  removeMutation(mutationId: string): void;
  markUndone(id: string, at: string): void;
  rememberSource(source: RememberedSource): void;
  rememberedSources(limit: number): RememberedSource[];
}
