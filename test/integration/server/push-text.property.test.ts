import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ERROR_CODES } from '../../../src-shared/errors';
import { LANGUAGES } from '../../../src-shared/languages';
import { validateProfile } from '../../../src-shared/profile';
import { findForbiddenCharacter } from '../../../src-shared/text-safety';
import type { Profile, ProfileValues } from '../../../src-shared/profile';
import { pullResponseSchema, pushResponseSchema } from '../../../src-shared/wire';
import type { PullResponse, PushResponse } from '../../../src-shared/wire';
import { BACKENDS, build } from '../../support/roster-server';
import type { TestOrg, TestServer } from '../../support/roster-server';
import { installRefusals, REFUSED_CHAR } from './db-refusals';
import { noAttributeValues, valuesOf } from '../../../src-shared/profile-values';

/**
 * Arbitrary Unicode in every text field of pushed creations and edits, sent
 * as raw wire JSON (nothing of the console's checks in the way): the full
 * code point range, unpaired surrogates, NUL and other controls, bidi marks,
 * noncharacters, and values up to the wire's length limits. The test
 * database also refuses one character outright (db-refusals.ts), so the
 * database's own refusals are part of the mix.
 *
 * Whatever comes, a push never fails as a whole: HTTP 200, one result per
 * mutation, each applied or rejected with a reason; what was applied is what
 * the shared rules make of what was sent, and reads back identically through
 * pull; what was rejected left nothing behind.
 *
 * ROSTER_PROPERTY_RUNS (or ROSTER_PUSH_TEXT_RUNS for this file alone) runs
 * more; a failure prints fast-check's seed and path: replay with
 * ROSTER_PROPERTY_SEED=<seed> ROSTER_PROPERTY_PATH=<path>.
 */
const RUNS = Number(process.env.ROSTER_PUSH_TEXT_RUNS ?? process.env.ROSTER_PROPERTY_RUNS ?? 100);
const SEED = process.env.ROSTER_PROPERTY_SEED === undefined ? undefined : Number(process.env.ROSTER_PROPERTY_SEED);
const PATH = process.env.ROSTER_PROPERTY_PATH;

interface Ok<T> {
  ok: true;
  data: T;
}

// ------------------------------------------------------------------ values

const SPECIAL = [
  '\u0000', '\u0001', '\u0007', '\t', '\n', '\r', '\u001B', '\u007F', '\u0085', '\u009F',
  '\u200B', '\u200D', '\u200E', '\u200F', '\u202A', '\u202B', '\u202C', '\u202D', '\u202E', '\u2066', '\u2067', '\u2068', '\u2069',
  '\u2028', '\u2029', '\u00A0', '\u3000', '\uFEFF', '\uFFFD', '\uFFFE', '\uFFFF',
  '\uD800', '\uDBFF', '\uDC00', '\uDFFF', '\uD83D\uDE00', '\uDBFF\uDFFF', '\u0301', '\u0130', '\u00DF', '\u00E9',
  ' ', '%', '_', '\\', "'", '"', ',', ';', '|', '@', '+', REFUSED_CHAR,
];
const anyCodePoint = fc.integer({ min: 0, max: 0x10ffff }).map((cp) => String.fromCodePoint(cp)); // 0xD800–0xDFFF give unpaired surrogates
const safeChar = fc.constantFrom(...'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789'.split(''), '\u00E9', '\u00F1', '\u4E2D', '\u0416', '\uD83D\uDE00', '-', ' ');
const anyChar = fc.oneof({ weight: 4, arbitrary: safeChar }, { weight: 3, arbitrary: anyCodePoint }, { weight: 3, arbitrary: fc.constantFrom(...SPECIAL) });

const textOf = (chars: fc.Arbitrary<string>, minLength: number, maxLength: number, cap: number) =>
  fc.array(chars, { minLength, maxLength }).map((cs) => cs.join('').slice(0, cap));
/** Anything up to the wire's limit (`cap` UTF-16 units): mostly short, sometimes very long. */
const anyText = (cap: number) => fc.oneof({ weight: 5, arbitrary: textOf(anyChar, 0, 24, cap) }, { weight: 1, arbitrary: textOf(anyChar, Math.min(90, cap), cap, cap) });
/** Text the profile rules take, now and then (1 in 8) with the character the test database refuses. */
const plainText = (max: number) =>
  fc.tuple(textOf(safeChar, 1, max, max), fc.integer({ min: 0, max: 7 }), fc.nat()).map(([text, refused, at]) => {
    const t = text.trim() === '' ? 'x' : text;
    if (refused !== 0) return t;
    const i = at % (t.length + 1);
    return `${t.slice(0, i)}${REFUSED_CHAR}${t.slice(i)}`.slice(0, max);
  });
