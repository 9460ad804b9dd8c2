import type { Profile } from '../../../src-shared/profile';
import type { ExportColumn, ExportRequest } from '../../../src-shared/contract/export';
import type { AttributeField } from '../../../src-shared/attributes';
import { neutralise } from '../../../src-shared/csv';

/**
 * What of a profile an export can show; its attributes as the names of the
 * entries it holds (only those of the chosen columns are read: the others are empty).
 */
export type ExportedProfile = Pick<Profile, 'firstName' | 'lastName' | 'email' | 'phone' | 'tags' | 'externalId' | 'username' | 'language' | 'status' | 'invitedAt' | 'confirmedAt' | 'createdAt' | 'updatedAt'> & {
  names: Partial<Record<AttributeField, string[]>>;
};

/** What an export writes, as the worker needs it: the columns and the words, no selection. */
export type ExportLayout = Pick<ExportRequest, 'columns' | 'headers' | 'statuses'>;

// Several entries are joined like tags, so the import can read them back.
const attributeCell =
  (field: AttributeField) =>
  (p: ExportedProfile): string =>
    (p.names[field] ?? []).join('; ');

const CELL: Record<ExportColumn, (p: ExportedProfile, layout: ExportLayout) => string> = {
  firstName: (p) => p.firstName,
  lastName: (p) => p.lastName,
  email: (p) => p.email,
  phone: (p) => p.phone ?? '',
  // The import reads tags separated by semicolons.
  tags: (p) => p.tags.join('; '),
  externalId: (p) => p.externalId ?? '',
  username: (p) => p.username ?? '',
  language: (p) => p.language,
  accessRights: attributeCell('accessRights'),
  department: attributeCell('department'),
  jobProfile: attributeCell('jobProfile'),
  permissionType: attributeCell('permissionType'),
  userGroup: attributeCell('userGroup'),
  paymentMethods: attributeCell('paymentMethods'),
  licences: attributeCell('licences'),
  status: (p, layout) => layout.statuses[p.status],
  invitedAt: (p) => p.invitedAt ?? '',
  confirmedAt: (p) => p.confirmedAt ?? '',
  createdAt: (p) => p.createdAt,
  updatedAt: (p) => p.updatedAt,
};

/** The header row: the console's words for the chosen columns. */
export const exportHeader = (layout: ExportLayout): string[] => layout.columns.map((c) => neutralise(layout.headers[c]));

/** A profile's cells in the chosen columns; a value a spreadsheet would read as a formula gets a leading apostrophe. */
export const exportCells = (profile: ExportedProfile, layout: ExportLayout): string[] => layout.columns.map((c) => neutralise(CELL[c](profile, layout)));
