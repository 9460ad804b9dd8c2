import type { AuditAction } from '../../../src-shared/contract/org';
import type { Role } from '../../../src-shared/wire';

/** What a role is called: on its own (a list, a badge, a table cell), what it may do, and within a sentence ("Acme (owner)"). */
export const ROLE_WORDS = {
  owner: { label: 'org.role.owner', hint: 'org.roleHint.owner', inline: 'sync.server.role.owner' },
  admin: { label: 'org.role.admin', hint: 'org.roleHint.admin', inline: 'sync.server.role.admin' },
  viewer: { label: 'org.role.viewer', hint: 'org.roleHint.viewer', inline: 'sync.server.role.viewer' },
} as const satisfies Record<Role, { label: string; hint: string; inline: string }>;

/** What each audit action is called; a newer server's action not in this list is shown as it comes. */
export const ACTION_LABELS = {
  'organisation.created': 'org.audit.actions.organisation.created',
  'organisation.disabled': 'org.audit.actions.organisation.disabled',
  'organisation.enabled': 'org.audit.actions.organisation.enabled',
  'organisation.settings_changed': 'org.audit.actions.organisation.settings_changed',
  'admin.invited': 'org.audit.actions.admin.invited',
  'admin.invitation_revoked': 'org.audit.actions.admin.invitation_revoked',
  'admin.joined': 'org.audit.actions.admin.joined',
  'admin.role_changed': 'org.audit.actions.admin.role_changed',
  'admin.removed': 'org.audit.actions.admin.removed',
  'account.signed_in': 'org.audit.actions.account.signed_in',
  'account.sign_in_failed': 'org.audit.actions.account.sign_in_failed',
  'account.signed_out': 'org.audit.actions.account.signed_out',
  'account.signed_out_everywhere': 'org.audit.actions.account.signed_out_everywhere',
  'account.password_changed': 'org.audit.actions.account.password_changed',
  'account.password_reset_requested': 'org.audit.actions.account.password_reset_requested',
  'account.password_reset': 'org.audit.actions.account.password_reset',
  'account.one_time_password_replaced': 'org.audit.actions.account.one_time_password_replaced',
  'profile.created': 'org.audit.actions.profile.created',
  'profile.changed': 'org.audit.actions.profile.changed',
  'profile.deleted': 'org.audit.actions.profile.deleted',
  'profile.one_time_password_set': 'org.audit.actions.profile.one_time_password_set',
  'profile.sign_in_details_sent': 'org.audit.actions.profile.sign_in_details_sent',
  'invitation.sent': 'org.audit.actions.invitation.sent',
  'invitation.confirmed': 'org.audit.actions.invitation.confirmed',
  'invitation.expired': 'org.audit.actions.invitation.expired',
  'sync.pushed': 'org.audit.actions.sync.pushed',
  'import.pushed': 'org.audit.actions.import.pushed',
  'audit.pruned': 'org.audit.actions.audit.pruned',
  'catalogue.entry_created': 'org.audit.actions.catalogue.entry_created',
  'catalogue.entry_changed': 'org.audit.actions.catalogue.entry_changed',
  'catalogue.entry_deleted': 'org.audit.actions.catalogue.entry_deleted',
  'rule.created': 'org.audit.actions.rule.created',
  'rule.changed': 'org.audit.actions.rule.changed',
  'rule.reordered': 'org.audit.actions.rule.reordered',
  'rule.deleted': 'org.audit.actions.rule.deleted',
  'rule.applied': 'org.audit.actions.rule.applied',
  'rule.apply_undone': 'org.audit.actions.rule.apply_undone',
  'scim_token.created': 'org.audit.actions.scim_token.created',
  'scim_token.revoked': 'org.audit.actions.scim_token.revoked',
  'profile.deactivated': 'org.audit.actions.profile.deactivated',
  'profile.reactivated': 'org.audit.actions.profile.reactivated',
  'import_source.created': 'org.audit.actions.import_source.created',
  'import_source.updated': 'org.audit.actions.import_source.updated',
  'import_source.deleted': 'org.audit.actions.import_source.deleted',
  'import_source.run': 'org.audit.actions.import_source.run',
  'import_source.deactivation_confirmed': 'org.audit.actions.import_source.deactivation_confirmed',
} as const satisfies Record<AuditAction, string>;

/** Who did it, when it was not an admin (whose email is shown). */
export const ACTOR_LABELS = {
  operator: 'org.audit.actor.operator',
  person: 'org.audit.actor.person',
  system: 'org.audit.actor.system',
} as const;
