import { z } from 'zod';
import { channel } from './channel';
import { CATALOGUE_KINDS, catalogueEntryDraftSchema } from '../attributes';
import type { AttributeField, CatalogueEntry, CatalogueEntryValues, CatalogueKind } from '../attributes';
import type { ApiError } from '../errors';
import type { EmailPolicy } from '../profile';

/**
 * The organisation's catalogues in the console. The list reads the replica
 * (the entries the pull brought, offline too, with this console's changes
 * not yet on the server over them). Saving and deleting an entry ask the
 * server at once when it can be reached (its answer is final: an entry's
 * code must be unique across every console's edits); offline, or with
 * changes already waiting, they are checked here and queued, and the next
 * sync sends them before the profiles' changes (which may name a new entry).
 * What the server then refuses, or an entry another admin changed since,
 * waits on the catalogue page for a person.
 */

/** A change to an entry made here and not yet taken by the server: one per entry, the latest of its edits. */
export interface CatalogueChange {
  entryId: string;
  /** A save creates the entry (baseVersion null) or changes it; a delete retires it. */
  op: 'save' | 'delete';
  kind: CatalogueKind;
  /** The server version it was made on; null for an entry made here. */
  baseVersion: number | null;
  /** A save's values, as the shared rules checked them. */
  values: CatalogueEntryValues | null;
  /** A delete's choice for the profiles that hold the entry. */
  replaceWith: string | null;
  removeFromProfiles: boolean;
  /** queued: goes with the next sync; conflict: another admin changed the entry since (theirs); refused: the server said no (error). */
  state: 'queued' | 'conflict' | 'refused';
  error: ApiError | null;
  theirs: CatalogueEntry | null;
  createdAt: string;
  updatedAt: string;
}

/** An entry as the console lists it: with how many of the replica's profiles hold it. */
export interface CatalogueEntryInUse extends CatalogueEntry {
  profiles: number;
}

export interface CatalogueView {
  /** Every live entry of every catalogue, by kind then name. */
  entries: CatalogueEntryInUse[];
  /** The attributes every profile must have (the organisation's setting, as last read from the server). */
  requiredAttributes: AttributeField[];
  /** Who needs an email, and whether the server makes usernames (the organisation's settings, as last read from the server). */
  identity: { emailPolicy: EmailPolicy; usernameMade: boolean };
  /** The names of the assignment rules this console knows, by id (what a profile's grants name); none before it keeps rules. */
  ruleNames: Record<string, string>;
  /** This console's changes not yet on the server, in the order they were made. */
  changes: CatalogueChange[];
}

export interface DeletedEntry {
  id: string;
  deleted: true;
  /** Profiles the server moved to another entry, or took the entry off. */
  profilesChanged: number;
  /** Set when the deletion was queued here for the next sync (the server has not done it yet). */
  queued?: boolean;
}

/** An entry as saved: the server's answer, or (queued) this console's values waiting for the next sync. */
export type SavedEntry = CatalogueEntry & { queued?: boolean };

const id = z.uuid();

export const cataloguesChannels = {
  'catalogues:list': channel<CatalogueView>()(z.strictObject({})),
  /** A new entry (no baseVersion; the id may be chosen here), or a change of one (its id and the version it was read at). */
  'catalogues:save': channel<SavedEntry>()(
    z
      .strictObject({ kind: z.enum(CATALOGUE_KINDS), id: id.optional(), baseVersion: z.int().min(1).optional(), draft: catalogueEntryDraftSchema })
      .refine((r) => r.baseVersion === undefined || r.id !== undefined, { message: 'A change names the entry: give its id with baseVersion.', path: ['id'] }),
  ),
  /** Deletes an entry; one profiles hold needs replaceWith (another entry of its catalogue) or removeFromProfiles. */
  'catalogues:delete': channel<DeletedEntry>()(
    z.strictObject({ id, baseVersion: z.int().min(1).optional(), replaceWith: id.optional(), removeFromProfiles: z.boolean().optional() }),
  ),
  /**
   * Settles a change the server refused or that met another admin's: `mine`
   * sends it again over the server's entry as it now is; `theirs` drops it
   * and keeps the server's entry (for a refused new entry: drops it).
   */
  'catalogues:resolve': channel<{ entryId: string }>()(z.strictObject({ entryId: id, choice: z.enum(['mine', 'theirs']) })),
};
