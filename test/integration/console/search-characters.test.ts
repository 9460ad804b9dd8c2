import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../../../src-main/db/database';
import type { Db } from '../../../src-main/db/database';
import { migrate } from '../../../src-main/db/migrations';
import { profilesRepo } from '../../../src-main/db/profiles.repo';
import { replicaIndexes } from '../../../src-main/db/replica-indexes';
import { storedProfile } from '../../support/stored';

/**
 * Searching the replica for characters that are wildcards or escapes elsewhere (_ % \) or that no
 * word index holds: a search finds exactly the profiles containing them, through the search indexes
 * and through the scan that stands in for them while a large pull's indexes are being built.
 */

let dir: string;
let db: Db;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'roster-search-'));
  db = openDatabase(join(dir, 'roster.sqlite'));
  migrate(db);
});
afterEach(() => {
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

const NOW = new Date('2026-03-02T10:00:00.000Z');

// [first name, last name, email, external ID]
const PEOPLE: [string, string, string, string | null][] = [
  ['Ann', 'Under_score', 'ann.u@example.com', 'A-1'],
  ['Two', 'Under__scores', 'two@example.com', null],
  ['Per', 'Cent', 'per@example.com', '100%'],
  ['Back', 'Slash', 'back@example.com', 'DOM\\jdoe'],
  ['Émile', 'Zola', 'emile@lit.fr', 'W-1'],
  ['Jean', "O'Neil", 'jean@example.com', null],
  ['Plain', 'Person', 'plain_mail@example.com', 'P-4'],
  ['Lisa', 'Li', 'lisa@example.com', null],
  // Folding makes ";" of U+037E (Greek question mark) and "=" of "≠": found by those too.
  ['Greek', 'Ques\u037Eon', 'greek@example.com', 'É_9'],
  ['Not', 'Un≠Equal', 'not@example.com', null],
];

const profiles = PEOPLE.map(([firstName, lastName, email, externalId], i) => storedProfile(i + 1, { firstName, lastName, email, externalId }));

/** Last names found by a search, in list order (by name). */
const found = (search: string): string[] => profilesRepo.list(db, { search }, 0, 50, NOW).rows.map((p) => p.lastName);
const counted = (search: string): number => profilesRepo.countSelection(db, { kind: 'query', query: { search }, except: [] }, NOW);

const EXPECTED: [string, string[]][] = [
  // One or two characters that are not letters or digits: the profiles whose text contains them.
  ['_', ['Person', 'Ques\u037Eon', 'Under__scores', 'Under_score']],
  ['%', ['Cent']],
  ['\\', ['Slash']],
  ['__', ['Under__scores']],
  ['0%', ['Cent']],
  ['\\j', ['Slash']],
  ["'", ["O'Neil"]],
  ["o'", ["O'Neil"]],
  [';', ['Ques\u037Eon']],
  ['=', ['Un≠Equal']],
  ['e_', ['Ques\u037Eon']],
  ['%_', []],
  ['\\%', []],
  // Three or more: the substring, wildcards and escapes taken literally.
  ['r_s', ['Under_score']],
  ['___', []],
  ['00%', ['Cent']],
  ['m\\j', ['Slash']],
  ['%%%', []],
  ['n_mail', ['Person']],
  // With other terms: every term must match.
  ['_ ann', ['Under_score']],
  ['% per', ['Cent']],
  ['\\ zola', []],
  // Letters and digits keep their meaning: one or two characters start a word; more, any substring.
  ['li', ['Li', 'Zola']],
  ['emile', ['Zola']],
  ['un', ['Under__scores', 'Under_score', 'Un≠Equal']],
];

function expectAnswers(): void {
  for (const [search, names] of EXPECTED) {
    expect(found(search), JSON.stringify(search)).toEqual(names);
    expect(counted(search), JSON.stringify(search)).toBe(names.length);
  }
}

describe('search for _ % \\ and other punctuation', () => {
  it('with the search indexes built', () => {
    for (const p of profiles) profilesRepo.insert(db, p);
    expect(replicaIndexes.pending(db)).toBe(false);
    expectAnswers();
  });

  it('while the indexes are pending (the scan), and the same once they are built', () => {
    replicaIndexes.beginBulk(db);
    for (const p of profiles) profilesRepo.insert(db, p, false);
    expect(replicaIndexes.pending(db)).toBe(true);
    expectAnswers();
    expect(replicaIndexes.buildDeferred(db).finished).toBe(true);
    expect(replicaIndexes.pending(db)).toBe(false);
    expectAnswers();
  });
});
