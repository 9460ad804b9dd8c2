import type { ColumnInfo, ColumnMatch, MappingTarget, MatchReason } from '../src-shared/import';
import { ATTRIBUTE_FIELDS } from '../src-shared/attributes';
import { ruleError } from '../src-shared/errors';
import { englishText, rule } from '../src-shared/messages';
import type { RuleMessage } from '../src-shared/messages';
import { ALIASES, SQUASHED_ALIASES } from './aliases';
import type { AliasTarget } from './aliases';
import { languageShare } from './language';
import { editDistance, normaliseKey, squash } from './normalise';

/** A mapping: the target of each column, by column index. */
export type Mapping = MappingTarget[];

/** What is remembered per source: targets by normalised header. */
export type RememberedMapping = Record<string, MappingTarget>;

const TARGETS: readonly AliasTarget[] = ['firstName', 'lastName', 'fullName', 'email', 'phoneNumber', 'phoneCountryCode', 'tags', 'externalId', 'username', 'language', ...ATTRIBUTE_FIELDS, 'oneTimePassword'];

const ALIAS_LIST: readonly [string, AliasTarget][] = [...ALIASES.entries()];

/** How well a header names a target, 0…1. */
export function headerScore(header: string, target: AliasTarget): number {
  const key = normaliseKey(header);
  if (key === '') return 0;
  const exact = ALIASES.get(key);
  if (exact !== undefined) {
    if (exact !== target) return 0;
    return key === 'id' ? 0.7 : 0.95;
  }
  const squashed = squash(key);
  const bySquash = SQUASHED_ALIASES.get(squashed);
  if (bySquash !== undefined) return bySquash === target ? 0.9 : 0;
  // A typo of a known name ("Emial", "Frist name"): the closest alias decides.
  if (squashed.length >= 5) {
    let typo: { target: AliasTarget; distance: number } | null = null;
    for (const [alias, aliasTarget] of ALIAS_LIST) {
      const a = squash(alias);
      if (a.length < 5) continue;
      const d = editDistance(squashed, a, 2);
      if ((d <= 1 || (d === 2 && a.length >= 9)) && (typo === null || d < typo.distance)) typo = { target: aliasTarget, distance: d };
    }
    if (typo !== null) return typo.target === target ? (typo.distance === 1 ? 0.65 : 0.55) : 0;
  }
  // The longest alias the header contains as whole words decides ("Work email address", "N° GSM pro").
  let best: { target: AliasTarget; length: number } | null = null;
  const padded = ` ${key} `;
  for (const [alias, aliasTarget] of ALIAS_LIST) {
    if (alias.length < 3 || alias === 'id') continue;
    if (padded.includes(` ${alias} `) && (best === null || alias.length > best.length)) best = { target: aliasTarget, length: alias.length };
  }
  if (best !== null) return best.target === target ? 0.6 + 0.25 * Math.min(1, best.length / key.length) : 0;
  return 0;
}

const EMAIL_LIKE = /^(mailto:)?[^\s@]+@[^\s@]+\.[^\s@]+$/i;
const PHONE_CHARS = /^[+\d\s()./-]+$/;
const CALLING_CODE = /^(\+|00)\d{1,4}$/;

const share = (values: readonly string[], test: (v: string) => boolean): number =>
  values.length === 0 ? 0 : values.filter(test).length / values.length;

/** How well a column's values fit a target, 0…1 (only targets whose values are recognisable). */
export function valueScore(values: readonly string[], target: AliasTarget): number {
  if (values.length === 0) return 0;
  switch (target) {
    case 'email':
      return share(values, (v) => EMAIL_LIKE.test(v));
    case 'phoneNumber':
      return share(values, (v) => {
        if (!PHONE_CHARS.test(v)) return false;
        const digits = v.replace(/\D/g, '').length;
        return digits >= 8 && digits <= 15;
      });
    case 'phoneCountryCode':
      return share(values, (v) => CALLING_CODE.test(v.replace(/\s/g, '')));
    case 'language':
      return languageShare(values);
    default:
      return 0;
  }
}

interface Candidate {
  column: number;
  target: AliasTarget;
  confidence: number;
  reason: MatchReason;
}

function score(column: ColumnInfo, values: readonly string[], target: AliasTarget): Candidate {
  const h = column.headerKind === 'blank' ? 0 : headerScore(column.header, target);
  const enough = values.length >= 3;
  const v = valueScore(values, target);
  const recognisable = target === 'email' || target === 'phoneNumber' || target === 'language' || target === 'phoneCountryCode';
  let confidence = h;
  let reason: MatchReason = h > 0 ? 'header' : 'none';
  if (h > 0 && recognisable && enough) {
    if (v >= 0.8) {
      confidence = Math.min(1, h + 0.05);
      reason = 'header+values';
    } else if (v < 0.3) {
      confidence = h * 0.6;
    }
  } else if (h === 0 && recognisable && enough && v >= 0.6 && target !== 'phoneCountryCode') {
    confidence = Math.min(0.9, 0.5 + 0.4 * v);
    reason = 'values';
  }
  return { column: column.index, target, confidence: Math.round(confidence * 100) / 100, reason };
}

