import type { CatalogueKind } from '../../../src-shared/attributes';

/** Each catalogue as its tab names it, and what one of its entries is called in a dialog's title. */
export const KIND_WORDS = {
  accessRight: { tab: 'org.catalogues.kinds.accessRight', add: 'org.catalogues.add.accessRight', empty: 'org.catalogues.empty.accessRight' },
  department: { tab: 'org.catalogues.kinds.department', add: 'org.catalogues.add.department', empty: 'org.catalogues.empty.department' },
  jobProfile: { tab: 'org.catalogues.kinds.jobProfile', add: 'org.catalogues.add.jobProfile', empty: 'org.catalogues.empty.jobProfile' },
  permissionType: { tab: 'org.catalogues.kinds.permissionType', add: 'org.catalogues.add.permissionType', empty: 'org.catalogues.empty.permissionType' },
  userGroup: { tab: 'org.catalogues.kinds.userGroup', add: 'org.catalogues.add.userGroup', empty: 'org.catalogues.empty.userGroup' },
  paymentMethod: { tab: 'org.catalogues.kinds.paymentMethod', add: 'org.catalogues.add.paymentMethod', empty: 'org.catalogues.empty.paymentMethod' },
  licence: { tab: 'org.catalogues.kinds.licence', add: 'org.catalogues.add.licence', empty: 'org.catalogues.empty.licence' },
} as const satisfies Record<CatalogueKind, { tab: string; add: string; empty: string }>;
