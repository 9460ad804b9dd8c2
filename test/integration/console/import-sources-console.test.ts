/**
 * The console's Employee files page (issue 16) against a real Roster server
 * with a real import folder: a new source starts from the mapping a manual
 * import remembered; "run now" imports the file and the list shows the run;
 * the rejected rows download as the server's CSV; the people sync into the
 * replica as "employee file"; a file missing too many people waits for a
 * confirmation, which deactivates them; a refused draft saves nothing; a
 * viewer reads only; another organisation sees none of it; offline is refused.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isSourceMappingTarget } from '../../../src-shared/import-sources-wire';
import type { SourceMappingTarget } from '../../../src-shared/import-sources-wire';
import { csvLine } from '../../../src-shared/csv';
import { refusal, serverWithConsoles } from '../../support/console';

let root: string;

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'roster-sources-console-'));
  mkdirSync(join(root, 'hr'));
});

afterEach(() => {
  rmSync(root, { recursive: true, force: true });
});

// Registered after the folder's hooks: the server starts on the folder and is closed before it goes.
const fx = serverWithConsoles('Sources Console Org', () => ({ config: { importRoot: root } }));

const HEADER = 'Voornaam;Achternaam;E-mail';
const drop = (name: string, rows: string[]): void => {
  writeFileSync(join(root, 'hr', name), [HEADER, ...rows].join('\r\n'));
};

const folderDraft = (mapping: Record<string, SourceMappingTarget>) =>
  ({ kind: 'folder', name: 'HR share', folder: 'hr', filePattern: 'employees-*.csv', mapping, mode: 'createOrUpdate', deactivateMissing: true, deactivateLimit: 10 }) as const;

describe('the Employee files page’s channels', () => {
  it('starts a source from a remembered mapping, runs it, lists its run, downloads its rejected rows, and the people sync in as from an employee file', async () => {
    const c = await fx.signedIn();
    // A manual import of the HR system's export remembers its columns.
    const manual = await c.call('import:open', { fileName: 'export.csv', bytes: Buffer.from([HEADER, 'Ann;Peeters;ann@hr.example'].join('\r\n')) });
    await c.call('import:commit', { importId: manual.importId });
    const saved = await c.call('sources:savedMappings', {});
    expect(saved).toHaveLength(1);
    expect(saved[0]?.headers).toEqual(['Voornaam', 'Achternaam', 'E-mail']);
    expect(saved[0]?.mapping).toEqual({ Voornaam: 'firstName', Achternaam: 'lastName', 'E-mail': 'email' });

    expect(await c.call('sources:list', {})).toEqual({ sources: [] });
    const remembered = Object.entries(saved[0]?.mapping ?? {}).flatMap(([header, target]) => (isSourceMappingTarget(target) ? [[header, target] as const] : []));
    const source = await c.call('sources:save', { draft: folderDraft(Object.fromEntries(remembered)) });
    expect(source).toMatchObject({ name: 'HR share', kind: 'folder', mode: 'createOrUpdate', deactivateMissing: true, mapping: { Voornaam: 'firstName' } });
    const listed = await c.call('sources:list', {});
    expect(listed.sources.map((s) => [s.source.id, s.lastRun])).toEqual([[source.id, null]]);

    drop('employees-1.csv', ['Bram;Maes;bram@hr.example', 'Chloé;Dubois;chloe@hr.example', 'Dirk;Janssens;not an email', 'Eva;Claes;eva@hr.example']);
    const run = await c.call('sources:run', { id: source.id });
    expect(run).toMatchObject({ status: 'succeeded', trigger: 'manual', fileName: 'employees-1.csv', created: 3, rejected: 1 });
    const after = await c.call('sources:list', {});
    expect(after.sources[0]?.lastRun).toEqual(run);
    expect(await c.call('sources:runs', { id: source.id })).toEqual([run]);
    // The rejected row says why in English, and gives the finding behind it for the console to word.
    expect(run.rejectedRows).toEqual([{ rowNumber: 4, reasons: [expect.stringMatching(/email/i)], rules: [{ key: 'email_invalid', params: { value: 'not an email' } }] }]);

    const english = { row: 'Row', reasons: 'Reasons', delimiter: ',' } as const;
    const csv = await c.call('sources:rejectedCsv', { id: source.id, runId: run.id, words: english, reasons: [] });
    expect(csv.fileName).toMatch(/^roster-rejected-rows-\d{4}-\d{2}-\d{2}\.csv$/);
    const text = Buffer.from(csv.base64, 'base64').toString('utf8');
    expect(text.startsWith('\uFEFF')).toBe(true);
    const serverReason = run.rejectedRows[0]?.reasons[0] ?? '';
    // In English the file is the server's own.
    expect(text).toBe(`\uFEFF${csvLine(['Row', 'Voornaam', 'Achternaam', 'E-mail', 'Reasons'], ',')}${csvLine(['4', 'Dirk', 'Janssens', 'not an email', serverReason], ',')}`);
    expect(text).not.toContain('bram@hr.example');
    // In French: its headers, the reason the console words from the finding, and Excel's semicolon.
    const french = await c.call('sources:rejectedCsv', { id: source.id, runId: run.id, words: { row: 'Ligne', reasons: 'Motifs', delimiter: ';' }, reasons: [{ rowNumber: 4, text: '« not an email » n’est pas une adresse e-mail valide.' }] });
    expect(Buffer.from(french.base64, 'base64').toString('utf8')).toBe('\uFEFFLigne;Voornaam;Achternaam;E-mail;Motifs\r\n4;Dirk;Janssens;not an email;« not an email » n’est pas une adresse e-mail valide.\r\n');

    await c.call('sync:now', {});
    const fromFile = await c.call('profiles:list', { query: { source: 'import_source' }, offset: 0, limit: 10 });
    expect(fromFile.rows.map((p) => p.email).sort()).toEqual(['bram@hr.example', 'chloe@hr.example', 'eva@hr.example']);
  });

  it('a file missing too many people waits for a confirmation, which deactivates exactly them', async () => {
    const c = await fx.signedIn();
    const source = await c.call('sources:save', { draft: folderDraft({ Voornaam: 'firstName', Achternaam: 'lastName', 'E-mail': 'email' }) });
    drop('employees-1.csv', ['Bram;Maes;bram@hr.example', 'Chloé;Dubois;chloe@hr.example', 'Eva;Claes;eva@hr.example']);
    expect(await c.call('sources:run', { id: source.id })).toMatchObject({ status: 'succeeded', created: 3 });
    drop('employees-2.csv', ['Bram;Maes;bram@hr.example']);
    const held = await c.call('sources:run', { id: source.id });
    expect(held).toMatchObject({ status: 'needs-confirmation', pendingDeactivation: 2, deactivated: 0 });
    expect((await c.call('sources:list', {})).sources[0]?.lastRun?.status).toBe('needs-confirmation');

    const confirmed = await c.call('sources:confirmDeactivation', { id: source.id, runId: held.id });
    expect(confirmed).toMatchObject({ status: 'succeeded', deactivated: 2 });
    await c.call('sync:now', {});
    const deactivated = await c.call('profiles:list', { query: { deactivated: true }, offset: 0, limit: 10 });
    expect(deactivated.rows.map((p) => p.email).sort()).toEqual(['chloe@hr.example', 'eva@hr.example']);
  });

  it('a draft the rules refuse names its field and saves nothing; a changed source keeps its runs', async () => {
    const c = await fx.signedIn();
    const wrong = await refusal(c, 'sources:save', { draft: { ...folderDraft({}), mode: 'create' } });
    expect(wrong.code).toBe('VALIDATION_FAILED');
    expect(Object.keys(wrong.details?.fields ?? {})).toContain('deactivateMissing');
    const noName = await refusal(c, 'sources:save', { draft: { ...folderDraft({}), name: ' ' } });
    expect(noName.code).toBe('VALIDATION_FAILED');
    expect(Object.keys(noName.details?.fields ?? {})).toContain('draft.name');
    expect(await c.call('sources:list', {})).toEqual({ sources: [] });

    const source = await c.call('sources:save', { draft: folderDraft({}) });
    drop('employees-1.csv', ['Bram;Maes;bram@hr.example']);
    const run = await c.call('sources:run', { id: source.id });
    const changed = await c.call('sources:save', { id: source.id, draft: { ...folderDraft({}), name: 'HR share (night)', schedule: '0 2 * * *', timeZone: 'Europe/Brussels' } });
    expect(changed).toMatchObject({ id: source.id, name: 'HR share (night)', schedule: '0 2 * * *' });
    expect(changed.nextRunAt).not.toBeNull();
    expect((await c.call('sources:list', {})).sources.map((s) => [s.source.name, s.lastRun?.id])).toEqual([['HR share (night)', run.id]]);

    expect(await c.call('sources:delete', { id: source.id })).toEqual({ id: source.id });
    expect(await c.call('sources:list', {})).toEqual({ sources: [] });
    await c.call('sync:now', {});
    expect((await c.call('profiles:list', { query: {}, offset: 0, limit: 10 })).rows.map((p) => p.email)).toEqual(['bram@hr.example']);
  });

  it('a viewer reads the sources and runs but cannot change or run them; another organisation sees none; offline is refused', async () => {
    const owner = await fx.signedIn();
    const source = await owner.call('sources:save', { draft: folderDraft({}) });
    const v = await fx.asMember('viewer');
    expect((await v.call('sources:list', {})).sources.map((s) => s.source.id)).toEqual([source.id]);
    expect(await refusal(v, 'sources:run', { id: source.id })).toMatchObject({ code: 'FORBIDDEN' });
    expect(await refusal(v, 'sources:save', { id: source.id, draft: folderDraft({}) })).toMatchObject({ code: 'FORBIDDEN' });
    expect(await refusal(v, 'sources:delete', { id: source.id })).toMatchObject({ code: 'FORBIDDEN' });

    const theirs = await fx.inOtherOrganisation('Other Org');
    expect(await theirs.call('sources:list', {})).toEqual({ sources: [] });
    expect(await refusal(theirs, 'sources:runs', { id: source.id })).toMatchObject({ code: 'NOT_FOUND' });
    expect(await refusal(theirs, 'sources:run', { id: source.id })).toMatchObject({ code: 'NOT_FOUND' });

    await owner.call('sync:setWorkOffline', { offline: true });
    expect(await refusal(owner, 'sources:list', {})).toMatchObject({ code: 'OFFLINE', details: { rule: { key: 'sync_offline' } } });
  });
});