export interface MatchInput {
  columns: readonly ColumnInfo[];
  /** Up to a few hundred non-empty values per column, for value sniffing. */
  values: readonly (readonly string[])[];
  remembered?: RememberedMapping | undefined;
}

export const MATCH_THRESHOLD = 0.5;

/**
 * Every column → a target or "ignore", each field at most once, with a
 * confidence. Remembered choices for these headers come first; then the
 * best-scoring (column, target) pairs are taken greedily.
 */
export function matchColumns(input: MatchInput): ColumnMatch[] {
  const { columns, values, remembered } = input;
  const all: Candidate[][] = columns.map((column) => TARGETS.map((target) => score(column, values[column.index] ?? [], target)));
  const chosen = new Map<number, Candidate>();
  const used = new Set<MappingTarget>();
  const ignoredByMemory = new Set<number>();
  if (remembered !== undefined) {
    for (const column of columns) {
      const target = remembered[normaliseKey(column.header)];
      if (target === undefined) continue;
      if (target === 'ignore') {
        ignoredByMemory.add(column.index);
        continue;
      }
      if (used.has(target)) continue;
      chosen.set(column.index, { column: column.index, target, confidence: 1, reason: 'remembered' });
      used.add(target);
    }
  }
  const pending = all
    .flat()
    .filter((c) => c.confidence >= MATCH_THRESHOLD && !chosen.has(c.column) && !ignoredByMemory.has(c.column))
    .sort((a, b) => b.confidence - a.confidence || a.column - b.column);
  for (const candidate of pending) {
    if (chosen.has(candidate.column) || used.has(candidate.target)) continue;
    chosen.set(candidate.column, candidate);
    used.add(candidate.target);
  }
  // A "name" column beside a first-name column is the last name (Dutch "Naam" + "Voornaam"), and vice versa.
  const fullEntry = [...chosen.values()].find((c) => c.target === 'fullName');
  if (fullEntry !== undefined && fullEntry.reason !== 'remembered') {
    const hasFirst = used.has('firstName');
    const hasLast = used.has('lastName');
    if (hasFirst && hasLast) chosen.delete(fullEntry.column);
    else if (hasFirst || hasLast) {
      chosen.set(fullEntry.column, { ...fullEntry, target: hasFirst ? 'lastName' : 'firstName', confidence: Math.round(fullEntry.confidence * 90) / 100 });
    }
  }
  const result = columns.map((column): ColumnMatch => {
    const pick = chosen.get(column.index);
    const others = (all[column.index] ?? [])
      .filter((c) => c.confidence >= 0.3 && c.target !== pick?.target)
      .sort((a, b) => b.confidence - a.confidence)
      .slice(0, 3)
      .map((c): { target: MappingTarget; confidence: number } => ({ target: c.target, confidence: c.confidence }));
    if (pick !== undefined) return { column: column.index, target: pick.target, confidence: pick.confidence, reason: pick.reason, alternatives: others };
    const best = others[0]?.confidence ?? 0;
    return {
      column: column.index,
      target: 'ignore',
      confidence: ignoredByMemory.has(column.index) ? 1 : Math.round((1 - best) * 100) / 100,
      reason: ignoredByMemory.has(column.index) ? 'remembered' : 'none',
      alternatives: others,
    };
  });
  return result;
}


/** What is wrong with one column of a mapping, under its argument path. */
const columnProblem = (column: number, found: RuleMessage): { fields: Record<string, string>; fieldRules: Record<string, RuleMessage> } => ({
  fields: { [`mapping.${column}`]: englishText(found) },
  fieldRules: { [`mapping.${column}`]: found },
});

/** Checks a mapping chosen by hand: each field at most once; "full name" only while first or last name is free. */
export function assertMapping(mapping: readonly MappingTarget[]): void {
  const seen = new Map<MappingTarget, number>();
  mapping.forEach((target, column) => {
    if (target === 'ignore') return;
    if (seen.has(target)) {
      throw ruleError('VALIDATION_FAILED', rule('import_target_twice', { field: target }), columnProblem(column, rule('import_target_taken', { field: target })));
    }
    seen.set(target, column);
  });
  if (seen.has('fullName') && seen.has('firstName') && seen.has('lastName')) {
    throw ruleError('VALIDATION_FAILED', rule('import_full_name_unused', {}), columnProblem(seen.get('fullName') ?? 0, rule('import_names_have_columns', {})));
  }
}
