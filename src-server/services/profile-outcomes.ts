import type { Refusal } from '../../src-shared/profile';
import type { ProfileRow } from '../db/schema';
import type { ConflictReason } from '../../src-shared/wire';
import type { ErrorDetails } from '../../src-shared/errors';
import type { BulkSkipReason } from '../../src-shared/bulk-change';
import { databaseRefusalMessage, databaseRefusalRule } from './profile-checks';

/** What a change to a profile comes to, as ProfileBatch answers it (and ProfileBatch.toResult puts on the wire). */

export const refusedByDatabase = (code: string): ProfileOutcome => ({
  kind: 'rejected',
  code: 'VALIDATION_FAILED',
  message: databaseRefusalMessage(code),
  details: { database: code, rule: databaseRefusalRule(code) },
});

export type ProfileOutcome =
  | { kind: 'applied'; row: ProfileRow | null; version: number }
  /** Applied without the licences that had no seat left (`row`: the profile as it now is; unchanged when that was the whole change). */
  | { kind: 'no_seat'; row: ProfileRow; version: number; licences: string[] }
  | { kind: 'conflict'; reason: ConflictReason; row: ProfileRow }
  | { kind: 'rejected'; code: 'VALIDATION_FAILED' | 'EMAIL_TAKEN' | 'EXTERNAL_ID_TAKEN' | 'USERNAME_TAKEN' | 'NOT_FOUND'; message: string; details?: ErrorDetails };

/** What a bulk change did: the profiles it changed (before and after, for the audit log), those it left and why; or its refusal. */
export type BulkOutcome =
  | { kind: 'bulk'; changed: { before: ProfileRow; after: ProfileRow }[]; skipped: { profileId: string; reason: BulkSkipReason }[] }
  | Extract<ProfileOutcome, { kind: 'rejected' }>;

/** A profile without an email that lacks what stands in for one, refused as the profile rules refuse a field. */
export const identityRejection = (refusal: Refusal): ProfileOutcome => ({
  kind: 'rejected',
  code: 'VALIDATION_FAILED',
  message: 'The profile breaks the profile rules.',
  details: { fields: { email: refusal.message }, fieldRules: { email: refusal.rule } },
});
