import type { Clock } from '../ports';
import type { Analysis, LanguageMap } from '../../../src-import/analyse';
import type { RememberedMapping } from '../../../src-import/match';
import { normaliseKey } from '../../../src-import/normalise';
import { ATTRIBUTE_FIELDS } from '../../../src-shared/attributes';
import type { AttributeChoices } from '../../../src-import/attributes';
import type { ImportStorePort } from './store';

/** The mappings, language and attribute choices remembered per source (by header signature), as the analysis takes them. */
export type RememberedSources = Record<string, { mapping: RememberedMapping; languages: LanguageMap; attributeChoices: AttributeChoices }>;

export function rememberedSources(imports: ImportStorePort): RememberedSources {
  const out: RememberedSources = {};
  for (const source of imports.rememberedSources(200)) out[source.signature] = { mapping: source.mapping, languages: source.languages, attributeChoices: source.attributeChoices };
  return out;
}

/** This file's attribute choices over the ones remembered for its source (both kept: a value of this file the next one may hold again). */
function mergedChoices(remembered: AttributeChoices, chosen: AttributeChoices): AttributeChoices {
  const out: AttributeChoices = {};
  for (const field of ATTRIBUTE_FIELDS) {
    const merged = { ...remembered[field], ...chosen[field] };
    if (Object.keys(merged).length > 0) out[field] = merged;
  }
  return out;
}

/**
 * Keeps this source's mapping, the language values chosen by hand (or
 * remembered) and the attribute values chosen (now or before), for the next
 * file with the same headers.
 */
export function rememberSource(imports: ImportStorePort, clock: Clock, analysis: Analysis, attributes: { chosen: AttributeChoices; remembered: AttributeChoices }): void {
  const mapping: RememberedMapping = {};
  analysis.columns.forEach((column, i) => {
    const key = normaliseKey(column.header);
    const target = analysis.mapping[i];
    if (key !== '' && target !== undefined && column.headerKind !== 'blank') mapping[key] = target;
  });
  const languages: LanguageMap = {};
  for (const v of analysis.languageValues) if (v.value !== '' && (v.reason === 'manual' || v.reason === 'remembered')) languages[v.value] = v.mapped;
  imports.rememberSource({
    signature: analysis.signature,
    headers: analysis.columns.map((c) => c.header),
    mapping,
    languages,
    attributeChoices: mergedChoices(attributes.remembered, attributes.chosen),
    usedAt: clock.now().toISOString(),
  });
}
