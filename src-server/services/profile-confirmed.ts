import { randomUUID } from 'node:crypto';
import { validateProfile } from '../../src-shared/profile';
import type { ProfileDraft } from '../../src-shared/profile';
import { iso } from '../db/tx';
import type { Tx } from '../db/tx';
import { appendAudit } from './audit';
import { readRequired } from './catalogue-reads';
import type { ServerContext } from './context';
import { lockOrganisation, setChangeSeq, toSettings } from './organisations';
import { profileEntry, valuesOfRow } from './profile-audit';
import type { AuditWho } from './profile-audit';
import { noteUsernameNeeds, noUsernameNeeds } from './profile-usernames';
import { ProfileBatch } from './profiles';

export type ConfirmedProfileOutcome = { ok: true; id: string } | { ok: false; reason: string };

/**
 * A profile a person made for themselves, with an address someone vouched
 * for (their identity provider, or the link they opened): created through
 * the same ProfileBatch, checks, username format and assignment rules as
 * every other creation, confirmed from the start, and written in the audit
 * log with where it came from (`origin`: "SSO", "self sign-up"; the row's
 * source is `who.profileSource`). Runs in the
 * caller's transaction; refuses, creating nothing, what the rules refuse.
 */
export async function createConfirmedProfile(ctx: ServerContext, trx: Tx, organisationId: string, draft: ProfileDraft, who: AuditWho, origin: string): Promise<ConfirmedProfileOutcome> {
  const now = ctx.clock.now();
  const org = await lockOrganisation(trx, organisationId);
  const defaultLanguage = toSettings(org).defaultLanguage;
  const checked = validateProfile(draft, { defaultLanguage });
  if (!checked.ok) return { ok: false, reason: Object.entries(checked.fields).map(([field, message]) => `${field}: ${message}`).join('; ') };
  const batch = new ProfileBatch(trx, organisationId, {
    seq: org.change_seq,
    defaultLanguage,
    now,
    requiredAttributes: readRequired(org.required_attributes),
    usernameFormat: org.username_format,
    source: who.profileSource,
  });
  const id = randomUUID();
  const usernames = noUsernameNeeds();
  noteUsernameNeeds(usernames, checked.value, true);
  await batch.preload([id], [checked.value.email], checked.value.externalId === null ? [] : [checked.value.externalId], usernames);
  const created = batch.create(id, checked.value);
  if (created.kind === 'rejected') return { ok: false, reason: created.message };
  if (created.kind === 'conflict') return { ok: false, reason: created.reason };
  await batch.flush();
  // The address was vouched for: the profile is confirmed from the start (the account, shared with other organisations, is left as it is).
  await trx.updateTable('profiles').set({ confirmed_at: iso(now) }).where('organisation_id', '=', organisationId).where('id', '=', id).execute();
  if (batch.seqChanged) await setChangeSeq(trx, organisationId, batch.seq);
  const row = await trx.selectFrom('profiles').selectAll().where('organisation_id', '=', organisationId).where('id', '=', id).executeTakeFirstOrThrow();
  const entry = profileEntry(organisationId, who, id, null, valuesOfRow(row));
  if (entry !== null) await appendAudit(trx, { ...entry, details: { ...entry.details, source: origin } }, now);
  return { ok: true, id };
}
