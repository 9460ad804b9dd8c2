import { foldName } from './fold';

/**
 * Possible duplicates: a profile with a new email that might be the same
 * person as an existing one. The replica keeps `duplicateNameKey` of every
 * profile (column folded_name, schema 17) so the candidates are found through
 * an index; `mightBeSamePerson` is the rule itself.
 */

/** What the rule compares of a profile (phones as stored: normalised to E.164 by the profile rules). */
export interface DuplicateFacts {
  firstName: string;
  lastName: string;
  email: string;
  phone: string | null;
  externalId: string | null;
}

/** First and last name folded (case, accents, spaces), kept apart by a character no name holds (the profile rules refuse control characters). */
export const duplicateNameKey = (p: { firstName: string; lastName: string }): string => `${foldName(p.firstName)}\u001f${foldName(p.lastName)}`;

const filled = (value: string | null): value is string => value !== null && value.trim() !== '';

/** Same first and last name (case, accents and spaces folded), AND the same phone or the same external ID, AND a different email (whatever its case). */
export function mightBeSamePerson(a: DuplicateFacts, b: DuplicateFacts): boolean {
  if (a.email.trim().toLowerCase() === b.email.trim().toLowerCase()) return false;
  if (duplicateNameKey(a) !== duplicateNameKey(b)) return false;
  const samePhone = filled(a.phone) && a.phone === b.phone;
  const sameExternalId = filled(a.externalId) && a.externalId === b.externalId;
  return samePhone || sameExternalId;
}
