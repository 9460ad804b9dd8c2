import type { UpdateBlocker } from '../../../src-shared/contract/updates';
import type { Clock } from '../../core/ports';
import type { Timers } from '../../core/sync/ports';
import { UpdateService } from '../../core/updates/service';
import type { UpdateInstallerPort } from '../../core/updates/service';
import { createHttpFeed, feedFileOf } from './http-feed';
import { policyFileOf, readUpdatePolicy } from './policy';
import { createUpdateSettings } from './settings-file';

export interface UpdateOptions {
  /** The feed's address (a folder holding latest.yml): ROSTER_UPDATE_URL; the policy file's feedUrl comes first. */
  feedUrl?: string | undefined;
  /** The desktop app's electron-updater, given the feed; none in the browser host, which only tells. */
  installer?: (feedUrl: string) => UpdateInstallerPort;
  /** The policy file (by default where the operating system keeps it, see policy.ts). */
  policyFile?: string;
  platform?: NodeJS.Platform;
  timers?: Pick<Timers, 'setTimeout' | 'clearTimeout'>;
}

const realTimers: Pick<Timers, 'setTimeout' | 'clearTimeout'> = {
  setTimeout: (fn, ms) => setTimeout(fn, ms).unref(),
  clearTimeout: (handle) => {
    clearTimeout(handle as NodeJS.Timeout);
  },
};

/** The updater of this install: its policy read, its settings in the data folder, the feed over HTTP. */
export function openUpdates(deps: {
  options: UpdateOptions;
  dataDir: string;
  version: string;
  clock: Clock;
  blockers: () => UpdateBlocker[];
  log: (level: 'info' | 'warn', message: string) => void;
}): UpdateService {
  const { options } = deps;
  const platform = options.platform ?? process.platform;
  const policy = readUpdatePolicy(options.policyFile ?? policyFileOf(platform, process.env), (message) => {
    deps.log('warn', message);
  });
  const raw = policy.feedUrl ?? options.feedUrl;
  const feedUrl = raw === undefined || raw.trim() === '' ? null : raw.trim();
  return new UpdateService({
    version: deps.version,
    feed: feedUrl === null ? null : createHttpFeed(feedUrl, feedFileOf(platform)),
    installer: feedUrl === null || options.installer === undefined ? null : options.installer(feedUrl),
    settings: createUpdateSettings(deps.dataDir),
    disabledByPolicy: !policy.enabled,
    blockers: deps.blockers,
    clock: deps.clock,
    timers: options.timers ?? realTimers,
    log: deps.log,
  });
}
