import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import * as XLSX from 'xlsx';
import { count, fixtureBytes, startRoster } from './helpers';
import type { TestRoster } from './helpers';
import type { ImportProgress } from '../../../src-shared/import';
import { storedMutation } from '../../../src-shared/mutation';
import type { Mutation } from '../../../src-shared/mutation';
import { noAttributeValues } from '../../../src-shared/profile-values';

let t: TestRoster;
let progress: ImportProgress[];
beforeEach(() => {
  t = startRoster();
  progress = [];
  t.roster.events.on('import:progress', (p) => progress.push(p));
});
afterEach(() => t.close());

const csv = (rows: string[][]): Buffer => Buffer.from(rows.map((r) => r.join(';')).join('\r\n'));
const people = (n: number, from = 0): string[][] => [
  ['Prénom', 'Nom', 'Courriel', 'Langue', 'Matricule'],
  ...Array.from({ length: n }, (_, k) => {
    const i = k + from;
    return [`P${i}`, `N${i}`, `p${i}@example.com`, i % 2 === 0 ? 'FR' : 'Nederlands', `M${i}`];
  }),
];
const outbox = (t: TestRoster): Mutation[] =>
  (t.roster.db.prepare('SELECT * FROM outbox ORDER BY seq').all() as { id: string; kind: Mutation['kind']; entity_id: string; base_version: number; payload: string; created_at: string }[]).map(
    (r) => storedMutation({ id: r.id, kind: r.kind, entityId: r.entity_id, baseVersion: r.base_version, payload: JSON.parse(r.payload), createdAt: r.created_at }),
  );

