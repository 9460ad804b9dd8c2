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
