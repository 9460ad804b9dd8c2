import { z } from 'zod';
import type { FastifyInstance } from 'fastify';
import { LANGUAGES } from '../../src-shared/languages';
import { LIMITS } from '../../src-shared/profile';
import { API_PREFIX } from '../../src-shared/wire';
import { apiRoute } from '../plugins/zod-routes';
import { sendPasswordReset } from '../services/account-links';
import { createOrganisationForOwner, listOrganisations, setOrganisationDisabled } from '../services/admins';
import { OPERATOR_ACTOR, sourceOf } from '../services/audit';
import type { ServerContext } from '../services/context';

const isoTimestamp = z.iso.datetime({ offset: true });

export const organisationSummarySchema = z.object({
  id: z.uuid(),
  name: z.string(),
  defaultLanguage: z.enum(LANGUAGES),
  disabled: z.boolean(),
  createdAt: isoTimestamp,
  owners: z.array(z.string()),
  pendingOwners: z.array(z.string()),
  admins: z.int().min(0),
  profiles: z.int().min(0),
});

/**
 * The operator API: what `npm run server -- org …` and `admin
 * reset-password` do, for automation. Only with ROSTER_OPERATOR_TOKEN set,
 * and only with that token as the bearer.
 */
export function operatorRoutes(app: FastifyInstance, ctx: ServerContext): void {
  apiRoute(app, {
    method: 'POST',
    url: `${API_PREFIX}/operator/organisations`,
    summary: 'Create an organisation; its owner gets an email with a link to set a password (operator)',
    tags: ['operator'],
    access: 'operator',
    body: z.object({ name: z.string().max(1000), ownerEmail: z.string().min(1).max(LIMITS.emailLength), language: z.string().max(20).optional() }),
    response: z.object({ organisationId: z.uuid(), ownerEmail: z.string(), linkExpiresAt: isoTimestamp }),
    handler: async ({ body, request }) => createOrganisationForOwner(ctx, body, sourceOf(request)),
  });

  apiRoute(app, {
    method: 'GET',
    url: `${API_PREFIX}/operator/organisations`,
    summary: 'Every organisation on this server, with its owners and counts (operator)',
    tags: ['operator'],
    access: 'operator',
    response: z.array(organisationSummarySchema),
    handler: async () => listOrganisations(ctx),
  });

  apiRoute(app, {
    method: 'POST',
    url: `${API_PREFIX}/operator/organisations/:id/disable`,
    summary: 'Disable an organisation: nobody signs in to it, its sessions end (operator)',
    tags: ['operator'],
    access: 'operator',
    params: z.object({ id: z.uuid() }),
    response: organisationSummarySchema,
    handler: async ({ params, request }) => setOrganisationDisabled(ctx, params.id, true, sourceOf(request)),
  });

  apiRoute(app, {
    method: 'POST',
    url: `${API_PREFIX}/operator/organisations/:id/enable`,
    summary: 'Enable a disabled organisation again (operator)',
    tags: ['operator'],
    access: 'operator',
    params: z.object({ id: z.uuid() }),
    response: organisationSummarySchema,
    handler: async ({ params, request }) => setOrganisationDisabled(ctx, params.id, false, sourceOf(request)),
  });

  apiRoute(app, {
    method: 'POST',
    url: `${API_PREFIX}/operator/admins/reset-password`,
    summary: 'Email an admin a link to choose a new password (operator); says whether the email is an admin’s',
    tags: ['operator'],
    access: 'operator',
    body: z.object({ email: z.string().min(1).max(LIMITS.emailLength) }),
    response: z.object({ sent: z.boolean() }),
    handler: async ({ body, request }) => ({ sent: await sendPasswordReset(ctx, body.email, OPERATOR_ACTOR, sourceOf(request)) }),
  });
}
