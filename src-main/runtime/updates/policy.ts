import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { checkWebUrl } from '../../../src-shared/urls';

/**
 * The policy file of a managed machine: what its administrators decide for
 * every user of it, above the console's own settings. One JSON file, put
 * there by the machine's management tools (Intune, Jamf, Ansible …), where
 * a user cannot write:
 *   Windows  %ProgramData%\Roster\policy.json
 *   macOS    /Library/Application Support/Roster/policy.json
 *   Linux    /etc/roster/policy.json
 * (ROSTER_POLICY_FILE names another, for tests and unusual set-ups).
 * { "updates": { "enabled": false } } turns updates off; "feedUrl" sets the
 * feed (an https address, or http on the machine itself), e.g. a mirror
 * inside the company network.
 */
export interface UpdatePolicy {
  enabled: boolean;
  feedUrl: string | null;
  /** The file read, or null when there is none. */
  file: string | null;
}

const policySchema = z.object({
  updates: z.object({ enabled: z.boolean().optional(), feedUrl: z.string().max(500).optional() }).optional(),
});

/** Where the policy file lives on this operating system. */
export function policyFileOf(platform: NodeJS.Platform, env: NodeJS.ProcessEnv): string {
  if (env.ROSTER_POLICY_FILE !== undefined && env.ROSTER_POLICY_FILE !== '') return env.ROSTER_POLICY_FILE;
  if (platform === 'win32') return join(env.ProgramData ?? 'C:\\ProgramData', 'Roster', 'policy.json');
  if (platform === 'darwin') return '/Library/Application Support/Roster/policy.json';
  return '/etc/roster/policy.json';
}

/**
 * The policy as the file says it; no file, updates allowed. A file that
 * cannot be read as a policy turns updates off (a managed machine's intent
 * is not guessed), with a warning saying why.
 */
export function readUpdatePolicy(file: string, warn: (message: string) => void): UpdatePolicy {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { enabled: true, feedUrl: null, file: null };
    warn(`The policy file ${file} cannot be read (${(error as Error).message}): updates are off.`);
    return { enabled: false, feedUrl: null, file };
  }
  let parsed: z.infer<typeof policySchema>;
  try {
    parsed = policySchema.parse(JSON.parse(text));
  } catch {
    warn(`The policy file ${file} is not a Roster policy (JSON such as {"updates": {"enabled": false}}): updates are off.`);
    return { enabled: false, feedUrl: null, file };
  }
  let feedUrl: string | null = null;
  const raw = parsed.updates?.feedUrl;
  if (raw !== undefined) {
    const checked = checkWebUrl(raw, `The update feed in ${file}`);
    if (checked.ok) feedUrl = raw.trim();
    else warn(`${checked.message} It is not used.`);
  }
  return { enabled: parsed.updates?.enabled ?? true, feedUrl, file };
}
