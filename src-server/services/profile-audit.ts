import type { Profile } from '../../src-shared/profile';
import type { ProfileRow } from '../db/schema';
import type { AuditEntryInput, AuditSource } from './audit';

/** The values of a profile the audit log compares (content, not invitation facts). */
export interface AuditedValues {
  firstName: string;
  lastName: string;
  email: string;
  phone: string | null;
  tags: string[];
  externalId: string | null;
  language: string;
  /** The attributes, as entry ids. */
  accessRights: string[];
  department: string | null;
  jobProfile: string | null;
  permissionType: string | null;
  userGroup: string | null;
  paymentMethods: string[];
  licences: string[];
}

/** A JSON list of strings (tags, entry ids) as stored; anything else reads as empty. */
const parseTags = (json: string): string[] => {
  try {
    const parsed: unknown = JSON.parse(json);
    return Array.isArray(parsed) ? parsed.filter((t): t is string => typeof t === 'string') : [];
  } catch {
    return [];
  }
};

export const valuesOfRow = (row: ProfileRow): AuditedValues => ({
  firstName: row.first_name,
  lastName: row.last_name,
  email: row.email,
  phone: row.phone,
  tags: parseTags(row.tags),
  externalId: row.external_id,
  language: row.language,
  accessRights: parseTags(row.access_rights),
  department: row.department,
  jobProfile: row.job_profile,
  permissionType: row.permission_type,
  userGroup: row.user_group,
  paymentMethods: parseTags(row.payment_methods),
  licences: parseTags(row.licences),
});

export const valuesOfProfile = (p: Profile): AuditedValues => ({
  firstName: p.firstName,
  lastName: p.lastName,
  email: p.email,
  phone: p.phone,
  tags: [...p.tags],
  externalId: p.externalId,
  language: p.language,
  accessRights: [...p.accessRights],
  department: p.department,
  jobProfile: p.jobProfile,
  permissionType: p.permissionType,
  userGroup: p.userGroup,
  paymentMethods: [...p.paymentMethods],
  licences: [...p.licences],
});

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
