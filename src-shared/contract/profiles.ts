import { z } from 'zod';
import { channel } from './channel';
import { LANGUAGES } from '../languages';
import { PROFILE_SOURCES, PROFILE_STATUSES, profileDraftSchema, profileIdSchema } from '../profile';
import type { Profile, ProfileSource, ProfileStatus } from '../profile';
import type { Language } from '../languages';
import { ATTRIBUTE_LIMITS } from '../attributes';
import type { AttributeField } from '../attributes';

export const SORT_FIELDS = ['name', 'email', 'username', 'phone', 'language', 'externalId', 'status', 'updatedAt', 'createdAt'] as const;
export type SortField = (typeof SORT_FIELDS)[number];

/** What an attribute filter names besides entries: the profiles that hold nothing in that attribute. */
export const NO_ENTRY = 'none';

/** Per attribute, the entries a profile must hold one of (or NO_ENTRY); across attributes, all must hold. */
const entryFilter = z.array(z.union([z.uuid(), z.literal(NO_ENTRY)])).max(ATTRIBUTE_LIMITS.entriesPerCatalogue + 1).optional();
const attributeFiltersSchema = z.strictObject({
  accessRights: entryFilter,
  department: entryFilter,
  jobProfile: entryFilter,
  permissionType: entryFilter,
  userGroup: entryFilter,
  paymentMethods: entryFilter,
  licences: entryFilter,
});
export type AttributeFilters = z.infer<typeof attributeFiltersSchema>;

/** What the list shows: a search (name, email, external ID, username), filters and a sort. */
export const profileQuerySchema = z.strictObject({
  search: z.string().max(200).optional(),
  statuses: z.array(z.enum(PROFILE_STATUSES)).max(PROFILE_STATUSES.length).optional(),
  tags: z.array(z.string().min(1).max(50)).max(50).optional(),
  languages: z.array(z.enum(LANGUAGES)).max(LANGUAGES.length).optional(),
  /** Only profiles whose invitation email has not been delivered (failing, failed, delivery unknown), not confirmed. */
  undelivered: z.boolean().optional(),
  /** Only profiles the identity provider deactivated (SCIM). */
  deactivated: z.boolean().optional(),
  /** Only profiles that came from this source (PROFILE_SOURCES). */
  source: z.enum(PROFILE_SOURCES).optional(),
  /** Only profiles that might be the same person as another (src-shared/duplicates.ts). */
  duplicates: z.boolean().optional(),
  attributes: attributeFiltersSchema.optional(),
  sort: z.strictObject({ by: z.enum(SORT_FIELDS), dir: z.enum(['asc', 'desc']) }).optional(),
});
export type ProfileQuery = z.infer<typeof profileQuerySchema>;

export const MAX_PAGE = 500;

/** The ticked rows: explicit ids, or "all search results" of a query minus the unticked ones. */
export const selectionSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('ids'), ids: z.array(profileIdSchema).max(100_000) }),
  z.strictObject({ kind: z.literal('query'), query: profileQuerySchema, except: z.array(profileIdSchema).max(100_000) }),
]);
export type Selection = z.infer<typeof selectionSchema>;

export interface ProfilePage {
  rows: Profile[];
  total: number;
  offset: number;
}

export interface ProfileFacets {
  total: number;
  statuses: Record<ProfileStatus, number>;
  languages: Record<Language, number>;
  tags: { tag: string; count: number }[];
  /** Profiles the "invitation not delivered" filter shows. */
  undelivered: number;
  /** Profiles the "deactivated" filter shows. */
  deactivated: number;
  /** Live profiles per source (the source filter's counts). */
  sources: Record<ProfileSource, number>;
  /** Profiles the "possible duplicates" filter shows. */
  duplicates: number;
  attributes: AttributeFacets;
}

/** Per attribute, how many profiles hold each entry (by id), and how many hold none (NO_ENTRY); entries no one holds are absent. */
export type AttributeFacets = Record<AttributeField, Record<string, number>>;

/** The form's "Generate": the organisation's format (null: it has none, and nothing was made) and the username it makes. */
export interface UsernameSuggestion {
  format: string | null;
  username: string | null;
}

const personNameSchema = z.string().max(1000);

/** An existing profile a new one might be the same person as: named by the console's warning, opened by its "Open it". */
export interface PossibleDuplicate {
  id: string;
  firstName: string;
  lastName: string;
  email: string;
}

export const profilesChannels = {
  'profiles:list': channel<ProfilePage>()(
    z.strictObject({ query: profileQuerySchema, offset: z.int().min(0), limit: z.int().min(1).max(MAX_PAGE) }),
  ),
  'profiles:get': channel<Profile>()(z.strictObject({ id: profileIdSchema })),
  'profiles:create': channel<Profile>()(z.strictObject({ draft: profileDraftSchema })),
  'profiles:update': channel<Profile>()(z.strictObject({ id: profileIdSchema, draft: profileDraftSchema })),
  'profiles:delete': channel<{ id: string }>()(z.strictObject({ id: profileIdSchema })),
  'profiles:facets': channel<ProfileFacets>()(z.strictObject({})),
  /** The next free username (case-insensitive, in the replica) the organisation's format makes for these names; `profileId`: the profile it is for, whose own username is free. */
  'profiles:suggestUsername': channel<UsernameSuggestion>()(
    z.strictObject({ firstName: personNameSchema, lastName: personNameSchema, profileId: profileIdSchema.optional() }),
  ),
  'profiles:countSelection': channel<{ count: number }>()(z.strictObject({ selection: selectionSchema })),
  /** The existing profiles a profile with these values might duplicate (same folded name, same phone or external ID, another email); refused like a create when the draft is not valid. */
  'profiles:possibleDuplicates': channel<{ profiles: PossibleDuplicate[] }>()(z.strictObject({ draft: profileDraftSchema })),
  /**
   * A one-time password for a synced profile whose person has none yet: sent
   * to the server once (online only), hashed there, never kept in this
   * console; answers when it stops working.
   */
  'profiles:setOneTimePassword': channel<{ expiresAt: string }>()(z.strictObject({ id: profileIdSchema, password: z.string().min(1).max(1024) })),
  /** Emails the person their sign-in page and username, never a password (online only; one a minute per profile). */
  'profiles:sendSignInDetails': channel<{ queued: true }>()(z.strictObject({ id: profileIdSchema })),
};
