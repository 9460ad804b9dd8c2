import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS, build } from '../../support/roster-server';
import { until } from '../../support/until';
import type { TestOrg, TestServer } from '../../support/roster-server';

interface Ok<T> {
  ok: true;
  data: T;
}
interface Run {
  id: string;
  status: string;
  created: number;
  updated: number;
  unchanged: number;
  rejected: number;
  deactivated: number;
  pendingDeactivation: number;
  error: string | null;
}

const csv = (rows: string[][]): string => rows.map((r) => r.join(';')).join('\r\n');
const HEADER = ['Personeelsnummer', 'Voornaam', 'Achternaam', 'E-mail'];
const MAPPING = { Personeelsnummer: 'externalId', Voornaam: 'firstName', Achternaam: 'lastName', 'E-mail': 'email' };

describe.each(BACKENDS)('import source modes on %s', (backend) => {
  let t: TestServer;
  let org: TestOrg;
  const root = mkdtempSync(join(tmpdir(), 'roster-import-modes-'));
  let at = Date.now() / 1000 - 3600;

  /** A folder source of its own (folder and settings), and a way to drop files into it, each newer than the last. */
  const source = async (name: string, settings: Record<string, unknown>) => {
    const folder = join(root, name);
    mkdirSync(folder);
    const draft = { kind: 'folder', name, folder: name, filePattern: '*.csv', mapping: MAPPING, ...settings };
    const res = await t.request<Ok<{ id: string }>>('POST', '/api/v1/import-sources', { token: org.token, body: draft });
    expect(res.status).toBe(200);
    const id = res.body.data.id;
    let n = 0;
    return {
      id,
      draft,
      drop: (rows: string[][]): void => {
        n += 1;
        const file = join(folder, `export-${n}.csv`);
        writeFileSync(file, csv([HEADER, ...rows]));
        at += 60;
        utimesSync(file, at, at);
      },
      run: async (): Promise<Run> => {
        const res = await t.request<Ok<Run>>('POST', `/api/v1/import-sources/${id}/run`, { token: org.token });
        expect(res.status).toBe(200);
        return res.body.data;
      },
    };
  };
  const profile = (email: string) =>
    t.server.ctx.db.selectFrom('profiles').select(['id', 'first_name', 'last_name', 'email', 'external_id', 'deactivated_at']).where('organisation_id', '=', org.organisationId).where('email', '=', email).where('deleted', '=', 0).executeTakeFirst();
  const auditOf = async (action: string) => {
    const audit = await t.request<Ok<{ entries: { action: string; actorEmail: string | null; profileId: string | null }[] }>>('GET', `/api/v1/audit?limit=500&action=${action}`, { token: org.token });
    expect(audit.status, audit.text).toBe(200);
    return audit.body.data.entries;
  };

  beforeAll(async () => {
    t = await build(backend, { config: { importRoot: root } });
    org = await t.organisation('Modes');
  });
  afterAll(async () => {
    await t.close();
    rmSync(root, { recursive: true, force: true });
  });

  it('creates and updates: matches by external ID, else by email, updates through the batch and counts the equal rows unchanged', async () => {
    const hr = await source('update', { mode: 'createOrUpdate' });
    hr.drop([
      ['E1', 'Anna', 'Peeters', 'anna@modes.example.com'],
      ['E2', 'Bart', 'Janssens', 'bart@modes.example.com'],
      ['', 'Chloé', 'Dubois', 'chloe@modes.example.com'],
    ]);
    expect(await hr.run()).toMatchObject({ status: 'succeeded', created: 3, updated: 0, unchanged: 0, rejected: 0 });
    const anna = await profile('anna@modes.example.com');
    const chloe = await profile('chloe@modes.example.com');

    hr.drop([
      // By external ID: a new email and name.
      ['E1', 'Anna', 'Peeters-Smits', 'anna.smits@modes.example.com'],
      ['E2', 'Bart', 'Janssens', 'bart@modes.example.com'],
      // By email: gets an external ID and a new last name.
      ['E3', 'Chloé', 'Martin', 'chloe@modes.example.com'],
    ]);
    expect(await hr.run()).toMatchObject({ status: 'succeeded', created: 0, updated: 2, unchanged: 1, rejected: 0 });
    expect(await profile('anna.smits@modes.example.com')).toMatchObject({ id: anna?.id, last_name: 'Peeters-Smits', external_id: 'E1' });
    expect(await profile('anna@modes.example.com')).toBeUndefined();
    expect(await profile('chloe@modes.example.com')).toMatchObject({ id: chloe?.id, last_name: 'Martin', external_id: 'E3' });
    const updates = await auditOf('profile.changed');
    expect(updates.filter((e) => e.profileId === anna?.id || e.profileId === chloe?.id).map((e) => e.actorEmail)).toEqual(['import source update', 'import source update']);

    // An update that breaks uniqueness (another's email) is rejected with its reason; the rest applies.
    hr.drop([
      ['E1', 'Anna', 'Peeters-Smits', 'bart@modes.example.com'],
      ['E4', 'Dirk', 'Maes', 'dirk@modes.example.com'],
    ]);
    expect(await hr.run()).toMatchObject({ status: 'succeeded', created: 1, updated: 0, rejected: 1 });
    expect(await profile('anna.smits@modes.example.com')).toMatchObject({ id: anna?.id });
  });

  it('create only leaves the people it matches as they are', async () => {
    const hr = await source('create', {});
    hr.drop([['E1', 'Anna', 'Changed', 'anna.smits@modes.example.com']]);
    expect(await hr.run()).toMatchObject({ status: 'succeeded', created: 0, updated: 0, unchanged: 1 });
    expect(await profile('anna.smits@modes.example.com')).toMatchObject({ last_name: 'Peeters-Smits' });
  });

  it('deactivates only with createOrUpdate', async () => {
    const res = await t.request<{ ok: false; error: { code: string; details: { fields: Record<string, string> } } }>('POST', '/api/v1/import-sources', {
      token: org.token,
      body: { kind: 'folder', name: 'refused', folder: 'refused', filePattern: '*.csv', mapping: MAPPING, deactivateMissing: true },
    });
    expect(res.status).toBe(400);
    expect(Object.keys(res.body.error.details.fields)).toEqual(['deactivateMissing']);
  });

  it('deactivates the people it brought who are missing from the file, within its limit; beyond it, nobody until an admin confirms', async () => {
    const people = ['f', 'g', 'h', 'i'].map((x, n) => [`F${n}`, x.toUpperCase(), 'Vos', `${x}@leavers.example.com`]);
    const hr = await source('leavers', { mode: 'createOrUpdate', deactivateMissing: true, deactivateLimit: 25 });
    hr.drop(people);
    expect(await hr.run()).toMatchObject({ status: 'succeeded', created: 4, deactivated: 0 });

    // One of four missing (25 %): deactivated, audited with the source as the actor.
    hr.drop(people.slice(0, 3));
    expect(await hr.run()).toMatchObject({ status: 'succeeded', unchanged: 3, deactivated: 1, pendingDeactivation: 0 });
    const gone = await profile('i@leavers.example.com');
    expect(gone?.deactivated_at).not.toBeNull();
    expect((await auditOf('profile.deactivated')).filter((e) => e.profileId === gone?.id).map((e) => e.actorEmail)).toEqual(['import source leavers']);

    // Two of the three active ones missing (a truncated export?): the file's new person is created, nobody deactivated.
    const put = await t.request('PUT', `/api/v1/import-sources/${hr.id}`, { token: org.token, body: { ...hr.draft, deactivateLimit: 10 } });
    expect(put.status).toBe(200);
    hr.drop([people[0] ?? [], ['F9', 'J', 'Vos', 'j@leavers.example.com']]);
    const stopped = await hr.run();
    expect(stopped).toMatchObject({ status: 'needs-confirmation', created: 1, unchanged: 1, deactivated: 0, pendingDeactivation: 2 });
    expect((await profile('g@leavers.example.com'))?.deactivated_at).toBeNull();
    expect((await profile('h@leavers.example.com'))?.deactivated_at).toBeNull();
    // Its file counts as imported: the next run has nothing new.
    expect(await hr.run()).toMatchObject({ status: 'nothing-new' });

    const confirmPath = `/api/v1/import-sources/${hr.id}/runs/${stopped.id}/confirm-deactivation`;
    const viewer = await t.member(org, 'viewer');
    expect((await t.request('POST', confirmPath, { token: viewer.token })).status).toBe(403);
    const confirmed = await t.request<Ok<Run>>('POST', confirmPath, { token: org.token });
    expect(confirmed.status).toBe(200);
    expect(confirmed.body.data).toMatchObject({ status: 'succeeded', deactivated: 2, pendingDeactivation: 0 });
    expect((await profile('g@leavers.example.com'))?.deactivated_at).not.toBeNull();
    expect((await profile('h@leavers.example.com'))?.deactivated_at).not.toBeNull();
    expect((await profile('f@leavers.example.com'))?.deactivated_at).toBeNull();
    expect((await auditOf('import_source.deactivation_confirmed')).map((e) => e.actorEmail)).toEqual([org.email]);
    // Once only.
    expect((await t.request('POST', confirmPath, { token: org.token })).status).toBe(400);
  });

  it('refuses the confirmation of a run a later file replaced', async () => {
    const people = ['k', 'l'].map((x, n) => [`K${n}`, x.toUpperCase(), 'Wouters', `${x}@later.example.com`]);
    const hr = await source('later', { mode: 'createOrUpdate', deactivateMissing: true });
    hr.drop(people);
    await hr.run();
    hr.drop(people.slice(0, 1));
    const stopped = await hr.run();
    expect(stopped).toMatchObject({ status: 'needs-confirmation', pendingDeactivation: 1 });
    hr.drop([...people, ['K9', 'M', 'Wouters', 'm@later.example.com']]);
    expect(await hr.run()).toMatchObject({ status: 'succeeded', created: 1, deactivated: 0 });
    const res = await t.request('POST', `/api/v1/import-sources/${hr.id}/runs/${stopped.id}/confirm-deactivation`, { token: org.token });
    expect(res.status).toBe(400);
    expect((await profile('l@later.example.com'))?.deactivated_at).toBeNull();
  });

  it('imports the good rows of a file with 5 bad ones, and lists the 5 with their cells and reasons in a CSV', async () => {
    const hr = await source('report', { mode: 'createOrUpdate' });
    hr.drop([
      ['R1', 'Good', 'One', 'good.one@report.example.com'],
      ['R2', 'Bad', 'Email', 'not an email'],
      ['R3', '=HYPERLINK("x")', 'Formula', 'formula@'],
      ['R4', '', '', ''],
      ['R5', 'Good', 'Two', 'good.two@report.example.com'],
      ['R6', 'Same', 'Email', 'good.two@report.example.com'],
      ['R7', 'No', 'Domain', 'no@domain'],
    ]);
    const run = await hr.run();
    expect(run).toMatchObject({ status: 'succeeded', created: 2, rejected: 5 });
    const res = await fetch(`${t.url}/api/v1/import-sources/${hr.id}/runs/${run.id}/rejected.csv`, { headers: { authorization: `Bearer ${org.token}` } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/csv/);
    const bytes = Buffer.from(await res.arrayBuffer());
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const lines = bytes.subarray(3).toString('utf8').split('\r\n');
    expect(lines[0]).toBe('Row,Personeelsnummer,Voornaam,Achternaam,E-mail,Reasons');
    expect(lines.slice(1).map((l) => l.split(',')[0])).toEqual(['3', '4', '5', '7', '8', '']);
    expect(lines[1]).toMatch(/^3,R2,Bad,Email,not an email,.*email/i);
    // A value a spreadsheet would read as a formula gets an apostrophe.
    expect(lines[2]).toContain(`"'=HYPERLINK(""x"")"`);
    // The run is in the audit log with its counts, the source as the actor.
    const runs = await t.request<Ok<{ entries: { actorEmail: string | null; details: Record<string, unknown> }[] }>>('GET', '/api/v1/audit?limit=500&action=import_source.run', { token: org.token });
    expect(runs.body.data.entries.filter((e) => e.details.runId === run.id).map((e) => [e.actorEmail, e.details.created, e.details.rejected])).toEqual([['import source report', 2, 5]]);
    // Another organisation's run is not found.
    const other = await t.organisation('Other');
    expect((await t.request('GET', `/api/v1/import-sources/${hr.id}/runs/${run.id}/rejected.csv`, { token: other.token })).status).toBe(404);
  });

  it('emails each finished run to the organisation’s owners and admins, in its language, not to its viewers', async () => {
    const own = await t.organisation('Rapports');
    await t.server.ctx.db.updateTable('organisations').set({ default_language: 'fr_BE' }).where('id', '=', own.organisationId).execute();
    const admin = await t.member(own, 'admin');
    const viewer = await t.member(own, 'viewer');
    const folder = join(root, 'mailed');
    mkdirSync(folder);
    const res = await t.request<Ok<{ id: string }>>('POST', '/api/v1/import-sources', { token: own.token, body: { kind: 'folder', name: 'Paie', folder: 'mailed', filePattern: '*.csv', mapping: MAPPING } });
    writeFileSync(join(folder, 'paie.csv'), csv([HEADER, ['P1', 'Eva', 'Claes', 'eva@mailed.example.com'], ['P2', 'Bad', 'Row', 'nope']]));
    expect((await t.request<Ok<Run>>('POST', `/api/v1/import-sources/${res.body.data.id}/run`, { token: own.token })).body.data).toMatchObject({ created: 1, rejected: 1 });
    const toOwner = await until('the owner’s report', () => Promise.resolve(t.sink.to(own.email)[0]));
    const toAdmin = await until('the admin’s report', () => Promise.resolve(t.sink.to(admin.email)[0]));
    expect(t.sink.to(viewer.email)).toEqual([]);
    for (const mail of [toOwner, toAdmin]) {
      expect(mail.subject).toBe('Import « Paie »\u202f: terminé');
      expect(mail.text).toContain('Nouvelles personnes\u202f: 1');
      expect(mail.text).toContain('Lignes refusées\u202f: 1');
      expect(mail.links).toEqual([]);
    }
    // Nothing new: no email.
    expect((await t.request<Ok<Run>>('POST', `/api/v1/import-sources/${res.body.data.id}/run`, { token: own.token })).body.data.status).toBe('nothing-new');
    expect(t.sink.to(own.email)).toHaveLength(1);
  });
});
