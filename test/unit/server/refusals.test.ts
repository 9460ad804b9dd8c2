import BetterSqlite3 from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { refusalCode } from '../../../src-server/db/tx';
import { checkValues, findUnstorableCharacter, isStorableText } from '../../../src-server/services/profile-checks';
import type { ProfileValues } from '../../../src-shared/profile';
import { noAttributeValues } from '../../../src-shared/profile-values';

/** What better-sqlite3 throws for a statement, as the server's SQLite driver would. */
function sqliteError(statements: string[]): unknown {
  const db = new BetterSqlite3(':memory:');
  try {
    for (const s of statements) db.exec(s);
  } catch (error) {
    return error;
  } finally {
    db.close();
  }
  throw new Error('the statements did not fail');
}

describe('refusalCode: which database errors are the change’s fault', () => {
  it('takes PostgreSQL data exceptions, constraint violations, limits and raised exceptions', () => {
    for (const code of ['22021', '22P05', '22001', '23505', '23514', '23502', '54000', 'P0001']) expect(refusalCode({ code, message: 'x' })).toBe(code);
  });

  it('leaves connection, concurrency, resource, system and query errors to fail the request (and be retried)', () => {
    for (const code of ['40001', '40P01', '08006', '08003', '57P01', '53100', '53300', '58030', 'XX000', '42P01', '42703', 'P0002', 'SQLITE_BUSY', 'SQLITE_IOERR', 'SQLITE_FULL', 'SQLITE_CORRUPT', 'ECONNRESET', 'ETIMEDOUT']) {
      expect(refusalCode({ code }), code).toBeNull();
    }
    for (const thrown of [new Error('boom'), 'text', null, undefined, 42, { code: 12 }]) expect(refusalCode(thrown)).toBeNull();
  });

  it('takes real SQLite refusals: a constraint, a trigger that aborts', () => {
    expect(refusalCode(sqliteError(['create table t (v text not null check (v <> \'no\'))', "insert into t values ('no')"]))).toBe('SQLITE_CONSTRAINT_CHECK');
    expect(refusalCode(sqliteError(['create table t (v text unique)', "insert into t values ('a')", "insert into t values ('a')"]))).toBe('SQLITE_CONSTRAINT_UNIQUE');
    expect(refusalCode(sqliteError(['create table t (v text)', "create trigger r before insert on t begin select raise(abort, 'refused'); end", "insert into t values ('a')"]))).toBe(
      'SQLITE_CONSTRAINT_TRIGGER',
    );
    expect(refusalCode(sqliteError(['select * from missing_table']))).toBeNull();
  });
});

describe('text no profile can hold', () => {
  it('finds unpaired surrogates (either half) and forbidden characters, and lets pairs and ordinary text through', () => {
    expect(findUnstorableCharacter('ab\uD800c')).toMatchObject({ index: 2, codePoint: 'U+D800', broken: true });
    expect(findUnstorableCharacter('\uDC00')).toMatchObject({ index: 0, codePoint: 'U+DC00', broken: true });
    expect(findUnstorableCharacter('x\uD83D')).toMatchObject({ index: 1, codePoint: 'U+D83D', broken: true });
    expect(findUnstorableCharacter('a\u0000')).toMatchObject({ index: 1, codePoint: 'U+0000', broken: false });
    expect(findUnstorableCharacter('\u202Eevil')).toMatchObject({ codePoint: 'U+202E', broken: false });
    for (const fine of ['', 'Zoë', '\uD83D\uDE00 smile', '中文', 'tab\tand\nline', 'a%_\\b', '\uFFFD', '\uFDD0']) expect(isStorableText(fine), JSON.stringify(fine)).toBe(true);
  });

  it('the server’s check names each field holding one, on top of the shared rules', () => {
    const values: ProfileValues = { firstName: 'Ann\uD800', lastName: 'Peeters', email: 'ann@example.com', phone: null, tags: ['ok', 'bad\u0000'], externalId: 'E\u2066', username: null, language: 'en_US', ...noAttributeValues() };
    const checked = checkValues(values, 'en_US');
    expect(checked.ok).toBe(false);
    if (checked.ok) return;
    expect(Object.keys(checked.fields).sort()).toEqual(['externalId', 'firstName', 'tags']);
    expect(checked.fields.firstName).toMatch(/^First name .*U\+D800/);
    expect(checked.fields.tags).toMatch(/^Tags .*U\+0000/);
    expect(checked.fields.externalId).toMatch(/^External ID .*U\+2066/);
    expect(checkValues({ ...values, firstName: 'Ann', tags: ['ok'], externalId: 'E-1' }, 'en_US')).toMatchObject({ ok: true });
  });
});
