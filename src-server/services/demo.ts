import { randomBytes } from 'node:crypto';
import { hashPassword } from '../lib/crypto';
import { passwordProblem } from '../lib/passwords';
import { iso } from '../db/tx';
import type { ServerContext } from './context';
import { createOrganisation } from './organisations';

export const DEMO_ORGANISATION = 'Demo organisation';
export const DEMO_ADMIN_EMAIL = 'admin@demo.roster.localhost';

export interface DemoCredentials {
  organisationName: string;
  email: string;
  password: string;
}

/** 120 random bits; drawn again in the (vanishingly rare) case the password rules would refuse the draw. */
function newPassword(email: string): string {
  for (;;) {
    const password = randomBytes(15).toString('base64url');
    if (passwordProblem(password, password, { email, names: [DEMO_ORGANISATION] }) === null) return password;
  }
}

/**
 * On an empty database, creates the demo organisation and its owner and
 * returns the credentials (the caller prints them, once: only the hash is
 * kept). With `reset`, gives the demo owner a new password instead.
 */
export async function ensureDemo(ctx: ServerContext, options: { reset: boolean }): Promise<DemoCredentials | null> {
  const any = await ctx.db.selectFrom('organisations').select('id').limit(1).executeTakeFirst();
  if (any === undefined) {
    const password = newPassword(DEMO_ADMIN_EMAIL);
    await createOrganisation(ctx, { name: DEMO_ORGANISATION, ownerEmail: DEMO_ADMIN_EMAIL, ownerPassword: password });
    await ctx.db.insertInto('meta').values({ key: 'demo_admin_email', value: DEMO_ADMIN_EMAIL }).execute();
    return { organisationName: DEMO_ORGANISATION, email: DEMO_ADMIN_EMAIL, password };
  }
  if (!options.reset) return null;
  const meta = await ctx.db.selectFrom('meta').select('value').where('key', '=', 'demo_admin_email').executeTakeFirst();
  if (meta === undefined) return null;
  const password = newPassword(meta.value);
  const hash = await hashPassword(password, ctx.config.scrypt);
  const updated = await ctx.db.updateTable('accounts').set({ password_hash: hash, updated_at: iso(ctx.clock.now()) }).where('email', '=', meta.value).executeTakeFirst();
  if (updated.numUpdatedRows !== 1n) return null;
  // Old sessions of the demo owner end with the old password.
  await ctx.db.deleteFrom('sessions').where('account_id', 'in', ctx.db.selectFrom('accounts').select('id').where('email', '=', meta.value)).execute();
  return { organisationName: DEMO_ORGANISATION, email: meta.value, password };
}
