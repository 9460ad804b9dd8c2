import type { ChannelName } from '../../../src-shared/contract';
import { IMPORT_BATCH_LIMIT, IMPORT_EXTENSIONS } from '../../../src-shared/import';
import type { DomainHandlers } from './dispatcher';
import type { ImportService } from '../import/service';

type ImportChannel = Extract<ChannelName, `import:${string}`>;

export const importHandlers = (imports: ImportService): DomainHandlers<ImportChannel> => ({
  'import:info': () => {
    imports.prepare();
    return { limits: imports.getLimits(), extensions: IMPORT_EXTENSIONS, batchLimit: IMPORT_BATCH_LIMIT };
  },
  'import:open': ({ fileName, bytes, delimiter, encoding }) => imports.open({ fileName, bytes, delimiter, encoding }),
  'import:reparse': ({ importId, delimiter, encoding }) => imports.reparse(importId, delimiter, encoding),
  'import:view': ({ importId }) => imports.view(importId),
  'import:setSheet': ({ importId, sheetIndex }) => imports.setSheet(importId, sheetIndex),
  'import:setHeaderRow': ({ importId, headerRow }) => imports.setHeaderRow(importId, headerRow),
  'import:setMapping': ({ importId, mapping }) => imports.setMapping(importId, mapping),
  'import:setValueMap': ({ importId, values }) => imports.setValueMap(importId, values),
  'import:setAttributeValue': ({ importId, field, value, entryId }) => imports.setAttributeValue(importId, field, value, entryId),
  'import:setDefaults': ({ importId, language, phoneCountryCode }) => imports.setDefaults(importId, { language, phoneCountryCode }),
  'import:setMode': ({ importId, mode }) => imports.setMode(importId, mode),
  'import:preview': ({ importId, offset, limit, filter, search }) => imports.preview(importId, { offset, limit, filter, search }),
  'import:editCell': ({ importId, rowIndex, field, value }) => imports.editCell(importId, rowIndex, field, value),
  'import:bulkFix': ({ importId, fix, value }) => imports.bulkFix(importId, fix, value),
  'import:excludeRows': ({ importId, rowIndexes, excluded }) => imports.excludeRows(importId, rowIndexes, excluded),
  'import:excludeWhere': ({ importId, filter, search, excluded }) => imports.excludeWhere(importId, { filter, search, excluded }),
  'import:diff': ({ importId }) => imports.diff(importId),
  'import:commit': ({ importId, mode, batchSize }) => imports.commit(importId, { mode, batchSize }),
  'import:cancel': ({ importId }) => imports.cancel(importId),
  'import:close': ({ importId, left }) => imports.close(importId, left ? 'left' : 'closed'),
  'import:history': ({ limit }) => imports.history(limit),
  'import:undo': ({ historyId }) => imports.undo(historyId),
  'import:exportProblems': ({ importId, format, include }) => imports.exportProblems(importId, format, include),
  'import:template': ({ language, format }) => imports.template(language, format),
});
