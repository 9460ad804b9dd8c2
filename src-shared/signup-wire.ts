import { z } from 'zod';
import { emailDomainSchema } from './sso-wire';

/**
 * The wire shapes of an organisation's self sign-up (issue 15): its settings
 * (GET/PUT /api/v1/signup) and its sign-up links, one for the organisation
 * and one per department, each with its QR code (GET /api/v1/signup/links).
 * Shapes only: no I/O here.
 */

/** What GET /signup answers. */
export const signupSettingsSchema = z.object({
  /** People may sign themselves up on the organisation's sign-up page. Off until an owner opens it. */
  enabled: z.boolean(),
  /** The page lets a person choose their department (a department's own link sets it instead). */
  departmentChoice: z.boolean(),
  /** Only emails of these domains may sign up; empty: any. */
  allowedDomains: z.array(z.string()),
  /** The organisation's sign-up page. */
  signUpUrl: z.string(),
  updatedAt: z.string().nullable(),
});
export type SignupSettings = z.output<typeof signupSettingsSchema>;

/** PUT /signup: the whole setting. */
export const signupSettingsChangeSchema = z.strictObject({
  enabled: z.boolean(),
  departmentChoice: z.boolean().default(false),
  allowedDomains: z.array(emailDomainSchema).max(100).default([]),
});
export type SignupSettingsChange = z.input<typeof signupSettingsChangeSchema>;

/** One sign-up link: the organisation's own (no department) or a department's, with its QR code as SVG. */
export const signupLinkSchema = z.object({
  department: z.object({ id: z.string(), name: z.string() }).nullable(),
  url: z.string(),
  /** The QR code of `url`, an SVG document. */
  qrSvg: z.string(),
  /** The same QR code as a PNG, a data: URL (for a download or a printed sheet). */
  qrPngDataUrl: z.string(),
});
export type SignupLink = z.output<typeof signupLinkSchema>;

export const signupLinksSchema = z.object({ enabled: z.boolean(), links: z.array(signupLinkSchema) });
export type SignupLinks = z.output<typeof signupLinksSchema>;

/** The sign-up page of an organisation, or of one of its departments. */
export const signUpPath = (organisationId: string, departmentId?: string | null): string =>
  `/o/${organisationId}/sign-up${departmentId === undefined || departmentId === null ? '' : `?department=${encodeURIComponent(departmentId)}`}`;

/** The page a verification link opens (the token is the secret: logs show it redacted). */
export const signUpVerifyPath = (organisationId: string, token: string): string => `/o/${organisationId}/sign-up/verify/${encodeURIComponent(token)}`;

/** Where the page that asks for a sign-up's texted code posts it (the code and its ticket travel in the form). */
export const signUpCodePath = (organisationId: string): string => `/o/${organisationId}/sign-up/code`;
