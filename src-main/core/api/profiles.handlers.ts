import type { ChannelName } from '../../../src-shared/contract';
import type { DomainHandlers } from './dispatcher';
import type { ProfileService } from '../profiles/service';

type ProfileChannel = Extract<ChannelName, `profiles:${string}`>;

export const profileHandlers = (profiles: ProfileService): DomainHandlers<ProfileChannel> => ({
  'profiles:list': ({ query, offset, limit }) => profiles.list(query, offset, limit),
  'profiles:get': ({ id }) => profiles.get(id),
  'profiles:create': ({ draft }) => profiles.create(draft),
  'profiles:update': ({ id, draft }) => profiles.update(id, draft),
  'profiles:delete': ({ id }) => profiles.delete(id),
  'profiles:facets': () => profiles.facets(),
  'profiles:countSelection': ({ selection }) => ({ count: profiles.countSelection(selection) }),
});
