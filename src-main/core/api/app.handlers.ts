import type { ChannelName } from '../../../src-shared/contract';
import type { AppInfo } from '../../../src-shared/contract/app';
import type { DomainHandlers } from './dispatcher';

type AppChannel = Extract<ChannelName, `app:${string}`>;

export interface AppHandlerDeps {
  info: () => AppInfo;
  /** Opens an http(s) link in the OS browser; the binding decides how (shell, xdg-open, or not at all). */
  openExternal: (url: string) => Promise<boolean>;
}

export const appHandlers = (deps: AppHandlerDeps): DomainHandlers<AppChannel> => ({
  'app:info': () => deps.info(),
  'app:openExternal': async ({ url }) => ({ opened: await deps.openExternal(url) }),
});
