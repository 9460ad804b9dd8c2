import type { ChannelName, EventName } from './index';

/**
 * The channel names as plain strings, for the preload: it must not bundle the
 * schemas. The type below fails to compile when this list and the contract differ.
 */
export const PRELOAD_CHANNELS = [
  'app:info',
  'app:openExternal',
  'app:diagnostics',
  'app:openFolder',
  'app:backups',
  'app:backupNow',
  'app:restoreBackup',
  'app:setLanguage',
  'profiles:list',
  'profiles:get',
  'profiles:create',
  'profiles:update',
  'profiles:delete',
  'profiles:facets',
  'profiles:countSelection',
  'import:info',
  'import:open',
  'import:reparse',
  'import:view',
  'import:setSheet',
  'import:setHeaderRow',
  'import:setMapping',
  'import:setValueMap',
  'import:setDefaults',
  'import:setMode',
  'import:preview',
  'import:editCell',
  'import:bulkFix',
  'import:excludeRows',
  'import:excludeWhere',
  'import:diff',
  'import:commit',
  'import:cancel',
  'import:close',
  'import:history',
  'import:undo',
  'import:exportProblems',
  'import:template',
  'sync:status',
  'sync:connect',
  'sync:signIn',
  'sync:chooseOrganisation',
  'sync:cancelSignIn',
  'sync:disconnect',
  'sync:now',
  'sync:setWorkOffline',
  'sync:log',
  'sync:organisations',
  'sync:switchOrganisation',
  'conflicts:list',
  'conflicts:resolve',
  'invites:preview',
  'invites:create',
  'invites:list',
  'invites:cancel',
  'invites:delivery',
  'invites:retryDelivery',
  'dashboard:summary',
  'org:admins',
  'org:inviteAdmin',
  'org:setRole',
  'org:removeAdmin',
  'org:cancelInvitation',
  'org:settings',
  'org:saveSettings',
  'org:audit',
  'org:auditExport',
  'org:profileHistory',
  'account:changePassword',
  'account:forgotPassword',
  'account:sessions',
  'account:endSession',
  'account:signOutEverywhere',
  'catalogues:list',
  'catalogues:save',
  'catalogues:delete',
] as const satisfies readonly ChannelName[];

type Missing = Exclude<ChannelName, (typeof PRELOAD_CHANNELS)[number]>;
/** A compile-time check: naming a channel in the contract but not here fails to compile. @public */
export const preloadListIsComplete: [Missing] extends [never] ? true : Missing = true;

export const PRELOAD_EVENTS = ['changed', 'import:progress'] as const satisfies readonly EventName[];

/** The IPC channel names Electron carries: one for calls, one for events. */
export const IPC_INVOKE = 'roster:invoke';
export const IPC_EVENT = 'roster:event';
