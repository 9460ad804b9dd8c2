import { parse, Tester } from 'scim2-parse-filter';
import type { Compare, Filter } from 'scim2-parse-filter';
import { MAX_RESULTS, ScimError } from './protocol';

/**
 * A list request's query (RFC 7644 §3.4.2): filter (parsed by
 * scim2-parse-filter, checked against the resource's attributes), sortBy /
 * sortOrder, startIndex / count, attributes / excludedAttributes.
 */

type Json = Record<string, unknown>;

const isRecord = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);

export const ISO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

/** Comparable form: strings case-insensitively (caseExact false), timestamps as instants. */
function comparable(value: unknown, other: unknown): [unknown, unknown] {
  if (typeof value === 'string' && typeof other === 'string') {
    if (ISO_TIME.test(value) && ISO_TIME.test(other)) return [Date.parse(value), Date.parse(other)];
    return [value.toLowerCase(), other.toLowerCase()];
  }
  return [value, other];
}

/** The library's tester, with SCIM's case-insensitive strings and dates compared as times. */
class ScimTester extends Tester {
  override eq(r: unknown, v: Compare['compValue']): boolean {
    const [a, b] = comparable(r, v);
    return a === b;
  }
  override ne(r: unknown, v: Compare['compValue']): boolean {
    return !this.eq(r, v);
  }
  override co(r: unknown, v: Compare['compValue']): boolean {
    const [a, b] = comparable(r, v);
    return typeof a === 'string' && typeof b === 'string' && a.includes(b);
  }
  override sw(r: unknown, v: Compare['compValue']): boolean {
    const [a, b] = comparable(r, v);
    return typeof a === 'string' && typeof b === 'string' && a.startsWith(b);
  }
  override ew(r: unknown, v: Compare['compValue']): boolean {
    const [a, b] = comparable(r, v);
    return typeof a === 'string' && typeof b === 'string' && a.endsWith(b);
  }
  override gt(r: unknown, v: Compare['compValue']): boolean {
    return this.#order(r, v, (n) => n > 0);
  }
  override ge(r: unknown, v: Compare['compValue']): boolean {
    return this.#order(r, v, (n) => n >= 0);
  }
  override lt(r: unknown, v: Compare['compValue']): boolean {
    return this.#order(r, v, (n) => n < 0);
  }
  override le(r: unknown, v: Compare['compValue']): boolean {
    return this.#order(r, v, (n) => n <= 0);
  }
  /** gt/ge/lt/le: on strings, numbers and times only (RFC 7644: not on booleans). */
  #order(r: unknown, v: Compare['compValue'], holds: (n: number) => boolean): boolean {
    if (typeof r === 'boolean' || typeof v === 'boolean' || r === null || v === null || r === undefined) return false;
    const [a, b] = comparable(r, v);
    if (typeof a === 'number' && typeof b === 'number') return holds(a - b);
    if (typeof a === 'string' && typeof b === 'string') return holds(a < b ? -1 : a > b ? 1 : 0);
    return false;
  }
}

const tester = new ScimTester();

/**
 * The attribute paths a resource type has, lower-case (sub-attributes as
 * `name.givenname`; an extension's with its URN before a colon).
 */
export type AttributeSet = ReadonlySet<string>;

/** `urn:…:User:name.givenName` → `name.givenname` for the core schema; an extension keeps its URN. */
export function normalPath(path: string, coreUrn: string): string {
  const lower = path.toLowerCase();
  const core = `${coreUrn.toLowerCase()}:`;
  return lower.startsWith(core) ? lower.slice(core.length) : lower;
}

function checkPaths(f: Filter, known: AttributeSet, coreUrn: string, prefix = ''): void {
  switch (f.op) {
    case 'and':
    case 'or':
      for (const inner of f.filters) checkPaths(inner, known, coreUrn, prefix);
      return;
    case 'not':
      checkPaths(f.filter, known, coreUrn, prefix);
      return;
    case '[]': {
      const path = prefix + normalPath(f.attrPath, coreUrn);
      if (!known.has(path)) throw new ScimError(400, `Unknown attribute "${f.attrPath}" in the filter.`, 'invalidFilter');
      checkPaths(f.valFilter, known, coreUrn, `${path}.`);
      return;
    }
    default: {
      const path = prefix + normalPath(f.attrPath, coreUrn);
      if (!known.has(path)) throw new ScimError(400, `Unknown attribute "${f.attrPath}" in the filter.`, 'invalidFilter');
    }
  }
}

