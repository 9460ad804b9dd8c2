import { afterEach, describe, expect, it } from 'vitest';
import { bindIpc } from '../../../src-main/electron/ipc';
import type { InvokeEvent, IpcMainLike } from '../../../src-main/electron/ipc';
import { IPC_INVOKE } from '../../../src-shared/contract/names';
import type { Result } from '../../../src-shared/errors';
import type { ImportSessionView } from '../../../src-shared/import';
import { startRoster } from './helpers';
import type { TestRoster } from './helpers';

/**
 * In Electron the dropped file reaches the main side as a Uint8Array over IPC
 * (structured clone, as ipcRenderer.invoke sends it), through the one invoke
 * handler that checks the sender's frame.
 */

let t: TestRoster | null = null;
afterEach(() => {
  t?.close();
  t = null;
});

type Invoke = (event: InvokeEvent, ...args: unknown[]) => Promise<Result<unknown>>;

function bound(roster: TestRoster): Invoke {
  let handler: Invoke | undefined;
  const ipc: IpcMainLike = {
    handle: (channel, listener) => {
      if (channel === IPC_INVOKE) handler = listener;
    },
    removeHandler: () => undefined,
  };
  bindIpc(ipc, roster.roster.dispatcher, roster.roster.events, () => undefined);
  if (handler === undefined) throw new Error('no invoke handler');
  return handler;
}

const OURS: InvokeEvent = { senderFrame: { url: 'roster://app/index.html' } };
const csv = new TextEncoder().encode(['First name;Last name;Email', 'Ann;Peeters;ann@example.com'].join('\r\n'));

describe('a file sent over IPC', () => {
  it('opens an import from the bytes as structured clone delivers them', async () => {
    t = startRoster();
    const invoke = bound(t);
    const result = (await invoke(OURS, 'import:open', structuredClone({ fileName: 'staff.csv', bytes: csv }))) as Result<ImportSessionView>;
    if (!result.ok) throw new Error(result.error.message);
    expect(result.data.file).toMatchObject({ fileName: 'staff.csv', size: csv.byteLength });
    expect(result.data.counts.rows).toBe(1);
  });

  it('from a frame that is not ours is refused before anything is read', async () => {
    t = startRoster();
    const invoke = bound(t);
    const result = await invoke({ senderFrame: { url: 'https://attacker.test/' } }, 'import:open', { fileName: 'staff.csv', bytes: csv });
    expect(result).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    expect(t.roster.imports.busy()).toBeNull();
  });

  it('as base64 text, or empty, is refused naming the field', async () => {
    t = startRoster();
    const invoke = bound(t);
    for (const bytes of [Buffer.from(csv).toString('base64'), new Uint8Array(0)]) {
      const result = await invoke(OURS, 'import:open', { fileName: 'staff.csv', bytes });
      expect(result.ok).toBe(false);
      if (!result.ok) expect(Object.keys(result.error.details?.fields ?? {})).toEqual(['bytes']);
    }
  });
});
