import type { ChannelName } from '../../../src-shared/contract';
import type { CatalogueService } from '../profiles/catalogues';
import type { DomainHandlers } from './dispatcher';

type CatalogueChannel = Extract<ChannelName, `catalogues:${string}`>;

export const catalogueHandlers = (catalogues: CatalogueService): DomainHandlers<CatalogueChannel> => ({
  'catalogues:list': () => catalogues.list(),
  'catalogues:save': (input) => catalogues.save(input),
  'catalogues:delete': (input) => catalogues.delete(input),
  'catalogues:resolve': (input) => catalogues.resolve(input),
});
