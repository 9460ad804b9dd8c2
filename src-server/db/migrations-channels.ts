import { sql } from 'kysely';
import type { Kysely, Migration } from 'kysely';
import type { DialectName } from './connect';
import { atomically } from './migration-tx';

/** How invitations reach people: email, SMS (0100 on). */
export const channelMigrations = (dialect: DialectName): Record<string, Migration> => ({
  /**
   * Invitations by SMS (issue 15): each outbox row has a channel (email, the
   * default, or sms), so an invitation may have one email and one SMS, both
   * carrying its link; each organisation chooses which channels invitations
   * use (email, sms, both).
   */
  '0100_sms': {
    up: (db: Kysely<unknown>) =>
      atomically(dialect, db, async () => {
        await sql`alter table mail_outbox add column channel text not null default 'email'`.execute(db);
        await sql`alter table organisations add column invitation_channels text not null default 'email'`.execute(db);
        // One message per invitation, kind and channel (was: per invitation and kind).
        await db.schema.dropIndex('mail_outbox_one_per_invitation').execute();
        await db.schema.createIndex('mail_outbox_one_per_invitation').on('mail_outbox').columns(['invitation_id', 'kind', 'channel']).unique().where(sql<boolean>`invitation_id is not null`).execute();
        await db.schema.createIndex('mail_outbox_due_by_channel').on('mail_outbox').columns(['channel', 'state', 'next_attempt_at']).execute();
      }),
    /**
     * Back to email only (a rolled-back upgrade): the SMS of the outbox go
     * (the earlier version has no way to send them; their invitations' links
     * still work, by email where one was sent), and so does the setting.
     */
    down: (db: Kysely<unknown>) =>
      atomically(dialect, db, async () => {
        await sql`delete from mail_outbox where channel = 'sms'`.execute(db);
        await db.schema.dropIndex('mail_outbox_due_by_channel').execute();
        await db.schema.dropIndex('mail_outbox_one_per_invitation').execute();
        await db.schema.createIndex('mail_outbox_one_per_invitation').on('mail_outbox').columns(['invitation_id', 'kind']).unique().where(sql<boolean>`invitation_id is not null`).execute();
        await db.schema.alterTable('mail_outbox').dropColumn('channel').execute();
        await db.schema.alterTable('organisations').dropColumn('invitation_channels').execute();
      }),
  },
});
