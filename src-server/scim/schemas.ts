import { URN } from './protocol';

/**
 * The attributes Roster's SCIM resources have (RFC 7643 §7's schema
 * representation), served by /Schemas and used to check filters, sortBy and
 * attributes: one list, so what is advertised is what is understood.
 */

interface Attribute {
  name: string;
  type: 'string' | 'boolean' | 'complex' | 'reference' | 'dateTime';
  multiValued: boolean;
  description: string;
  required: boolean;
  caseExact: boolean;
  mutability: 'readOnly' | 'readWrite' | 'immutable' | 'writeOnly';
  returned: 'always' | 'default' | 'never' | 'request';
  uniqueness: 'none' | 'server' | 'global';
  subAttributes?: Attribute[];
  referenceTypes?: string[];
}

const attr = (name: string, type: Attribute['type'], description: string, more: Partial<Attribute> = {}): Attribute => ({
  name,
  type,
  multiValued: false,
  description,
  required: false,
  caseExact: false,
  mutability: 'readWrite',
  returned: 'default',
  uniqueness: 'none',
  ...more,
});

const multi = (name: string, description: string, subAttributes: Attribute[], more: Partial<Attribute> = {}): Attribute => attr(name, 'complex', description, { multiValued: true, subAttributes, ...more });

const valueTypePrimary = (what: string): Attribute[] => [
  attr('value', 'string', what),
  attr('type', 'string', 'Its kind; Roster answers "work".'),
  attr('primary', 'boolean', 'The primary one.'),
];

const USER_ATTRIBUTES: Attribute[] = [
  attr('userName', 'string', 'The person’s email: unique in the organisation (the profile’s email).', { required: true, uniqueness: 'server' }),
  attr('name', 'complex', 'The person’s name.', {
    subAttributes: [attr('givenName', 'string', 'First name.'), attr('familyName', 'string', 'Last name.'), attr('formatted', 'string', 'The whole name (read only).', { mutability: 'readOnly' })],
  }),
  attr('displayName', 'string', 'The whole name; read for the names when name is not given.'),
  multi('emails', 'The email (one: the userName).', valueTypePrimary('The email.')),
  multi('phoneNumbers', 'The phone number (one, E.164).', valueTypePrimary('The number.')),
  attr('preferredLanguage', 'string', 'The profile’s language (en-US, fr-BE, nl-BE; another language leaves it as it is).'),
  attr('locale', 'string', 'Read as preferredLanguage when that is not given.'),
  attr('active', 'boolean', 'false: the profile is deactivated.'),
  multi('groups', 'The user group the profile belongs to (change it through Groups).', [attr('value', 'string', 'The group’s id.'), attr('display', 'string', 'The group’s name.'), attr('$ref', 'reference', 'The group.', { referenceTypes: ['Group'] })], { mutability: 'readOnly' }),
];

const ENTERPRISE_ATTRIBUTES: Attribute[] = [attr('department', 'string', 'The name (or code) of an entry of the organisation’s department catalogue.')];

const GROUP_ATTRIBUTES: Attribute[] = [
  attr('displayName', 'string', 'The user group’s name.', { required: true }),
  multi('members', 'The profiles in the user group.', [attr('value', 'string', 'The profile’s id.', { mutability: 'immutable' }), attr('display', 'string', 'Its name.', { mutability: 'readOnly' }), attr('$ref', 'reference', 'The User.', { referenceTypes: ['User'], mutability: 'readOnly' })]),
];

/** Attributes every resource has (RFC 7643 §3.1). */
const COMMON = ['id', 'externalid', 'schemas', 'meta', 'meta.resourcetype', 'meta.created', 'meta.lastmodified', 'meta.location', 'meta.version'];

function pathsOf(attributes: Attribute[], prefix = ''): string[] {
  return attributes.flatMap((a) => [`${prefix}${a.name.toLowerCase()}`, ...pathsOf(a.subAttributes ?? [], `${prefix}${a.name.toLowerCase()}.`)]);
}

const enterprise = URN.enterpriseUser.toLowerCase();

/** Lower-case attribute paths of a User (an extension's as `urn:…:department`). */
export const USER_PATHS: ReadonlySet<string> = new Set([...COMMON, ...pathsOf(USER_ATTRIBUTES), enterprise, ...pathsOf(ENTERPRISE_ATTRIBUTES, `${enterprise}:`)]);

export const GROUP_PATHS: ReadonlySet<string> = new Set([...COMMON, ...pathsOf(GROUP_ATTRIBUTES)]);

const schemaResource = (id: string, name: string, description: string, attributes: Attribute[], base: string) => ({
  schemas: [URN.schema],
  id,
  name,
  description,
  attributes,
  meta: { resourceType: 'Schema', location: `${base}/Schemas/${id}` },
});

export const schemaResources = (base: string) => [
  schemaResource(URN.user, 'User', 'A Roster profile.', USER_ATTRIBUTES, base),
  schemaResource(URN.enterpriseUser, 'EnterpriseUser', 'The department of a Roster profile.', ENTERPRISE_ATTRIBUTES, base),
  schemaResource(URN.group, 'Group', 'A user group of the organisation’s catalogue.', GROUP_ATTRIBUTES, base),
];
