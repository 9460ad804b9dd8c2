import { z } from 'zod';
import { channel } from './channel';
import { signupSettingsChangeSchema } from '../signup-wire';
import type { SignupLinks, SignupSettings } from '../signup-wire';

/**
 * Self sign-up in the console (issue 15): the organisation's sign-up settings
 * on the server and its sign-up links with their QR codes (online only, the
 * console keeps none of them).
 */
export const signupChannels = {
  /** Whether people may sign themselves up, and on which terms, as the server has it. */
  'org:signup': channel<SignupSettings>()(z.strictObject({})),
  /** Opens or closes self sign-up and sets its terms (owner). */
  'org:saveSignup': channel<SignupSettings>()(z.strictObject({ change: signupSettingsChangeSchema })),
  /** The organisation's sign-up link and one per department, each with its QR code. */
  'org:signupLinks': channel<SignupLinks>()(z.strictObject({})),
};
