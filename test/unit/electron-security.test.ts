import type { BrowserWindowConstructorOptions } from 'electron';
import { describe, expect, it, vi } from 'vitest';
import { createDispatcher } from '../../src-main/core/api/dispatcher';
import type { HandlerMap } from '../../src-main/core/api/dispatcher';
import { EventBus } from '../../src-main/core/events';
import { bindIpc } from '../../src-main/electron/ipc';
import type { IpcMainLike } from '../../src-main/electron/ipc';
import {
  APP_ENTRY,
  createMainWindow,
  denyPermission,
  isAppUrl,
  isTrustedSender,
  navigationGuard,
  windowOpenHandler,
} from '../../src-main/electron/security';
import { IPC_EVENT, IPC_INVOKE } from '../../src-shared/contract/names';
import type { Result } from '../../src-shared/errors';

class RecordingWindow {
  static last: BrowserWindowConstructorOptions | undefined;
  readonly options: BrowserWindowConstructorOptions;
  constructor(options: BrowserWindowConstructorOptions) {
    this.options = options;
    RecordingWindow.last = options;
  }
}

describe('Electron window hardening', () => {
  it('creates the window isolated, sandboxed, without Node, with our preload only', () => {
    const win = createMainWindow(RecordingWindow, '/app/out/preload/index.cjs');
    expect(RecordingWindow.last).toBe(win.options);
    const prefs = win.options.webPreferences;
    expect(prefs).toMatchObject({
      preload: '/app/out/preload/index.cjs',
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      navigateOnDragDrop: false,
    });
  });

  it('recognises only roster://app pages as ours', () => {
    expect(isAppUrl(APP_ENTRY)).toBe(true);
    expect(isAppUrl('roster://app/profiles?x=1')).toBe(true);
    expect(isAppUrl('roster://evil/index.html')).toBe(false);
    expect(isAppUrl('https://app/index.html')).toBe(false);
    expect(isAppUrl('file:///etc/passwd')).toBe(false);
    expect(isAppUrl('not a url')).toBe(false);
  });

  it('refuses new windows and sends only web links to the OS browser', () => {
    const opened: string[] = [];
    const handler = windowOpenHandler((url) => {
      opened.push(url);
    });
    expect(handler({ url: 'https://example.com/help' })).toEqual({ action: 'deny' });
    expect(handler({ url: 'file:///etc/passwd' })).toEqual({ action: 'deny' });
    expect(handler({ url: 'javascript:alert(1)' })).toEqual({ action: 'deny' });
    expect(handler({ url: 'smb://server/share' })).toEqual({ action: 'deny' });
    expect(opened).toEqual(['https://example.com/help']);
  });

  it('blocks navigation away from our pages', () => {
    const opened: string[] = [];
    const guard = navigationGuard((url) => {
      opened.push(url);
    });
    const event = () => ({ preventDefault: vi.fn() });
    const inside = event();
    guard(inside, 'roster://app/index.html');
    expect(inside.preventDefault).not.toHaveBeenCalled();
    const web = event();
    guard(web, 'http://attacker.test/');
    expect(web.preventDefault).toHaveBeenCalledOnce();
    const file = event();
    guard(file, 'file:///home/user/secret');
    expect(file.preventDefault).toHaveBeenCalledOnce();
    expect(opened).toEqual(['http://attacker.test/']);
  });

  it('refuses every permission request', () => {
    const callback = vi.fn();
    denyPermission(undefined, 'media', callback);
    expect(callback).toHaveBeenCalledWith(false);
  });
});

describe('IPC binding', () => {
  const handlers = {
    'app:info': () => ({ name: 'Roster', version: 't', mode: 'electron', dataDir: '/d', databaseFile: '/d/x', schemaVersion: 1 }),
  } as unknown as HandlerMap;

  function bind() {
    const registered = new Map<string, (event: { senderFrame: { url: string } | null }, ...args: unknown[]) => Promise<Result<unknown>>>();
    const ipc: IpcMainLike = {
      handle: (channel, listener) => {
        registered.set(channel, listener);
      },
      removeHandler: (channel) => {
        registered.delete(channel);
      },
    };
    const events = new EventBus();
    const sent: unknown[][] = [];
    const unbind = bindIpc(ipc, createDispatcher(handlers, () => undefined), events, () => ({ isDestroyed: () => false, send: (...a) => sent.push(a) }));
    return { registered, events, sent, unbind };
  }

  it('registers one invoke channel that answers our page and refuses any other sender', async () => {
    const { registered } = bind();
    expect([...registered.keys()]).toEqual([IPC_INVOKE]);
    const invoke = registered.get(IPC_INVOKE);
    if (invoke === undefined) throw new Error('no handler');
    const ours = await invoke({ senderFrame: { url: 'roster://app/index.html' } }, 'app:info', {});
    expect(ours).toMatchObject({ ok: true, data: { name: 'Roster' } });
    const foreign = await invoke({ senderFrame: { url: 'https://attacker.test/' } }, 'app:info', {});
    expect(foreign).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    const gone = await invoke({ senderFrame: null }, 'app:info', {});
    expect(gone).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    expect(isTrustedSender(undefined)).toBe(false);
  });

  it('answers an unknown channel and bad arguments with errors, not crashes', async () => {
    const { registered } = bind();
    const invoke = registered.get(IPC_INVOKE);
    if (invoke === undefined) throw new Error('no handler');
    const frame = { senderFrame: { url: 'roster://app/index.html' } };
    expect(await invoke(frame, 'fs:readFile', { path: '/etc/passwd' })).toMatchObject({ ok: false, error: { code: 'UNKNOWN_CHANNEL' } });
    expect(await invoke(frame, 'app:info', { extra: 1 })).toMatchObject({ ok: false, error: { code: 'VALIDATION_FAILED' } });
  });

  it('forwards change events to the window and stops when unbound', () => {
    const { events, sent, unbind, registered } = bind();
    events.changed(['profiles', 'outbox', 'profiles']);
    expect(sent).toEqual([[IPC_EVENT, 'changed', { topics: ['profiles', 'outbox'] }]]);
    unbind();
    events.changed(['profiles']);
    expect(sent).toHaveLength(1);
    expect(registered.size).toBe(0);
  });
});