describe('commit', () => {
  it('writes 1,200 rows in batches of at most 500, each profile with its outbox mutation, with progress', async () => {
    const view = await t.call('import:open', { fileName: 'staff.csv', bytes: csv(people(1200)) });
    expect(view.counts).toMatchObject({ rows: 1200, valid: 1200 });
    const result = await t.call('import:commit', { importId: view.importId });
    expect(result).toMatchObject({ status: 'completed', created: 1200, updated: 0, skipped: 0, batches: 3, failures: [] });
    expect(count(t.roster, 'profiles')).toBe(1200);
    const mutations = outbox(t);
    expect(mutations).toHaveLength(1200);
    expect(new Set(mutations.map((m) => m.kind))).toEqual(new Set(['profile.create']));
    const first = t.roster.profiles.list({ search: 'p0@example.com' }, 0, 5).rows[0];
    expect(first).toMatchObject({ firstName: 'P0', lastName: 'N0', email: 'p0@example.com', language: 'fr_BE', externalId: 'M0', status: 'not_invited', version: 0 });
    expect(mutations.find((m) => m.entityId === first?.id)?.payload).toEqual({
      // The import gives no attributes: a new profile holds none.
      values: { firstName: 'P0', lastName: 'N0', email: 'p0@example.com', phone: null, tags: [], externalId: 'M0', username: null, language: 'fr_BE', ...noAttributeValues() },
    });
    expect(progress.filter((p) => p.phase === 'committing').map((p) => [p.done, p.total])).toEqual([
      [0, 1200],
      [500, 1200],
      [1000, 1200],
      [1200, 1200],
    ]);
    const [entry] = await t.call('import:history', { limit: 10 });
    expect(entry).toMatchObject({ id: result.historyId, fileName: 'staff.csv', format: 'csv', mode: 'create', status: 'completed', rows: 1200, created: 1200, updated: 0, skipped: 0, canUndo: true, undoBlockedReason: null });
  });

  it('each batch is one transaction: a failure inside a batch leaves none of it', async () => {
    const view = await t.call('import:open', { fileName: 'staff.csv', bytes: csv(people(700)) });
    // A trigger makes the 600th insert fail: batch 1 (500 rows) stays, batch 2 rolls back whole.
    t.roster.db.exec(`CREATE TRIGGER boom BEFORE INSERT ON profiles WHEN new.email = 'p599@example.com' BEGIN SELECT RAISE(ABORT, 'boom'); END;`);
    const error = await t.fail('import:commit', { importId: view.importId });
    expect(error.code).toBe('INTERNAL');
    expect([count(t.roster, 'profiles'), count(t.roster, 'outbox'), count(t.roster, 'import_items')]).toEqual([500, 500, 500]);
    const [entry] = await t.call('import:history', { limit: 1 });
    expect(entry).toMatchObject({ status: 'failed', created: 500, canUndo: true });
  });

  it('marks an import cut off by a crash as failed at the next start, so its batches can be undone', async () => {
    const view = await t.call('import:open', { fileName: 'staff.csv', bytes: csv(people(3)) });
    const result = await t.call('import:commit', { importId: view.importId });
    t.roster.db.prepare("UPDATE imports SET status = 'running', finished_at = NULL").run();
    const dataDir = t.dir;
    t.roster.close();
    const { openRoster } = await import('../../../src-main/runtime/roster');
    const reopened = openRoster({ dataDir, mode: 'browser', version: 'test', openExternal: () => Promise.resolve(false) });
    t.roster = reopened;
    const [entry] = reopened.imports.history(5);
    expect(entry).toMatchObject({ id: result.historyId, status: 'failed', created: 3, canUndo: true });
  });

  it('can be cancelled between batches; what was written stays and can be undone', async () => {
    const view = await t.call('import:open', { fileName: 'staff.csv', bytes: csv(people(1500)) });
    t.roster.events.on('import:progress', (p) => {
      if (p.phase === 'committing' && p.done === 500) void t.call('import:cancel', { importId: view.importId });
    });
    const result = await t.call('import:commit', { importId: view.importId });
    expect(result).toMatchObject({ status: 'cancelled', created: 500, skipped: 1000, batches: 1 });
    expect(count(t.roster, 'profiles')).toBe(500);
    const [entry] = await t.call('import:history', { limit: 10 });
    expect(entry).toMatchObject({ status: 'cancelled', created: 500, canUndo: true });
    expect(await t.call('import:undo', { historyId: result.historyId })).toEqual({ removed: 500, restored: 0 });
    expect([count(t.roster, 'profiles'), count(t.roster, 'outbox'), count(t.roster, 'profile_tags')]).toEqual([0, 0, 0]);
    expect(t.roster.profiles.list({ search: 'p1' }, 0, 5).total).toBe(0);
  });

  it('creates only by default; "update existing" updates field by field and undo restores', async () => {
    const existing = t.roster.profiles.create({ firstName: 'Old', lastName: 'Name', email: 'p1@example.com', language: 'en_US', phoneNumber: '+32470123456', tags: 'Keep' });
    const view = await t.call('import:open', { fileName: 'staff.csv', bytes: csv(people(3)) });
    const diffed = await t.call('import:diff', { importId: view.importId });
    expect(diffed.counts).toMatchObject({ new: 2, update: 1, unchanged: 0, conflict: 0 });
    const updates = await t.call('import:preview', { importId: view.importId, offset: 0, limit: 10, filter: 'update' });
    expect(updates.rows.map((r) => [r.rowNumber, r.existingId, r.changes])).toEqual([
      [
        3,
        existing.id,
        [
          { field: 'firstName', before: 'Old', after: 'P1' },
          { field: 'lastName', before: 'Name', after: 'N1' },
          { field: 'externalId', before: null, after: 'M1' },
          { field: 'language', before: 'en_US', after: 'nl_BE' },
        ],
      ],
    ]);
    const created = await t.call('import:commit', { importId: view.importId });
    expect(created).toMatchObject({ created: 2, updated: 0, skipped: 1 });
    expect(t.roster.profiles.get(existing.id)).toMatchObject({ firstName: 'Old', language: 'en_US' });

    const again = await t.call('import:open', { fileName: 'staff.csv', bytes: csv(people(3)) });
    const result = await t.call('import:commit', { importId: again.importId, mode: 'createAndUpdate' });
    expect(result).toMatchObject({ created: 0, updated: 1, skipped: 2 });
    // Fields the file does not have (phone, tags) are kept.
    expect(t.roster.profiles.get(existing.id)).toMatchObject({ firstName: 'P1', lastName: 'N1', language: 'nl_BE', externalId: 'M1', phone: '+32470123456', tags: ['Keep'] });
    const update = outbox(t).at(-1);
    expect(update).toMatchObject({
      kind: 'profile.update',
      entityId: existing.id,
      baseVersion: 0,
      payload: { changes: { firstName: 'P1', lastName: 'N1', externalId: 'M1', language: 'nl_BE' }, base: { firstName: 'Old', lastName: 'Name', externalId: null, language: 'en_US' } },
    });
    expect(await t.call('import:undo', { historyId: result.historyId })).toEqual({ removed: 0, restored: 1 });
    expect(t.roster.profiles.get(existing.id)).toMatchObject({ firstName: 'Old', lastName: 'Name', language: 'en_US', externalId: null, updatedAt: existing.updatedAt });
    expect(outbox(t).filter((m) => m.kind === 'profile.update')).toEqual([]);
    const history = await t.call('import:history', { limit: 10 });
    expect(history.map((h) => [h.status, h.canUndo])).toEqual([
      ['undone', false],
      ['completed', true],
    ]);
    expect(await t.fail('import:undo', { historyId: result.historyId })).toMatchObject({ code: 'VALIDATION_FAILED', message: 'This import was already undone.' });
  });

  it('offers no undo once a change was sent, or when a profile was edited after the import', async () => {
    const view = await t.call('import:open', { fileName: 'staff.csv', bytes: csv(people(2)) });
    const result = await t.call('import:commit', { importId: view.importId });
    const [p0] = t.roster.profiles.list({ search: 'p0@example.com' }, 0, 1).rows;
    if (p0 === undefined) throw new Error('missing');
    t.roster.profiles.update(p0.id, { firstName: 'Edited', lastName: p0.lastName, email: p0.email, language: p0.language });
    let [entry] = await t.call('import:history', { limit: 1 });
    expect(entry).toMatchObject({ canUndo: false, undoBlockedReason: 'Some of these profiles were changed after the import; undo would lose those changes.' });
    // As the sync engine will: a pushed mutation leaves the outbox.
    t.roster.db.prepare("DELETE FROM outbox WHERE kind = 'profile.update'").run();
    t.roster.db.prepare('DELETE FROM outbox WHERE entity_id = ?').run(p0.id);
    [entry] = await t.call('import:history', { limit: 1 });
    expect(entry).toMatchObject({ canUndo: false, undoBlockedReason: 'Some of these changes were already sent to the server; change or delete those profiles instead.' });
    expect(await t.fail('import:undo', { historyId: result.historyId })).toMatchObject({ code: 'VALIDATION_FAILED' });
    expect(count(t.roster, 'profiles')).toBe(2);
  });

  it('skips rows whose email was taken between the diff and the commit', async () => {
    const view = await t.call('import:open', { fileName: 'staff.csv', bytes: csv(people(2)) });
    await t.call('import:diff', { importId: view.importId });
    t.roster.profiles.create({ firstName: 'X', lastName: 'Y', email: 'p2@example.com', externalId: 'M1' });
    const result = await t.call('import:commit', { importId: view.importId });
    // The commit diffs again: row 3 (external ID M1 now taken) is a conflict and is not written.
    expect(result).toMatchObject({ created: 1, skipped: 1 });
  });

  it('a unique value taken while committing skips just that row with its reason (the shared uniqueness rule); the rest of the batch commits', async () => {
    const a = t.roster.profiles.create({ firstName: 'Old', lastName: 'Name', email: 'p1@example.com', language: 'en_US' });
    const b = t.roster.profiles.create({ firstName: 'Before', lastName: 'N3', email: 'p3@example.com', language: 'nl_BE', externalId: 'M3' });
    const c = t.roster.profiles.create({ firstName: 'Before', lastName: 'N5', email: 'p5@example.com', language: 'nl_BE', externalId: 'M5' });
    const view = await t.call('import:open', { fileName: 'staff.csv', bytes: csv(people(6)) });
    expect((await t.call('import:diff', { importId: view.importId })).counts).toMatchObject({ new: 3, update: 3, conflict: 0 });
    // After the commit's own re-diff, before its first batch: the directory changes under it.
    const taken: string[] = [];
    t.roster.events.on('import:progress', (p) => {
      if (p.phase !== 'committing' || p.done !== 0) return;
      taken.push(t.roster.profiles.create({ firstName: 'Holds', lastName: 'M1', email: 'x1@example.com', externalId: 'M1' }).id);
      taken.push(t.roster.profiles.create({ firstName: 'Holds', lastName: 'M2', email: 'x2@example.com', externalId: 'M2' }).id);
      t.roster.profiles.update(b.id, { firstName: 'P3', lastName: 'N3', email: 'p3@example.com', language: 'nl_BE', externalId: 'M3' });
    });
    const outboxBefore = count(t.roster, 'outbox');
    const result = await t.call('import:commit', { importId: view.importId, mode: 'createAndUpdate' });
    expect(taken).toHaveLength(2);
    expect(result).toMatchObject({
      status: 'completed',
      created: 2,
      updated: 1,
      skipped: 3,
      batches: 1,
      failures: [
        { rowNumber: 3, message: 'External ID M1 belongs to another profile.' },
        { rowNumber: 4, message: 'External ID M2 now belongs to another profile.' },
        { rowNumber: 5, message: 'Nothing to change any more.' },
      ],
    });
    // Nothing was written for the skipped rows: profile p1 keeps its values, p2 does not exist, and no mutation names them.
    expect(t.roster.profiles.get(a.id)).toMatchObject({ firstName: 'Old', lastName: 'Name', externalId: null, language: 'en_US', updatedAt: a.updatedAt });
    expect(t.roster.profiles.list({ search: 'p2@example.com' }, 0, 5).total).toBe(0);
    const written = outbox(t).slice(outboxBefore + 3);
    expect(written.map((m) => m.kind).sort()).toEqual(['profile.create', 'profile.create', 'profile.update']);
    expect(written.some((m) => m.entityId === a.id || m.entityId === b.id)).toBe(false);
    expect(written.find((m) => m.entityId === c.id)?.payload).toEqual({ changes: { firstName: 'P5' }, base: { firstName: 'Before' } });
    expect(t.roster.profiles.get(c.id)).toMatchObject({ firstName: 'P5', externalId: 'M5' });
    expect(count(t.roster, 'import_items')).toBe(3);
    const [entry] = await t.call('import:history', { limit: 1 });
    expect(entry).toMatchObject({ id: result.historyId, status: 'completed', rows: 6, created: 2, updated: 1, skipped: 3, canUndo: true });
    // Undo takes back exactly what the import wrote.
    expect(await t.call('import:undo', { historyId: result.historyId })).toEqual({ removed: 2, restored: 1 });
    expect(t.roster.profiles.get(c.id)).toMatchObject({ firstName: 'Before' });
    expect(taken.map((id) => t.roster.profiles.get(id).externalId)).toEqual(['M1', 'M2']);
    expect(count(t.roster, 'profiles')).toBe(5);
  });
});

