import { describe, expect, it } from 'vitest';
import { parseCli } from '../../../src-server/config';
import { patchOperations } from '../../../src-server/scim/patch';
import { ScimError } from '../../../src-server/scim/protocol';
import { languageOf } from '../../../src-server/scim/user-mapping';

const USER = 'urn:ietf:params:scim:schemas:core:2.0:User';
const PATCH = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';

describe('SCIM pieces', () => {
  it('reads an identity provider’s language tag as a profile language, or none', () => {
    expect(languageOf('fr-BE')).toBe('fr_BE');
    expect(languageOf('FR_be')).toBe('fr_BE');
    expect(languageOf('nl')).toBe('nl_BE');
    expect(languageOf('en-GB')).toBe('en_US');
    expect(languageOf('de-DE')).toBeNull();
  });

  it('reads PATCH bodies as Okta and Entra write them', () => {
    const ops = patchOperations(
      {
        schemas: [PATCH],
        Operations: [
          { op: 'Replace', value: { active: 'False', 'name.givenName': 'Ada', 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department': 'Sales' } },
          { op: 'Add', path: `${USER}:name.familyName`, value: 'Lovelace' },
          { op: 'Remove', path: 'members', value: [{ $ref: null, value: 'id-1' }] },
        ],
      },
      USER,
    );
    expect(ops).toEqual([
      { op: 'replace', path: 'name.givenName', value: 'Ada' },
      { op: 'replace', path: 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department', value: 'Sales' },
      { op: 'replace', value: { active: 'False' } },
      { op: 'add', path: 'name.familyName', value: 'Lovelace' },
      { op: 'remove', path: 'members[value eq "id-1"]' },
    ]);
    for (const bad of [null, { Operations: [] }, { schemas: [PATCH], Operations: [] }, { schemas: [PATCH], Operations: [{ op: 'copy', path: 'x' }] }, { schemas: [PATCH], Operations: [{ op: 'remove' }] }]) {
      expect(() => patchOperations(bad, USER)).toThrow(ScimError);
    }
  });

  it('takes the SCIM rate limit from a flag or the environment', () => {
    expect(parseCli([], {}).config.scimRequestsPerMinute).toBe(600);
    expect(parseCli(['--scim-requests-per-minute', '50'], { ROSTER_SCIM_REQUESTS_PER_MINUTE: '9' }).config.scimRequestsPerMinute).toBe(50);
    expect(parseCli([], { ROSTER_SCIM_REQUESTS_PER_MINUTE: '0' }).config.scimRequestsPerMinute).toBe(0);
  });
});
