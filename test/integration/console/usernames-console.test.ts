import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { EventBus } from '../../../src-main/core/events';
import { ProfileService } from '../../../src-main/core/profiles/service';
import { openDatabase } from '../../../src-main/db/database';
import type { Db } from '../../../src-main/db/database';
import { migrate } from '../../../src-main/db/migrations';
import { outboxRepo } from '../../../src-main/db/outbox.repo';
import { profilesRepo } from '../../../src-main/db/profiles.repo';
import { createReplica } from '../../../src-main/db/replica';
import { AppError } from '../../../src-shared/errors';
import type { ProfileDraft } from '../../../src-shared/profile';
import { storedProfile } from '../../support/stored';

let dir: string;
let db: Db;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'roster-usernames-console-'));
  db = openDatabase(join(dir, 'roster.sqlite'));
  migrate(db);
});
afterEach(() => {
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

function service(format: string | null = '{first}.{last}'): ProfileService {
  let n = 100;
  return new ProfileService({
    replica: createReplica(db),
    clock: { now: () => new Date('2026-03-01T10:00:00Z') },
    ids: { uuid: () => `00000000-0000-4000-8000-${String(++n).padStart(12, '0')}` },
    events: new EventBus(),
    usernameFormat: () => format,
  });
}

const draft = (over: Partial<ProfileDraft> = {}): ProfileDraft => ({ firstName: 'Jan', lastName: 'Peeters', email: 'jan@example.com', language: 'nl_BE', ...over });

/** What a refused call threw: its code and the field it names. */
function refusal(call: () => unknown): { code: string; fields: string[] } {
  try {
    call();
  } catch (error) {
    if (!(error instanceof AppError)) throw error;
    const fields = (error.details as { fields?: Record<string, string> } | undefined)?.fields ?? {};
    return { code: error.code, fields: Object.keys(fields) };
  }
  throw new Error('not refused');
}

describe('the form’s Generate (profiles:suggestUsername)', () => {
  it('makes the next name the replica does not hold, whatever its case; a profile’s own name is free for it; deleted profiles hold none', () => {
    profilesRepo.insert(db, storedProfile(1, { firstName: 'Jan', lastName: 'Peeters', username: 'Jan.Peeters' }));
    profilesRepo.insert(db, storedProfile(2, { username: 'jan.peeters2' }));
    profilesRepo.insert(db, storedProfile(3, { username: 'jan.peeters3' }));
    profilesRepo.markDeleted(db, storedProfile(3).id, '2026-03-01T10:00:00.000Z');
    const profiles = service();
    expect(profiles.suggestUsername({ firstName: 'Jan', lastName: 'Peeters' }, undefined)).toEqual({ format: '{first}.{last}', username: 'jan.peeters3' });
    expect(profiles.suggestUsername({ firstName: 'Jan', lastName: 'Peeters' }, storedProfile(1).id)).toEqual({ format: '{first}.{last}', username: 'jan.peeters' });
    expect(service('{f}{last}{nn}').suggestUsername({ firstName: 'Élodie', lastName: 'Dupré-Van den Broeck' }, undefined).username).toBe('eduprevandenbroeck01');
  });

  it('makes nothing when the organisation has no format, and refuses names that fold to nothing', () => {
    expect(service(null).suggestUsername({ firstName: 'Jan', lastName: 'Peeters' }, undefined)).toEqual({ format: null, username: null });
    expect(refusal(() => service().suggestUsername({ firstName: 'Ζωή', lastName: 'Παπαδοπούλου' }, undefined))).toEqual({ code: 'VALIDATION_FAILED', fields: ['username'] });
  });
});

describe('a username is unique in the replica whatever its case', () => {
  it('a creation with a taken username is refused naming the field, and nothing is stored or queued', () => {
    const profiles = service();
    profiles.create(draft({ username: 'jan.peeters' }));
    const queued = outboxRepo.count(db);
    expect(refusal(() => profiles.create(draft({ email: 'other@example.com', username: 'JAN.Peeters' })))).toEqual({ code: 'USERNAME_TAKEN', fields: ['username'] });
    expect(outboxRepo.count(db)).toBe(queued);
    expect(profiles.list({ search: 'other@example.com' }, 0, 10).total).toBe(0);
  });

  it('a change of username to one another profile holds is refused; to a free one, or its own in another case, it is stored and queued', () => {
    const profiles = service();
    const jan = profiles.create(draft({ username: 'jan.peeters' }));
    const mia = profiles.create(draft({ firstName: 'Mia', lastName: 'Maes', email: 'mia@example.com', username: 'mia.maes' }));
    const queued = outboxRepo.count(db);
    expect(refusal(() => profiles.update(mia.id, { ...draft({ firstName: 'Mia', lastName: 'Maes', email: 'mia@example.com' }), username: 'Jan.Peeters' }))).toEqual({
      code: 'USERNAME_TAKEN',
      fields: ['username'],
    });
    expect(profiles.get(mia.id).username).toBe('mia.maes');
    expect(outboxRepo.count(db)).toBe(queued);
    expect(profiles.update(jan.id, draft({ username: 'JAN.PEETERS' })).username).toBe('jan.peeters');
    expect(profiles.update(mia.id, draft({ firstName: 'Mia', lastName: 'Maes', email: 'mia@example.com', username: 'mmaes' })).username).toBe('mmaes');
    expect(outboxRepo.count(db)).toBe(queued + 1);
  });
});
