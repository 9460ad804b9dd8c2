import { join } from 'node:path';
import { openDatabase } from '../../../src-main/db/database';
import { migrate } from '../../../src-main/db/migrations';
import { profilesRepo } from '../../../src-main/db/profiles.repo';
import type { StoredProfile } from '../../../src-main/core/ports';
import { LANGUAGES } from '../../../src-shared/languages';
import { noAttributeValues } from '../../../src-shared/profile-values';

/** Writes `count` profiles straight into a data dir's replica, before Roster starts on it. */
export function seedDirectory(dataDir: string, count: number): void {
  const db = openDatabase(join(dataDir, 'roster.sqlite'));
  try {
    migrate(db);
    const stamp = '2026-01-01T00:00:00.000Z';
    const insert = db.transaction((from: number, to: number) => {
      for (let i = from; i < to; i++) {
        const n = String(i).padStart(6, '0');
        const profile: StoredProfile = {
          id: `${n}00-0000-4000-8000-${n.padStart(12, '0')}`,
          firstName: `Person${n}`,
          lastName: `Family${n}`,
          email: `person${n}@example.com`,
          phone: null,
          tags: i % 10 === 0 ? ['Parking'] : ['Office'],
          externalId: `EXT-${n}`,
          username: null,
          language: LANGUAGES[i % 3] ?? 'en_US',
          ...noAttributeValues(),
          status: 'not_invited',
          invitedAt: null,
          invitationExpiresAt: null,
          confirmedAt: null,
          version: 1,
          createdAt: stamp,
          updatedAt: stamp,
        };
        profilesRepo.insert(db, profile);
      }
    });
    for (let i = 0; i < count; i += 5000) insert(i, Math.min(count, i + 5000));
  } finally {
    db.close();
  }
}
