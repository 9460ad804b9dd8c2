import type { BrowserWindowConstructorOptions, Event, HandlerDetails, WindowOpenHandlerResponse } from 'electron';

/**
 * Electron's security checklist, as plain functions the entry wires up and a
 * unit test checks under Node: isolated, sandboxed renderer; only our own
 * app:// pages; links to the web go to the OS browser; IPC only from our frame.
 */

export const APP_SCHEME = 'roster';
export const APP_HOST = 'app';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;
export const APP_ENTRY = `${APP_ORIGIN}/index.html`;

/** The constructor Electron provides; a test passes a recorder in its place. */
export type WindowConstructor<W> = new (options: BrowserWindowConstructorOptions) => W;

/**
 * Creates the main window. The options are written out here in one literal so
 * that static checkers (electronegativity) and the unit test see exactly what
 * Electron receives.
 */
export function createMainWindow<W>(BrowserWindow: WindowConstructor<W>, preloadPath: string): W {
  return new BrowserWindow({
    width: 1280,
    height: 820,
    minWidth: 900,
    minHeight: 600,
    show: false,
    title: 'Roster',
    backgroundColor: '#ffffff',
    webPreferences: {
      preload: preloadPath,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      experimentalFeatures: false,
      webviewTag: false,
      navigateOnDragDrop: false,
      disableBlinkFeatures: 'Auxclick',
      spellcheck: true,
    },
  });
}

/** Is this URL one of our own pages (roster://app/…)? */
export function isAppUrl(url: string): boolean {
  try {
    const parsed = new URL(url);
    return parsed.protocol === `${APP_SCHEME}:` && parsed.host === APP_HOST;
  } catch {
    return false;
  }
}

export const isWebLink = (url: string): boolean => {
  try {
    const { protocol } = new URL(url);
    return protocol === 'https:' || protocol === 'http:';
  } catch {
    return false;
  }
};

export type OpenExternal = (url: string) => Promise<void> | void;

/** New windows are never opened; an http(s) link goes to the OS browser instead. */
export const windowOpenHandler =
  (openExternal: OpenExternal) =>
  (details: Pick<HandlerDetails, 'url'>): WindowOpenHandlerResponse => {
    if (isWebLink(details.url)) void openExternal(details.url);
    return { action: 'deny' };
  };

/** The window never leaves our pages; an http(s) target goes to the OS browser instead. */
export const navigationGuard =
  (openExternal: OpenExternal) =>
  (event: Pick<Event, 'preventDefault'>, url: string): void => {
    if (isAppUrl(url)) return;
    event.preventDefault();
    if (isWebLink(url)) void openExternal(url);
  };

/** IPC is answered only for a frame showing our own page. */
export function isTrustedSender(frame: { url: string } | null | undefined): boolean {
  return frame !== null && frame !== undefined && isAppUrl(frame.url);
}

/** The renderer needs no permission (camera, notifications, geolocation …): all are refused. */
export const denyPermission = (_webContents: unknown, _permission: string, callback: (granted: boolean) => void): void => {
  callback(false);
};
