import { AppError } from '../src-shared/errors';
import type { ServerConfig } from './config';
import { ConfigError, parseCli } from './config';
import { openDatabase } from './db/connect';
import { loadSecret, Sealer } from './lib/crypto';
import { sendPasswordReset } from './services/account-links';
import { createOrganisationForOwner, listOrganisations, setOrganisationDisabled } from './services/admins';
import { OPERATOR_ACTOR, OPERATOR_CLI, pruneAudit, verifyChain } from './services/audit';
import { newEvents, systemClock } from './services/context';
import type { ServerContext } from './services/context';

/**
 * The operator's commands: `npm run server -- <command> [options]`, on the
 * same database as the server (the same --data-dir / --database-url /
 * environment). Emails are queued in the database; the running server's
 * worker sends them.
 */
export const OPERATOR_COMMANDS = ['org', 'admin', 'audit'] as const;

export const OPERATOR_HELP = `Operator commands (same database options as the server: --data-dir, --database-url, DATABASE_URL…)

  org create --name NAME --owner-email EMAIL [--language en_US|fr_BE|nl_BE]
                 create an organisation; its owner gets an email to set a password
  org list [--json]
  org disable --org ID      nobody signs in to it any more, its sessions end
  org enable --org ID
  admin reset-password --email EMAIL
                 email the admin a link to choose a new password
  audit verify --org ID     check the organisation's audit chain; names the first broken entry
  audit prune [--org ID]    remove entries older than each organisation's retention
`;

export interface CommandOutput {
  code: number;
  out: string[];
  err: string[];
}

const COMMAND_FLAGS = new Set(['name', 'owner-email', 'language', 'org', 'email', 'json']);

function splitArgs(argv: readonly string[]): { own: Map<string, string | true>; rest: string[] } {
  const own = new Map<string, string | true>();
  const rest: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    const eq = arg.indexOf('=');
    const name = arg.startsWith('--') ? (eq === -1 ? arg.slice(2) : arg.slice(2, eq)) : '';
    if (!COMMAND_FLAGS.has(name)) {
      rest.push(arg);
      continue;
    }
    if (name === 'json') {
      own.set(name, true);
      continue;
    }
    const value = eq === -1 ? argv[++i] : arg.slice(eq + 1);
    if (value === undefined || value === '' || (eq === -1 && value.startsWith('--'))) throw new ConfigError(`--${name} needs a value`);
    own.set(name, value);
  }
  return { own, rest };
}

/** Opens the configured database as the server would, for one command. */
export async function operatorContext(config: ServerConfig): Promise<{ ctx: ServerContext; close: () => Promise<void> }> {
  const db = await openDatabase({ dataDir: config.dataDir, databaseUrl: config.databaseUrl });
  try {
    const ctx: ServerContext = {
      db: db.db,
      dialect: db.dialect,
      config,
      clock: systemClock,
      sealer: new Sealer(loadSecret(config.secret, config.dataDir)),
      publicBaseUrl: () => config.publicBaseUrl ?? `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${config.port}`,
      events: newEvents(),
    };
    return { ctx, close: () => db.close() };
  } catch (error) {
    await db.close();
    throw error;
  }
}

