import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startRoster } from './helpers';
import type { TestRoster } from './helpers';

/**
 * A phone column whose numbers mostly carry +32 or 0032, and a few national
 * ones without a country: the import proposes +32 on its view, and taking it
 * as the import's default phone country makes those rows valid and imports
 * them with +32 numbers.
 */

let t: TestRoster;
beforeEach(() => {
  t = startRoster();
});
afterEach(() => t.close());

const csv = (lines: string[]): Buffer => Buffer.from(lines.join('\r\n'));

const STAFF = csv([
  'First name;Last name;Email;GSM',
  'Ann;Peeters;ann@example.com;+32 470 11 11 11',
  'Bob;Maes;bob@example.com;0032 471 22 22 22',
  'Cleo;Dupont;cleo@example.com;+33 6 12 34 56 78',
  'Dirk;Smet;dirk@example.com;0472 33 33 33',
  'Els;Claes;els@example.com;+32 2 511 22 33',
  'Frank;Wouters;frank@example.com;02 345 67 89',
]);

describe('the phone country suggestion', () => {
  it('is +32 on the view, and taking it as the default makes the national numbers valid', async () => {
    const view = await t.call('import:open', { fileName: 'staff.csv', bytes: STAFF });
    expect(view.phoneCountrySuggestion).toEqual({ code: '+32', carriers: 3, withCountry: 4, withoutCountry: 2 });
    expect(view.defaults.phoneCountryCode).toBeNull();
    expect(view.counts).toMatchObject({ rows: 6, valid: 4, withErrors: 2 });

    const taken = await t.call('import:setDefaults', { importId: view.importId, phoneCountryCode: view.phoneCountrySuggestion?.code ?? null });
    expect(taken.defaults.phoneCountryCode).toBe('+32');
    expect(taken.counts).toMatchObject({ rows: 6, valid: 6, withErrors: 0 });
    // Still proposed: the view says it is the one in use.
    expect(taken.phoneCountrySuggestion?.code).toBe('+32');

    const page = await t.call('import:preview', { importId: view.importId, offset: 0, limit: 10, filter: 'all' });
    const dirk = page.rows.find((r) => r.values.email === 'dirk@example.com');
    expect(dirk?.normalised?.phone).toBe('+32472333333');
    expect(dirk?.issues.map((i) => i.code)).toEqual(['language-default', 'phone-default-country']);

    await t.call('import:diff', { importId: view.importId });
    const result = await t.call('import:commit', { importId: view.importId, mode: 'create' });
    expect(result).toMatchObject({ status: 'completed', created: 6, skipped: 0 });
  });

  it('is absent when no number carries a country', async () => {
    const view = await t.call('import:open', {
      fileName: 'national.csv',
      bytes: csv(['First name;Last name;Email;GSM', 'Ann;Peeters;ann@example.com;0470 11 11 11', 'Bob;Maes;bob@example.com;0471 22 22 22']),
    });
    expect(view.phoneCountrySuggestion).toBeNull();
    expect(view.counts.withErrors).toBe(2);
  });
});
