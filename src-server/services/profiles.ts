import type { ProfileRow } from '../db/schema';
import { chunks, insertAsJson, iso, lookupParts, oneOf } from '../db/tx';
import type { Tx } from '../db/tx';
import type { Language } from '../../src-shared/languages';
import { DEFAULT_EMAIL_POLICY, identityRefusal } from '../../src-shared/profile';
import { emailPolicyOf } from './organisations';
import type { EmailPolicy, ProfileSource, ProfileValues } from '../../src-shared/profile';
import { attributeRefusal, checkValues, isStorableText } from './profile-checks';
import { identityRejection } from './profile-outcomes';
import type { BulkOutcome, ProfileOutcome } from './profile-outcomes';
import type { PushResult } from '../../src-shared/wire';
import { overlaps, sameValue, VALUE_FIELDS, withChanges } from '../../src-shared/profile-values';
import type { ValueChanges } from '../../src-shared/profile-values';
import { ATTRIBUTE_FIELDS, lookupOf } from '../../src-shared/attributes';
import type { CatalogueLookup, RequiredAttributes } from '../../src-shared/attributes';
import { entryIdsOf, entryUse, liveEntries, toEntry } from './catalogue-reads';
import { idList, rowAttributes, rowValues, toProfile } from './profile-rows';
import { valueColumns } from '../../src-shared/profile-columns';
import { revokeOpenInvitations } from './invitation-revoke';
import { StoredColumns } from './profile-writes';
import { liveRules } from './rule-reads';
import { rulesOnCreation } from '../../src-shared/assignment-rules';
import type { AssignmentRule } from '../../src-shared/assignment-rules';
import { generateUsername } from '../../src-shared/usernames';
import type { UsernameFormat } from '../../src-shared/usernames';
import { liveUsernameHolders, storedFormat } from './profile-usernames';
import type { UsernameNeeds } from './profile-usernames';
import { liveHolders, UniqueHolders } from './profile-uniqueness';
import { bulkEntryKind, planBulkChange } from '../../src-shared/bulk-change';
import { englishText, rule } from '../../src-shared/messages';
import type { BulkChange, BulkSkipReason } from '../../src-shared/bulk-change';

/** What ProfileBatch.rollbackTo() restores. */
export interface BatchCheckpoint {
  readonly undo: number;
  readonly seq: number;
  readonly seqChanged: boolean;
  readonly inserts: ReadonlyMap<string, ProfileRow>;
  readonly updates: ReadonlySet<string>;
  readonly revokeFor: ReadonlySet<string>;
  readonly entriesChanged: ReadonlySet<string>;
}

/**
 * Applies profile changes of one organisation inside one transaction that
 * holds the organisation's lock: the state the checks need (rows, emails
 * and external IDs in use, accounts) is read once, kept up to date in
 * memory as the changes apply in order, and written back by flush().
 */
export class ProfileBatch {
  readonly #trx: Tx;
  readonly #organisationId: string;
  readonly #defaultLanguage: Language;
  readonly #now: Date;
  #seq: number;
  readonly #rows = new Map<string, ProfileRow>();
  /** What the database holds of the rows read (for flush() to write only what changed). */
  readonly #stored = new StoredColumns();
  /** Which live profile holds each email, external ID and username (profile-uniqueness.ts), written through #put and #drop. */
  readonly #holders = new UniqueHolders({ put: (map, key, value) => this.#put(map, key, value), drop: (map, key) => this.#drop(map, key) });
  /** How the organisation makes usernames for new profiles that come without one (null: it does not). */
  readonly #usernameFormat: UsernameFormat | null;
  /** Emails whose account is confirmed (another organisation's dates are not kept: they are not this one's to show). */
  readonly #confirmedAccounts = new Set<string>();
  readonly #inserts = new Map<string, ProfileRow>();
  readonly #updates = new Set<string>();
  /** Profiles whose open invitations must stop working (deleted, or email changed). */
  readonly #revokeFor = new Set<string>();
  /** Profiles whose entries (profile_entries) must be written again: their attributes changed, or they were deleted. */
  readonly #entriesChanged = new Set<string>();
  #seqChanged = false;
  /** Steps that undo the in-memory writes, oldest first (see checkpoint()). */
  readonly #undo: (() => void)[] = [];
  /** The organisation's live catalogue entries and the attributes it requires (read by preload). */
  #catalogue: CatalogueLookup = lookupOf([]);
  /** The organisation's assignment rules: they run on every profile this batch creates (read by preload). */
  #rules: AssignmentRule[] = [];
  readonly #required: RequiredAttributes;
  /** Who needs an email in this organisation (read by preload). */
  #emailPolicy: EmailPolicy = DEFAULT_EMAIL_POLICY;
  /** What the profiles this batch creates record as their source (never changed afterwards). */
  readonly #source: ProfileSource;
  /** Licences with a number of seats: their seats, and how many profiles hold them as the changes so far leave it. */
  readonly #seats = new Map<string, { name: string; seats: number }>();
  readonly #used = new Map<string, number>();

