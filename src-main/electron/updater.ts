import type { AppUpdater } from 'electron-updater';
import type { UpdateInstallerPort } from '../core/updates/service';

/** What of electron-updater's AppUpdater the installer uses. */
export type AppUpdaterLike = Pick<AppUpdater, 'autoDownload' | 'autoInstallOnAppQuit' | 'allowDowngrade' | 'isUserWithinRollout' | 'setFeedURL' | 'checkForUpdates' | 'downloadUpdate' | 'quitAndInstall'>;

/**
 * The desktop app's installer: electron-updater on the same generic feed
 * (a folder with latest.yml, which GitHub releases also is:
 * https://github.com/<owner>/<repo>/releases/latest/download/). The decision
 * (newer, pre-release, rollout, nothing waiting) is the core's
 * (core/updates): electron-updater only downloads and checks the sha512,
 * never on its own (no automatic download, no install on quit), and never
 * downgrades.
 */
export function createElectronInstaller(updater: AppUpdaterLike, feedUrl: string): UpdateInstallerPort {
  updater.autoDownload = false;
  updater.autoInstallOnAppQuit = false;
  updater.allowDowngrade = false;
  // The core placed this install in or out of the rollout already, by its own id.
  updater.isUserWithinRollout = () => true;
  updater.setFeedURL({ provider: 'generic', url: feedUrl });
  return {
    canInstall: true,
    async download(feed) {
      const found = await updater.checkForUpdates();
      if (found?.updateInfo.version !== feed.version) throw new Error(`The feed now offers ${found?.updateInfo.version ?? 'nothing'}, not ${feed.version}: check again.`);
      await updater.downloadUpdate();
    },
    install() {
      // Quits the windows and starts the installer; the app starts again afterwards.
      updater.quitAndInstall(false, true);
    },
  };
}
