import { join } from 'node:path';
import { openDatabase } from '../../../src-main/db/database';
import { migrate } from '../../../src-main/db/migrations';
import { profilesRepo } from '../../../src-main/db/profiles.repo';
import { createSyncStore } from '../../../src-main/db/sync.repo';
import type { ConflictRecord } from '../../../src-main/core/sync/ports';
import type { Profile } from '../../../src-shared/profile';
import { syncText } from '../../../src-shared/contract/sync';
import { rule } from '../../../src-shared/messages';
import { noAttributeValues } from '../../../src-shared/profile-values';

/**
 * Opens an "edited on both sides" conflict about a profile already in the
 * data dir (seedDirectory), as a sync would have: the last name was
 * `baseLastName`, this console has the stored value, the server has
 * `serverLastName`; the sync log says so. Call before Roster starts on the data dir.
 */
export function seedEditConflict(dataDir: string, profileId: string, baseLastName: string, serverLastName: string): void {
  const db = openDatabase(join(dataDir, 'roster.sqlite'));
  try {
    migrate(db);
    const stored = profilesRepo.get(db, profileId, new Date());
    if (stored === undefined) throw new Error(`no profile ${profileId} to open a conflict about`);
    const theirs: Profile = { ...stored, lastName: serverLastName, version: stored.version + 1 };
    const { firstName, lastName, email, phone, tags, externalId, language } = stored;
    const conflict: ConflictRecord = {
      id: '7f3e2d1c-0b9a-4877-8665-544332211000',
      entityId: profileId,
      kind: 'edit',
      code: null,
      message: `${firstName} ${lastName} was changed here and on the server.`,
      cause: null,
      base: { lastName: baseLastName },
      mine: { firstName, lastName, email, phone, tags, externalId, username: null, language, ...noAttributeValues() },
      theirs,
      holderId: null,
      createdAt: '2026-01-02T00:00:00.000Z',
    };
    const store = createSyncStore(db);
    store.addConflict(conflict);
    // The sync log's line about it, as the sync writes it: the finding, worded by the console.
    store.log({ at: conflict.createdAt, level: 'warning', ...syncText(rule('sync_conflict_edit', { name: `${firstName} ${lastName}` })) });
  } finally {
    db.close();
  }
}
