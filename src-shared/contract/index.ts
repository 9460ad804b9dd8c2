import type { z } from 'zod';
import { appChannels } from './app';
import { profilesChannels } from './profiles';
import { importChannels } from './import';
import { syncChannels } from './sync';
import { dashboardChannels } from './dashboard';
import { orgChannels } from './org';
import { cataloguesChannels } from './catalogues';
import { rulesChannels } from './rules';
import { listActionChannels } from './list-actions';
import { exportChannels } from './export';
import { updateChannels } from './updates';
import { ssoChannels } from './sso';
import { signupChannels } from './signup';
import { importSourceChannels } from './import-sources';
import type { ExportProgress } from './export';
import type { ImportProgress } from '../import';
import type { ChannelDef } from './channel';
import type { Result } from '../errors';

/**
 * The one contract between the renderer and the main process: every domain's
 * channel map merged here. Handlers are registered from it, the preload
 * exposes its names only, and browser mode serves the same map over HTTP.
 */
export const contract = {
  ...appChannels,
  ...profilesChannels,
  ...listActionChannels,
  ...importChannels,
  ...syncChannels,
  ...dashboardChannels,
  ...orgChannels,
  ...cataloguesChannels,
  ...rulesChannels,
  ...exportChannels,
  ...updateChannels,
  ...ssoChannels,
  ...signupChannels,
  ...importSourceChannels,
};

export type Contract = typeof contract;
export type ChannelName = keyof Contract;

export type RequestOf<N extends ChannelName> = Contract[N] extends ChannelDef<infer Req, unknown> ? z.input<Req> : never;
export type ParsedRequestOf<N extends ChannelName> = Contract[N] extends ChannelDef<infer Req, unknown> ? z.output<Req> : never;
export type ResponseOf<N extends ChannelName> = Contract[N] extends ChannelDef<z.ZodType, infer Res> ? Res : never;

export const isChannelName = (name: unknown): name is ChannelName =>
  typeof name === 'string' && Object.prototype.hasOwnProperty.call(contract, name);

/** Topics a write announces on the one `changed` event, so views refresh themselves. */
export const CHANGE_TOPICS = ['profiles', 'outbox', 'conflicts', 'imports', 'invites', 'sync', 'settings', 'catalogues'] as const;
export type ChangeTopic = (typeof CHANGE_TOPICS)[number];

/** Events pushed from main to the renderer. */
export interface EventMap {
  changed: { topics: ChangeTopic[] };
  'import:progress': ImportProgress;
  'export:progress': ExportProgress;
}
export type EventName = keyof EventMap;
export const EVENT_NAMES: readonly EventName[] = ['changed', 'import:progress', 'export:progress'];

/** What the renderer holds: the same in Electron (preload) and in browser mode (HTTP + push). */
export interface RosterApi {
  invoke<N extends ChannelName>(name: N, args: RequestOf<N>): Promise<Result<ResponseOf<N>>>;
  on<E extends EventName>(event: E, listener: (payload: EventMap[E]) => void): () => void;
}

export * from './channel';
export * from './profiles';
export * from './app';
export * from './sync';
export * from './import';
export * from './dashboard';
export * from './org';
export * from './catalogues';
export * from './rules';
export * from './list-actions';
export * from './export';
export * from './sso';
export * from './signup';
export * from './import-sources';
