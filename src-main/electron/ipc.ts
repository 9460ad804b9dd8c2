import type { Dispatcher } from '../core/api/dispatcher';
import type { EventBus } from '../core/events';
import { EVENT_NAMES } from '../../src-shared/contract';
import { IPC_EVENT, IPC_INVOKE } from '../../src-shared/contract/names';
import { fail } from '../../src-shared/errors';
import type { Result } from '../../src-shared/errors';
import { isTrustedSender } from './security';

/** What the binding reads of an invoke event (Electron's IpcMainInvokeEvent has it): the frame that sent it, if it still exists. */
export interface InvokeEvent {
  readonly senderFrame: { readonly url: string } | null;
}

/** The slice of ipcMain the binding uses (so a test can drive it under plain Node). */
export interface IpcMainLike {
  handle(channel: string, listener: (event: InvokeEvent, ...args: unknown[]) => Promise<Result<unknown>>): void;
  removeHandler(channel: string): void;
}

export interface EventTarget {
  isDestroyed(): boolean;
  send(channel: string, ...args: unknown[]): void;
}

/**
 * The only place that registers an IPC handler: one invoke channel that checks
 * the sender's frame and hands the call to the contract's dispatcher, and one
 * event channel that forwards the bus to the window.
 */
export function bindIpc(ipcMain: IpcMainLike, dispatcher: Dispatcher, events: EventBus, target: () => EventTarget | undefined): () => void {
  ipcMain.handle(IPC_INVOKE, async (event, name, args) => {
    if (!isTrustedSender(event.senderFrame)) {
      return fail('FORBIDDEN', 'This call did not come from a Roster page.');
    }
    return dispatcher.dispatch(name, args);
  });
  const unsubscribe = EVENT_NAMES.map((name) =>
    events.on(name, (payload) => {
      const wc = target();
      if (wc !== undefined && !wc.isDestroyed()) wc.send(IPC_EVENT, name, payload);
    }),
  );
  return () => {
    ipcMain.removeHandler(IPC_INVOKE);
    unsubscribe.forEach((u) => {
      u();
    });
  };
}
