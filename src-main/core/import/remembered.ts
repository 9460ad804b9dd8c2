import type { Clock } from '../ports';
import type { Analysis, LanguageMap } from '../../../src-import/analyse';
import type { RememberedMapping } from '../../../src-import/match';
import { normaliseKey } from '../../../src-import/normalise';
import type { ImportStorePort } from './store';

/** The mappings and language choices remembered per source (by header signature), as the analysis takes them. */
export type RememberedSources = Record<string, { mapping: RememberedMapping; languages: LanguageMap }>;

export function rememberedSources(imports: ImportStorePort): RememberedSources {
  const out: RememberedSources = {};
  for (const source of imports.rememberedSources(200)) out[source.signature] = { mapping: source.mapping, languages: source.languages };
  return out;
}

/** Keeps this source's mapping and the language values chosen by hand (or remembered), for the next file with the same headers. */
export function rememberSource(imports: ImportStorePort, clock: Clock, analysis: Analysis): void {
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
    usedAt: clock.now().toISOString(),
  });
}
