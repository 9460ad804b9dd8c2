import type { ChannelName } from '../../../src-shared/contract';
import type { DomainHandlers } from './dispatcher';
import type { ProfileService } from '../profiles/service';
import type { ListActionService } from '../profiles/list-actions';
import type { OneTimePasswords } from '../profiles/one-time-password';

type ProfileChannel = Extract<ChannelName, `profiles:${string}`>;

export const profileHandlers = (profiles: ProfileService, actions: ListActionService, oneTime: OneTimePasswords): DomainHandlers<ProfileChannel> => ({
  'profiles:list': ({ query, offset, limit }) => profiles.list(query, offset, limit),
  'profiles:get': ({ id }) => profiles.get(id),
  'profiles:create': ({ draft }) => profiles.create(draft),
  'profiles:update': ({ id, draft }) => profiles.update(id, draft),
  'profiles:delete': ({ id }) => profiles.delete(id),
  'profiles:facets': () => profiles.facets(),
  'profiles:suggestUsername': ({ firstName, lastName, profileId }) => profiles.suggestUsername({ firstName, lastName }, profileId),
  'profiles:countSelection': ({ selection }) => ({ count: profiles.countSelection(selection) }),
  'profiles:possibleDuplicates': ({ draft }) => ({ profiles: profiles.possibleDuplicates(draft) }),
  'profiles:previewAction': ({ selection, action }) => actions.preview(selection, action),
  'profiles:applyAction': ({ selection, action }) => actions.apply(selection, action),
  'profiles:undoAction': ({ undoId }) => actions.undoAction(undoId),
  'profiles:setOneTimePassword': ({ id, password }) => oneTime.set(id, password),
  'profiles:sendSignInDetails': ({ id }) => oneTime.sendSignInDetails(id),
});
