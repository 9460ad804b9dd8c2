import type { ChannelName } from '../../../src-shared/contract';
import type { AppFolder, AppInfo } from '../../../src-shared/contract/app';
import type { ConsoleLanguage } from '../../../src-shared/console-languages';
import type { DomainHandlers } from './dispatcher';
import type { WorkspaceChannel } from './sync.handlers';
import type { BackupEntry, ResetPreview, ResetResult } from '../../../src-shared/contract/app';

type AppChannel = Exclude<Extract<ChannelName, `app:${string}`>, WorkspaceChannel>;

export interface AppHandlerDeps {
  info: () => AppInfo;
  /** Remembers the console language in the data dir. */
  setLanguage: (language: ConsoleLanguage) => void;
  /** Opens an http(s) link in the OS browser; the binding decides how (shell, xdg-open, or not at all). */
  openExternal: (url: string) => Promise<boolean>;
  diagnostics: () => string;
  /** Opens a folder in the system's file manager; false when nothing can. */
  openFolder: (folder: AppFolder) => Promise<boolean>;
  backups: () => BackupEntry[];
  backupNow: () => Promise<BackupEntry>;
  resetPreview: () => ResetPreview;
  resetLocalData: (confirmedUnsynced: number) => Promise<ResetResult>;
}

export const appHandlers = (deps: AppHandlerDeps): DomainHandlers<AppChannel> => ({
  'app:info': () => deps.info(),
  'app:setLanguage': ({ language }) => {
    deps.setLanguage(language);
    return { language };
  },
  'app:openExternal': async ({ url }) => ({ opened: await deps.openExternal(url) }),
  'app:diagnostics': () => ({ text: deps.diagnostics() }),
  'app:openFolder': async ({ folder }) => ({ opened: await deps.openFolder(folder) }),
  'app:backups': () => ({ backups: deps.backups() }),
  'app:backupNow': () => deps.backupNow(),
  'app:resetPreview': () => deps.resetPreview(),
  'app:resetLocalData': ({ unsynced }) => deps.resetLocalData(unsynced),
});
