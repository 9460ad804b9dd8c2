import { z } from 'zod';
import { channel } from './channel';

/** What holds an update back: changes waiting to be sent to the server, an import open. */
export const UPDATE_BLOCKERS = ['sync', 'import'] as const;
export type UpdateBlocker = (typeof UPDATE_BLOCKERS)[number];

/**
 * Where the updater stands: never checked, up to date, an update the console
 * may take (available, downloading, downloaded), one rolled out to others
 * first (notYet), or a check that failed.
 */
export type UpdateState = 'idle' | 'upToDate' | 'available' | 'notYet' | 'downloading' | 'downloaded' | 'error';

export interface UpdateStatus {
  current: string;
  /** Off for this machine by its policy file (managed machines): nothing is checked. */
  disabledByPolicy: boolean;
  /** Checks at start and daily, and downloads in the background (the admin's setting). */
  automatic: boolean;
  /** No feed is set (no ROSTER_UPDATE_URL, no feedUrl in the policy, none built in). */
  feedMissing: boolean;
  /** The desktop app downloads and installs; the browser host can only tell. */
  canInstall: boolean;
  state: UpdateState;
  update: { version: string; notes: string; releaseDate: string | null } | null;
  /** Why installing waits now (installing is refused while any holds). */
  waitingFor: UpdateBlocker[];
  checkedAt: string | null;
  /** What went wrong in the last check or download, as the feed or the network said it. */
  problem: string | null;
}

export const updateChannels = {
  'app:updates': channel<UpdateStatus>()(z.strictObject({})),
  'app:checkUpdates': channel<UpdateStatus>()(z.strictObject({})),
  'app:downloadUpdate': channel<UpdateStatus>()(z.strictObject({})),
  /** Restarts into the downloaded update; refused while changes wait to sync or an import is open. */
  'app:installUpdate': channel<UpdateStatus>()(z.strictObject({})),
  'app:setAutoUpdates': channel<UpdateStatus>()(z.strictObject({ automatic: z.boolean() })),
};
