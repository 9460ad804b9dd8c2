import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildTemplate, templateFileName } from '../../../src-main/core/import/templates';
import { readSpreadsheet } from '../../../src-import/read';
import { analyseSheet, DEFAULT_DEFAULTS, NO_FIXES } from '../../../src-import/analyse';
import { TEMPLATE_LANGUAGES } from '../../../src-shared/import';
import { noAttributeValues } from '../../../src-shared/profile-values';
import { ATTRIBUTE_FIELDS } from '../../../src-shared/attributes';

const dir = join(import.meta.dirname, '../../../resources/templates');
const LANGUAGE = { en: 'en_US', fr: 'fr_BE', nl: 'nl_BE' } as const;

describe('import templates in resources/templates', () => {
  for (const language of TEMPLATE_LANGUAGES) {
    for (const format of ['xlsx', 'csv'] as const) {
      it(`${language} ${format}: maps every column at once and its example row is valid`, () => {
        const name = templateFileName(language, format);
        const committed = new Uint8Array(readFileSync(join(dir, name)));
        const built = buildTemplate(language, format);
        const read = (bytes: Uint8Array) => readSpreadsheet(bytes, name).sheets[0]?.grid;
        expect(read(committed)).toEqual(read(built));
        if (format === 'csv') expect(Buffer.from(committed).equals(Buffer.from(built))).toBe(true);
        const grid = read(committed) ?? [];
        const a = analyseSheet({ grid, merges: [], headerRow: 'auto', mapping: 'auto', languageMap: {}, defaults: DEFAULT_DEFAULTS, fixes: NO_FIXES, edits: {}, excluded: [] });
        expect(a.headerRow).toBe(0);
        expect(a.mapping).toEqual(['firstName', 'lastName', 'email', 'phoneCountryCode', 'phoneNumber', 'tags', 'externalId', 'language', ...ATTRIBUTE_FIELDS]);
        expect(a.matches.every((m) => m.confidence >= 0.9)).toBe(true);
        expect(a.rows).toHaveLength(1);
        expect(a.rows[0]?.issues).toEqual([]);
        expect(a.rows[0]?.normalised).toEqual({
          firstName: 'Ann',
          lastName: 'Peeters',
          email: 'ann.peeters@example.com',
          phone: '+32470123456',
          tags: ['Sales', 'Brussels'],
          externalId: 'EMP-0042',
          username: null,
          language: LANGUAGE[language],
          ...noAttributeValues(),
        });
      });
    }
  }
});