const MULTI_VALUED = new Set(['emails', 'phonenumbers', 'groups', 'members']);

/** Rewrites the core schema's URN off every path (the tester looks attributes up by name). */
function stripCore(f: Filter, coreUrn: string): Filter {
  const strip = (p: string): string => (p.toLowerCase().startsWith(`${coreUrn.toLowerCase()}:`) ? p.slice(coreUrn.length + 1) : p);
  switch (f.op) {
    case 'and':
    case 'or':
      return { ...f, filters: f.filters.map((x) => stripCore(x, coreUrn)) };
    case 'not':
      return { ...f, filter: stripCore(f.filter, coreUrn) };
    case '[]':
      return { ...f, attrPath: strip(f.attrPath) };
    default: {
      // A multi-valued attribute compared without a sub-attribute means its values (RFC 7644 §3.4.2.2).
      const path = strip(f.attrPath);
      return { ...f, attrPath: MULTI_VALUED.has(path.toLowerCase()) ? `${path}.value` : path };
    }
  }
}

/**
 * A filter as read and checked: throws invalidFilter for bad syntax or an
 * attribute the resource does not have. Its paths are without the core URN,
 * a multi-valued attribute compared alone as its `.value`.
 */
export function parseFilter(text: string, known: AttributeSet, coreUrn: string): Filter {
  let parsed: Filter;
  try {
    parsed = parse(text);
  } catch (error) {
    throw new ScimError(400, `The filter cannot be read: ${error instanceof Error ? error.message : 'bad syntax'}.`, 'invalidFilter');
  }
  checkPaths(parsed, known, coreUrn);
  return stripCore(parsed, coreUrn);
}

/** A parsed filter as a test on resources (SCIM's semantics: strings case-insensitively, times as times). */
export const testerOf =
  (filter: Filter): ((resource: Json) => boolean) =>
  (resource) =>
    tester.test(resource, filter);

/** A filter as a test on resources; throws invalidFilter for bad syntax or an attribute the resource does not have. */
export function compileFilter(text: string, known: AttributeSet, coreUrn: string): (resource: Json) => boolean {
  return testerOf(parseFilter(text, known, coreUrn));
}

/** The value at an attribute path (sub-attributes, an extension's URN), for sorting. */
function valueAt(resource: Json, path: string): unknown {
  const colon = path.lastIndexOf(':');
  let node: unknown = resource;
  let parts = path.split('.');
  if (colon !== -1) {
    const urn = path.slice(0, colon).toLowerCase();
    const key = Object.keys(resource).find((k) => k.toLowerCase() === urn);
    node = key === undefined ? undefined : resource[key];
    parts = path.slice(colon + 1).split('.');
  }
  for (const part of parts) {
    if (Array.isArray(node)) node = node.find((i) => isRecord(i) && i.primary === true) ?? node[0];
    if (!isRecord(node)) return undefined;
    const key = Object.keys(node).find((k) => k.toLowerCase() === part.toLowerCase());
    node = key === undefined ? undefined : node[key];
  }
  if (Array.isArray(node)) node = node[0];
  return isRecord(node) ? node.value : node;
}

const QUERY_KEYS = ['filter', 'sortBy', 'sortOrder', 'startIndex', 'count', 'attributes', 'excludedAttributes'] as const;

export type ListQuery = Partial<Record<(typeof QUERY_KEYS)[number], string>>;

/** The list parameters of a query string (a parameter given twice counts once, its first). */
export function listQuery(raw: unknown): ListQuery {
  const out: ListQuery = {};
  if (!isRecord(raw)) return out;
  for (const key of QUERY_KEYS) {
    const value = raw[key];
    const first: unknown = Array.isArray(value) ? value[0] : value;
    if (typeof first === 'string') out[key] = first;
  }
  return out;
}

const positiveInt = (raw: string | undefined, name: string, fallback: number): number => {
  if (raw === undefined || raw.trim() === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n)) throw new ScimError(400, `${name} must be a whole number.`, 'invalidValue');
  return n;
};

