import { ATTRIBUTE_FIELDS, isAttributeField } from '../src-shared/attributes';
import type { Profile, ProfileValues } from '../src-shared/profile';
import type { CellIssue, FieldChange, ImportRow } from '../src-shared/import';
import { englishText, rule } from '../src-shared/messages';
import type { RuleMessage } from '../src-shared/messages';
import type { Mapping } from './match';
import type { PossibleDuplicate } from '../src-shared/contract/profiles';
import { IDENTITY_FIELDS, valuesOf } from '../src-shared/profile-values';

/** How the diff finds existing profiles (the replica, in the service). */
export interface DirectoryLookup {
  byEmail(email: string): Profile | undefined;
  byExternalId(externalId: string): Profile | undefined;
  /** The live holder of a username, whatever its case. */
  byUsername(username: string): Profile | undefined;
  /** The live profiles a profile with these values might be the same person as (src-shared/duplicates.ts). */
  possibleDuplicates(values: ProfileValues): readonly PossibleDuplicate[];
}

const VALUE_KEYS = IDENTITY_FIELDS;

const same = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);

const DIFF_CODES = new Set(['conflict', 'email-taken', 'external-id-taken', 'possible-duplicate']);

/**
 * The fields a row really provides: mapped, and not empty in this row. An
 * update never clears what the file leaves blank, nor changes the language
 * to the default because a cell is empty.
 */
export function providedFields(row: ImportRow, mapping: Mapping): Set<keyof ProfileValues> {
  const fields = new Set<keyof ProfileValues>(['email']);
  const has = (target: Mapping[number]): boolean => mapping.includes(target);
  const filled = (v: string): boolean => v.trim() !== '';
  if ((has('firstName') || has('fullName') || row.edited.includes('firstName')) && filled(row.values.firstName)) fields.add('firstName');
  if ((has('lastName') || has('fullName') || row.edited.includes('lastName')) && filled(row.values.lastName)) fields.add('lastName');
  if (filled(row.values.phoneNumber)) fields.add('phone');
  if (filled(row.values.tags)) fields.add('tags');
  if (filled(row.values.externalId)) fields.add('externalId');
  if (filled(row.values.username)) fields.add('username');
  if (filled(row.values.language)) fields.add('language');
  // An attribute column gives what its cells name (the value step's "none" gives nothing: the profile keeps what it holds).
  const n = row.normalised;
  if (n !== null) {
    for (const field of ATTRIBUTE_FIELDS) {
      const v = n[field];
      if (mapping.includes(field) && (Array.isArray(v) ? v.length > 0 : v !== null)) fields.add(field);
    }
  }
  return fields;
}

/** The values an update would store: the existing profile with the provided fields replaced. */
export function mergedValues(existing: ProfileValues, incoming: ProfileValues, provided: ReadonlySet<keyof ProfileValues>): ProfileValues {
  // Everything the file does not give stays as the profile has it, its attributes too.
  const merged: ProfileValues = valuesOf(existing);
  for (const key of provided) {
    Object.assign(merged, { [key]: incoming[key] });
    // What the file gives of an attribute is the file's: no rule gave it.
    if (isAttributeField(key)) merged.grants = Object.fromEntries(Object.entries(merged.grants).filter(([grant]) => grant !== key && !grant.startsWith(`${key}:`)));
  }
  return merged;
}

/** Compares one valid row with the directory: new (warned when it might be an existing person under another email) / would update (field by field) / unchanged / conflict (an external ID or a username another profile holds). */
export function diffRow(row: ImportRow, mapping: Mapping, lookup: DirectoryLookup): void {
  row.issues = row.issues.some((i) => DIFF_CODES.has(i.code)) ? row.issues.filter((i) => !DIFF_CODES.has(i.code)) : row.issues;
  row.existingId = null;
  row.changes = [];
  if (row.excluded) {
    row.status = 'excluded';
    return;
  }
  const values = row.normalised;
  if (values === null || row.issues.some((i) => i.severity === 'error')) {
    row.status = 'invalid';
    return;
  }
  // A person without an email is known by their username: a row without one finds the profile without one that has it.
  const byEmail = values.email !== '' ? lookup.byEmail(values.email) : withoutEmail(values.username === null ? undefined : lookup.byUsername(values.username));
  const byExternal = values.externalId === null ? undefined : lookup.byExternalId(values.externalId);
  if (byEmail === undefined && byExternal === undefined) row.status = 'new';
  if (byEmail === undefined && byExternal !== undefined) {
    row.status = 'conflict';
    row.existingId = byExternal.id;
    row.issues.push(conflict('externalId', rule('import_external_id_elsewhere', { externalId: values.externalId ?? '', holder: byExternal.email })));
    return;
  }
  if (byEmail !== undefined && byExternal !== undefined && byExternal.id !== byEmail.id) {
    row.status = 'conflict';
    row.existingId = byEmail.id;
    row.issues.push(conflict('externalId', rule('import_external_id_elsewhere_email_exists', { email: values.email, externalId: values.externalId ?? '', holder: byExternal.email })));
    return;
  }
  const byUsername = values.username === null ? undefined : lookup.byUsername(values.username);
  if (byUsername !== undefined && byUsername.id !== byEmail?.id) {
    row.status = 'conflict';
    row.existingId = byEmail?.id ?? byUsername.id;
    row.issues.push(conflict('username', rule('import_username_elsewhere', { username: values.username ?? '', holder: byUsername.email })));
    return;
  }
  if (byEmail === undefined) {
    // A new email, but maybe not a new person: a warning names each existing profile; the row is still created unless excluded.
    for (const existing of lookup.possibleDuplicates(values)) row.issues.push(possibleDuplicate(existing));
    return;
  }
  row.existingId = byEmail.id;
  const provided = providedFields(row, mapping);
  const merged = mergedValues(byEmail, values, provided);
  const changes: FieldChange[] = [];
  for (const key of VALUE_KEYS) {
    if (!same(byEmail[key], merged[key])) changes.push({ field: key, before: byEmail[key], after: merged[key] });
  }
  for (const key of ATTRIBUTE_FIELDS) {
    if (provided.has(key) && !same(byEmail[key], merged[key])) changes.push({ field: key, before: byEmail[key], after: merged[key] });
  }
  row.changes = changes;
  row.status = changes.length === 0 ? 'unchanged' : 'update';
}

const possibleDuplicate = (existing: PossibleDuplicate): CellIssue => {
  const found = rule('import_possible_duplicate', { name: `${existing.firstName} ${existing.lastName}`, email: existing.email });
  // On the name's cell, so the grid shows it where the likeness starts.
  return { field: 'lastName', column: null, severity: 'warning', code: 'possible-duplicate', message: englishText(found), rule: found };
};

/** A profile found by username stands for a row without an email only when it has none either. */
const withoutEmail = (found: Profile | undefined): Profile | undefined => (found !== undefined && found.email === '' ? found : undefined);

const conflict = (field: 'externalId' | 'email' | 'username', found: RuleMessage): CellIssue => ({ field, column: null, severity: 'warning', code: 'conflict', message: englishText(found), rule: found });
