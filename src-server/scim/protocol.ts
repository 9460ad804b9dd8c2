/**
 * SCIM 2.0's fixed words (RFC 7643, RFC 7644): schema URNs, the media type,
 * and its error answer. Everything under /scim/v2 speaks these, never the
 * /api envelope.
 */

export const SCIM_MEDIA_TYPE = 'application/scim+json';

export const URN = {
  user: 'urn:ietf:params:scim:schemas:core:2.0:User',
  group: 'urn:ietf:params:scim:schemas:core:2.0:Group',
  enterpriseUser: 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User',
  listResponse: 'urn:ietf:params:scim:api:messages:2.0:ListResponse',
  patchOp: 'urn:ietf:params:scim:api:messages:2.0:PatchOp',
  error: 'urn:ietf:params:scim:api:messages:2.0:Error',
  serviceProviderConfig: 'urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig',
  resourceType: 'urn:ietf:params:scim:schemas:core:2.0:ResourceType',
  schema: 'urn:ietf:params:scim:schemas:core:2.0:Schema',
} as const;

/** RFC 7644 §3.12's scimType words this server answers with. */
export type ScimType = 'invalidFilter' | 'tooMany' | 'uniqueness' | 'mutability' | 'invalidSyntax' | 'invalidPath' | 'noTarget' | 'invalidValue' | 'invalidVers' | 'sensitive';

/** A SCIM error: its HTTP status, scimType when RFC 7644 has one, and a sentence for the identity provider's log. */
export class ScimError extends Error {
  readonly status: number;
  readonly scimType: ScimType | undefined;
  constructor(status: number, detail: string, scimType?: ScimType) {
    super(detail);
    this.name = 'ScimError';
    this.status = status;
    this.scimType = scimType;
  }

  toBody(): Record<string, unknown> {
    return { schemas: [URN.error], status: String(this.status), ...(this.scimType === undefined ? {} : { scimType: this.scimType }), detail: this.message };
  }
}

/** The most results one page holds (ServiceProviderConfig's filter.maxResults). */
export const MAX_RESULTS = 200;

/** A version as an ETag (weak: the representation may differ in attributes asked for). */
export const etagOf = (version: number): string => `W/"${version}"`;

/** A request's If-Match holds this version (or `*`); no header holds any. */
export function ifMatchHolds(header: string | undefined, version: number): boolean {
  if (header === undefined || header.trim() === '') return true;
  return header.split(',').some((tag) => {
    const t = tag.trim();
    return t === '*' || t === etagOf(version) || t === `"${version}"`;
  });
}
