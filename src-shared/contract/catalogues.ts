import { z } from 'zod';
import { channel } from './channel';
import { CATALOGUE_KINDS, catalogueEntryDraftSchema } from '../attributes';
import type { AttributeField, CatalogueEntry } from '../attributes';

/**
 * The organisation's catalogues in the console. The list reads the replica
 * (the entries the pull brought, offline too); saving and deleting an entry
 * ask the server (online only: the catalogues are the server's, and an
 * entry's code must be unique across every console's edits), then sync so
 * the profiles a deletion moved arrive too.
 */

/** An entry as the console lists it: with how many of the replica's profiles hold it. */
export interface CatalogueEntryInUse extends CatalogueEntry {
  profiles: number;
}

export interface CatalogueView {
  /** Every live entry of every catalogue, by kind then name. */
  entries: CatalogueEntryInUse[];
  /** The attributes every profile must have (the organisation's setting, as last read from the server). */
  requiredAttributes: AttributeField[];
  /** The names of the assignment rules this console knows, by id (what a profile's grants name); none before it keeps rules. */
  ruleNames: Record<string, string>;
}

export interface DeletedEntry {
  id: string;
  deleted: true;
  /** Profiles the server moved to another entry, or took the entry off. */
  profilesChanged: number;
}

const id = z.uuid();

export const cataloguesChannels = {
  'catalogues:list': channel<CatalogueView>()(z.strictObject({})),
  /** A new entry (no baseVersion; the id may be chosen here), or a change of one (its id and the version it was read at). */
  'catalogues:save': channel<CatalogueEntry>()(
    z
      .strictObject({ kind: z.enum(CATALOGUE_KINDS), id: id.optional(), baseVersion: z.int().min(1).optional(), draft: catalogueEntryDraftSchema })
      .refine((r) => r.baseVersion === undefined || r.id !== undefined, { message: 'A change names the entry: give its id with baseVersion.', path: ['id'] }),
  ),
  /** Deletes an entry; one profiles hold needs replaceWith (another entry of its catalogue) or removeFromProfiles. */
  'catalogues:delete': channel<DeletedEntry>()(
    z.strictObject({ id, baseVersion: z.int().min(1).optional(), replaceWith: id.optional(), removeFromProfiles: z.boolean().optional() }),
  ),
};
