import { sql } from 'kysely';
import type { RawBuilder, SqlBool } from 'kysely';
import type { Filter } from 'scim2-parse-filter';
import type { DialectName } from '../db/connect';
import type { ProfilesTable } from '../db/schema';
import { ISO_TIME } from './query';
import type { SortSpec } from './query';

/**
 * A User filter and sortBy as SQL on `profiles`, so that a list reads only
 * the page it answers (docs/SCIM.md lists what goes to SQL). Each
 * translation gives exactly what the in-memory tester (query.ts) gives on
 * the same rows, on SQLite and on PostgreSQL alike; a filter part it cannot
 * say exactly is null, and the caller tests that part in memory.
 *
 * Strings compare case-insensitively as the tester's `toLowerCase()` does.
 * Both databases' `lower()` here fold ASCII letters only (PostgreSQL under
 * COLLATE "C", whatever the database's locale), so a string part goes to
 * SQL only when its value is ASCII, and the two letters whose lower case is
 * ASCII (U+0130 İ → i̇, U+212A Kelvin sign → k) are folded before `lower()`:
 * with an ASCII value, only the ASCII letters of a column decide, and those
 * fold alike. Comparisons are byte-wise (UTF-8 order, as JavaScript's for
 * an ASCII value). A value that is a timestamp compares as a time in the
 * tester; on string attributes that stays in memory.
 */

type Bool = RawBuilder<SqlBool>;
type Column = keyof ProfilesTable;

type Attribute =
  /** `stored`: the column is kept lower-case by every write (the email), so it is compared as it is and uses its index. */
  | { kind: 'string'; column: Column; nullable: boolean; stored: boolean }
  | { kind: 'time'; column: Column }
  | { kind: 'active' };

/** The User attributes that are one column of the profile (paths lower-case, without the core URN). */
const ATTRIBUTES: Readonly<Record<string, Attribute>> = {
  id: { kind: 'string', column: 'id', nullable: false, stored: false },
  username: { kind: 'string', column: 'email', nullable: false, stored: true },
  'emails.value': { kind: 'string', column: 'email', nullable: false, stored: true },
  externalid: { kind: 'string', column: 'external_id', nullable: true, stored: false },
  'name.givenname': { kind: 'string', column: 'first_name', nullable: false, stored: false },
  'name.familyname': { kind: 'string', column: 'last_name', nullable: false, stored: false },
  'phonenumbers.value': { kind: 'string', column: 'phone', nullable: true, stored: false },
  active: { kind: 'active' },
  'meta.created': { kind: 'time', column: 'created_at' },
  'meta.lastmodified': { kind: 'time', column: 'updated_at' },
};

const TRUE: Bool = sql<SqlBool>`1 = 1`;
const FALSE: Bool = sql<SqlBool>`1 = 0`;

/** Printable ASCII (and tab, newlines): a value both databases fold as JavaScript does. */
const ASCII = /^[ -~\t\n\r]*$/;

/** `\`, `%` and `_` taken literally in a LIKE pattern (ESCAPE '\'). */
export const likeLiteral = (value: string): string => value.replace(/[\\%_]/g, (c) => `\\${c}`);

export class UserSql {
  constructor(private readonly dialect: DialectName) {}