const fieldText = (cap: number, plainMax: number) => fc.oneof({ weight: 1, arbitrary: anyText(cap) }, { weight: 1, arbitrary: plainText(plainMax) });

const validEmail = fc.tuple(fc.stringMatching(/^[a-z0-9]([a-z0-9_+-]{0,18}[a-z0-9])?$/), fc.nat(1_000_000)).map(([local, n]) => `${local}.${n}@text.example.com`);
const email = fc.oneof(
  { weight: 3, arbitrary: validEmail },
  { weight: 1, arbitrary: fc.tuple(anyText(200), anyText(40)).map(([a, b]) => `${a}@${b}.example.com`.slice(0, 1000)) },
  { weight: 1, arbitrary: anyText(1000) },
);
const validPhone = fc.constantFrom(null, '+32470123456', '+32 470 12 34 56', '+1 202 555 0143', '0032470123456');
const phone = fc.oneof(validPhone, anyText(40));
const tags = fc.oneof(
  { weight: 4, arbitrary: fc.array(fieldText(200, 50), { maxLength: 6 }) },
  { weight: 1, arbitrary: fc.array(anyText(200), { minLength: 40, maxLength: 60 }) },
);
const externalId = fc.option(fieldText(1000, 100), { nil: null });
const language = fc.constantFrom(...LANGUAGES);

/** Half the profiles are arbitrary in every field; the other half are what the rules take, but for the refused character now and then. */
const values: fc.Arbitrary<ProfileValues> = fc.oneof(
  fc.record({ firstName: fieldText(1000, 100), lastName: fieldText(1000, 100), email, phone, tags, externalId, username: fc.constant(null), language }),
  fc.record({
    firstName: plainText(100),
    lastName: plainText(100),
    email: validEmail,
    phone: validPhone,
    tags: fc.array(plainText(50), { maxLength: 4 }),
    externalId: fc.option(plainText(100), { nil: null }),
    username: fc.constant(null),
    language,
  }),
).map((v): ProfileValues => ({ ...v, ...noAttributeValues() }));
const changes: fc.Arbitrary<Partial<ProfileValues>> = fc.record(
  { firstName: fieldText(1000, 100), lastName: fieldText(1000, 100), email, phone, tags, externalId, language },
  { requiredKeys: [] },
);

/** Creations, then edits of some of them (each at most once, so none can meet another edit). */
const scenario = fc
  .tuple(fc.array(values, { minLength: 1, maxLength: 6 }), fc.array(fc.tuple(fc.nat(), changes), { maxLength: 4 }))
  .map(([creates, edits]) => ({ creates, edits: [...new Map(edits.map(([pick, c]) => [pick % creates.length, c])).entries()] }));

// ------------------------------------------------------------------ the property

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** What the shared rules make of values, or null where they refuse them. */
function normalised(v: ProfileValues): ProfileValues | null {
  const checked = validateProfile({ ...v, phoneCountryCode: null, phoneNumber: v.phone }, { defaultLanguage: 'en_US' });
  return checked.ok ? checked.value : null;
}

