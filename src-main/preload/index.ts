import { contextBridge, ipcRenderer } from 'electron';
import type { IpcRendererEvent } from 'electron';
import { IPC_EVENT, IPC_INVOKE, PRELOAD_CHANNELS, PRELOAD_EVENTS } from '../../src-shared/contract/names';

/**
 * The renderer's only door to the main process: invoke(name, args) for the
 * contract's channels and on(event, listener) for its events. Nothing else of
 * Electron or Node is exposed.
 */
const channels = new Set<string>(PRELOAD_CHANNELS);
const events = new Set<string>(PRELOAD_EVENTS);

contextBridge.exposeInMainWorld('roster', {
  invoke: (name: string, args: unknown): Promise<unknown> => {
    if (!channels.has(name)) {
      return Promise.resolve({ ok: false, error: { code: 'UNKNOWN_CHANNEL', message: `There is no channel named ${name}.` } });
    }
    return ipcRenderer.invoke(IPC_INVOKE, name, args);
  },
  on: (event: string, listener: (payload: unknown) => void): (() => void) => {
    if (!events.has(event)) throw new Error(`There is no event named ${event}.`);
    const forward = (_e: IpcRendererEvent, name: unknown, payload: unknown): void => {
      if (name === event) listener(payload);
    };
    ipcRenderer.on(IPC_EVENT, forward);
    return () => {
      ipcRenderer.removeListener(IPC_EVENT, forward);
    };
  },
});