  #ref(column: Column): RawBuilder<string> {
    return sql<string>`${sql.ref(`profiles.${column}`)}`;
  }

  /** Byte-wise order and equality on PostgreSQL whatever the database's collation (SQLite's BINARY already is). */
  #bytes(value: RawBuilder<string>): RawBuilder<string> {
    return this.dialect === 'postgres' ? sql<string>`(${value} COLLATE "C")` : value;
  }

  /** A string column folded as JavaScript folds its ASCII letters. */
  #folded(attribute: Extract<Attribute, { kind: 'string' }>): RawBuilder<string> {
    const column = this.#ref(attribute.column);
    if (attribute.stored) return column;
    return sql<string>`lower(${this.#bytes(sql<string>`replace(replace(${column}, ${'\u0130'}, ${'i\u0307'}), ${'\u212a'}, ${'k'})`)})`;
  }

  /** The part of a filter as SQL, or null when SQL cannot say it exactly. */
  where(filter: Filter): Bool | null {
    switch (filter.op) {
      case 'and':
      case 'or': {
        const parts = filter.filters.map((f) => this.where(f));
        if (parts.some((p) => p === null)) return null;
        return sql<SqlBool>`(${sql.join(parts, filter.op === 'and' ? sql` and ` : sql` or `)})`;
      }
      case 'not': {
        const inner = this.where(filter.filter);
        return inner === null ? null : sql<SqlBool>`(not ${inner})`;
      }
      case '[]':
        return null;
      case 'pr': {
        const attribute = ATTRIBUTES[filter.attrPath.toLowerCase()];
        if (attribute === undefined) return null;
        return attribute.kind === 'string' && attribute.nullable ? sql<SqlBool>`(${this.#ref(attribute.column)} is not null)` : TRUE;
      }
      default:
        return this.#compare(filter.attrPath.toLowerCase(), filter.op, filter.compValue);
    }
  }

  /**
   * One comparison, as the tester makes it: an attribute a User does not
   * have (a null column) matches nothing, not even `ne`; a value of another
   * type than the attribute's is never equal, so only `ne` holds.
   */
  #compare(path: string, op: 'eq' | 'ne' | 'co' | 'sw' | 'ew' | 'gt' | 'ge' | 'lt' | 'le', value: string | number | boolean | null): Bool | null {
    const attribute = ATTRIBUTES[path];
    if (attribute === undefined) return null;
    const otherType = op === 'ne' ? TRUE : FALSE;
    if (attribute.kind === 'active') {
      if (typeof value !== 'boolean' || (op !== 'eq' && op !== 'ne')) return otherType;
      const active = sql<SqlBool>`(${this.#ref('deactivated_at')} is null)`;
      const wanted = value === (op === 'eq');
      return wanted ? active : sql<SqlBool>`(${this.#ref('deactivated_at')} is not null)`;
    }
    if (typeof value !== 'string') return this.#present(attribute, otherType);
    if (attribute.kind === 'time') {
      // A time against a value that is not one compares as lower-case text in the tester: kept in memory.
      if (!ISO_TIME.test(value)) return null;
      const at = Date.parse(value);
      if (Number.isNaN(at)) return otherType;
      const instant = new Date(at).toISOString();
      // Stored as toISOString() (24 characters): a year beyond 9999 would not order as text.
      if (instant.length !== 24) return null;
      if (op === 'co' || op === 'sw' || op === 'ew') return FALSE;
      return this.#order(this.#bytes(this.#ref(attribute.column)), op, instant);
    }
    // The email is stored lower-case: equality with any value is exact (and reads its index).
    const exactAnyway = attribute.stored && (op === 'eq' || op === 'ne');
    if (ISO_TIME.test(value) || (!ASCII.test(value) && !exactAnyway)) return null;
    const folded = this.#folded(attribute);
    const lower = value.toLowerCase();
    let test: Bool;
    if (op === 'co' || op === 'sw' || op === 'ew') {
      const pattern = `${op === 'sw' ? '' : '%'}${likeLiteral(lower)}${op === 'ew' ? '' : '%'}`;
      test = sql<SqlBool>`(${this.#bytes(folded)} like ${pattern} escape '\\')`;
    } else {
      test = this.#order(op === 'eq' || op === 'ne' ? folded : this.#bytes(folded), op, lower);
    }
    return this.#present(attribute, test);
  }

  #order(left: RawBuilder<string>, op: 'eq' | 'ne' | 'gt' | 'ge' | 'lt' | 'le', right: string): Bool {
    const symbol = { eq: '=', ne: '<>', gt: '>', ge: '>=', lt: '<', le: '<=' }[op];
    return sql<SqlBool>`(${left} ${sql.raw(symbol)} ${right})`;
  }

  /** `test` where the User has the attribute; false where it does not (never NULL, so that `not` stays exact). */
  #present(attribute: Exclude<Attribute, { kind: 'active' }>, test: Bool): Bool {
    if (attribute.kind === 'string' && attribute.nullable) return sql<SqlBool>`(${this.#ref(attribute.column)} is not null and ${test})`;
    return test;
  }

  /**
   * sortBy as ORDER BY terms (then created, then id, the order the list
   * otherwise has, which the in-memory sort keeps among equals); null when
   * the attribute is not one column. Users without the value come last.
   */
  orderBy(spec: SortSpec): RawBuilder<unknown>[] | null {
    // A multi-valued attribute sorts by its (primary) value.
    const attribute = ATTRIBUTES[spec.path] ?? ATTRIBUTES[`${spec.path}.value`];
    if (attribute === undefined) return null;
    const direction = spec.sign === 1 ? sql`asc` : sql`desc`;
    let key: RawBuilder<unknown>;
    const terms: RawBuilder<unknown>[] = [];
    if (attribute.kind === 'active') key = sql`(case when ${this.#ref('deactivated_at')} is null then 1 else 0 end)`;
    else if (attribute.kind === 'time') key = this.#bytes(this.#ref(attribute.column));
    else {
      if (attribute.nullable) terms.push(sql`(case when ${this.#ref(attribute.column)} is null then 1 else 0 end) asc`);
      key = this.#bytes(this.#folded(attribute));
    }
    terms.push(sql`${key} ${direction}`);
    return terms;
  }
}
