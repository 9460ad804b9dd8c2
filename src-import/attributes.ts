import { ATTRIBUTE_FIELDS, KIND_OF, isMultiField, sortedIds } from '../src-shared/attributes';
import type { AttributeField, CatalogueEntry, ProfileAttributes, RequiredAttributes } from '../src-shared/attributes';
import { rulesOnCreation } from '../src-shared/assignment-rules';
import type { AssignmentRule } from '../src-shared/assignment-rules';
import { foldName } from '../src-shared/fold';
import type { AttributeValue, CellIssue, ImportRow, MappingTarget } from '../src-shared/import';
import { englishText, rule } from '../src-shared/messages';
import { stripForbiddenCharacters } from '../src-shared/text-safety';

/**
 * The attribute columns of an import: a cell names catalogue entries by code
 * or name (several, split on ; , or |, for access rights, payment methods and
 * licences), the value step maps what names none to an entry or to nothing,
 * and the organisation's rules say what each new profile gets besides. Pure:
 * the catalogue and the rules come in (the console's replica, or the server's).
 */

/** The admin's choices in the value step: per attribute, a file value (as `valueKey` folds it) → an entry id, or null for "leave empty". */
export type AttributeChoices = Partial<Record<AttributeField, Record<string, string | null>>>;

type EntryFacts = Pick<CatalogueEntry, 'id' | 'kind' | 'code' | 'name'>;

/** How values are compared with codes, names and the choices: case, accents and repeated spaces ignored. */
export const valueKey = (value: string): string => foldName(value);

const SEPARATOR = /[;,|\n]/;

/** The values one cell names: several for a several-valued attribute (each once), one for the others; none for a blank cell. */
export function cellValues(field: AttributeField, raw: string): string[] {
  const clean = stripForbiddenCharacters(raw).replace(/\s+/gu, ' ').trim();
  if (clean === '') return [];
  if (!isMultiField(field)) return [clean];
  const seen = new Set<string>();
  const out: string[] = [];
  for (const part of clean.split(SEPARATOR)) {
    const value = part.trim();
    const key = valueKey(value);
    if (value === '' || seen.has(key)) continue;
    seen.add(key);
    out.push(value);
  }
  return out;
}

/** Finds entries by code, then by name, within the attribute's catalogue. */
export class EntryMatcher {
  readonly #byCode = new Map<string, string>();
  readonly #byName = new Map<string, string>();
  readonly #ids = new Set<string>();

  constructor(entries: readonly EntryFacts[]) {
    for (const e of entries) {
      this.#ids.add(e.id);
      this.#byCode.set(`${e.kind}\u0000${valueKey(e.code)}`, e.id);
      const nameKey = `${e.kind}\u0000${valueKey(e.name)}`;
      if (!this.#byName.has(nameKey)) this.#byName.set(nameKey, e.id);
    }
  }

  has(id: string): boolean {
    return this.#ids.has(id);
  }

  match(field: AttributeField, value: string): { id: string; reason: 'code' | 'name' } | null {
    const key = `${KIND_OF[field]}\u0000${valueKey(value)}`;
    const byCode = this.#byCode.get(key);
    if (byCode !== undefined) return { id: byCode, reason: 'code' };
    const byName = this.#byName.get(key);
    return byName === undefined ? null : { id: byName, reason: 'name' };
  }
}

/** What resolving the attribute cells needs. */
export interface AttributeContext {
  mapping: readonly MappingTarget[];
  choices: AttributeChoices;
  /** The choices made for the last file with the same headers (below this file's own). */
  remembered?: AttributeChoices;
  matcher: EntryMatcher;
  /** The organisation's rules, in their order (they run on every profile a row creates). */
  rules: readonly AssignmentRule[];
}

/** The attributes the mapping gives columns to, in the catalogue's order. */
export const mappedAttributes = (mapping: readonly MappingTarget[]): AttributeField[] => ATTRIBUTE_FIELDS.filter((f) => mapping.includes(f));

type Resolution = { id: string; reason: AttributeValue['reason'] } | { id: null; reason: 'empty' | 'unknown' };

/** One value of a cell, resolved: as written, its key, and the entry it stands for. */
type ResolvedValue = Resolution & { value: string; key: string };

function resolve(ctx: AttributeContext, field: AttributeField, value: string, key: string): Resolution {
  const chosen = ctx.choices[field];
  if (chosen !== undefined && Object.prototype.hasOwnProperty.call(chosen, key)) {
    const id = chosen[key] ?? null;
    // A chosen entry deleted since is as good as no choice: the row says the value is unknown.
    if (id === null) return { id: null, reason: 'empty' };
    if (ctx.matcher.has(id)) return { id, reason: 'manual' };
  }
  // A choice made for an earlier file with the same headers, unless its entry is gone.
  const remembered = ctx.remembered?.[field];
  if (remembered !== undefined && Object.prototype.hasOwnProperty.call(remembered, key)) {
    const id = remembered[key] ?? null;
    if (id === null) return { id: null, reason: 'empty' };
    if (ctx.matcher.has(id)) return { id, reason: 'remembered' };
  }
  const found = ctx.matcher.match(field, value);
  return found ?? { id: null, reason: 'unknown' };
}

/** What one cell gives: the entries it names (sorted, for a several-valued attribute), and the values naming none. */
interface ResolvedCell {
  values: readonly ResolvedValue[];
  ids: readonly string[];
  unknown: readonly string[];
}

const NO_CELL: ResolvedCell = { values: [], ids: [], unknown: [] };

/**
 * Resolves cells for one pass over the rows: a file repeats the same few
 * cell texts down a column, so each distinct (attribute, cell) is split,
 * folded and looked up once.
 */
export class AttributeResolver {
  readonly #cells = new Map<string, ResolvedCell>();
  /** The mapped attributes, and the file column of each. */
  readonly fields: readonly AttributeField[];
  readonly columns: Readonly<Partial<Record<AttributeField, number>>>;

