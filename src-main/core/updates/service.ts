import { ruleError } from '../../../src-shared/errors';
import { rule } from '../../../src-shared/messages';
import type { UpdateBlocker, UpdateStatus } from '../../../src-shared/contract/updates';
import type { Clock } from '../ports';
import type { Timers } from '../sync/ports';
import { decideUpdate } from './decide';
import { parseFeed } from './feed';
import type { UpdateFeed } from './feed';

/** Reads the feed's latest.yml (over HTTP, or as electron-updater reads it); null when no feed is set. */
export interface UpdateFeedPort {
  read(): Promise<string>;
}

/** Downloads and installs an update: the desktop app's electron-updater; the browser host has none. */
export interface UpdateInstallerPort {
  readonly canInstall: boolean;
  download(feed: UpdateFeed): Promise<void>;
  /** Quits and starts the new version. */
  install(): void;
}

/** The admin's setting and this install's random id, kept on this machine. */
export interface UpdateSettingsPort {
  automatic(): boolean;
  setAutomatic(automatic: boolean): void;
  installId(): string;
}

export interface UpdateServiceDeps {
  version: string;
  feed: UpdateFeedPort | null;
  installer: UpdateInstallerPort | null;
  settings: UpdateSettingsPort;
  /** The policy file of a managed machine turned updates off. */
  disabledByPolicy: boolean;
  /** What holds an install back now (changes waiting to sync, an import open). */
  blockers: () => UpdateBlocker[];
  clock: Clock;
  timers: Pick<Timers, 'setTimeout' | 'clearTimeout'>;
  log: (level: 'info' | 'warn', message: string) => void;
}

const DAY = 24 * 60 * 60 * 1000;

/**
 * The console's updates: checked at start and daily when automatic checks
 * are on (and the policy allows), an update this install may take downloaded
 * in the background by the desktop app, and installed on restart only when
 * the admin says so and nothing waits (changes to sync, an import open).
 */
export class UpdateService {
  #state: UpdateStatus['state'] = 'idle';
  #feed: UpdateFeed | null = null;
  #checkedAt: string | null = null;
  #problem: string | null = null;
  #timer: unknown = null;
  #busy: Promise<unknown> | null = null;

  constructor(private readonly deps: UpdateServiceDeps) {}

  status(): UpdateStatus {
    const d = this.deps;
    const offered = this.#state === 'available' || this.#state === 'downloading' || this.#state === 'downloaded' || this.#state === 'notYet';
    return {
      current: d.version,
      disabledByPolicy: d.disabledByPolicy,
      automatic: d.settings.automatic(),
      feedMissing: d.feed === null,
      canInstall: d.installer?.canInstall ?? false,
      state: this.#state,
      update: offered && this.#feed !== null ? { version: this.#feed.version, notes: this.#feed.notes, releaseDate: this.#feed.releaseDate } : null,
      waitingFor: d.blockers(),
      checkedAt: this.#checkedAt,
      problem: this.#problem,
    };
  }

  /** Asks the feed now; the answer is the status. */
  async check(): Promise<UpdateStatus> {
    const feed = this.#usableFeed();
    try {
      const announced = parseFeed(await feed.read());
      const decision = decideUpdate(this.deps.version, announced, this.deps.settings.installId());
      this.#problem = null;
      if (this.#state === 'downloaded' && this.#feed?.version === announced.version) return this.status();
      this.#feed = announced;
      this.#state = decision.kind;
      this.deps.log('info', `Update check: ${announced.version} announced (${announced.stagingPercentage} % rolled out), this console ${this.deps.version}: ${decision.kind}.`);
    } catch (error) {
      this.#state = 'error';
      this.#problem = error instanceof Error ? error.message.slice(0, 300) : String(error);
      this.deps.log('warn', `Update check failed: ${this.#problem}`);
    } finally {
      this.#checkedAt = this.deps.clock.now().toISOString();
    }
    return this.status();
  }

  /** Downloads the update found (desktop app only). */
  async download(): Promise<UpdateStatus> {
    this.#usableFeed();
    const installer = this.deps.installer;
    if (installer === null || !installer.canInstall) throw ruleError('VALIDATION_FAILED', rule('update_desktop_only', {}));
    const feed = this.#feed;
    if (feed === null || (this.#state !== 'available' && this.#state !== 'error')) throw ruleError('VALIDATION_FAILED', rule('update_none_found', {}));
    this.#state = 'downloading';
    try {
      await installer.download(feed);
      this.#state = 'downloaded';
      this.#problem = null;
    } catch (error) {
      this.#state = 'error';
      this.#problem = error instanceof Error ? error.message.slice(0, 300) : String(error);
      this.deps.log('warn', `Update download failed: ${this.#problem}`);
    }
    return this.status();
  }

  /** Restarts into the downloaded update, unless changes wait to sync or an import is open. */
  install(): UpdateStatus {
    const installer = this.deps.installer;
    if (installer === null || !installer.canInstall) throw ruleError('VALIDATION_FAILED', rule('update_desktop_only', {}));
    if (this.#state !== 'downloaded') throw ruleError('VALIDATION_FAILED', rule('update_not_downloaded', {}));
    const waiting = this.deps.blockers();
    if (waiting.length > 0) throw ruleError('VALIDATION_FAILED', rule('update_waits', {}));
    this.deps.log('info', `Installing update ${this.#feed?.version ?? ''} on restart.`);
    installer.install();
    return this.status();
  }

  setAutomatic(automatic: boolean): UpdateStatus {
    this.deps.settings.setAutomatic(automatic);
    if (automatic) this.start();
    else this.stop();
    return this.status();
  }

  /** At start: a check now and one a day, when automatic checks are on and allowed; an update found is downloaded in the background. */
  start(): void {
    this.stop();
    if (this.deps.disabledByPolicy || this.deps.feed === null || !this.deps.settings.automatic()) return;
    const round = (): void => {
      this.#timer = this.deps.timers.setTimeout(round, DAY);
      void this.#background();
    };
    round();
  }

  stop(): void {
    if (this.#timer !== null) this.deps.timers.clearTimeout(this.#timer);
    this.#timer = null;
  }

  /** Settles once the background check (and download) running now is done: for tests and for closing. */
  async idle(): Promise<void> {
    await this.#busy;
  }

  async #background(): Promise<void> {
    if (this.#busy !== null) return;
    const run = (async () => {
      const status = await this.check();
      if (status.state === 'available' && status.canInstall) await this.download();
    })();
    this.#busy = run;
    try {
      await run;
    } finally {
      this.#busy = null;
    }
  }

  #usableFeed(): UpdateFeedPort {
    if (this.deps.disabledByPolicy) throw ruleError('FORBIDDEN', rule('update_off_by_policy', {}));
    if (this.deps.feed === null) throw ruleError('VALIDATION_FAILED', rule('update_no_feed', {}));
    return this.deps.feed;
  }
}
