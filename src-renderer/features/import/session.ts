import { create } from 'zustand';
import type { ApiError, Result } from '../../../src-shared/errors';
import type {
  CommitResult,
  ImportCounts,
  ImportMode,
  ImportPhase,
  ImportRow,
  ImportSessionView,
  PreviewFilter,
} from '../../../src-shared/import';
import type { ProfileField } from '../../../src-shared/profile';
import type { RuleKey } from '../../../src-shared/messages';
import { api } from '../../api/client';
import { ReadAborted, ReadFailed, formatBytes, readAsBytes } from './files';
import type { Words } from './labels';

/**
 * The import in progress, as the Import page shows it: which step the admin
 * is on, the session view the main side last returned (the rows themselves
 * stay on the main side and come a page at a time), what is running and how
 * far along it is, and the last failure. Kept in a store so the admin can
 * visit the Profiles page and come back to the same import.
 */

export const STEPS = ['file', 'sheet', 'mapping', 'values', 'review', 'commit'] as const;

export interface Busy {
  key: number;
  /** What runs, worded when shown (so it follows the console language). */
  label: Words;
  /** Cancel was pressed: waiting for the work to stop. */
  cancelling: boolean;
  since: number;
  /** Set when what runs can be stopped (reading a file, checking, committing). */
  cancellable: boolean;
  /** The import the work belongs to; unknown while a new file is being opened until its first progress event. */
  importId: string | null;
}

export interface Progress {
  /** 'loading': the renderer reading the dropped file from disk, before it is sent. */
  phase: ImportPhase | 'loading';
  done: number;
  total: number;
}

/** What went wrong: the API's error, or one the renderer found itself (with its own words for it). */
export interface ImportFailure {
  error: ApiError;
  /** The renderer's wording (a file found empty or too large before it was sent); null: the error's own. */
  words: Words | null;
}

interface ImportSessionState {
  view: ImportSessionView | null;
  step: number;
  /** The furthest step reached: the stepper lets the admin jump back and forth up to it. */
  reached: number;
  busy: Busy | null;
  progress: Progress | null;
  failure: ImportFailure | null;
  /** A one-off explanation of what the last action did (e.g. a field moved off another column). */
  notice: Words | null;
  /** Bumped whenever the rows may have changed: the review grid reloads its pages. */
  rowsVersion: number;
  result: CommitResult | null;

  openFile: (file: File, maxBytes: number) => Promise<void>;
  /** Runs one call that returns a new session view, showing progress and any failure. */
  run: (label: Words, call: (importId: string) => Promise<Result<ImportSessionView>>, options?: { cancellable?: boolean; notice?: Words | null }) => Promise<boolean>;
  editCell: (rowIndex: number, field: ProfileField, value: string) => Promise<ImportRow | null>;
  exclude: (rowIndexes: number[], excluded: boolean) => Promise<boolean>;
  /** Excludes (or includes back) every row the review grid shows for this filter and search. */
  excludeWhere: (filter: PreviewFilter, search: string, excluded: boolean) => Promise<boolean>;
  setMode: (mode: ImportMode) => Promise<boolean>;
  commit: () => Promise<void>;
  cancel: () => void;
  /** Re-reads the view from the main side (on coming back to the page). */
  refresh: () => Promise<void>;
  goTo: (step: number) => void;
  reset: () => void;
  /** The page is going away for good: closes the import on the main side; coming back to it (from the browser's back-forward cache) says so. */
  release: () => void;
  dismissFailure: () => void;
  dismissNotice: () => void;
}

/** Calls that change the session run one after another, never interleaved (the main side refuses a second call while one runs). */
let tail: Promise<unknown> = Promise.resolve();
function serial<T>(fn: () => Promise<T>): Promise<T> {
  const next = tail.then(fn, fn);
  tail = next.catch(() => undefined);
  return next;
}

let busyKey = 0;
/** Bumped by Cancel and by a new file, so a file read that was abandoned is closed on arrival instead of shown. */
let openGeneration = 0;
let abortRead: (() => void) | null = null;

const initial = {
  view: null,
  step: 0,
  reached: 0,
  busy: null,
  progress: null,
  failure: null,
  notice: null,
  rowsVersion: 0,
  result: null,
} satisfies Partial<ImportSessionState>;

/** The findings that say an import is no longer open on the main side (closed, released for memory, finished). */
const CLOSED_IMPORT: ReadonlySet<string> = new Set<RuleKey>(['import_gone', 'import_released_idle', 'import_released_replaced', 'import_released_left', 'import_finished']);

/** The import the page shows was closed on the main side: the page starts afresh, saying why. */
export const lostSession = (error: ApiError): boolean => error.code === 'NOT_FOUND' && CLOSED_IMPORT.has(error.details?.rule?.key ?? '');

