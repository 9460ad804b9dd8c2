import { chmodSync, existsSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { ROLES } from '../../src-shared/wire';
import type { Membership, Role } from '../../src-shared/wire';
import { CONSOLE_LANGUAGES } from '../../src-shared/console-languages';
import type { ConsoleLanguage } from '../../src-shared/console-languages';

/**
 * The organisations this console keeps data of, each in its own folder with
 * its own replica, outbox, conflicts and session token: the data folder
 * itself for the first one (as every earlier version kept it), then
 * `organisations/<id>/` for each further one. The list lives in
 * `organisations.json` beside the first replica; it holds names and roles,
 * never a token. A damaged list is rebuilt from the folders (no data is lost:
 * it is only an index).
 */

export const REGISTRY_FILE = 'organisations.json';
const PLACES_DIR = 'organisations';

export interface Place {
  organisationId: string;
  name: string;
  role: Role;
  /** Relative to the data folder; '' is the data folder itself. */
  dir: string;
}

export interface Registry {
  /** The place in use ('' the data folder itself). */
  active: string;
  places: Place[];
  /** What the server said at the last sign-in: the organisations the account administers there. */
  memberships: { serverUrl: string; account: string; list: Membership[] } | null;
  /** The console's language, the same in every organisation (null: not chosen yet; earlier versions kept it in the replica). */
  language: ConsoleLanguage | null;
}

const placeSchema = z.object({ organisationId: z.uuid(), name: z.string().max(500), role: z.enum(ROLES), dir: z.string().max(200) });
const registrySchema = z.object({
  version: z.literal(1),
  active: z.string().max(200),
  places: z.array(placeSchema).max(1000),
  memberships: z
    .object({ serverUrl: z.string().max(500), account: z.string().max(254), list: z.array(z.object({ organisationId: z.uuid(), organisationName: z.string(), role: z.enum(ROLES) })).max(1000) })
    .nullable(),
  language: z.enum(CONSOLE_LANGUAGES).nullable().default(null),
});

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The folder (relative) a further organisation's data goes to. */
export const placeDirOf = (organisationId: string): string => join(PLACES_DIR, organisationId.toLowerCase());

const emptyRegistry = (): Registry => ({ active: '', places: [], memberships: null, language: null });

/** Only folders this module makes: '' or organisations/<uuid>. */
function safeDir(dir: string): boolean {
  return dir === '' || (dir.startsWith(PLACES_DIR) && UUID.test(dir.slice(PLACES_DIR.length + 1)) && dir === placeDirOf(dir.slice(PLACES_DIR.length + 1)));
}

/** The further organisations' folders found on disk (their names come back when each is opened). */
function scan(dataDir: string): Place[] {
  const root = join(dataDir, PLACES_DIR);
  if (!existsSync(root)) return [];
  return readdirSync(root, { withFileTypes: true })
    .filter((e) => e.isDirectory() && UUID.test(e.name))
    .map((e) => ({ organisationId: e.name.toLowerCase(), name: e.name, role: 'viewer' as const, dir: placeDirOf(e.name) }));
}

/** Reads the list; a missing one is empty, a damaged one is rebuilt from the folders with a warning. */
export function readRegistry(dataDir: string, warn: (message: string) => void): Registry {
  const file = join(dataDir, REGISTRY_FILE);
  if (!existsSync(file)) return { ...emptyRegistry(), places: scan(dataDir) };
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    warn(`The list of organisations (${file}) could not be read (${error instanceof Error ? error.message : String(error)}); it is rebuilt from the folders, and this console opens its first organisation.`);
    return { ...emptyRegistry(), places: scan(dataDir) };
  }
  const checked = registrySchema.safeParse(parsed);
  if (!checked.success || !checked.data.places.every((p) => safeDir(p.dir)) || !safeDir(checked.data.active)) {
    warn(`The list of organisations (${file}) is not what this Roster expects; it is rebuilt from the folders, and this console opens its first organisation.`);
    return { ...emptyRegistry(), places: scan(dataDir) };
  }
  const { active, places, memberships, language } = checked.data;
  // A folder made but not yet listed (a crash between the two) is found again.
  const known = new Set(places.map((p) => p.dir));
  return { active, places: [...places, ...scan(dataDir).filter((p) => !known.has(p.dir))], memberships, language };
}

/** Writes the list whole (a new file renamed over the old: a crash leaves one or the other), readable by this user only. */
export function writeRegistry(dataDir: string, registry: Registry): void {
  const file = join(dataDir, REGISTRY_FILE);
  const temp = `${file}.${process.pid}.tmp`;
  writeFileSync(temp, `${JSON.stringify({ version: 1, ...registry }, null, 2)}\n`, { mode: 0o600 });
  chmodSync(temp, 0o600);
  renameSync(temp, file);
}

/** The list with this place's organisation, name and role as they are now. */
export function withPlace(registry: Registry, place: Place): Registry {
  const others = registry.places.filter((p) => p.dir !== place.dir);
  return { ...registry, places: [...others, place] };
}