/** startIndex (1-based; below 1 reads as 1) and count (0 to MAX_RESULTS; negative reads as 0), as RFC 7644 §3.4.2.4 says. */
export function paging(query: Pick<ListQuery, 'startIndex' | 'count'>): { startIndex: number; count: number } {
  const startIndex = Math.max(1, positiveInt(query.startIndex, 'startIndex', 1));
  const count = Math.min(MAX_RESULTS, Math.max(0, positiveInt(query.count, 'count', MAX_RESULTS)));
  return { startIndex, count };
}

/** What a sortBy asks for: its path (lower-case, without the core URN) and direction (1 ascending, -1 descending); null: no sorting. */
export interface SortSpec {
  path: string;
  sign: 1 | -1;
}

/** sortBy / sortOrder checked: an unknown attribute or order is invalidValue. */
export function sortSpec(query: Pick<ListQuery, 'sortBy' | 'sortOrder'>, known: AttributeSet, coreUrn: string): SortSpec | null {
  if (query.sortBy === undefined || query.sortBy.trim() === '') return null;
  const path = normalPath(query.sortBy.trim(), coreUrn);
  if (!known.has(path)) throw new ScimError(400, `Unknown attribute "${query.sortBy}" in sortBy.`, 'invalidValue');
  const order = (query.sortOrder ?? 'ascending').toLowerCase();
  if (order !== 'ascending' && order !== 'descending') throw new ScimError(400, 'sortOrder is "ascending" or "descending".', 'invalidValue');
  return { path, sign: order === 'descending' ? -1 : 1 };
}

/** Sorts in place by sortBy (ascending unless sortOrder=descending); resources without the value come last. */
export function sortResources(resources: Json[], query: Pick<ListQuery, 'sortBy' | 'sortOrder'>, known: AttributeSet, coreUrn: string): void {
  const spec = sortSpec(query, known, coreUrn);
  if (spec === null) return;
  const { path, sign } = spec;
  const keyOf = (r: Json): string | number | null => {
    const v = valueAt(r, path);
    if (typeof v === 'string') return ISO_TIME.test(v) ? Date.parse(v) : v.toLowerCase();
    if (typeof v === 'number') return v;
    if (typeof v === 'boolean') return v ? 1 : 0;
    return null;
  };
  const keyed = resources.map((r) => ({ r, k: keyOf(r) }));
  keyed.sort((a, b) => {
    if (a.k === null || b.k === null) return a.k === b.k ? 0 : a.k === null ? 1 : -1;
    return (a.k < b.k ? -1 : a.k > b.k ? 1 : 0) * sign;
  });
  keyed.forEach((x, i) => (resources[i] = x.r));
}

const ALWAYS = new Set(['id', 'schemas']);

/**
 * attributes / excludedAttributes (comma-separated paths): only the named
 * ones (with id and schemas, always returned), or all but the named ones.
 */
export function projector(query: Pick<ListQuery, 'attributes' | 'excludedAttributes'>, known: AttributeSet, coreUrn: string): (resource: Json) => Json {
  const list = (raw: string | undefined): string[] =>
    (raw ?? '')
      .split(',')
      .map((s) => s.trim())
      .filter((s) => s !== '')
      .map((s) => {
        const path = normalPath(s, coreUrn);
        if (!known.has(path)) throw new ScimError(400, `Unknown attribute "${s}".`, 'invalidValue');
        return path;
      });
  const only = list(query.attributes);
  const without = list(query.excludedAttributes);
  if (only.length === 0 && without.length === 0) return (r) => r;
  const keep = (path: string): boolean => {
    if (ALWAYS.has(path)) return true;
    if (only.length > 0) return only.some((p) => p === path || p.startsWith(`${path}.`) || p.startsWith(`${path}:`) || path.startsWith(`${p}.`));
    return !without.some((p) => p === path || path.startsWith(`${p}.`));
  };
  const walk = (node: Json, prefix: string): Json => {
    const out: Json = {};
    for (const [key, value] of Object.entries(node)) {
      const lower = key.toLowerCase();
      const path = prefix === '' ? lower : lower.includes(':') ? lower : `${prefix}${lower}`;
      if (!keep(path)) continue;
      // An extension's object: its attributes as `urn:…:department`.
      if (lower.includes(':') && isRecord(value)) {
        const inner = walk(value, `${lower}:`);
        if (Object.keys(inner).length > 0) out[key] = inner;
      } else if (isRecord(value) && key !== 'meta') {
        out[key] = walk(value, `${path}.`);
      } else {
        out[key] = value;
      }
    }
    return out;
  };
  return (r) => walk(r, '');
}
