import { getCountryCallingCode, isSupportedCountry } from 'libphonenumber-js/max';
import type { Language } from '../../../src-shared/languages';
import type { AttributeField, RequiredAttributes } from '../../../src-shared/attributes';
import type { Clock } from '../ports';
import { DEFAULT_EMAIL_POLICY } from '../../../src-shared/profile';
import type { EmailPolicy, IdentityOptions } from '../../../src-shared/profile';
import type { Defaults } from '../../../src-import/analyse';
import { DEFAULT_DEFAULTS } from '../../../src-import/analyse';

/** The organisation's settings the console uses: an import's starting language and phone country, the attributes every profile must have, and how usernames are made. */
export interface OrganisationDefaults {
  language: Language;
  /** ISO 3166 two-letter code (BE), or null. */
  phoneCountry: string | null;
  requiredAttributes: AttributeField[];
  /** How usernames are made (src-shared/usernames.ts); null: they are not. */
  usernameFormat: string | null;
  /** Who needs an email (src-shared/profile.ts EMAIL_POLICIES). */
  emailPolicy: EmailPolicy;
}

export interface StoredDefaults extends OrganisationDefaults {
  organisationId: string;
  /** When the server gave them. */
  at: string;
}

export interface OrganisationReader {
  organisationDefaults(serverUrl: string, token: string): Promise<OrganisationDefaults>;
}

export interface OrganisationDefaultsDeps {
  reader: OrganisationReader;
  store: { get(): StoredDefaults | null; set(value: StoredDefaults): void };
  /** The signed-in session, when there is one. */
  session: () => { url: string; token: string; organisationId: string } | null;
  clock: Clock;
  /** How long what the server said is trusted before it is asked again (15 minutes). */
  refreshMs?: number;
}

const REFRESH_MS = 15 * 60_000;

/**
 * Keeps the organisation's defaults the server holds (Organisation settings:
 * default language, default phone country), asked for after a sync when
 * what is kept is older than the refresh time, and kept in the replica so an
 * import offline starts from them too.
 */
export class OrganisationDefaultsKeeper {
  #asking: Promise<void> | null = null;

  constructor(private readonly deps: OrganisationDefaultsDeps) {}

  /** What a new import starts with: the organisation's language and the calling code of its phone country (+32 for BE). */
  importDefaults(): Defaults {
    const kept = this.#kept();
    if (kept === null) return DEFAULT_DEFAULTS;
    const country = kept.phoneCountry;
    return { language: kept.language, phoneCountryCode: country !== null && isSupportedCountry(country) ? `+${getCountryCallingCode(country)}` : null, identity: this.identity() };
  }

  /** The attributes every profile must have, as the server last said (none before it said). */
  requiredAttributes(): RequiredAttributes {
    return this.#kept()?.requiredAttributes ?? [];
  }

  /** The organisation's username format, as the server last said (none before it said). */
  usernameFormat(): string | null {
    return this.#kept()?.usernameFormat ?? null;
  }

  /**
   * What the profile rules need to know of the organisation to judge a
   * profile without an email (before the server said: everyone needs one).
   * A username the server will make counts only where the organisation has
   * a format.
   */
  identity(): IdentityOptions {
    const kept = this.#kept();
    return { emailPolicy: kept?.emailPolicy ?? DEFAULT_EMAIL_POLICY, usernameMade: (kept?.usernameFormat ?? null) !== null };
  }

  /** Asks the server again when what is kept is missing or old; a failure keeps what was kept (the next sync asks again). */
  refresh(force = false): Promise<void> {
    if (this.#asking !== null) return this.#asking;
    const session = this.deps.session();
    if (session === null) return Promise.resolve();
    const kept = this.#kept();
    const age = kept === null ? Infinity : this.deps.clock.now().getTime() - Date.parse(kept.at);
    if (!force && age < (this.deps.refreshMs ?? REFRESH_MS)) return Promise.resolve();
    this.#asking = this.deps.reader
      .organisationDefaults(session.url, session.token)
      .then((found) => {
        this.deps.store.set({ ...found, organisationId: session.organisationId, at: this.deps.clock.now().toISOString() });
      })
      .catch(() => undefined)
      .finally(() => {
        this.#asking = null;
      });
    return this.#asking;
  }

  /** What is kept, for the organisation signed in to (or the one the replica belongs to, offline). */
  #kept(): StoredDefaults | null {
    return this.deps.store.get();
  }
}
