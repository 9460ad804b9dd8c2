import { prepared } from './database';
import type { Db } from './database';
import type { Profile } from '../../src-shared/profile';
import { valueColumns } from '../../src-shared/profile-columns';
import type { ProfileAttributes } from '../../src-shared/attributes';
import type { StoredProfile } from '../core/ports';
import { duplicateNameKey } from '../../src-shared/duplicates';
import { ATTRIBUTE_COLUMNS, addEntries, syncEntries } from './profile-entries';
import { rowToProfile, rowToStored } from './profile-rows';
import type { ProfileRow } from './profile-rows';
import { profileListRepo } from './profile-list.repo';

/** What the list sorts names by: last name, then first name, case folded. */
export const nameKey = (p: { firstName: string; lastName: string }): string => `${p.lastName} ${p.firstName}`.toLowerCase();

const toParams = (p: StoredProfile) => ({
  id: p.id,
  ...valueColumns(p),
  status: p.status,
  invited_at: p.invitedAt,
  invitation_expires_at: p.invitationExpiresAt,
  confirmed_at: p.confirmedAt,
  version: p.version,
  created_at: p.createdAt,
  updated_at: p.updatedAt,
  name_key: nameKey(p),
  folded_name: duplicateNameKey(p),
});

/** Repository of the local profile replica: plain functions, the db (or a transaction's db) first. */
export const profilesRepo = {
  /** `withTags` false: the tag table and the attribute index are left to the deferred build after bulk writes (replica-indexes). */
  insert(db: Db, p: StoredProfile, withTags = true): void {
    // Positional parameters: no parameter object per row (a first sync inserts 100,000 of them).
    const { lastInsertRowid } = prepared(
      db,
      `INSERT INTO profiles (id, first_name, last_name, email, phone, tags, external_id, username, language, access_rights, department, job_profile,
        permission_type, user_group, payment_methods, licences, grants, status, invited_at, invitation_expires_at, confirmed_at, version,
        created_at, updated_at, name_key, deactivated_at, source, folded_name)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ).run(
      p.id,
      p.firstName,
      p.lastName,
      p.email,
      p.phone,
      JSON.stringify(p.tags),
      p.externalId,
      p.username,
      p.language,
      JSON.stringify(p.accessRights),
      p.department,
      p.jobProfile,
      p.permissionType,
      p.userGroup,
      JSON.stringify(p.paymentMethods),
      JSON.stringify(p.licences),
      JSON.stringify(p.grants),
      p.status,
      p.invitedAt,
      p.invitationExpiresAt,
      p.confirmedAt,
      p.version,
      p.createdAt,
      p.updatedAt,
      nameKey(p),
      p.deactivatedAt ?? null,
      p.source ?? 'console',
      duplicateNameKey(p),
    );
    if (!withTags) return;
    // A new row has no tags yet: add them without looking anything up.
    const insertTag = prepared(db, 'INSERT OR IGNORE INTO profile_tags (tag_key, profile_rid, tag) VALUES (?, ?, ?)');
    for (const tag of p.tags) insertTag.run(tag.toLowerCase(), lastInsertRowid, tag);
    addEntries(db, lastInsertRowid, p);
  },

  /**
   * Writes only the columns whose values differ from the row's: an index, or
   * a search trigger, whose columns an edit leaves alone is not touched (a
   * list action granting one access right to 100,000 profiles writes two
   * columns of each). The tag table and the attribute index follow what changed.
   */
  update(db: Db, profile: StoredProfile): void {
    const row = prepared(db, 'SELECT * FROM profiles WHERE id = ? AND deleted = 0').get(profile.id) as (ProfileRow & { rid: number; name_key: string; folded_name: string }) | undefined;
    if (row === undefined) throw new Error(`profile ${profile.id} is not in the replica`);
    // A row made here carries no deactivation nor source: it keeps those the server gave.
    const kept = { ...(profile.deactivatedAt === undefined ? {} : { deactivated_at: profile.deactivatedAt }), ...(profile.source === undefined ? {} : { source: profile.source }) };
    const params = { ...toParams(profile), ...kept };
    const changed = (Object.keys(params) as (keyof typeof params)[]).filter((column) => column !== 'id' && params[column] !== row[column]);
    if (changed.length === 0) return;
    prepared(db, `UPDATE profiles SET ${changed.map((c) => `${c} = :${c}`).join(', ')} WHERE rid = :rid`).run(
      Object.fromEntries([['rid', row.rid], ...changed.map((c) => [c, params[c]])]),
    );
    if (changed.includes('tags')) replaceTagsOf(db, row.rid, profile.tags);
    if (changed.some((c) => ENTRY_COLUMNS.has(c))) syncEntries(db, row.rid, profile);
  },

  undelete(db: Db, id: string, updatedAt: string): boolean {
    const result = prepared(db, 'UPDATE profiles SET deleted = 0, updated_at = ? WHERE id = ? AND deleted = 1').run(updatedAt, id);
    if (result.changes !== 1) return false;
    const row = prepared(db, 'SELECT * FROM profiles WHERE id = ?').get(id) as ProfileRow;
    const stored = rowToStored(row);
    replaceTags(db, id, stored.tags, stored);
    return true;
  },

  getMany(db: Db, ids: readonly string[], now: Date): Profile[] {
    // An IN over the ids (each an index lookup); the order given is put back here.
    const rows = prepared(db, 'SELECT p.* FROM profiles p WHERE p.id IN (SELECT value FROM json_each(?)) AND p.deleted = 0').all(JSON.stringify(ids)) as ProfileRow[];
    const byId = new Map(rows.map((r) => [r.id, r]));
    return ids.flatMap((id) => {
      const row = byId.get(id);
      return row === undefined ? [] : [rowToProfile(row, now)];
    });
  },

  markDeleted(db: Db, id: string, updatedAt: string): boolean {
    const result = prepared(db, 'UPDATE profiles SET deleted = 1, updated_at = ? WHERE id = ? AND deleted = 0').run(updatedAt, id);
    replaceTags(db, id, [], null);
    return result.changes === 1;
  },

  get(db: Db, id: string, now: Date): Profile | undefined {
    const row = prepared(db, 'SELECT * FROM profiles WHERE id = ? AND deleted = 0').get(id) as ProfileRow | undefined;
    return row === undefined ? undefined : rowToProfile(row, now);
  },

  /** The live profile with this email; none for '' (profiles without an email hold no email in common). */
  findIdByEmail(db: Db, email: string): string | undefined {
    if (email === '') return undefined;
    const row = prepared(db, 'SELECT id FROM profiles WHERE email = ? AND deleted = 0').get(email) as { id: string } | undefined;
    return row?.id;
  },

  findIdByExternalId(db: Db, externalId: string): string | undefined {
    const row = prepared(db, 'SELECT id FROM profiles WHERE external_id = ? AND deleted = 0').get(externalId) as { id: string } | undefined;
    return row?.id;
  },

  findIdByUsername(db: Db, username: string): string | undefined {
    // The index profiles_by_username (COLLATE NOCASE, live rows with a username) answers it.
    const row = prepared(db, 'SELECT id FROM profiles WHERE username = ? COLLATE NOCASE AND deleted = 0 AND username IS NOT NULL').get(username) as { id: string } | undefined;
    return row?.id;
  },

  /** The list's reads (profile-list.repo): a page and its count, selections, the facets. */
  ...profileListRepo,
};

/** A row's tags and attribute index rows made to match what it now holds (`attributes` null: a deleted row, none). */
function replaceTags(db: Db, profileId: string, tags: readonly string[], attributes: ProfileAttributes | null): void {
  const row = prepared(db, 'SELECT rid FROM profiles WHERE id = ?').get(profileId) as { rid: number } | undefined;
  if (row === undefined) return;
  syncEntries(db, row.rid, attributes);
  replaceTagsOf(db, row.rid, tags);
}

function replaceTagsOf(db: Db, rid: number, tags: readonly string[]): void {
  prepared(db, 'DELETE FROM profile_tags WHERE profile_rid = ?').run(rid);
  const insert = prepared(db, 'INSERT OR IGNORE INTO profile_tags (tag_key, profile_rid, tag) VALUES (?, ?, ?)');
  for (const tag of tags) insert.run(tag.toLowerCase(), rid, tag);
}

/** The columns the attribute index is made from. */
const ENTRY_COLUMNS: ReadonlySet<string> = new Set(Object.values(ATTRIBUTE_COLUMNS));