describe.each(BACKENDS)('pushing arbitrary text on %s', (backend) => {
  let t: TestServer;
  let org: TestOrg;
  const seen = { applied: 0, rejectedByRules: 0, rejectedByDatabase: 0 };

  beforeAll(async () => {
    t = await build(backend);
    await installRefusals(t);
    org = await t.organisation('Arbitrary text');
  });
  afterAll(async () => {
    await t.close();
  });

  it(`never fails a batch, and what is applied reads back identically (${RUNS} runs)`, async () => {
    await fc.assert(
      fc.asyncProperty(scenario, async ({ creates, edits }) => {
        const now = new Date().toISOString();
        const createMs = creates.map((v) => ({ id: randomUUID(), kind: 'profile.create' as const, entityId: randomUUID(), baseVersion: 0, createdAt: now, payload: { values: v } }));
        const editMs = edits.map(([i, c]) => {
          const target = createMs[i];
          if (target === undefined) throw new Error('edit of nothing');
          const base = Object.fromEntries(Object.keys(c).map((k) => [k, target.payload.values[k as keyof ProfileValues]]));
          return { id: randomUUID(), kind: 'profile.update' as const, entityId: target.entityId, baseVersion: 1, createdAt: now, payload: { changes: c, base } };
        });
        const mutations = [...createMs, ...editMs];

        // Each run reads back what it changed alone, whatever an earlier (failed) run left behind.
        const latest = await t.request<Ok<{ latest: string }>>('GET', '/api/v1/sync/check?cursor=0', { token: org.token });
        let cursor = latest.body.data.latest;

        const res = await t.request<Ok<PushResponse>>('POST', '/api/v1/sync/push', { token: org.token, body: { clientId: 'arbitrary-text-console', mutations } });
        expect(res.status, res.text.slice(0, 500)).toBe(200);
        const results = pushResponseSchema.parse(res.body.data).results;
        expect(results.map((r) => r.mutationId)).toEqual(mutations.map((m) => m.id));

        /** Per profile: the values it should hold now, from the results of its mutations in order. */
        const expected = new Map<string, Profile>();
        results.forEach((r, i) => {
          const m = mutations[i];
          if (m === undefined) throw new Error('result without mutation');
          expect(['applied', 'rejected'], JSON.stringify(r)).toContain(r.status);
          if (r.status === 'rejected') {
            expect(ERROR_CODES).toContain(r.code);
            expect(r.code).not.toBe('INTERNAL');
            expect(r.message.length).toBeGreaterThan(0);
            if (r.details?.database !== undefined) seen.rejectedByDatabase++;
            else seen.rejectedByRules++;
            return;
          }
          seen.applied++;
          if (r.row === null) throw new Error('an applied creation or edit carries its row');
          // What the shared rules make of what was sent, exactly, with nothing the database could not keep.
          let sent: ProfileValues;
          if (m.kind === 'profile.create') sent = m.payload.values;
          else {
            const current = expected.get(m.entityId);
            if (current === undefined) throw new Error('an edit applied to a profile whose creation was not');
            sent = { ...valuesOf(current), ...m.payload.changes };
          }
          const rules = normalised(sent);
          expect(rules, JSON.stringify(sent)).not.toBeNull();
          expect(valuesOf(r.row)).toEqual(rules);
          for (const text of [r.row.firstName, r.row.lastName, r.row.email, r.row.phone ?? '', ...r.row.tags, r.row.externalId ?? '']) {
            expect(LONE_SURROGATE.test(text), JSON.stringify(text)).toBe(false);
            expect(findForbiddenCharacter(text), JSON.stringify(text)).toBeNull();
          }
          expected.set(m.entityId, r.row);
        });

        const changes: PullResponse['changes'] = [];
        for (;;) {
          const pulled = await t.request<Ok<PullResponse>>('GET', `/api/v1/sync/pull?cursor=${encodeURIComponent(cursor)}&limit=5000`, { token: org.token });
          expect(pulled.status, pulled.text.slice(0, 500)).toBe(200);
          const page = pullResponseSchema.parse(pulled.body.data);
          changes.push(...page.changes);
          cursor = page.cursor;
          if (!page.hasMore) break;
        }
        const read = new Map(changes.flatMap((c) => (c.op === 'upsert' ? [[c.profile.id, c.profile] as const] : [])));
        // Exactly the profiles with an applied creation came back, each exactly as its last result said.
        expect([...read.keys()].sort()).toEqual([...expected.keys()].sort());
        for (const [id, row] of expected) expect(read.get(id)).toEqual(row);
        // What the database refuses is not there. (A profile's intermediate state inside one push, such as
        // a creation edited again in the same push, is never written, so only the end state must pass.)
        for (const p of read.values()) expect(JSON.stringify(valuesOf(p))).not.toContain(REFUSED_CHAR);
      }),
      { numRuns: RUNS, ...(SEED === undefined ? {} : { seed: SEED }), ...(PATH === undefined ? {} : { path: PATH }) },
    );
    // The runs went down every path: applied, refused by the rules, refused by the database.
    console.info(`pushing arbitrary text on ${backend}: ${JSON.stringify(seen)}`);
    expect(seen.applied).toBeGreaterThan(0);
    expect(seen.rejectedByRules).toBeGreaterThan(0);
    expect(seen.rejectedByDatabase).toBeGreaterThan(0);
  }, 120_000);
});
