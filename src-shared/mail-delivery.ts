/**
 * Where an email stands, as an admin reads it: `queued` (waiting or being
 * sent), `sent` (the relay took it), `failing` (an attempt failed, it will
 * be tried again), `failed` (refused for good, or still failing when the
 * retry period ended), `unknown` (the connection broke just as the relay
 * may have taken it: not re-sent by itself), `cancelled` (replaced by a
 * newer invitation before it left).
 */
export const MAIL_DELIVERY_STATES = ['queued', 'sent', 'failing', 'failed', 'unknown', 'cancelled'] as const;
export type MailDelivery = (typeof MAIL_DELIVERY_STATES)[number];

/** The delivery state of an outbox row from its state and whether an attempt failed. */
export function mailDelivery(state: string, lastError: string | null): MailDelivery {
  switch (state) {
    case 'sent':
    case 'failed':
    case 'unknown':
    case 'cancelled':
      return state;
    default:
      // queued, sending, handed: still on its way; failing once an attempt did not go through.
      return lastError === null ? 'queued' : 'failing';
  }
}

/**
 * A profile's latest invitation email as the sync feed carries it to the
 * console (see the pull feed in docs/SERVER.md).
 */
export interface InvitationDelivery {
  /** The outbox id (what `POST /api/v1/mail/:id/retry` takes). */
  mailId: string;
  state: MailDelivery;
  /** Why the last attempt failed (failing, failed, unknown); null otherwise. */
  reason: string | null;
  /** When it was last tried (sent: when the relay took it); null: not tried yet. */
  lastAttemptAt: string | null;
  /** Failing: when the next attempt is due. */
  nextAttemptAt: string | null;
  /** Queued or failing: when the server stops trying and fails it. */
  retryUntil: string | null;
}

/** States in which the invitation has not reached the relay and needs an admin's eye. */
export const NOT_DELIVERED_STATES = ['failing', 'failed', 'unknown'] as const satisfies readonly MailDelivery[];

export const isNotDelivered = (state: MailDelivery): boolean => (NOT_DELIVERED_STATES as readonly MailDelivery[]).includes(state);

/** Whether an admin may ask the server to send it again (the server checks the rest: link still valid, not being sent). */
export const isRetryable = (state: MailDelivery): boolean => isNotDelivered(state);
