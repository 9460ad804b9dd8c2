import type { ChannelName } from '../../../src-shared/contract';
import type { DomainHandlers } from './dispatcher';
import type { SyncEngine } from '../sync/engine';
import type { ConflictService } from '../sync/conflicts';
import type { InviteService } from '../invitations/service';
import type { SyncStorePort } from '../sync/ports';

/** Signing in and choosing the organisation are the workspace's (src-main/runtime/workspace.ts): they may change the replica itself. */
/** Channels the workspace answers itself, above any one organisation's data (they open, close or replace it). */
export type WorkspaceChannel =
  | 'sync:connect'
  | 'sync:signIn'
  | 'sync:chooseOrganisation'
  | 'sync:cancelSignIn'
  | 'sync:ssoBegin'
  | 'sync:ssoFinish'
  | 'sync:ssoCancel'
  | 'sync:organisations'
  | 'sync:switchOrganisation'
  | 'app:restoreBackup'
  | 'app:updates'
  | 'app:checkUpdates'
  | 'app:downloadUpdate'
  | 'app:installUpdate'
  | 'app:setAutoUpdates';
type SyncChannel = Exclude<Extract<ChannelName, `sync:${string}` | `conflicts:${string}` | `invites:${string}`>, WorkspaceChannel>;

export const syncHandlers = (deps: { engine: SyncEngine; conflicts: ConflictService; invites: InviteService; store: SyncStorePort }): DomainHandlers<SyncChannel> => ({
  'sync:status': () => deps.engine.status(),
  'sync:disconnect': () => deps.engine.disconnect(),
  'sync:now': () => deps.engine.syncNow(),
  'sync:setWorkOffline': ({ offline }) => deps.engine.setWorkOffline(offline),
  'sync:log': ({ limit }) => deps.store.recentLog(limit),
  'conflicts:list': () => deps.conflicts.list(),
  'conflicts:resolve': ({ id, resolution }) => {
    deps.conflicts.resolve(id, resolution);
    return { resolved: true as const };
  },
  'invites:preview': ({ selection, channels }) => deps.invites.preview(selection, channels),
  'invites:create': ({ selection }) => deps.invites.create(selection),
  'invites:list': ({ limit }) => deps.invites.list(limit),
  'invites:cancel': ({ id }) => deps.invites.cancel(id),
  'invites:delivery': ({ profileId }) => deps.store.delivery(profileId),
  'invites:retryDelivery': ({ profileId }) => deps.engine.retryDelivery(profileId),
});
