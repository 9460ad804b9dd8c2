import { ruleError } from '../../../src-shared/errors';
import { englishText, rule } from '../../../src-shared/messages';
import type { Language } from '../../../src-shared/languages';
import { parseCallingCode } from '../../../src-shared/profile';
import type { ProfileField } from '../../../src-shared/profile';
import type { BulkFix, ImportCounts, ImportRow, MappingTarget } from '../../../src-shared/import';
import { countRows, evaluateRow, fieldColumns, markDuplicates } from '../../../src-import/analyse';
import type { Defaults, Fixes, LanguageMap, RowContext, RowEdits } from '../../../src-import/analyse';
import { emitProgress } from './context';
import type { ImportContext } from './context';
import { assertSheetUsable } from './worker-port';
import type { RememberedMapping } from '../../../src-import/match';
import { rememberedSources } from './remembered';
import { adopt, sheetOf } from './sessions';
import { attributeContext } from './attributes';
import { resolveRowAttributes } from '../../../src-import/attributes';
import type { Session } from './sessions';

/**
 * Shaping an open session: the sheet, the header row, the column mapping, the
 * meaning of each language value, the defaults and bulk fixes, inline edits.
 * A change that touches every row checks them again through the import worker (off
 * the main thread for a large sheet); an edit re-checks its row here.
 */
export class ImportShaping {
  constructor(private readonly ctx: ImportContext) {}

  async setSheet(s: Session, sheetIndex: number): Promise<void> {
    const sheet = s.file.sheets[sheetIndex];
    if (sheet === undefined) throw ruleError('NOT_FOUND', rule('import_no_sheet_number', { number: sheetIndex + 1 }));
    assertSheetUsable(sheet, this.ctx.limits, s.file.facts.format);
    await this.reanalyse(s, { sheetIndex, edits: {}, excluded: new Set() }, { headerRow: 'auto', mapping: 'auto' });
  }

  async setHeaderRow(s: Session, headerRow: number | null): Promise<void> {
    const sheet = sheetOf(s);
    if (headerRow !== null && headerRow >= sheet.grid.length) throw ruleError('VALIDATION_FAILED', rule('import_sheet_rows', { count: sheet.grid.length }));
    await this.reanalyse(s, { edits: {}, excluded: new Set() }, { headerRow, mapping: 'auto' });
  }

  async setMapping(s: Session, mapping: MappingTarget[]): Promise<void> {
    if (mapping.length !== s.analysis.columns.length) {
      throw ruleError('VALIDATION_FAILED', rule('import_mapping_length', { entries: mapping.length, columns: s.analysis.columns.length }));
    }
    await this.reanalyse(s, {}, { headerRow: s.analysis.headerRow, mapping });
  }

  /** The value step: what each distinct language value means (null: leave it as an error). */
  async setValueMap(s: Session, values: { value: string; language: Language | null }[]): Promise<void> {
    const languageChoices = { ...s.languageChoices };
    for (const { value, language } of values) languageChoices[value.trim()] = language;
    await this.refresh(s, { languageChoices });
  }

  async setDefaults(s: Session, defaults: { language?: Language | undefined; phoneCountryCode?: string | null | undefined }): Promise<void> {
    if (defaults.phoneCountryCode !== undefined && defaults.phoneCountryCode !== null) {
      const code = parseCallingCode(defaults.phoneCountryCode);
      if (!code.ok) throw ruleError('VALIDATION_FAILED', code.rule, { fields: { phoneCountryCode: code.message }, fieldRules: { phoneCountryCode: code.rule } });
    }
    await this.refresh(s, {
      defaults: {
        language: defaults.language ?? s.defaults.language,
        phoneCountryCode: defaults.phoneCountryCode === undefined ? s.defaults.phoneCountryCode : defaults.phoneCountryCode,
      },
    });
  }

  async bulkFix(s: Session, fix: BulkFix, value: string | null): Promise<void> {
    let fixes: Fixes;
    switch (fix) {
      case 'trim':
        fixes = { ...s.fixes, trim: true };
        break;
      case 'lowercaseEmails':
        fixes = { ...s.fixes, lowercaseEmails: true };
        break;
      case 'stripHiddenCharacters':
        fixes = { ...s.fixes, stripHidden: true };
        break;
      case 'setLanguageWhereEmpty': {
        const language = value === null ? null : (['en_US', 'fr_BE', 'nl_BE'] as const).find((l) => l === value);
        if (language === undefined) {
          const found = rule('import_choose_language', {});
          throw ruleError('VALIDATION_FAILED', found, { fields: { value: englishText(found) }, fieldRules: { value: found } });
        }
        fixes = { ...s.fixes, languageWhereEmpty: language };
        break;
      }
      case 'setCountryCodeWhereEmpty': {
        if (value !== null) {
          const code = parseCallingCode(value);
          if (!code.ok || code.value === null) {
            const field = rule('import_not_country_code', {});
            throw ruleError('VALIDATION_FAILED', code.ok ? rule('import_give_country_code', {}) : code.rule, { fields: { value: englishText(field) }, fieldRules: { value: field } });
          }
        }
        fixes = { ...s.fixes, countryCodeWhereEmpty: value };
        break;
      }
    }
    await this.refresh(s, { fixes });
  }

