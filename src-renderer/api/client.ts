import i18next from 'i18next';
import type { ChannelName, EventMap, EventName, RequestOf, ResponseOf, RosterApi } from '../../src-shared/contract';
import type { Result } from '../../src-shared/errors';
import { UPLOAD_ARGS_HEADER, UPLOAD_CHANNELS, UPLOAD_PATH } from '../../src-shared/contract/import';

declare global {
  interface Window {
    /** Set by the Electron preload; absent in browser mode. */
    roster?: RosterApi;
  }
}

const TOKEN_KEY = 'roster.token';

/** Calls sent while the page is being closed: they must reach the host after the page is gone. */
const KEEPALIVE: ReadonlySet<ChannelName> = new Set<ChannelName>(['import:close']);

/** Browser mode: the launch URL carries the per-launch secret in its fragment; keep it for reloads, then hide it. */
function takeToken(): string {
  const match = /(?:^#|&)token=([A-Za-z0-9_-]+)/.exec(window.location.hash);
  if (match?.[1] !== undefined) {
    sessionStorage.setItem(TOKEN_KEY, match[1]);
    history.replaceState(null, '', window.location.pathname + window.location.search);
    return match[1];
  }
  return sessionStorage.getItem(TOKEN_KEY) ?? '';
}

type Listener = (payload: unknown) => void;

/** A call that carries a file (import:open): its bytes, sent as the body, and the rest of its arguments. */
function uploadOf(name: ChannelName, args: unknown): { bytes: Uint8Array<ArrayBuffer>; rest: Record<string, unknown> } | null {
  if (!UPLOAD_CHANNELS.some((c) => c === name) || typeof args !== 'object' || args === null || !('bytes' in args)) return null;
  const { bytes, ...rest } = args;
  if (!(bytes instanceof Uint8Array)) return null;
  return { bytes: bytes.buffer instanceof ArrayBuffer ? new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength) : bytes.slice(), rest };
}

/** The typed API over HTTP + a server-sent event stream, for the browser host on 127.0.0.1. */
function createHttpApi(): RosterApi {
  const token = takeToken();
  const headers = { Authorization: `Bearer ${token}` };
  const listeners = new Map<string, Set<Listener>>();
  let streaming = false;

  const dispatch = (block: string): void => {
    let event = 'message';
    let data = '';
    for (const line of block.split('\n')) {
      if (line.startsWith('event: ')) event = line.slice(7);
      else if (line.startsWith('data: ')) data += line.slice(6);
    }
    if (data === '') return;
    const payload = JSON.parse(data) as unknown;
    for (const l of listeners.get(event) ?? []) l(payload);
  };

  const stream = async (): Promise<void> => {
    for (let attempt = 0; ; attempt++) {
      try {
        // eslint-disable-next-line i18next/no-literal-string -- the host's event stream path
        const res = await fetch('/api/events', { headers });
        if (!res.ok || res.body === null) throw new Error(`event stream refused (${res.status})`);
        attempt = 0;
        const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
        let buffer = '';
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          buffer += value;
          let end = buffer.indexOf('\n\n');
          while (end >= 0) {
            dispatch(buffer.slice(0, end));
            buffer = buffer.slice(end + 2);
            end = buffer.indexOf('\n\n');
          }
        }
      } catch {
        // the host restarted or the machine slept: retry below
      }
      await new Promise((r) => setTimeout(r, Math.min(10_000, 500 * 2 ** attempt)));
    }
  };

  return {
    async invoke<N extends ChannelName>(name: N, args: RequestOf<N>): Promise<Result<ResponseOf<N>>> {
      try {
        const file = uploadOf(name, args);
        if (file !== null) {
          // The file travels as it is on disk, a binary body; the other arguments in a header.
          const res = await fetch(`${UPLOAD_PATH}${name}`, {
            method: 'POST',
            // eslint-disable-next-line i18next/no-literal-string -- HTTP headers
            headers: { ...headers, 'Content-Type': 'application/octet-stream', [UPLOAD_ARGS_HEADER]: encodeURIComponent(JSON.stringify(file.rest)) },
            body: file.bytes,
          });
          return (await res.json()) as Result<ResponseOf<N>>;
        }
        const res = await fetch(`/api/invoke/${name}`, {
          method: 'POST',
          // eslint-disable-next-line i18next/no-literal-string -- an HTTP header
          headers: { ...headers, 'Content-Type': 'application/json' },
          body: JSON.stringify(args),
          // Closing an import as the page goes away: the request must outlive the page (its body is tiny).
          keepalive: KEEPALIVE.has(name),
        });
        return (await res.json()) as Result<ResponseOf<N>>;
      } catch {
        // Worded here, in the console's language at the time: only this side knows it is the console host (not a server) that is gone.
        return { ok: false, error: { code: 'NETWORK', message: i18next.t('common.host.notAnswering') } };
      }
    },
    on<E extends EventName>(event: E, listener: (payload: EventMap[E]) => void): () => void {
      let set = listeners.get(event);
      if (set === undefined) {
        set = new Set();
        listeners.set(event, set);
      }
      const l = listener as Listener;
      set.add(l);
      if (!streaming) {
        streaming = true;
        void stream();
      }
      return () => set.delete(l);
    },
  };
}

export const api: RosterApi = window.roster ?? createHttpApi();
export const runMode: 'electron' | 'browser' = window.roster === undefined ? 'browser' : 'electron';
