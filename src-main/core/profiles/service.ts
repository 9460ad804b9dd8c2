import { AppError } from '../../../src-shared/errors';
import { validateProfile } from '../../../src-shared/profile';
import type { Profile, ProfileDraft, ProfileValues } from '../../../src-shared/profile';
import type { ProfileFacets, ProfilePage, ProfileQuery, Selection } from '../../../src-shared/contract/profiles';
import type { Mutation } from '../../../src-shared/mutation';
import type { ChangeSink, Clock, IdSource, ReplicaPort, StoredProfile } from '../ports';
import { newLocalProfile } from './local';
import { storedStatus } from '../stored';

export interface ProfileServiceDeps {
  replica: ReplicaPort;
  clock: Clock;
  ids: IdSource;
  events: ChangeSink;
}

const VALUE_KEYS = ['firstName', 'lastName', 'email', 'phone', 'tags', 'externalId', 'language'] as const satisfies readonly (keyof ProfileValues)[];

const sameValue = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);

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
    if (profile === undefined) throw new AppError('NOT_FOUND', 'This profile does not exist (it may have been deleted).');
    return profile;
  }

  facets(): ProfileFacets {
    return this.deps.replica.profiles.facets(this.deps.clock.now());
  }

  countSelection(selection: Selection): number {
    return this.deps.replica.profiles.countSelection(selection, this.deps.clock.now());
  }

  /** A new profile: no access rights, status "not invited", no email sent. */
  create(draft: ProfileDraft): Profile {
    const values = this.validate(draft);
    const { replica, clock, ids } = this.deps;
    const now = clock.now();
    const stamp = now.toISOString();
    const profile: StoredProfile = newLocalProfile(ids.uuid(), values, stamp);
    replica.transaction(() => {
      this.assertUnique(values, undefined);
      replica.profiles.insert(profile);
      replica.outbox.append(this.mutation('profile.create', profile.id, 0, { values }, stamp));
    });
    this.deps.events.changed(['profiles', 'outbox']);
    return this.get(profile.id);
  }

  update(id: string, draft: ProfileDraft): Profile {
    const values = this.validate(draft);
    const { replica, clock } = this.deps;
    const stamp = clock.now().toISOString();
    const changed = replica.transaction(() => {
      const current = this.get(id);
      const changes: Partial<ProfileValues> = {};
      const base: Partial<ProfileValues> = {};
      for (const key of VALUE_KEYS) {
        if (!sameValue(current[key], values[key])) {
          Object.assign(changes, { [key]: values[key] });
          Object.assign(base, { [key]: current[key] });
        }
      }
      if (Object.keys(changes).length === 0) return false;
      this.assertUnique(values, id);
      const { status: _derived, ...rest } = current;
      replica.profiles.update({ ...rest, ...values, status: storedStatus(current), updatedAt: stamp });
      replica.outbox.append(this.mutation('profile.update', id, current.version, { changes, base }, stamp));
      return true;
    });
    if (changed) this.deps.events.changed(['profiles', 'outbox']);
    return this.get(id);
  }

  delete(id: string): { id: string } {
    const { replica, clock } = this.deps;
    const stamp = clock.now().toISOString();
    replica.transaction(() => {
      const current = this.get(id);
      replica.profiles.markDeleted(id, stamp);
      replica.outbox.append(this.mutation('profile.delete', id, current.version, {}, stamp));
    });
    this.deps.events.changed(['profiles', 'outbox']);
    return { id };
  }

  private validate(draft: ProfileDraft): ProfileValues {
    const checked = validateProfile(draft);
    if (!checked.ok) {
      const count = Object.keys(checked.fields).length;
      throw new AppError('VALIDATION_FAILED', count === 1 ? (Object.values(checked.fields)[0] ?? 'Invalid profile.') : `${count} fields need attention.`, {
        fields: checked.fields,
      });
    }
    return checked.value;
  }

  /** Email (case-insensitive: stored lower-cased) and external ID are unique in the directory. */
  private assertUnique(values: ProfileValues, selfId: string | undefined): void {
    const { profiles } = this.deps.replica;
    const emailOwner = profiles.findIdByEmail(values.email);
    if (emailOwner !== undefined && emailOwner !== selfId) {
      throw new AppError('EMAIL_TAKEN', `Another profile already uses ${values.email}.`, {
        fields: { email: `Another profile already uses ${values.email}.` },
        existingId: emailOwner,
      });
    }
    if (values.externalId !== null) {
      const idOwner = profiles.findIdByExternalId(values.externalId);
      if (idOwner !== undefined && idOwner !== selfId) {
        throw new AppError('EXTERNAL_ID_TAKEN', `Another profile already has external ID ${values.externalId}.`, {
          fields: { externalId: `Another profile already has external ID ${values.externalId}.` },
          existingId: idOwner,
        });
      }
    }
  }

  private mutation<K extends Mutation['kind']>(kind: K, entityId: string, baseVersion: number, payload: Mutation<K>['payload'], createdAt: string): Mutation<K> {
    return { id: this.deps.ids.uuid(), kind, entityId, baseVersion, payload, createdAt };
  }
}

