import type { Database } from 'better-sqlite3';
import type { StoredProfile } from '../../src-main/core/ports';
import { noAttributeValues } from '../../src-shared/profile-values';

const AT = '2026-03-01T10:00:00.000Z';

/** A profile row as the replica stores it, numbered n (its id is made from n), never invited; change what a test needs. */
export function storedProfile(n: number, values: Partial<StoredProfile> = {}): StoredProfile {
  return {
    id: `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`,
    firstName: `P${n}`,
    lastName: 'Peeters',
    email: `p${n}@example.com`,
    phone: null,
    tags: [],
    externalId: null,
    username: null,
    language: 'nl_BE',
    ...noAttributeValues(),
    status: 'not_invited',
    invitedAt: null,
    invitationExpiresAt: null,
    confirmedAt: null,
    version: 1,
    createdAt: AT,
    updatedAt: AT,
    ...values,
  };
}

/**
 * Writes a profile row as a replica from before attributes (schema version
 * 10 and older) holds it, with its tags (unless a bulk write leaves them to
 * the deferred build): what profilesRepo.insert wrote then,
 * for tests that bring an older file up to date.
 */
export function insertPreAttributeProfile(db: Database, p: StoredProfile, withTags = true): void {
  const { lastInsertRowid } = db
    .prepare(
      `INSERT INTO profiles (id, first_name, last_name, email, phone, tags, external_id, language, status, invited_at,
        invitation_expires_at, confirmed_at, version, created_at, updated_at, name_key)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    )
    .run(
      p.id,
      p.firstName,
      p.lastName,
      p.email,
      p.phone,
      JSON.stringify(p.tags),
      p.externalId,
      p.language,
      p.status,
      p.invitedAt,
      p.invitationExpiresAt,
      p.confirmedAt,
      p.version,
      p.createdAt,
      p.updatedAt,
      `${p.lastName} ${p.firstName}`.toLowerCase(),
    );
  if (!withTags) return; // a bulk write left the tags to the deferred build
  const tag = db.prepare('INSERT OR IGNORE INTO profile_tags (tag_key, profile_rid, tag) VALUES (?, ?, ?)');
  for (const t of p.tags) tag.run(t.toLowerCase(), lastInsertRowid, t);
}
