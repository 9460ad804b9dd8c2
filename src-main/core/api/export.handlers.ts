import type { ChannelName } from '../../../src-shared/contract';
import type { DomainHandlers } from './dispatcher';
import type { ExportService } from '../export/service';

type ExportChannel = Extract<ChannelName, `export:${string}`>;

export const exportHandlers = (exports: ExportService): DomainHandlers<ExportChannel> => ({
  'export:profiles': (request) => exports.export(request),
  'export:cancel': ({ exportId }) => exports.cancel(exportId),
});
