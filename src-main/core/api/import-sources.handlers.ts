import type { ChannelName } from '../../../src-shared/contract';
import type { ImportSourcesService } from '../org/import-sources';
import type { DomainHandlers } from './dispatcher';

type SourcesChannel = Extract<ChannelName, `sources:${string}`>;

export const importSourceHandlers = (sources: ImportSourcesService): DomainHandlers<SourcesChannel> => ({
  'sources:list': () => sources.list(),
  'sources:save': ({ id, draft }) => sources.save(id, draft),
  'sources:delete': ({ id }) => sources.delete(id),
  'sources:run': ({ id }) => sources.run(id),
  'sources:runs': ({ id }) => sources.runs(id),
  'sources:confirmDeactivation': ({ id, runId }) => sources.confirmDeactivation(id, runId),
  'sources:rejectedCsv': (request) => sources.rejectedCsv(request),
  'sources:savedMappings': () => sources.savedMappings(),
});
