import type { Profile, ProfileSource, ProfileValues } from '../../src-shared/profile';
import { valuesOf } from '../../src-shared/profile-values';
import { rowValues } from './profile-rows';
import type { ProfileRow } from '../db/schema';
import type { AuditEntryInput, AuditSource } from './audit';

/** The values of a profile the audit log compares (content, not invitation facts, nor which rule gave an attribute). */
export type AuditedValues = Omit<ProfileValues, 'grants'>;

const audited = ({ grants: _grants, ...values }: ProfileValues): AuditedValues => values;

export const valuesOfRow = (row: ProfileRow): AuditedValues => audited(rowValues(row));

export const valuesOfProfile = (p: Profile): AuditedValues => audited(valuesOf(p));

/** Only the fields that differ, each before and after. */
export function changedFields(before: AuditedValues, after: AuditedValues): { before: Record<string, unknown>; after: Record<string, unknown> } {
  const out: { before: Record<string, unknown>; after: Record<string, unknown> } = { before: {}, after: {} };
  for (const key of Object.keys(after) as (keyof AuditedValues)[]) {
    if (JSON.stringify(before[key]) !== JSON.stringify(after[key])) {
      out.before[key] = before[key];
      out.after[key] = after[key];
    }
  }
  return out;
}

export interface AuditWho {
  actor: AuditEntryInput['actor'];
  source: AuditSource;
  /** What the profiles this caller creates record as their source; absent: console (an admin, or the API). */
  profileSource?: ProfileSource | undefined;
}

/** The entry for one applied profile change: created (its values), changed (fields before and after), deleted (its last values). */
export function profileEntry(organisationId: string, who: AuditWho, id: string, before: AuditedValues | null, after: AuditedValues | null): AuditEntryInput | null {
  const base = { organisationId, actor: who.actor, source: who.source, target: { type: 'profile', id }, profileId: id };
  if (before === null && after !== null) return { ...base, action: 'profile.created', details: { values: after } };
  if (before !== null && after === null) return { ...base, action: 'profile.deleted', details: { values: before } };
  if (before !== null && after !== null) {
    const diff = changedFields(before, after);
    if (Object.keys(diff.after).length === 0) return null;
    return { ...base, action: 'profile.changed', details: diff };
  }
  return null;
}
