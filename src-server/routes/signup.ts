import type { FastifyInstance } from 'fastify';
import QRCode from 'qrcode';
import { signUpPath, signupLinksSchema, signupSettingsChangeSchema, signupSettingsSchema } from '../../src-shared/signup-wire';
import type { SignupLink } from '../../src-shared/signup-wire';
import { API_PREFIX } from '../../src-shared/wire';
import { apiRoute } from '../plugins/zod-routes';
import { sourceOf } from '../services/audit';
import { liveEntries } from '../services/catalogue-reads';
import type { ServerContext } from '../services/context';
import { readSignupRow, saveSignup, signupView } from '../services/signup';

/** A link's QR code, as SVG and as a PNG data URL: medium error correction, a quiet zone of 4 modules as the standard asks. */
async function qrOf(url: string): Promise<Pick<SignupLink, 'qrSvg' | 'qrPngDataUrl'>> {
  const options = { errorCorrectionLevel: 'M' as const, margin: 4 };
  const [qrSvg, qrPngDataUrl] = await Promise.all([QRCode.toString(url, { ...options, type: 'svg' }), QRCode.toDataURL(url, { ...options, type: 'image/png', width: 512 })]);
  return { qrSvg, qrPngDataUrl };
}

/** The organisation's self sign-up settings, and its sign-up links with their QR codes (issue 15). */
export function signupRoutes(app: FastifyInstance, ctx: ServerContext): void {
  apiRoute(app, {
    method: 'GET',
    url: `${API_PREFIX}/signup`,
    summary: 'The organisation’s self sign-up settings',
    tags: ['signup'],
    access: 'read',
    response: signupSettingsSchema,
    handler: async ({ actor }) => signupView(ctx, actor.organisationId, await readSignupRow(ctx.db, actor.organisationId)),
  });

  apiRoute(app, {
    method: 'PUT',
    url: `${API_PREFIX}/signup`,
    summary: 'Open or close self sign-up and set its rules (owner)',
    tags: ['signup'],
    access: 'owner',
    body: signupSettingsChangeSchema,
    response: signupSettingsSchema,
    handler: async ({ body, actor, request }) => saveSignup(ctx, actor, body, sourceOf(request)),
  });

  apiRoute(app, {
    method: 'GET',
    url: `${API_PREFIX}/signup/links`,
    summary: 'The sign-up links, the organisation’s and one per department, each with its QR code',
    tags: ['signup'],
    access: 'read',
    response: signupLinksSchema,
    handler: async ({ actor }) => {
      const config = await readSignupRow(ctx.db, actor.organisationId);
      const base = ctx.publicBaseUrl();
      const departments = (await liveEntries(ctx.db, actor.organisationId)).filter((e) => e.kind === 'department').sort((a, b) => a.name.localeCompare(b.name));
      const targets = [null, ...departments.map((d) => ({ id: d.id, name: d.name }))];
      const links = await Promise.all(
        targets.map(async (department) => {
          const url = `${base}${signUpPath(actor.organisationId, department?.id)}`;
          return { department, url, ...(await qrOf(url)) };
        }),
      );
      return { enabled: config?.enabled === 1, links };
    },
  });
}