/** Runs one operator command; returns what to print and the exit code (2: bad usage, 1: refused or failed). */
export async function runOperatorCommand(argv: readonly string[], env: NodeJS.ProcessEnv): Promise<CommandOutput> {
  const out: string[] = [];
  const err: string[] = [];
  const [group = '', verb, ...more] = argv;
  const usage = (message: string): CommandOutput => ({ code: 2, out, err: [`roster-server: ${message}`, '', OPERATOR_HELP] });
  if (verb === undefined || verb === '--help' || more.includes('--help')) return { code: verb === undefined ? 2 : 0, out: [OPERATOR_HELP], err };
  let own: Map<string, string | true>;
  let config: ServerConfig;
  try {
    const split = splitArgs(more);
    own = split.own;
    config = parseCli(split.rest, env).config;
  } catch (error) {
    if (error instanceof ConfigError) return usage(error.message);
    throw error;
  }
  const value = (name: string): string | undefined => {
    const v = own.get(name);
    return typeof v === 'string' ? v : undefined;
  };
  const required = (name: string): string => {
    const v = value(name);
    if (v === undefined) throw new ConfigError(`${group} ${verb} needs --${name}`);
    return v;
  };
  const known = `${group} ${verb}`;
  const COMMANDS = ['org create', 'org list', 'org disable', 'org enable', 'admin reset-password', 'audit verify', 'audit prune'];
  if (!COMMANDS.includes(known)) return usage(`unknown command "${known.trim()}"`);
  let opened: Awaited<ReturnType<typeof operatorContext>> | null = null;
  try {
    // Check the arguments before touching the database.
    if (known === 'org create') {
      required('name');
      required('owner-email');
    }
    if (known === 'org disable' || known === 'org enable' || known === 'audit verify') required('org');
    if (known === 'admin reset-password') required('email');
    opened = await operatorContext(config);
    const { ctx } = opened;
    switch (known) {
      case 'org create': {
        const created = await createOrganisationForOwner(ctx, { name: required('name'), ownerEmail: required('owner-email'), language: value('language') }, OPERATOR_CLI);
        out.push(`Created organisation ${created.organisationId}.`, `Invitation queued for ${created.ownerEmail} (the link works until ${created.linkExpiresAt}); the running server sends it.`);
        return { code: 0, out, err };
      }
      case 'org list': {
        const orgs = await listOrganisations(ctx);
        if (own.has('json')) out.push(JSON.stringify(orgs, null, 2));
        else if (orgs.length === 0) out.push('No organisation yet.');
        else {
          for (const o of orgs) {
            const owners = [...o.owners, ...o.pendingOwners.map((e) => `${e} (invited)`)].join(', ') || '(no owner)';
            out.push(`${o.id}  ${o.disabled ? 'DISABLED ' : ''}${o.name}  [${o.defaultLanguage}]  owners: ${owners}  admins: ${o.admins}  profiles: ${o.profiles}`);
          }
        }
        return { code: 0, out, err };
      }
      case 'org disable':
      case 'org enable': {
        const org = await setOrganisationDisabled(ctx, required('org'), known === 'org disable', OPERATOR_CLI);
        out.push(`${org.name} (${org.id}) is ${org.disabled ? 'disabled: nobody can sign in to it, and its sessions have ended' : 'enabled'}.`);
        return { code: 0, out, err };
      }
      case 'admin reset-password': {
        const sent = await sendPasswordReset(ctx, required('email'), OPERATOR_ACTOR, OPERATOR_CLI);
        if (!sent) {
          err.push(`roster-server: ${required('email')} is not an admin of any organisation on this server; nothing was sent.`);
          return { code: 1, out, err };
        }
        out.push(`A password reset link (valid for one hour) is queued for ${required('email')}; the running server sends it.`);
        return { code: 0, out, err };
      }
      case 'audit verify': {
        const organisationId = required('org');
        const exists = await ctx.db.selectFrom('organisations').select('id').where('id', '=', organisationId).executeTakeFirst();
        if (exists === undefined) {
          err.push(`roster-server: no organisation with id ${organisationId}.`);
          return { code: 1, out, err };
        }
        const result = await verifyChain(ctx.db, organisationId);
        const start = result.startsAt === null ? '' : ` (from entry ${result.startsAt}: older entries were removed by the retention)`;
        if (result.ok) {
          out.push(`Audit chain intact: ${result.checked} entries checked${start}.`);
          return { code: 0, out, err };
        }
        const b = result.broken;
        err.push(`Audit chain BROKEN at entry ${b?.seq ?? '?'} (id ${b?.id ?? '?'}, ${b?.action ?? '?'} at ${b?.at ?? '?'}): ${b?.reason ?? ''}. ${result.checked} entries before it hold${start}.`);
        return { code: 1, out, err };
      }
      case 'audit prune': {
        const target = value('org');
        const ids = target === undefined ? (await ctx.db.selectFrom('organisations').select('id').execute()).map((o) => o.id) : [target];
        let total = 0;
        for (const id of ids) total += await pruneAudit(ctx.db, id, ctx.clock.now());
        out.push(`Removed ${total} audit entries past their organisation's retention.`);
        return { code: 0, out, err };
      }
      default:
        return usage(`unknown command "${known}"`);
    }
  } catch (error) {
    if (error instanceof ConfigError) return usage(error.message);
    if (error instanceof AppError) {
      err.push(`roster-server: ${error.message}`);
      return { code: 1, out, err };
    }
    throw error;
  } finally {
    await opened?.close();
  }
}
