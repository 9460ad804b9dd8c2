/**
 * The import's attribute columns against a real server's catalogues and
 * rules: cells name entries by code or name, the value step maps the rest
 * (an entry, none, or a new entry), the review shows what each new profile
 * gets with the rules' grants, a required attribute missing after the rules
 * is an error, and what is committed reaches the server as shown.
 */
import { describe, expect, it } from 'vitest';
import type { CatalogueEntry } from '../../../src-shared/attributes';
import type { AssignmentRule } from '../../../src-shared/assignment-rules';
import type { ImportRow } from '../../../src-shared/import';
import type { Profile } from '../../../src-shared/profile';
import { refusal, serverWithConsoles } from '../../support/console';
import type { TestConsole } from '../../support/console';

interface Ok<T> {
  ok: true;
  data: T;
}

const fx = serverWithConsoles('Import Attributes Org');

async function entry(kind: string, code: string, name: string): Promise<CatalogueEntry> {
  const res = await fx.server.request<Ok<CatalogueEntry>>('POST', '/api/v1/catalogues', { token: fx.org.token, body: { kind, draft: { code, name } } });
  expect(res.status, res.text).toBe(200);
  return res.body.data;
}

async function nightShift(grant: string): Promise<AssignmentRule> {
  const res = await fx.server.request<Ok<AssignmentRule>>('POST', '/api/v1/rules', {
    token: fx.org.token,
    body: { draft: { name: 'Night shift', conditions: [{ subject: 'tag', value: 'Night shift' }], actions: [{ field: 'accessRights', grant: [grant] }] } },
  });
  expect(res.status, res.text).toBe(200);
  return res.body.data;
}

const csv = (lines: string[]): Uint8Array => new TextEncoder().encode(`${lines.join('\n')}\n`);

async function rows(c: TestConsole, importId: string): Promise<Map<string, ImportRow>> {
  const page = await c.call('import:preview', { importId, offset: 0, limit: 100, filter: 'all' });
  return new Map(page.rows.map((r) => [r.values.email, r]));
}

