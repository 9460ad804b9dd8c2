import { z } from 'zod';
import type { FastifyInstance } from 'fastify';
import { AppError } from '../../src-shared/errors';
import { LIMITS } from '../../src-shared/profile';
import { accountSessionSchema, adminInvitationRevokedSchema, adminRemovedSchema, forgotPasswordAnswerSchema, orgAdminInvitationSchema, orgAdminListSchema, orgAdminSchema, passwordChangedSchema, sessionEndedSchema, signedOutEverywhereSchema } from '../../src-shared/org-wire';
import { API_PREFIX, ROLES } from '../../src-shared/wire';
import { apiRoute } from '../plugins/zod-routes';
import { sendPasswordReset } from '../services/account-links';
import { inviteAdmin, revokeAdminInvitation } from '../services/admin-invitations';
import { changeRole, listAdmins, removeAdmin } from '../services/admins';
import { sourceOf } from '../services/audit';
import type { BackgroundTasks } from '../lib/background-tasks';
import type { AuthService } from '../services/auth';
import type { ServerContext } from '../services/context';
import { addressKey, DbRateLimiter, RateLimitedError, waitText } from '../lib/rate-limit';

const roleSchema = z.enum(ROLES, { error: `role must be one of ${ROLES.join(', ')}.` });

const FORGOT_ANSWER = 'If this email belongs to a Roster admin, a link to choose a new password is on its way. It works for one hour.';

/** Owners manage admins; every admin manages their own account (password, sessions). */
export function adminRoutes(app: FastifyInstance, ctx: ServerContext, auth: AuthService, background: BackgroundTasks): void {
  apiRoute(app, {
    method: 'GET',
    url: `${API_PREFIX}/admins`,
    summary: 'The organisation’s owners, admins and viewers, and the invitations not yet accepted',
    tags: ['admins'],
    access: 'read',
    response: orgAdminListSchema,
    handler: async ({ actor }) => listAdmins(ctx, actor.organisationId),
  });

  apiRoute(app, {
    method: 'POST',
    url: `${API_PREFIX}/admins/invitations`,
    summary: 'Invite someone by email as owner, admin or viewer (owner only): they get a link to set a password, or to join with the account they have',
    tags: ['admins'],
    access: 'owner',
    body: z.object({ email: z.string().min(1).max(LIMITS.emailLength), role: roleSchema }),
    response: orgAdminInvitationSchema,
    handler: async ({ body, actor, request }) => inviteAdmin(ctx, actor, body, sourceOf(request)),
  });

  apiRoute(app, {
    method: 'DELETE',
    url: `${API_PREFIX}/admins/invitations/:id`,
    summary: 'Withdraw an admin invitation not yet accepted (owner only): its link stops working',
    tags: ['admins'],
    access: 'owner',
    params: z.object({ id: z.uuid() }),
    response: adminInvitationRevokedSchema,
    handler: async ({ params, actor, request }) => {
      await revokeAdminInvitation(ctx, actor, params.id, sourceOf(request));
      return { revoked: true as const };
    },
  });

  apiRoute(app, {
    method: 'PATCH',
    url: `${API_PREFIX}/admins/:accountId`,
    summary: 'Change an admin’s role (owner only); the last owner cannot be demoted',
    tags: ['admins'],
    access: 'owner',
    params: z.object({ accountId: z.uuid() }),
    body: z.object({ role: roleSchema }),
    response: orgAdminSchema,
    handler: async ({ params, body, actor, request }) => changeRole(ctx, actor, params.accountId, body.role, sourceOf(request)),
  });

  apiRoute(app, {
    method: 'DELETE',
    url: `${API_PREFIX}/admins/:accountId`,
    summary: 'Remove an admin (owner only; anyone may remove themself): their sessions in this organisation end at once; the last owner cannot be removed',
    tags: ['admins'],
    access: 'read',
    params: z.object({ accountId: z.uuid() }),
    response: adminRemovedSchema,
    handler: async ({ params, actor, request }) => {
      await removeAdmin(ctx, actor, params.accountId, sourceOf(request));
      return { removed: true as const };
    },
  });

  // ---------------------------------------------------------------- my account

  apiRoute(app, {
    method: 'POST',
    url: `${API_PREFIX}/account/password`,
    summary: 'Change my password (the current one is asked again); my other sessions end',
    tags: ['account'],
    access: 'read',
    body: z.object({ currentPassword: z.string().min(1).max(1024), newPassword: z.string().min(1).max(1024) }),
    response: passwordChangedSchema,
    handler: async ({ body, actor, request }) => {
      const token = request.sessionToken;
      if (token === null) throw new AppError('UNAUTHORIZED', 'Sign in first.');
      return auth.changePassword(actor, token, body, sourceOf(request));
    },
  });

  const limiter = new DbRateLimiter(ctx.db);
  apiRoute(app, {
    method: 'POST',
    url: `${API_PREFIX}/account/forgot-password`,
    summary: 'Email a link to choose a new password; answers the same whether or not the email is an admin’s',
    tags: ['account'],
    access: 'public',
    body: z.object({ email: z.string().min(1).max(LIMITS.emailLength) }),
    response: forgotPasswordAnswerSchema,
    handler: async ({ body, request }) => {
      const now = ctx.clock.now();
      const email = body.email.trim().toLowerCase();
      const limited = await limiter.take(
        [
          { key: `forgot:ip:${addressKey(request.ip)}`, max: 10, windowMs: 3_600_000 },
          { key: `forgot:email:${email}`, max: 3, windowMs: 3_600_000 },
        ],
        now,
      );
      if (!limited.ok) throw new RateLimitedError(`Too many password reset requests. Try again in ${waitText(now.getTime(), limited.retryAt.getTime())}.`, limited.retryAt, now);
      // The answer goes before the lookup: its time says nothing of whether the email is an admin's.
      const source = sourceOf(request);
      background.run('admin-password-reset', () => sendPasswordReset(ctx, body.email, { type: 'person', accountId: null, email: null }, source), [body.email, email]);
      return { message: FORGOT_ANSWER };
    },
  });

  apiRoute(app, {
    method: 'GET',
    url: `${API_PREFIX}/account/sessions`,
    summary: 'My sessions that have not ended, in every organisation, newest first',
    tags: ['account'],
    access: 'read',
    response: z.array(accountSessionSchema),
    handler: async ({ actor, request }) => auth.listSessions(actor, request.sessionToken ?? ''),
  });

  apiRoute(app, {
    method: 'DELETE',
    url: `${API_PREFIX}/account/sessions/:id`,
    summary: 'End one of my sessions',
    tags: ['account'],
    access: 'read',
    params: z.object({ id: z.string().regex(/^[0-9a-f]{32}$/, 'not a session id') }),
    response: sessionEndedSchema,
    handler: async ({ params, actor, request }) => {
      if (!(await auth.endSession(actor, params.id, sourceOf(request)))) throw new AppError('NOT_FOUND', 'No session of yours with this id.');
      return { ended: true as const };
    },
  });

  apiRoute(app, {
    method: 'POST',
    url: `${API_PREFIX}/account/sign-out-everywhere`,
    summary: 'End every session of my account, in every organisation (this one included)',
    tags: ['account'],
    access: 'read',
    response: signedOutEverywhereSchema,
    handler: async ({ actor, request }) => ({ ended: await auth.signOutEverywhere(actor, sourceOf(request)) }),
  });
}
