import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { EventBus } from '../../../src-main/core/events';
import { ProfileService } from '../../../src-main/core/profiles/service';
import { openDatabase } from '../../../src-main/db/database';
import type { Db } from '../../../src-main/db/database';
import { migrate, schemaVersion } from '../../../src-main/db/migrations';
import { outboxRepo } from '../../../src-main/db/outbox.repo';
import { createReplica } from '../../../src-main/db/replica';
import { AppError } from '../../../src-shared/errors';
import type { EmailPolicy, ProfileDraft } from '../../../src-shared/profile';
import { storedProfile } from '../../support/stored';
import { profilesRepo } from '../../../src-main/db/profiles.repo';

let dir: string;
let db: Db;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'roster-no-email-console-'));
  db = openDatabase(join(dir, 'roster.sqlite'));
});
afterEach(() => {
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

let n = 100;
function service(emailPolicy: EmailPolicy, usernameMade = false): ProfileService {
  return new ProfileService({
    replica: createReplica(db),
    clock: { now: () => new Date('2026-03-01T10:00:00Z') },
    ids: { uuid: () => `00000000-0000-4000-8000-${String(++n).padStart(12, '0')}` },
    events: new EventBus(),
    identity: () => ({ emailPolicy, usernameMade }),
  });
}

const noEmail = (over: Partial<ProfileDraft> = {}): ProfileDraft => ({ firstName: 'Noor', lastName: 'Haddad', email: '', username: 'noor.h', phoneNumber: '+32470123456', language: 'nl_BE', ...over });

function refusal(call: () => unknown): { code: string; fields: Record<string, string> } {
  try {
    call();
  } catch (error) {
    if (!(error instanceof AppError)) throw error;
    return { code: error.code, fields: (error.details as { fields?: Record<string, string> } | undefined)?.fields ?? {} };
  }
  throw new Error('not refused');
}

/** Issue 15 in the console: the organisation's email policy on the form's path, and the replica's email index (schema 22). */
describe('profiles without an email in the console', () => {
  it('are refused while the organisation wants an email, and kept (queued for the server) once it does not', () => {
    migrate(db);
    expect(refusal(() => service('required').create(noEmail()))).toEqual({ code: 'VALIDATION_FAILED', fields: { email: 'Email is required.' } });
    const profiles = service('or_username_phone');
    const first = profiles.create(noEmail());
    const second = profiles.create(noEmail({ firstName: 'Omar', username: 'omar.b', phoneNumber: '+32470123457' }));
    expect([first.email, second.email]).toEqual(['', '']);
    expect(outboxRepo.count(db)).toBe(2);
    // Without the username (and no format to make one) the email is still wanted.
    expect(refusal(() => profiles.create(noEmail({ username: '' }))).fields.email).toBe('Email is required, unless the profile has a username and a mobile number instead.');
    // An organisation with a username format makes one: a new profile may come without it, an edit may not drop it.
    const made = service('or_username_phone', true);
    expect(made.create(noEmail({ username: '', firstName: 'Lea', phoneNumber: '+32470123458' })).email).toBe('');
    expect(refusal(() => made.update(first.id, noEmail({ username: '' }))).fields.email).toContain('unless the profile has a username');
    // A given email is still checked and still unique.
    profiles.create({ firstName: 'Ann', lastName: 'Smet', email: 'ann@example.com' });
    expect(refusal(() => profiles.create({ firstName: 'Ann', lastName: 'Two', email: 'ANN@example.com' })).code).toBe('EMAIL_TAKEN');
  });

  it('schema 22: a replica of schema 21 lets several live rows go without an email, and still refuses a live email twice', () => {
    migrate(db, 21);
    profilesRepo.insert(db, storedProfile(1, { email: '' }));
    expect(() => profilesRepo.insert(db, storedProfile(2, { email: '' }))).toThrow(/UNIQUE/);
    expect(migrate(db)).toBe(schemaVersion(db));
    expect(schemaVersion(db)).toBe(22);
    profilesRepo.insert(db, storedProfile(2, { email: '' }));
    profilesRepo.insert(db, storedProfile(3, { email: 'same@example.com' }));
    expect(() => profilesRepo.insert(db, storedProfile(4, { email: 'same@example.com' }))).toThrow(/UNIQUE/);
    expect(createReplica(db).profiles.findIdByEmail('')).toBeUndefined();
  });
});