  constructor(
    trx: Tx,
    organisationId: string,
    options: { seq: number; defaultLanguage: Language; now: Date; requiredAttributes: RequiredAttributes; usernameFormat?: string | null; source?: ProfileSource | undefined },
  ) {
    this.#trx = trx;
    this.#organisationId = organisationId;
    this.#seq = options.seq;
    this.#defaultLanguage = options.defaultLanguage;
    this.#now = options.now;
    this.#required = options.requiredAttributes;
    this.#usernameFormat = storedFormat(options.usernameFormat ?? null);
    this.#source = options.source ?? 'console';
  }

  /** The rows this batch knows, as the changes so far left them. */
  get rows(): ReadonlyMap<string, ProfileRow> {
    return this.#rows;
  }

  get seq(): number {
    return this.#seq;
  }

  nextSeq(): number {
    this.#seqChanged = true;
    return ++this.#seq;
  }

  get seqChanged(): boolean {
    return this.#seqChanged;
  }

  /**
   * Reads what the coming changes will be checked against. Emails and
   * external IDs no profile could hold (see isStorableText) are not looked
   * for: nothing can match them, and PostgreSQL refuses a NUL even in a query.
   */
  async preload(ids: readonly string[], allEmails: readonly string[], allExternalIds: readonly string[], usernames?: UsernameNeeds): Promise<void> {
    // A profile without an email ('') clashes with nobody, and has no account by email.
    const emails = allEmails.filter((e) => e !== '' && isStorableText(e));
    const externalIds = allExternalIds.filter(isStorableText);
    for (const part of lookupParts(this.#trx, [...new Set(ids)])) {
      const rows = await this.#trx.selectFrom('profiles').selectAll().where('organisation_id', '=', this.#organisationId).where(oneOf(this.#trx, 'id', part)).execute();
      for (const row of rows) this.#remember(row);
    }
    for (const part of lookupParts(this.#trx, [...new Set(emails)])) {
      for (const row of await liveHolders(this.#trx, this.#organisationId, 'email', part)) this.#remember(row);
      const accounts = await this.#trx.selectFrom('accounts').select('email').where(oneOf(this.#trx, 'email', part)).where('confirmed_at', 'is not', null).$narrowType<{ email: string }>().execute();
      for (const a of accounts) this.#confirmedAccounts.add(a.email);
    }
    for (const part of lookupParts(this.#trx, [...new Set(externalIds)])) for (const row of await liveHolders(this.#trx, this.#organisationId, 'external_id', part)) this.#remember(row);
    if (usernames !== undefined) for (const row of await liveUsernameHolders(this.#trx, this.#organisationId, usernames, this.#usernameFormat)) this.#remember(row);
    await this.#readCatalogue();
  }

  /**
   * The catalogues the changes' attributes are checked against, and the seats
   * in use of every licence that has a number of them. Read under the
   * organisation's lock (the caller's transaction took it), so no other
   * write can give a seat away before this one commits.
   */
  async #readCatalogue(): Promise<void> {
    const org = await this.#trx.selectFrom('organisations').select('email_policy').where('id', '=', this.#organisationId).executeTakeFirst();
    if (org !== undefined) this.#emailPolicy = emailPolicyOf(org);
    const entries = await liveEntries(this.#trx, this.#organisationId);
    this.#catalogue = lookupOf(entries.map(toEntry));
    this.#rules = await liveRules(this.#trx, this.#organisationId);
    const limited = entries.filter((e) => e.kind === 'licence' && e.seats !== null);
    for (const e of limited) this.#seats.set(e.id, { name: e.name, seats: e.seats ?? 0 });
    const used = await entryUse(this.#trx, this.#organisationId, limited.map((e) => e.id));
    for (const e of limited) this.#used.set(e.id, used.get(e.id) ?? 0);
  }

  /** The licences of `after` not in `before` that have no seat left (with the seats used as the changes so far leave them). */
  #seatless(before: readonly string[], after: readonly string[]): string[] {
    return after.filter((id) => {
      if (before.includes(id)) return false;
      const limit = this.#seats.get(id);
      return limit !== undefined && (this.#used.get(id) ?? 0) + 1 > limit.seats;
    });
  }

  /** Counts the seats a profile takes and frees in going from `before` to `after` licences. */
  #takeSeats(before: readonly string[], after: readonly string[]): void {
    for (const id of before) if (!after.includes(id) && this.#used.has(id)) this.#put(this.#used, id, (this.#used.get(id) ?? 0) - 1);
    for (const id of after) if (!before.includes(id) && this.#used.has(id)) this.#put(this.#used, id, (this.#used.get(id) ?? 0) + 1);
  }

  /** The licences of a profile with a seat left, and the ones without (whose grants go with them). */
  #seatedValues(values: ProfileValues, before: readonly string[]): { values: ProfileValues; seatless: string[] } {
    const seatless = this.#seatless(before, values.licences);
    if (seatless.length === 0) return { values, seatless };
    const licences = values.licences.filter((id) => !seatless.includes(id));
    const grants = Object.fromEntries(Object.entries(values.grants).filter(([key]) => !seatless.some((id) => key === `licences:${id}`)));
    return { values: { ...values, licences, grants }, seatless };
  }

  #remember(row: ProfileRow): void {
    if (this.#rows.has(row.id)) return;
    this.#stored.read(row);
    this.#put(this.#rows, row.id, row);
    this.#holders.add(row);
  }

  #put<V>(map: Map<string, V>, key: string, value: V): void {
    const old = map.get(key);
    this.#undo.push(old === undefined ? () => map.delete(key) : () => map.set(key, old));
    map.set(key, value);
  }

  #drop<V>(map: Map<string, V>, key: string): void {
    const old = map.get(key);
    if (old === undefined) return;
    this.#undo.push(() => map.set(key, old));
    map.delete(key);
  }

  /**
   * A point to come back to: the changes applied after it can be forgotten
   * with rollbackTo() when the database refused them (and the caller rolled
   * the database back to a savepoint taken at the same moment).
   */
  checkpoint(): BatchCheckpoint {
    return {
      undo: this.#undo.length,
      seq: this.#seq,
      seqChanged: this.#seqChanged,
      inserts: new Map(this.#inserts),
      updates: new Set(this.#updates),
      revokeFor: new Set(this.#revokeFor),
      entriesChanged: new Set(this.#entriesChanged),
    };
  }

  rollbackTo(checkpoint: BatchCheckpoint): void {
    while (this.#undo.length > checkpoint.undo) this.#undo.pop()?.();
    this.#seq = checkpoint.seq;
    this.#seqChanged = checkpoint.seqChanged;
    this.#inserts.clear();
    for (const [id, row] of checkpoint.inserts) this.#inserts.set(id, row);
    this.#updates.clear();
    for (const id of checkpoint.updates) this.#updates.add(id);
    this.#revokeFor.clear();
    for (const id of checkpoint.revokeFor) this.#revokeFor.add(id);
    this.#entriesChanged.clear();
    for (const id of checkpoint.entriesChanged) this.#entriesChanged.add(id);
  }

  /**
   * A new profile's values with the username the organisation's format makes
   * for it when it comes without one (numbered past those taken). None is
   * made when the organisation has no format, or when its names fold to too
   * little (a name in another script than Latin): the profile is created
   * without, and a person can give it one.
   */
  #withUsername(values: ProfileValues): ProfileValues {
    if (values.username !== null || this.#usernameFormat === null) return values;
    const made = generateUsername(this.#usernameFormat, values, (candidate) => this.#holders.hasUsername(candidate));
    return made.ok ? { ...values, username: made.value } : values;
  }

  /**
   * The invitation facts a profile starts with when it is created or gets
   * another email: none of its own yet, and confirmed as of now if the person
   * already has a confirmed account. Nothing of the account's history.
   */
  #freshFacts(email: string): Pick<ProfileRow, 'invited_at' | 'invitation_expires_at' | 'confirmed_at'> {
    return { invited_at: null, invitation_expires_at: null, confirmed_at: this.#confirmedAccounts.has(email) ? iso(this.#now) : null };
  }

  create(id: string, values: ProfileValues): ProfileOutcome {
    const existing = this.#rows.get(id);
    if (existing !== undefined) return { kind: 'conflict', reason: 'exists', row: existing };
    const checked = checkValues(values, this.#defaultLanguage, { emailPolicy: this.#emailPolicy, usernameMade: this.#usernameFormat !== null });
    if (!checked.ok) return { kind: 'rejected', code: 'VALIDATION_FAILED', message: 'The profile breaks the profile rules.', details: { fields: checked.fields, fieldRules: checked.rules } };
    const clash = this.#holders.clash(checked.value, id);
    if (clash !== null) return clash;
    const named = this.#withUsername(checked.value);
    // Without an email, the username the format was to make stands in for it: none made (a name in another script) is a refusal.
    const unnamed = identityRefusal(named, { emailPolicy: this.#emailPolicy });
    if (unnamed !== null) return identityRejection(unnamed);
    // The rules run on a new profile only, as they are here (what a console's own run gave is taken back first).
    const ruled = rulesOnCreation(named, this.#rules);
    const refusal = attributeRefusal(ruled, this.#catalogue, this.#required, 'all');
    if (refusal !== null) return refusal;
    // A licence with no seat left is not given (never more holders than seats): the profile is made without it, and the answer says so.
    const { values: v, seatless } = this.#seatedValues(ruled, []);
    this.#takeSeats([], v.licences);
    const row: ProfileRow = {
      id,
      organisation_id: this.#organisationId,
      ...valueColumns(v),
      ...this.#freshFacts(v.email),
      version: 1,
      change_seq: this.nextSeq(),
      deleted: 0,
      created_at: iso(this.#now),
      updated_at: iso(this.#now),
      deactivated_at: null,
      source: this.#source,
      otp_hash: null,
      otp_expires_at: null,
      otp_ticket_hash: null,
      otp_ticket_expires_at: null,
      account_id: null,
    };
    this.#put(this.#rows, id, row);
    this.#holders.add(row);
    this.#inserts.set(id, row);
    this.#entriesChanged.add(id);
    if (seatless.length > 0) return { kind: 'no_seat', row, version: 1, licences: seatless };
    return { kind: 'applied', row, version: 1 };
  }

  update(id: string, baseVersion: number, changes: ValueChanges, base: ValueChanges): ProfileOutcome {
    const row = this.#rows.get(id);
    if (row === undefined) return { kind: 'rejected', code: 'NOT_FOUND', message: 'No such profile.' };
    if (row.deleted !== 0) return { kind: 'conflict', reason: 'deleted', row };
    const current = rowValues(row);
    if (baseVersion !== row.version) {
      // The server moved on. The edit still applies if none of its fields moved
      // on the server since the console read them (a three-way merge that needs no person: the shared rule).
      const overlap = VALUE_FIELDS.filter((f) => f in changes && overlaps(f, base, changes, current));
      if (overlap.length > 0) return { kind: 'conflict', reason: 'version', row };
    }
    const merged = withChanges(current, changes, base);
    const checked = checkValues(merged, this.#defaultLanguage, { emailPolicy: this.#emailPolicy });
    if (!checked.ok) return { kind: 'rejected', code: 'VALIDATION_FAILED', message: 'The profile breaks the profile rules.', details: { fields: checked.fields, fieldRules: checked.rules } };
    const clash = this.#holders.clash(checked.value, id);
    if (clash !== null) return clash;
    const touched = ATTRIBUTE_FIELDS.filter((f) => !sameValue(checked.value[f], current[f]));
    const refusal = attributeRefusal(checked.value, this.#catalogue, this.#required, touched);
    if (refusal !== null) return refusal;
    const { values: v, seatless } = this.#seatedValues(checked.value, current.licences);
    if (sameValue(v, current)) return seatless.length > 0 ? { kind: 'no_seat', row, version: row.version, licences: seatless } : { kind: 'applied', row, version: row.version };
    this.#takeSeats(current.licences, v.licences);
    if (ATTRIBUTE_FIELDS.some((f) => !sameValue(v[f], current[f]))) this.#entriesChanged.add(id);
    this.#holders.remove(row);
    const emailChanged = v.email !== row.email;
    const next: ProfileRow = {
      ...row,
      ...valueColumns(v),
      ...(emailChanged ? this.#freshFacts(v.email) : {}),
      version: row.version + 1,
      change_seq: this.nextSeq(),
      updated_at: iso(this.#now),
    };
    if (emailChanged) this.#revokeFor.add(id);
    this.#put(this.#rows, id, next);
    this.#holders.add(next);
    if (this.#inserts.has(id)) this.#inserts.set(id, next);
    else this.#updates.add(id);
    if (seatless.length > 0) return { kind: 'no_seat', row: next, version: next.version, licences: seatless };
    return { kind: 'applied', row: next, version: next.version };
  }

  /** Deactivates (at `now`) or reactivates a live profile: a change of its own, with a new version that consoles pull. */
  setActive(id: string, active: boolean): ProfileOutcome {
    const row = this.#rows.get(id);
    if (row === undefined) return { kind: 'rejected', code: 'NOT_FOUND', message: 'No such profile.' };
    if (row.deleted !== 0) return { kind: 'conflict', reason: 'deleted', row };
    if ((row.deactivated_at === null) === active) return { kind: 'applied', row, version: row.version };
    const next: ProfileRow = { ...row, deactivated_at: active ? null : iso(this.#now), version: row.version + 1, change_seq: this.nextSeq(), updated_at: iso(this.#now) };
    this.#put(this.#rows, id, next);
    if (this.#inserts.has(id)) this.#inserts.set(id, next);
    else this.#updates.add(id);
    return { kind: 'applied', row: next, version: next.version };
  }

  delete(id: string, baseVersion: number): ProfileOutcome {
    const row = this.#rows.get(id);
    if (row === undefined || row.deleted !== 0) return { kind: 'applied', row: null, version: row?.version ?? 0 };
    if (baseVersion !== row.version) return { kind: 'conflict', reason: 'version', row };
    this.#takeSeats(idList(row.licences), []);
    this.#entriesChanged.add(id);
    this.#holders.remove(row);
    const next: ProfileRow = { ...row, deleted: 1, version: row.version + 1, change_seq: this.nextSeq(), updated_at: iso(this.#now) };
    this.#put(this.#rows, id, next);
    this.#revokeFor.add(id);
    if (this.#inserts.has(id)) this.#inserts.set(id, next);
    else this.#updates.add(id);
    return { kind: 'applied', row: null, version: next.version };
  }

  /**
   * One attribute change made to many profiles (a `profile.bulk` mutation):
   * each named profile as it stands here takes it, or is left as it is with
   * the reason. Only the attribute and its grants change (the other values
   * are the server's own, already checked); the entry must be a live one of
   * the attribute's catalogue, else nothing changes. A licence is given only
   * while a seat is left.
   */
  bulk(ids: readonly string[], change: BulkChange): BulkOutcome {
    const wanted = bulkEntryKind(change);
    if (wanted !== null && this.#catalogue.entry(wanted.entryId)?.kind !== wanted.kind) {
      const found = rule('entry_unknown', { field: change.field, value: wanted.entryId });
      return { kind: 'rejected', code: 'VALIDATION_FAILED', message: englishText(found), details: { fields: { [change.field]: englishText(found) }, fieldRules: { [change.field]: found } } };
    }
    const changed: { before: ProfileRow; after: ProfileRow }[] = [];
    const skipped: { profileId: string; reason: BulkSkipReason }[] = [];
    for (const id of new Set(ids)) {
      const row = this.#rows.get(id);
      if (row === undefined || row.deleted !== 0) {
        skipped.push({ profileId: id, reason: row === undefined ? 'not_found' : 'deleted' });
        continue;
      }
      const current = rowValues(row);
      const plan = planBulkChange(current, change, this.#required);
      if ('skip' in plan) {
        skipped.push({ profileId: id, reason: plan.skip });
        continue;
      }
      if (this.#seatless(current.licences, plan.next.licences).length > 0) {
        skipped.push({ profileId: id, reason: 'no_seat' });
        continue;
      }
      this.#takeSeats(current.licences, plan.next.licences);
      this.#entriesChanged.add(id);
      const next: ProfileRow = { ...row, ...valueColumns(plan.next), version: row.version + 1, change_seq: this.nextSeq(), updated_at: iso(this.#now) };
      this.#put(this.#rows, id, next);
      if (this.#inserts.has(id)) this.#inserts.set(id, next);
      else this.#updates.add(id);
      changed.push({ before: row, after: next });
    }
    return { kind: 'bulk', changed, skipped };
  }

  /**
   * Facts an invitation batch changed in this transaction (not content: no
   * version bump): the profiles it invited, and those it found confirmed.
   */
  noteInvited(outcome: { invited: readonly string[]; confirmed: readonly string[]; invitedAt: string; expiresAt: string }, seq: number): void {
    for (const id of outcome.invited) {
      const row = this.#rows.get(id);
      if (row !== undefined) this.#put(this.#rows, id, { ...row, invited_at: outcome.invitedAt, invitation_expires_at: outcome.expiresAt, change_seq: seq });
    }
    for (const id of outcome.confirmed) {
      const row = this.#rows.get(id);
      if (row !== undefined) this.#put(this.#rows, id, { ...row, confirmed_at: outcome.invitedAt, change_seq: seq });
    }
  }

  /**
   * Writes what changed since the last flush. The changes were checked in
   * memory in order, so the end state is consistent; the writes must not pass
   * through an inconsistent one on the way (one push may hand an email from a
   * profile to a new one, or swap two): the updated rows whose email or
   * external ID changes first let go of both, then the updated rows take their
   * final values (set-wise, only the columns that changed: StoredColumns), and
   * the new rows come last.
   */
  async flush(): Promise<void> {
    const inserts = [...this.#inserts.values()];
    this.#inserts.clear();
    const updates = [...this.#updates].map((id) => this.#rows.get(id)).filter((r): r is ProfileRow => r !== undefined);
    this.#updates.clear();
    await this.#stored.write(this.#trx, this.#organisationId, updates);
    if (!(await insertAsJson(this.#trx, 'profiles', inserts))) for (const part of chunks(inserts, 500)) await this.#trx.insertInto('profiles').values(part).execute();
    await this.#writeEntries();
    const revoke = [...this.#revokeFor];
    this.#revokeFor.clear();
    for (const part of chunks(revoke, 500)) await revokeOpenInvitations(this.#trx, this.#organisationId, part, this.#now);
  }

  /** Which entries each changed profile holds (profile_entries): written again for the profiles whose attributes changed. */
  async #writeEntries(): Promise<void> {
    const ids = [...this.#entriesChanged];
    this.#entriesChanged.clear();
    for (const part of chunks(ids, 500)) {
      await this.#trx.deleteFrom('profile_entries').where('organisation_id', '=', this.#organisationId).where('profile_id', 'in', part).execute();
    }
    const rows: { organisation_id: string; entry_id: string; profile_id: string }[] = [];
    for (const id of ids) {
      const row = this.#rows.get(id);
      if (row === undefined || row.deleted !== 0) continue;
      for (const entryId of entryIdsOf(rowAttributes(row))) rows.push({ organisation_id: this.#organisationId, entry_id: entryId, profile_id: id });
    }
    for (const part of chunks(rows, 300)) await this.#trx.insertInto('profile_entries').values(part).execute();
  }

  toResult(mutationId: string, entityId: string, outcome: ProfileOutcome): PushResult {
    switch (outcome.kind) {
      case 'no_seat':
        return { mutationId, entityId, status: 'conflict', reason: 'no_seat', row: toProfile(outcome.row, this.#now), deleted: false, licences: outcome.licences };
      case 'applied':
        return {
          mutationId,
          entityId,
          status: 'applied',
          version: outcome.version,
          row: outcome.row === null ? null : toProfile(outcome.row, this.#now),
          invite: null,
        };
      case 'conflict':
        return {
          mutationId,
          entityId,
          status: 'conflict',
          reason: outcome.reason,
          row: toProfile(outcome.row, this.#now),
          deleted: outcome.row.deleted !== 0,
        };
      case 'rejected':
        return outcome.details === undefined
          ? { mutationId, entityId, status: 'rejected', code: outcome.code, message: outcome.message }
          : { mutationId, entityId, status: 'rejected', code: outcome.code, message: outcome.message, details: outcome.details };
    }
  }
}
