import { create } from 'zustand';

/**
 * A file dropped somewhere other than the Import page (the Profiles page's
 * empty state), waiting for the Import page to open it. UI state only: the
 * File object stays in the renderer until the Import page reads it.
 */
export interface PendingFile {
  file: File;
  /** The size limit the drop zone knew of, checked again when the file is read. */
  maxBytes: number;
}

interface PendingFileState {
  pending: PendingFile | null;
  hand: (file: File, maxBytes: number) => void;
  /** Returns the waiting file (if any) and forgets it, so it is opened once. */
  take: () => PendingFile | null;
}

export const usePendingFile = create<PendingFileState>()((set, get) => ({
  pending: null,
  hand: (file, maxBytes) => {
    set({ pending: { file, maxBytes } });
  },
  take: () => {
    const { pending } = get();
    if (pending !== null) set({ pending: null });
    return pending;
  },
}));
