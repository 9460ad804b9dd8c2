import type { ChannelName } from '../../../src-shared/contract';
import type { OrgService } from '../org/service';
import type { DomainHandlers } from './dispatcher';

type OrgChannel = Extract<ChannelName, `org:${string}` | `account:${string}`>;

export const orgHandlers = (org: OrgService): DomainHandlers<OrgChannel> => ({
  'org:admins': () => org.admins(),
  'org:inviteAdmin': ({ email, role }) => org.inviteAdmin({ email, role }),
  'org:setRole': ({ accountId, role }) => org.setRole(accountId, role),
  'org:removeAdmin': ({ accountId }) => org.removeAdmin(accountId),
  'org:cancelInvitation': ({ id }) => org.cancelInvitation(id),
  'org:settings': () => org.settings(),
  'org:saveSettings': ({ change }) => org.saveSettings(change),
  'org:audit': ({ filter, before, limit }) => org.audit(filter, before, limit),
  'org:auditExport': ({ filter }) => org.auditExport(filter),
  'org:profileHistory': ({ profileId, before }) => org.profileHistory(profileId, before),
  'org:scimTokens': () => org.scimTokens(),
  'org:createScimToken': ({ name }) => org.createScimToken(name),
  'org:revokeScimToken': ({ id }) => org.revokeScimToken(id),
  'org:sso': () => org.sso(),
  'org:saveSso': ({ change }) => org.saveSso(change),
  'org:testSso': ({ issuer }) => org.testSso(issuer),
  'org:signup': () => org.signup(),
  'org:saveSignup': ({ change }) => org.saveSignup(change),
  'org:signupLinks': () => org.signupLinks(),
  'account:changePassword': (input) => org.changePassword(input),
  'account:forgotPassword': ({ serverUrl, email }) => org.forgotPassword(serverUrl, email),
  'account:sessions': () => org.sessions(),
  'account:endSession': ({ id }) => org.endSession(id),
  'account:signOutEverywhere': () => org.signOutEverywhere(),
});