  /** An inline edit: the row is checked again at once (and duplicates across the file). */
  editCell(s: Session, rowIndex: number, field: ProfileField, value: string): { row: ImportRow; counts: ImportCounts } {
    if (s.analysis.rows[rowIndex] === undefined) throw ruleError('NOT_FOUND', rule('import_no_row', { row: rowIndex + 1 }));
    s.edits[rowIndex] = { ...s.edits[rowIndex], [field]: value };
    const ctx = rowContext(s);
    const row = evaluateRow(ctx, rowIndex, fieldColumns(ctx.mapping));
    resolveRowAttributes(row, attributeContext(this.ctx, s));
    s.analysis.rows[rowIndex] = row;
    markDuplicates(s.analysis.rows);
    s.diffed = false;
    return { row, counts: countRows(s.analysis.rows) };
  }

  /**
   * Checks every row again with the same sheet, header and mapping (after a
   * value choice, a default or a bulk fix). The matches shown are kept as they were.
   */
  private async refresh(s: Session, change: Change): Promise<void> {
    const { matches, rememberedMapping } = s.analysis;
    const languages: LanguageMap = {};
    for (const v of s.analysis.languageValues) if (v.reason === 'remembered') languages[v.value] = v.mapped;
    await this.reanalyse(s, change, { headerRow: s.analysis.headerRow, mapping: s.analysis.mapping }, { mapping: {}, languages });
    s.analysis.matches = matches;
    s.analysis.rememberedMapping = rememberedMapping;
  }

  /**
   * Checks every row with the change applied, through the import worker (off the main
   * thread for a large sheet), under the session's control. The change is kept
   * only with its analysis: a check that fails or is cancelled leaves the
   * session as it was.
   */
  private async reanalyse(
    s: Session,
    change: Change,
    shape: { headerRow: number | null | 'auto'; mapping: MappingTarget[] | 'auto' },
    remembered?: { mapping: RememberedMapping; languages: LanguageMap },
  ): Promise<void> {
    const next = {
      sheetIndex: change.sheetIndex ?? s.sheetIndex,
      languageChoices: change.languageChoices ?? s.languageChoices,
      defaults: change.defaults ?? s.defaults,
      fixes: change.fixes ?? s.fixes,
      edits: change.edits ?? s.edits,
      excluded: change.excluded ?? s.excluded,
    };
    const sheet = s.file.sheets[next.sheetIndex];
    if (sheet === undefined) throw ruleError('NOT_FOUND', rule('import_sheet_gone', {}));
    const analysis = await s.control.run('checking the rows', (signal) =>
      this.ctx.worker.analyse(
        {
          grid: sheet.grid,
          merges: sheet.merges,
          marks: sheet.marks,
          headerRow: shape.headerRow,
          mapping: shape.mapping,
          remembered,
          rememberedSources: shape.mapping === 'auto' ? rememberedSources(this.ctx.replica.imports) : undefined,
          languageMap: next.languageChoices,
          defaults: next.defaults,
          fixes: next.fixes,
          edits: next.edits,
          excluded: [...next.excluded],
        },
        this.ctx.limits,
        (phase, done, total) => emitProgress(this.ctx, s.id, phase, done, total),
        signal,
      ),
    );
    Object.assign(s, next);
    adopt(this.ctx, s, analysis);
  }
}

/** What a shaping step changes in the session; kept only once the rows are checked with it. */
interface Change {
  sheetIndex?: number;
  languageChoices?: LanguageMap;
  defaults?: Defaults;
  fixes?: Fixes;
  edits?: RowEdits;
  excluded?: Set<number>;
}

/** What checking one row needs: the sheet as shaped so far. */
function rowContext(s: Session): RowContext {
  return {
    grid: sheetOf(s).grid,
    marks: sheetOf(s).marks,
    dataRows: s.dataRows,
    mapping: s.analysis.mapping,
    languageMap: s.analysis.languageMap,
    defaults: s.defaults,
    fixes: s.fixes,
    edits: s.edits,
    excluded: s.excluded,
  };
}