  constructor(readonly ctx: AttributeContext) {
    this.fields = mappedAttributes(ctx.mapping);
    this.columns = Object.fromEntries(this.fields.map((f) => [f, ctx.mapping.indexOf(f)]));
  }

  cell(field: AttributeField, raw: string): ResolvedCell {
    if (raw === '') return NO_CELL;
    const cacheKey = `${field}\u0000${raw}`;
    const cached = this.#cells.get(cacheKey);
    if (cached !== undefined) return cached;
    const values = cellValues(field, raw).map((value): ResolvedValue => {
      const key = valueKey(value);
      return { value, key, ...resolve(this.ctx, field, value, key) };
    });
    const ids = sortedIds(values.flatMap((v) => (v.id === null ? [] : [v.id])));
    const resolved: ResolvedCell = { values, ids, unknown: values.filter((v) => v.reason === 'unknown').map((v) => v.value) };
    this.#cells.set(cacheKey, resolved);
    return resolved;
  }
}

/** The distinct values of the attribute columns over the rows not excluded, most frequent first, with the entry each stands for. */
export function attributeValues(rows: readonly ImportRow[], ctx: AttributeContext, resolver: AttributeResolver = new AttributeResolver(ctx)): AttributeValue[] {
  const fields = mappedAttributes(ctx.mapping);
  if (fields.length === 0) return [];
  const out: AttributeValue[] = [];
  for (const field of fields) {
    const counts = new Map<string, { value: ResolvedValue; count: number }>();
    for (const row of rows) {
      if (row.excluded) continue;
      for (const value of resolver.cell(field, row.attributeCells?.[field] ?? '').values) {
        const seen = counts.get(value.key);
        if (seen === undefined) counts.set(value.key, { value, count: 1 });
        else seen.count++;
      }
    }
    const values = [...counts.values()].sort((a, b) => b.count - a.count || a.value.value.localeCompare(b.value.value));
    for (const { value, count } of values) out.push({ field, value: value.value, count, mapped: value.id, reason: value.reason });
  }
  return out;
}

const isAttributeIssue = (i: CellIssue): boolean => i.code === 'unknown-entry';

const unknownEntry = (field: AttributeField, column: number | null, value: string): CellIssue => {
  const found = rule('import_unknown_entry', { field, value });
  return { field, column, severity: 'error', code: 'unknown-entry', message: englishText(found), rule: found };
};

/**
 * One row's attribute cells → entry ids in its values (what the file gives),
 * an error on each value that names no entry, and what the row's profile
 * would get once the rules ran on it (`gets`). Safe to run again on the same
 * row (after a choice in the value step): it replaces what it did before.
 */
export function resolveRowAttributes(row: ImportRow, ctx: AttributeContext, resolver: AttributeResolver = new AttributeResolver(ctx)): void {
  if (row.issues.length > 0 && row.issues.some(isAttributeIssue)) row.issues = row.issues.filter((i) => !isAttributeIssue(i));
  row.gets = undefined;
  const values = row.normalised;
  for (const field of resolver.fields) {
    const cell = resolver.cell(field, row.attributeCells?.[field] ?? '');
    for (const value of cell.unknown) row.issues.push(unknownEntry(field, resolver.columns[field] ?? null, value));
    if (values === null) continue;
    if (isMultiField(field)) values[field] = [...cell.ids];
    else values[field] = cell.ids[0] ?? null;
  }
  if (values !== null && (resolver.fields.length > 0 || ctx.rules.length > 0)) {
    if (Object.keys(values.grants).length > 0) values.grants = {};
    const after = ctx.rules.length === 0 ? values : rulesOnCreation(values, ctx.rules);
    row.gets = { attributes: attributesOf(after), grants: after.grants };
  }
  if (row.excluded) row.status = 'excluded';
  else if (row.issues.some((i) => i.severity === 'error')) row.status = 'invalid';
  else if (row.status === 'invalid') row.status = 'pending';
}

const attributesOf = (v: ProfileAttributes): ProfileAttributes => ({
  accessRights: v.accessRights,
  department: v.department,
  jobProfile: v.jobProfile,
  permissionType: v.permissionType,
  userGroup: v.userGroup,
  paymentMethods: v.paymentMethods,
  licences: v.licences,
});

/** The attributes a new row's profile lacks of those the organisation requires (after the rules ran). */
export function missingRequired(row: ImportRow, required: RequiredAttributes): AttributeField[] {
  const held = row.gets?.attributes ?? row.normalised;
  if (held === null) return [];
  return required.filter((field) => {
    const v = held[field];
    return Array.isArray(v) ? v.length === 0 : v === null;
  });
}