describe('review steps through the channels', () => {
  it('edits a cell, applies bulk fixes, excludes rows, maps values and exports the problems', async () => {
    const rows = [
      ['Full name', 'E-mail', 'Taal', 'GSM'],
      ['Ann Peeters', ' ANN@EXAMPLE.COM ', '', '0470 12 34 56'],
      ['Bob Maes', 'bob@example', 'Vlaams', ''],
      ['Cleo Dupont', 'cleo@example.com', 'Klingon', '=1+2'],
    ];
    const view = await t.call('import:open', { fileName: 'people.csv', bytes: csv(rows) });
    expect(view.matches.map((m) => m.target)).toEqual(['fullName', 'email', 'language', 'phoneNumber']);
    expect(view.counts).toMatchObject({ rows: 3, valid: 0, withErrors: 3 });

    const edited = await t.call('import:editCell', { importId: view.importId, rowIndex: 1, field: 'email', value: 'bob@example.com' });
    expect(edited.row.issues.map((i) => i.code)).toEqual([]);
    expect(edited.row.edited).toEqual(['email']);

    const fixed = await t.call('import:bulkFix', { importId: view.importId, fix: 'setCountryCodeWhereEmpty', value: '+32' });
    expect(fixed.counts).toMatchObject({ valid: 2, withErrors: 1 });
    const lang = await t.call('import:bulkFix', { importId: view.importId, fix: 'setLanguageWhereEmpty', value: 'fr_BE' });
    expect(lang.languageValues.find((v) => v.value === '')?.mapped).toBe('fr_BE');

    const problems = await t.call('import:preview', { importId: view.importId, offset: 0, limit: 10, filter: 'problems' });
    expect(problems.rows.map((r) => [r.rowNumber, r.issues.map((i) => [i.field, i.code])])).toEqual([
      [
        4,
        [
          ['phoneNumber', 'invalid'],
          ['language', 'invalid'],
        ],
      ],
    ]);

    const exported = await t.call('import:exportProblems', { importId: view.importId, format: 'xlsx', include: 'errors' });
    const book = XLSX.read(Buffer.from(exported.base64, 'base64'), { type: 'buffer' });
    const table = XLSX.utils.sheet_to_json<string[]>(book.Sheets[book.SheetNames[0] ?? ''] ?? {}, { header: 1 });
    expect(table[1]?.slice(0, 10)).toEqual(['4', 'Cleo', 'Dupont', 'cleo@example.com', "'+32", "'=1+2", '', '', '', 'Klingon']);

    const mapped = await t.call('import:setValueMap', { importId: view.importId, values: [{ value: 'Klingon', language: 'nl_BE' }] });
    expect(mapped.languageValues.find((v) => v.value === 'Klingon')).toMatchObject({ mapped: 'nl_BE', reason: 'manual' });
    const excluded = await t.call('import:excludeRows', { importId: view.importId, rowIndexes: [2], excluded: true });
    expect(excluded).toMatchObject({ rows: 3, valid: 2, withErrors: 0, excluded: 1 });
    const result = await t.call('import:commit', { importId: view.importId });
    expect(result).toMatchObject({ created: 2, skipped: 1 });
    expect(t.roster.profiles.list({ search: 'ann@example.com' }, 0, 1).rows[0]).toMatchObject({ firstName: 'Ann', lastName: 'Peeters', phone: '+32470123456', language: 'fr_BE' });
  });

  it('remembers the mapping per source and offers it next time', async () => {
    const rows = [
      ['Code', 'Naam', 'Mail'],
      ['X1', 'Ann Peeters', 'ann@example.com'],
    ];
    const first = await t.call('import:open', { fileName: 'hr.csv', bytes: csv(rows) });
    expect(first.matches.map((m) => m.target)).toEqual(['ignore', 'fullName', 'email']);
    expect(first.rememberedMapping).toBe(false);
    await t.call('import:setMapping', { importId: first.importId, mapping: ['externalId', 'fullName', 'email'] });
    await t.call('import:commit', { importId: first.importId });

    const next = await t.call('import:open', { fileName: 'hr-march.csv', bytes: csv([['code', 'NAAM', 'mail'], ['X2', 'Bo Maes', 'bo@example.com']]) });
    expect(next.rememberedMapping).toBe(true);
    expect(next.matches.map((m) => [m.target, m.reason])).toEqual([
      ['externalId', 'remembered'],
      ['fullName', 'remembered'],
      ['email', 'remembered'],
    ]);
  });

  it('changes the header row and re-reads with another delimiter', async () => {
    const view = await t.call('import:open', { fileName: 'people-utf8.csv', bytes: fixtureBytes('people-utf8.csv') });
    const noHeader = await t.call('import:setHeaderRow', { importId: view.importId, headerRow: null });
    expect(noHeader.columns[0]?.header).toBe('Column A');
    expect(noHeader.counts.rows).toBe(4);
    const semicolon = await t.call('import:reparse', { importId: view.importId, delimiter: ';' });
    expect(semicolon.file).toMatchObject({ delimiter: ';', delimiterSource: 'manual' });
    expect(semicolon.columns).toHaveLength(2);
  });

  it('serves the templates from resources/templates', async () => {
    const template = await t.call('import:template', { language: 'nl', format: 'csv' });
    expect(template).toMatchObject({ fileName: 'roster-import-template-nl.csv', mimeType: 'text/csv; charset=utf-8' });
    expect(Buffer.from(template.base64, 'base64').toString('utf8')).toBe(
      '\ufeffVoornaam;Achternaam;E-mail;Landcode;Telefoonnummer;Labels;Externe ID;Taal;Toegangsrechten;Afdeling;Functieprofiel;Machtigingstype;Gebruikersgroep;Betaalmethoden;Licenties\r\nAnn;Peeters;ann.peeters@example.com;32;470 12 34 56;"Sales; Brussels";EMP-0042;nl_BE;;;;;;;\r\n',
    );
  });
});