export const useImportSession = create<ImportSessionState>()((set, get) => {
  const startBusy = (label: Words, cancellable: boolean, importId: string | null): number => {
    busyKey += 1;
    set({ busy: { key: busyKey, label, cancelling: false, since: Date.now(), cancellable, importId }, progress: null });
    return busyKey;
  };
  const endBusy = (key: number): void => {
    if (get().busy?.key === key) set({ busy: null, progress: null });
  };
  const fail = (error: ApiError): void => {
    if (lostSession(error)) {
      set({ ...initial, failure: { error, words: null }, rowsVersion: get().rowsVersion + 1 });
      return;
    }
    set({ failure: { error, words: null } });
  };
  /** Excludes or includes rows back on the main side; the counts come back, and the grid reloads. */
  const applyExclusion = (excluded: boolean, call: (importId: string) => Promise<Result<ImportCounts>>): Promise<boolean> =>
    serial(async () => {
      const view = get().view;
      if (view === null) return false;
      const key = startBusy((t) => (excluded ? t('import.busy.excluding') : t('import.busy.including')), false, view.importId);
      const result = await call(view.importId);
      endBusy(key);
      if (!result.ok) {
        fail(result.error);
        return false;
      }
      const current = get().view;
      if (current !== null) set({ view: withCounts(current, result.data), failure: null, rowsVersion: get().rowsVersion + 1 });
      return true;
    });

  return {
    ...initial,

    openFile: async (file, maxBytes) => {
      openGeneration += 1;
      const generation = openGeneration;
      set({ failure: null, notice: null, result: null });
      const name = file.name;
      if (file.size === 0) {
        set({
          failure: {
            // The English message is for logs; the alert words it in the console language.
            error: { code: 'FILE_CORRUPT', message: `“${name}” is empty (0 bytes).`, details: { reason: 'empty-file' } },
            words: (t) => t('import.failure.empty', { name }),
          },
        });
        return;
      }
      if (file.size > maxBytes) {
        const size = file.size;
        set({
          failure: {
            error: { code: 'FILE_TOO_LARGE', message: `“${name}” is ${size} bytes; an import takes files up to ${maxBytes} bytes.`, details: { reason: 'too-large', limit: maxBytes } },
            words: (t, fmt) => t('import.failure.tooLarge', { name, size: formatBytes(t, fmt, size), max: formatBytes(t, fmt, maxBytes) }),
          },
        });
        return;
      }
      await serial(async () => {
        if (generation !== openGeneration) return;
        const key = startBusy((t) => t('import.busy.reading', { fileName: name }), true, null);
        const read = readAsBytes(file, (done, total) => {
          if (get().busy?.key === key) set({ progress: { phase: 'loading', done, total } });
        });
        abortRead = read.abort;
        let bytes: Uint8Array;
        try {
          bytes = await read.promise;
        } catch (error) {
          endBusy(key);
          if (!(error instanceof ReadAborted)) {
            const reason = error instanceof ReadFailed ? error.reason : error instanceof Error ? error.message : String(error);
            set({
              failure: {
                error: { code: 'FILE_CORRUPT', message: `“${name}” could not be read from disk${reason === null ? '' : ` (${reason})`}.` },
                words: (t) => (reason === null ? t('import.failure.unreadable', { name }) : t('import.failure.unreadableBecause', { name, why: reason })),
              },
            });
          }
          return;
        } finally {
          abortRead = null;
        }
        if (generation !== openGeneration) {
          endBusy(key);
          return;
        }
        if (get().busy?.key === key) set({ progress: { phase: 'parsing', done: 0, total: 0 } });
        const result = await api.invoke('import:open', { fileName: file.name, bytes });
        endBusy(key);
        if (generation !== openGeneration) {
          // Cancelled or replaced meanwhile: drop what was opened.
          if (result.ok) void api.invoke('import:close', { importId: result.data.importId });
          return;
        }
        if (!result.ok) {
          if (result.error.code !== 'CANCELLED') set({ failure: { error: result.error, words: null } });
          return;
        }
        const previous = get().view;
        if (previous !== null) void api.invoke('import:close', { importId: previous.importId });
        set({ view: result.data, step: 1, reached: 1, failure: null, notice: null, result: null, rowsVersion: get().rowsVersion + 1 });
      });
    },

    run: (label, callFn, options) =>
      serial(async () => {
        const view = get().view;
        if (view === null) return false;
        const key = startBusy(label, options?.cancellable ?? false, view.importId);
        const result = await callFn(view.importId);
        endBusy(key);
        if (!result.ok) {
          if (result.error.code !== 'CANCELLED') fail(result.error);
          return false;
        }
        set({ view: result.data, failure: null, notice: options?.notice ?? null, rowsVersion: get().rowsVersion + 1 });
        return true;
      }),

    editCell: (rowIndex, field, value) =>
      serial(async () => {
        const view = get().view;
        if (view === null) return null;
        const key = startBusy((t) => t('import.busy.checkingRow'), false, view.importId);
        const result = await api.invoke('import:editCell', { importId: view.importId, rowIndex, field, value });
        endBusy(key);
        if (!result.ok) {
          fail(result.error);
          return null;
        }
        const current = get().view;
        if (current !== null) set({ view: { ...current, counts: result.data.counts, diffed: false }, failure: null });
        return result.data.row;
      }),

    exclude: (rowIndexes, excluded) =>
      rowIndexes.length === 0 ? Promise.resolve(false) : applyExclusion(excluded, (importId) => api.invoke('import:excludeRows', { importId, rowIndexes, excluded })),

    excludeWhere: (filter, search, excluded) =>
      applyExclusion(excluded, (importId) => api.invoke('import:excludeWhere', { importId, filter, search: search === '' ? undefined : search, excluded })),

    setMode: (mode) =>
      get().run(
        (t) => (mode === 'create' ? t('import.busy.modeCreate') : t('import.busy.modeUpdate')),
        (importId) => api.invoke('import:setMode', { importId, mode }),
      ),

    commit: () =>
      serial(async () => {
        const view = get().view;
        if (view === null) return;
        const key = startBusy((t) => t('import.busy.committing'), true, view.importId);
        set({ result: null, failure: null });
        const result = await api.invoke('import:commit', { importId: view.importId, mode: view.mode });
        endBusy(key);
        if (!result.ok) {
          fail(result.error);
          return;
        }
        set({ result: result.data });
        // Written to the end, the import is closed on the main side (its memory given back): the page keeps what it showed, and the result.
        if (finished(result.data)) return;
        const fresh = await api.invoke('import:view', { importId: view.importId });
        if (fresh.ok) set({ view: fresh.data, rowsVersion: get().rowsVersion + 1 });
      }),

    cancel: () => {
      const busy = get().busy;
      if (busy === null || !busy.cancellable) return;
      if (busy.importId === null) {
        // Still reading or uploading a new file: forget it.
        openGeneration += 1;
        abortRead?.();
        set({ busy: { ...busy, cancelling: true, cancellable: false } });
        return;
      }
      if (get().view === null || get().view?.importId !== busy.importId) openGeneration += 1;
      set({ busy: { ...busy, cancelling: true, cancellable: false } });
      void api.invoke('import:cancel', { importId: busy.importId });
    },

    refresh: () =>
      serial(async () => {
        const view = get().view;
        // An import committed to the end is closed on the main side; its result stays on the page until the next file.
        if (view === null || finished(get().result)) return;
        const result = await api.invoke('import:view', { importId: view.importId });
        if (!result.ok) {
          fail(result.error);
          return;
        }
        set({ view: result.data, rowsVersion: get().rowsVersion + 1 });
      }),

    goTo: (step) => {
      set((s) => ({ step, reached: Math.max(s.reached, step), notice: null }));
    },

    reset: () => {
      const view = get().view;
      openGeneration += 1;
      if (view !== null && !finished(get().result)) void api.invoke('import:close', { importId: view.importId });
      set({ ...initial, rowsVersion: get().rowsVersion + 1 });
    },

    release: () => {
      const view = get().view;
      if (view === null || finished(get().result)) return;
      // The console is going away (tab or window closed, page reloaded): the import's memory is given back now, not in 15 minutes.
      void api.invoke('import:close', { importId: view.importId, left: true });
    },

    dismissFailure: () => {
      set({ failure: null });
    },
    dismissNotice: () => {
      set({ notice: null });
    },
  };
});

/** A commit written to the end closed its import on the main side (a cancelled one left it open). */
const finished = (result: CommitResult | null): boolean => result?.status === 'completed';

const withCounts = (view: ImportSessionView, counts: ImportCounts): ImportSessionView => ({ ...view, counts, diffed: false });

// Progress of the work under way comes on its own event; it belongs to the busy import (or, while a file opens, names it).
api.on('import:progress', (p) => {
  const { busy } = useImportSession.getState();
  if (busy === null) return;
  if (busy.importId !== null && busy.importId !== p.importId) return;
  useImportSession.setState({
    progress: { phase: p.phase, done: p.done, total: p.total },
    busy: busy.importId === null && !busy.cancelling ? { ...busy, importId: p.importId } : busy,
  });
});

// Visiting another page keeps the import (the store keeps it, the main side keeps it for 15 idle minutes);
// closing the tab or the window, or reloading, releases it at once. A page brought back from the
// back-forward cache asks again, and is told the import was closed.
window.addEventListener('pagehide', () => {
  useImportSession.getState().release();
});
window.addEventListener('pageshow', (event) => {
  if (event.persisted) void useImportSession.getState().refresh();
});
