import { AppError, ruleError } from '../../../src-shared/errors';
import { rule } from '../../../src-shared/messages';
import type { RuleMessage } from '../../../src-shared/messages';
import type { Selection } from '../../../src-shared/contract/profiles';
import { localSkipReason } from '../../../src-shared/contract/sync';
import type { InviteBatchView, InvitePreview, LocalSkipReason, SkipReason, SkipReasonText } from '../../../src-shared/contract/sync';
import { MAX_INVITE_BATCH } from '../../../src-shared/wire';
import { INVITATION_CHANNELS, invitationChannelsFor } from '../../../src-shared/sms';
import type { InvitationChannels } from '../../../src-shared/sms';
import type { ChangeSink, Clock, IdSource, ReplicaPort } from '../ports';
import type { InviteBatchRecord, InviteStorePort, InviteSyncPort, SelectionMember } from './ports';
import { queueInvite } from '../profiles/writes';

export interface InviteServiceDeps {
  replica: ReplicaPort;
  store: InviteStorePort;
  clock: Clock;
  ids: IdSource;
  events: ChangeSink;
  sync: InviteSyncPort;
}

const SKIP_REASON: Record<SkipReason, SkipReasonText> = {
  confirmed: 'already confirmed',
  deactivated: 'deactivated by the identity provider',
  not_found: 'no longer exists',
  deleted: 'deleted on the server',
  already_confirmed: 'already confirmed',
  cooldown: 'invited a few minutes ago',
  rate_limited: 'hourly invitation limit reached',
  no_channel: 'no email and no mobile phone',
};

/** The invited grouped by what they will get (email, SMS or both), with a few names of each. */
function byChannel(members: readonly SelectionMember[], setting: InvitationChannels): InvitePreview['byChannel'] {
  const groups = new Map<InvitationChannels, { count: number; examples: string[] }>();
  for (const member of members) {
    const channels = invitationChannelsFor(setting, member);
    const key: InvitationChannels | null = channels.length === 2 ? 'both' : (channels[0] ?? null);
    if (key === null) continue;
    const group = groups.get(key) ?? { count: 0, examples: [] };
    group.count += 1;
    if (group.examples.length < 5) group.examples.push(member.name);
    groups.set(key, group);
  }
  return INVITATION_CHANNELS.flatMap((channels) => {
    const group = groups.get(channels);
    return group === undefined ? [] : [{ channels, ...group }];
  });
}

/** Why a batch past "queued" (or already going out) cannot be cancelled. */
/**
 * Why a selection has no one to invite: nothing ticked, or the ticked profiles
 * are gone (a pull brought another console's deletion, or a create the server
 * refused was parked, between the tick and the click). The second is said as
 * such (NOT_FOUND), never as "nothing selected".
 */
function noneSelected(selection: Selection): AppError {
  if (selection.kind === 'ids' && selection.ids.length > 0) return ruleError('NOT_FOUND', rule('invite_selection_gone', { count: selection.ids.length }));
  return ruleError('VALIDATION_FAILED', rule('invite_none_selected', {}));
}

const NOT_CANCELLABLE: Record<InviteBatchRecord['status'], RuleMessage> = {
  queued: rule('invite_batch_being_sent', {}),
  sending: rule('invite_batch_being_sent', {}),
  sent: rule('invite_batch_sent', {}),
  cancelled: rule('invite_batch_cancelled', {}),
  failed: rule('invite_batch_failed', {}),
};

/**
 * Invitation batches ("send email 1 to these people"), queued in the outbox
 * like any change so they can be prepared offline and go out when the server
 * is reachable.
 */
export class InviteService {
  constructor(private readonly deps: InviteServiceDeps) {}

  /** What inviting the selection would do; with the organisation's `channels` setting, also who gets which. */
  preview(selection: Selection, channels?: InvitationChannels): InvitePreview {
    const members = this.deps.store.selectionMembers(selection, this.deps.clock.now());
    const { toInvite, skipped } = this.#split(members);
    const skippedBy = (reason: LocalSkipReason) => skipped.filter((s) => s.reason === reason).map((s) => s.member);
    return {
      selected: members.length,
      toInvite: toInvite.length,
      skipped: (['deactivated', 'confirmed'] as const).flatMap((reason) => {
        const left = skippedBy(reason);
        return left.length === 0 ? [] : [{ reason: SKIP_REASON[reason], count: left.length, examples: left.slice(0, 5).map((m) => m.name) }];
      }),
      resend: toInvite.filter((m) => m.status === 'pending' || m.status === 'expired').length,
      byChannel: channels === undefined ? [] : byChannel(toInvite, channels),
    };
  }