describe('the import maps columns to the attributes', () => {
  it('resolves codes and names, maps the rest in the value step, shows the rules’ grants, and the server holds what was shown', async () => {
    const car = await entry('accessRight', 'CPB', 'Car park B');
    const finance = await entry('department', 'FIN', 'Finance');
    const night = await nightShift(car.id);
    const a = await fx.signedIn();
    await a.call('sync:now', {});

    const opened = await a.call('import:open', {
      fileName: 'staff.csv',
      bytes: csv([
        'First name,Last name,Email,Tags,Department,Access rights',
        'Ann,Peeters,ann@example.com,Night shift,Finance,',
        'Bob,Jansen,bob@example.com,,fin,',
        'Cara,Smet,cara@example.com,,Legal,',
        'Dan,Vos,dan@example.com,,,car park b; Bike shelter',
      ]),
    });
    const importId = opened.importId;
    expect(opened.matches.map((m) => m.target)).toEqual(['firstName', 'lastName', 'email', 'tags', 'department', 'accessRights']);
    const byValue = (field: string, value: string) => opened.attributeValues.find((v) => v.field === field && v.value === value);
    expect(byValue('department', 'Finance')).toMatchObject({ count: 1, mapped: finance.id, reason: 'name' });
    expect(byValue('department', 'fin')).toMatchObject({ count: 1, mapped: finance.id, reason: 'code' });
    expect(byValue('department', 'Legal')).toMatchObject({ mapped: null, reason: 'unknown' });
    expect(byValue('accessRights', 'car park b')).toMatchObject({ mapped: car.id, reason: 'name' });
    expect(byValue('accessRights', 'Bike shelter')).toMatchObject({ mapped: null, reason: 'unknown' });

    let shown = await rows(a, importId);
    // Ann's tag gives her the car park by the rule, and the review says which rule.
    expect(shown.get('ann@example.com')?.gets?.attributes).toMatchObject({ accessRights: [car.id], department: finance.id });
    expect(shown.get('ann@example.com')?.gets?.grants).toEqual({ [`accessRights:${car.id}`]: night.id });
    expect(shown.get('bob@example.com')?.gets?.attributes.department).toBe(finance.id);
    const cara = shown.get('cara@example.com');
    expect(cara?.status).toBe('invalid');
    expect(cara?.issues.filter((i) => i.severity === 'error').map((i) => [i.field, i.code, i.rule?.key])).toEqual([['department', 'unknown-entry', 'import_unknown_entry']]);
    expect(shown.get('dan@example.com')?.issues.filter((i) => i.severity === 'error').map((i) => i.rule?.params)).toEqual([{ field: 'accessRights', value: 'Bike shelter' }]);

    // A value whose entry is of another catalogue, or no entry at all, is refused and changes nothing.
    const wrongKind = await refusal(a, 'import:setAttributeValue', { importId, field: 'department', value: 'Legal', entryId: car.id });
    expect(wrongKind.code).toBe('VALIDATION_FAILED');
    expect((await a.call('import:view', { importId })).attributeValues.find((v) => v.value === 'Legal')?.reason).toBe('unknown');

    // Legal is left empty; Bike shelter is added to the catalogue and chosen.
    await a.call('import:setAttributeValue', { importId, field: 'department', value: 'Legal', entryId: null });
    const bike = await a.call('catalogues:save', { kind: 'accessRight', draft: { code: 'BIKE', name: 'Bike shelter' } });
    const view = await a.call('import:setAttributeValue', { importId, field: 'accessRights', value: 'bike shelter', entryId: bike.id });
    expect(view.attributeValues.filter((v) => v.reason === 'unknown')).toEqual([]);
    expect(view.counts.withErrors).toBe(0);
    shown = await rows(a, importId);
    expect(shown.get('cara@example.com')?.gets?.attributes.department).toBeNull();
    expect(shown.get('dan@example.com')?.gets?.attributes.accessRights).toEqual([bike.id, car.id].sort());

    await a.call('import:diff', { importId });
    const done = await a.call('import:commit', { importId });
    expect(done).toMatchObject({ status: 'completed', created: 4, skipped: 0 });
    await a.call('sync:now', {});
    const list = await fx.server.request<Ok<{ rows: Profile[] }>>('GET', '/api/v1/profiles?limit=100', { token: fx.org.token });
    expect(list.status, list.text).toBe(200);
    const there = new Map(list.body.data.rows.map((p) => [p.email, p]));
    expect(there.get('ann@example.com')).toMatchObject({ accessRights: [car.id], department: finance.id, grants: { [`accessRights:${car.id}`]: night.id } });
    expect(there.get('bob@example.com')).toMatchObject({ accessRights: [], department: finance.id, grants: {} });
    expect(there.get('cara@example.com')).toMatchObject({ department: null });
    expect(there.get('dan@example.com')?.accessRights).toEqual([bike.id, car.id].sort());
  });

  it('remembers the values mapped by hand for the next file with the same headers, below that file’s own choices; other headers start afresh', async () => {
    const ops = await entry('department', 'OPS', 'Operations');
    const finance = await entry('department', 'FIN', 'Finance');
    const a = await fx.signedIn();
    await a.call('sync:now', {});
    const headers = 'First name,Last name,Email,Department';
    const first = await a.call('import:open', { fileName: 'january.csv', bytes: csv([headers, 'Ann,Peeters,ann@example.com,Ops team', 'Bob,Jansen,bob@example.com,Back office']) });
    expect(first.attributeValues.map((v) => [v.value, v.reason])).toEqual([
      ['Back office', 'unknown'],
      ['Ops team', 'unknown'],
    ]);
    await a.call('import:setAttributeValue', { importId: first.importId, field: 'department', value: 'Ops team', entryId: ops.id });
    await a.call('import:setAttributeValue', { importId: first.importId, field: 'department', value: 'Back office', entryId: null });
    await a.call('import:diff', { importId: first.importId });
    expect(await a.call('import:commit', { importId: first.importId })).toMatchObject({ status: 'completed', created: 2 });

    // February's file has the same headers: its values are mapped as January's were, and said to be remembered.
    const second = await a.call('import:open', { fileName: 'february.csv', bytes: csv([headers, 'Cara,Smet,cara@example.com,ops TEAM', 'Dan,Vos,dan@example.com,Back office', 'Eve,Maes,eve@example.com,Finance']) });
    const byValue = (field: string, value: string) => second.attributeValues.find((v) => v.field === field && v.value === value);
    expect(byValue('department', 'ops TEAM')).toMatchObject({ mapped: ops.id, reason: 'remembered' });
    expect(byValue('department', 'Back office')).toMatchObject({ mapped: null, reason: 'empty' });
    expect(byValue('department', 'Finance')).toMatchObject({ mapped: finance.id, reason: 'name' });
    expect((await rows(a, second.importId)).get('cara@example.com')?.gets?.attributes.department).toBe(ops.id);
    // A choice made now wins over the remembered one, and is what the next file remembers.
    await a.call('import:setAttributeValue', { importId: second.importId, field: 'department', value: 'Ops team', entryId: finance.id });
    await a.call('import:diff', { importId: second.importId });
    await a.call('import:commit', { importId: second.importId });
    const third = await a.call('import:open', { fileName: 'march.csv', bytes: csv([headers, 'Fay,Claes,fay@example.com,Ops team']) });
    expect(third.attributeValues).toMatchObject([{ value: 'Ops team', mapped: finance.id, reason: 'remembered' }]);
    await a.call('import:close', { importId: third.importId });

    // Other headers are another source: nothing is remembered for it.
    const other = await a.call('import:open', { fileName: 'other.csv', bytes: csv(['Given name,Family name,E-mail,Dept', 'Gus,Wouters,gus@example.com,Ops team']) });
    expect(other.attributeValues).toMatchObject([{ value: 'Ops team', mapped: null, reason: 'unknown' }]);
  });

  it('a new row lacking a required attribute after the rules is an error; an update may set an attribute, and says so', async () => {
    const ops = await entry('department', 'OPS', 'Operations');
    const finance = await entry('department', 'FIN', 'Finance');
    await fx.server.request('PATCH', '/api/v1/organisation', { token: fx.org.token, body: { requiredAttributes: ['department'] } });
    const a = await fx.signedIn();
    const until = Date.now() + 10_000;
    while ((await a.call('catalogues:list', {})).requiredAttributes.length === 0 && Date.now() < until) await new Promise((r) => setTimeout(r, 50));
    await a.call('sync:now', {});
    await a.call('profiles:create', { draft: { firstName: 'Eve', lastName: 'Maes', email: 'eve@example.com', department: ops.id } });

    const { importId } = await a.call('import:open', {
      fileName: 'more.csv',
      bytes: csv(['First name,Last name,Email,Department', 'Fay,Goossens,fay@example.com,', 'Eve,Maes,eve@example.com,Finance', 'Gus,Wouters,gus@example.com,OPS']),
    });
    const view = await a.call('import:diff', { importId });
    expect(view.counts).toMatchObject({ new: 1, update: 1, withErrors: 1 });
    const shown = await rows(a, importId);
    expect(shown.get('fay@example.com')?.issues.filter((i) => i.severity === 'error').map((i) => [i.field, i.code, i.message])).toEqual([['department', 'required', 'Department is required.']]);
    const eve = shown.get('eve@example.com');
    expect(eve?.status).toBe('update');
    expect(eve?.changes).toEqual([{ field: 'department', before: ops.id, after: finance.id }]);
    const done = await a.call('import:commit', { importId, mode: 'createAndUpdate' });
    expect(done).toMatchObject({ created: 1, updated: 1 });
    const kept = await a.call('profiles:list', { query: {}, offset: 0, limit: 10 });
    const byEmail = new Map(kept.rows.map((p) => [p.email, p]));
    expect(byEmail.get('eve@example.com')?.department).toBe(finance.id);
    expect(byEmail.get('gus@example.com')?.department).toBe(ops.id);
    expect(byEmail.has('fay@example.com')).toBe(false);
  });
});
