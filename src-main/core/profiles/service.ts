import { ruleError } from '../../../src-shared/errors';
import { rule } from '../../../src-shared/messages';
import { draftGivesAttribute, validateProfile } from '../../../src-shared/profile';
import { keepUnsaidAttributes, sameValue, valuesOf } from '../../../src-shared/profile-values';
import { ATTRIBUTE_FIELDS, checkAttributes, lookupOf } from '../../../src-shared/attributes';
import type { AttributeField, RequiredAttributes } from '../../../src-shared/attributes';
import type { IdentityOptions, Profile, ProfileDraft, ProfileValues } from '../../../src-shared/profile';
import type { ProfileFacets, ProfilePage, ProfileQuery, Selection } from '../../../src-shared/contract/profiles';
import type { ChangeSink, Clock, IdSource, ReplicaPort } from '../ports';
import { createProfile, deleteProfile, updateProfile } from './writes';
import { rulesOnCreation } from '../../../src-shared/assignment-rules';
import { generateUsername, parseUsernameFormat } from '../../../src-shared/usernames';
import type { PossibleDuplicate, UsernameSuggestion } from '../../../src-shared/contract/profiles';

export interface ProfileServiceDeps {
  replica: ReplicaPort;
  clock: Clock;
  ids: IdSource;
  events: ChangeSink;
  /** The attributes every profile must have (the organisation's setting, as the server last said); none when not given. */
  requiredAttributes?: () => RequiredAttributes;
  /** The organisation's username format (as the server last said); none when not given. */
  usernameFormat?: () => string | null;
  /** Who needs an email (as the server last said); everyone when not given. */
  identity?: () => IdentityOptions;
}

/**
 * The console's profile directory. Every write stores the row and its outbox
 * mutation in one transaction, and announces what changed.
 */
export class ProfileService {
  constructor(private readonly deps: ProfileServiceDeps) {}

  list(query: ProfileQuery, offset: number, limit: number): ProfilePage {
    const { rows, total } = this.deps.replica.profiles.list(query, offset, limit, this.deps.clock.now());
    return { rows, total, offset };
  }

  get(id: string): Profile {
    const profile = this.deps.replica.profiles.get(id, this.deps.clock.now());
    if (profile === undefined) throw ruleError('NOT_FOUND', rule('profile_not_found', {}));
    return profile;
  }

  facets(): ProfileFacets {
    return this.deps.replica.profiles.facets(this.deps.clock.now());
  }

  countSelection(selection: Selection): number {
    return this.deps.replica.profiles.countSelection(selection, this.deps.clock.now());
  }

  /**
   * A new profile: no access rights unless the draft or a rule gives some,
   * status "not invited", no email sent. The organisation's rules run as the
   * replica holds them, before the attribute check (as on the server, which
   * decides again when the profile is pushed).
   */
  create(draft: ProfileDraft): Profile {
    const given = this.validate(draft, true);
    const stamp = this.deps.clock.now().toISOString();
    const { profile } = this.deps.replica.transaction(() => {
      const values = rulesOnCreation(given, this.deps.replica.catalogues.rules());
      this.checkAttributes(values, 'all');
      return createProfile(this.deps, values, stamp);
    });
    this.deps.events.changed(['profiles', 'outbox']);
    return this.get(profile.id);
  }

  update(id: string, draft: ProfileDraft): Profile {
    const checked = this.validate(draft, false);
    const stamp = this.deps.clock.now().toISOString();
    const mutation = this.deps.replica.transaction(() => {
      const current = this.get(id);
      // What the draft leaves out of the attributes stays as the profile holds it (a form that does not show them changes none).
      const values = keepUnsaidAttributes(valuesOf(current), checked, (field) => draftGivesAttribute(draft, field));
      this.checkAttributes(
        values,
        ATTRIBUTE_FIELDS.filter((f) => !sameValue(values[f], current[f])),
      );
      return updateProfile(this.deps, current, values, stamp);
    });
    if (mutation !== null) this.deps.events.changed(['profiles', 'outbox']);
    return this.get(id);
  }

  delete(id: string): { id: string } {
    const stamp = this.deps.clock.now().toISOString();
    this.deps.replica.transaction(() => deleteProfile(this.deps, this.get(id), stamp));
    this.deps.events.changed(['profiles', 'outbox']);
    return { id };
  }

  /** The existing profiles a new one with these values might be the same person as: the form asks before it creates. Refused like `create` when the draft is not valid. */
  possibleDuplicates(draft: ProfileDraft): PossibleDuplicate[] {
    return this.deps.replica.profiles.possibleDuplicates(this.validate(draft, true));
  }

  /**
   * The username the organisation's format makes for these names, free in
   * the replica whatever its case (a profile's own username is free for it):
   * the form's "Generate". Null when the organisation has no format. The
   * server makes its own choice again when a profile comes without one.
   */
  suggestUsername(person: { firstName: string; lastName: string }, profileId: string | undefined): UsernameSuggestion {
    const source = this.deps.usernameFormat?.() ?? null;
    const format = source === null ? null : parseUsernameFormat(source);
    if (format === null || !format.ok) return { format: null, username: null };
    const taken = (candidate: string): boolean => {
      const holder = this.deps.replica.profiles.findIdByUsername(candidate);
      return holder !== undefined && holder !== profileId;
    };
    const made = generateUsername(format.value, person, taken);
    if (!made.ok) throw ruleError('VALIDATION_FAILED', made.rule, { fields: { username: made.message }, fieldRules: { username: made.rule } });
    return { format: format.value.source, username: made.value };
  }

  /**
   * The server's attribute rules, here and offline: every entry a live one of
   * the right catalogue (as the replica has them), the required attributes
   * filled. For an edit (`fields`: the attributes it changes), only what it
   * changes is its to answer for, as on the server. Refused with the same words.
   */
  private checkAttributes(values: ProfileValues, fields: readonly AttributeField[] | 'all'): void {
    const mine = (field: string): boolean => fields === 'all' || (fields as readonly string[]).includes(field);
    const required = (this.deps.requiredAttributes?.() ?? []).filter(mine);
    const checked = checkAttributes(values, lookupOf(this.deps.replica.catalogues.list()), required);
    if (checked.ok) return;
    const found = Object.keys(checked.fields).filter(mine);
    if (found.length === 0) return;
    const fieldErrors = Object.fromEntries(found.map((f) => [f, checked.fields[f] ?? '']));
    const fieldRules = Object.fromEntries(found.flatMap((f) => (checked.rules[f] === undefined ? [] : [[f, checked.rules[f]]])));
    const findings = Object.values(fieldRules);
    const only = findings.length === 1 ? findings[0] : undefined;
    throw ruleError('VALIDATION_FAILED', only ?? rule('fields_need_attention', { count: findings.length }), { fields: fieldErrors, fieldRules });
  }

  /** The profile rules, with the organisation's email policy: a username the server makes stands in for a typed one only on a new profile. */
  private validate(draft: ProfileDraft, creating: boolean): ProfileValues {
    const identity = this.deps.identity?.() ?? {};
    const checked = validateProfile(draft, { ...identity, usernameMade: creating && identity.usernameMade === true });
    if (!checked.ok) {
      const findings = Object.values(checked.rules);
      const only = findings.length === 1 ? findings[0] : undefined;
      throw ruleError('VALIDATION_FAILED', only ?? rule('fields_need_attention', { count: findings.length }), { fields: checked.fields, fieldRules: checked.rules });
    }
    return checked.value;
  }
}