  /** Who of a selection is invited, and who is left out and why (the shared rule, localSkipReason). */
  #split(members: readonly SelectionMember[]): { toInvite: SelectionMember[]; skipped: { member: SelectionMember; reason: LocalSkipReason }[] } {
    const toInvite: SelectionMember[] = [];
    const skipped: { member: SelectionMember; reason: LocalSkipReason }[] = [];
    for (const member of members) {
      const reason = localSkipReason({ status: member.status, deactivated: member.deactivated === 1 });
      if (reason === null) toInvite.push(member);
      else skipped.push({ member, reason });
    }
    return { toInvite, skipped };
  }

  /** Queues one batch (more above the server's per-batch limit); confirmed profiles are left out and said so. */
  create(selection: Selection): InviteBatchView {
    const { replica, store, clock, ids } = this.deps;
    const now = clock.now();
    const members = store.selectionMembers(selection, now);
    if (members.length === 0) throw noneSelected(selection);
    const split = this.#split(members);
    const toInvite = split.toInvite;
    const skipped = split.skipped.map((s) => ({ profileId: s.member.id, reason: s.reason }));
    if (toInvite.length === 0) throw ruleError('VALIDATION_FAILED', rule(skipped.some((s) => s.reason === 'deactivated') ? 'invite_none_active' : 'invite_all_confirmed', {}));
    const stamp = now.toISOString();
    let first: InviteBatchRecord | undefined;
    replica.transaction(() => {
      for (let i = 0; i < toInvite.length; i += MAX_INVITE_BATCH) {
        const profileIds = toInvite.slice(i, i + MAX_INVITE_BATCH).map((m) => m.id);
        const mutation = queueInvite(this.deps, ids.uuid(), profileIds, stamp);
        const batch: InviteBatchRecord = {
          id: mutation.entityId,
          mutationId: mutation.id,
          status: 'queued',
          profileIds,
          skippedLocal: i === 0 ? skipped : [],
          invited: null,
          skipped: null,
          error: null,
          errorCause: null,
          createdAt: stamp,
          sentAt: null,
        };
        store.addBatch(batch);
        first ??= batch;
      }
    });
    this.deps.events.changed(['invites', 'outbox']);
    this.deps.sync.poke();
    if (first === undefined) throw new AppError('INTERNAL', 'No batch was made.');
    return this.view(first);
  }

  list(limit: number): InviteBatchView[] {
    return this.deps.store.batches(limit).map((b) => this.view(b));
  }

  /** A queued batch can be cancelled until it starts going out. */
  cancel(id: string): InviteBatchView {
    const { replica, store } = this.deps;
    const result = replica.transaction(() => {
      const batch = store.batch(id);
      if (batch === undefined) throw ruleError('NOT_FOUND', rule('invite_batch_missing', {}));
      if (batch.status !== 'queued' || this.deps.sync.isInFlight(batch.mutationId)) throw ruleError('VALIDATION_FAILED', NOT_CANCELLABLE[batch.status]);
      store.removeMutations([batch.mutationId]);
      store.updateBatch(id, { status: 'cancelled' });
      return store.batch(id);
    });
    this.deps.events.changed(['invites', 'outbox']);
    if (result === undefined) throw ruleError('NOT_FOUND', rule('invite_batch_missing', {}));
    return this.view(result);
  }

  private view(b: InviteBatchRecord): InviteBatchView {
    const names = new Map(
      this.deps.store.selectionMembers({ kind: 'ids', ids: [...b.profileIds, ...b.skippedLocal.map((s) => s.profileId)].slice(0, 100_000) }, this.deps.clock.now()).map((m) => [m.id, m.name]),
    );
    const nameOf = (id: string): string => names.get(id) ?? 'a profile no longer here';
    const results: InviteBatchView['results'] = [];
    if (b.invited !== null) for (const id of b.invited) results.push({ profileId: id, name: nameOf(id), outcome: 'invited', reason: null, retryAt: null });
    if (b.skipped !== null) {
      for (const s of b.skipped) results.push({ profileId: s.profileId, name: nameOf(s.profileId), outcome: 'skipped', reason: SKIP_REASON[s.reason], retryAt: s.retryAt ?? null });
    }
    return {
      id: b.id,
      status: b.status === 'queued' && this.deps.sync.isInFlight(b.mutationId) ? 'sending' : b.status,
      createdAt: b.createdAt,
      sentAt: b.sentAt,
      profileCount: b.profileIds.length,
      skippedLocal: b.skippedLocal.map((s) => ({ profileId: s.profileId, name: nameOf(s.profileId), reason: SKIP_REASON[s.reason] })),
      results,
      error: b.error,
      errorCause: b.errorCause,
      undelivered: b.invited === null ? 0 : this.deps.store.notDeliveredAmong(b.invited),
    };
  }
}
