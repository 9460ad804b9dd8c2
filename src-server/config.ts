import { isIP } from 'node:net';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { DEFAULT_LANGUAGE, isLanguage } from '../src-shared/languages';
import type { Language } from '../src-shared/languages';
import { checkWebUrl } from '../src-shared/urls';
import { DEFAULT_SMS_SENDER, parseSmsEnv } from './sms/options';
import type { SmsConfig } from './sms/options';
import { defaultImportConfig, parseImportOptions } from './config-imports';
import type { ImportConfig } from './config-imports';

/** Links email 2 ("get the app") points at. */
export interface AppLinks {
  ios: string;
  android: string;
  web: string;
}

export interface ScryptCost {
  /** CPU/memory cost, a power of two. OWASP: 2^17 with r = 8, p = 1. */
  N: number;
  r: number;
  p: number;
}

/** OWASP Password Storage Cheat Sheet, scrypt: N = 2^17, r = 8, p = 1 (128 MiB). */
export const OWASP_SCRYPT: ScryptCost = { N: 2 ** 17, r: 8, p: 1 };

/** Every setting of the server; the import sources' come from config-imports.ts. */
export interface ServerConfig extends ImportConfig {
  /** Interface to listen on; 127.0.0.1 unless told otherwise. */
  host: string;
  /** 0 picks a free port. */
  port: number;
  /** Where links in emails point. Undefined: http://<host>:<port> once listening. Never taken from a request. */
  publicBaseUrl: string | undefined;
  dataDir: string;
  /** postgres://… to use PostgreSQL; undefined for SQLite in dataDir. */
  databaseUrl: string | undefined;
  /** smtp://user:pass@host:port or smtps://…; undefined starts the dev mailbox. */
  smtpUrl: string | undefined;
  mailFrom: string;
  /** Default for new organisations (each organisation may change its own). */
  invitationLifetimeDays: number;
  /** An admin session ends after this many hours without a request (idle)… */
  sessionLifetimeHours: number;
  /** …and this many hours after sign-in whatever happens (absolute). */
  sessionAbsoluteHours: number;
  /** The operator API's token (ROSTER_OPERATOR_TOKEN); undefined: the operator API is off. Compared by hash, in constant time. */
  operatorToken: string | undefined;
  /** The token Prometheus sends to read /metrics (ROSTER_METRICS_TOKEN); undefined: /metrics is off. Compared by hash, in constant time. */
  metricsToken: string | undefined;
  /** Against bulk or phishing mail through invitations; counted from the invitations in the database (every process agrees). */
  /** SCIM requests one SCIM token may make per minute (counted in the database; 0: no limit). */
  scimRequestsPerMinute: number;
  invitationLimits: {
    /** Invitations (emails 1) one organisation may send in any hour; 0 = no limit. */
    perOrganisationPerHour: number;
    /** How long after an invitation the same profile can be invited again, in minutes; 0 = at once. */
    reinviteCooldownMinutes: number;
  };
  defaultLanguage: Language;
  appLinks: AppLinks;
  /** 32 bytes (base64 or hex) sealing invitation tokens until their email leaves; undefined: a key file in dataDir. */
  secret: string | undefined;
  /** First start on an empty database creates a demo organisation and admin. */
  seedDemo: boolean;
  /** Give the demo admin a new password (printed once). */
  resetDemoPassword: boolean;
  scrypt: ScryptCost;
  /** Sign-in attempts (counted in the database, shared by every server process on it; 0 turns one off). */
  login: {
    /** Per minute from one address (IPv6: its /64), whatever the email. */
    maxPerMinutePerIp: number;
    /** Per minute for one email from one address. */
    maxPerMinutePerEmailAndIp: number;
    /** Per hour for one email from all addresses together. */
    maxPerHourPerEmail: number;
  };
  worker: {
    enabled: boolean;
    pollIntervalMs: number;
    batchSize: number;
    /** SMTP connections a process sends a batch over at once (--smtp-connections; 1 when not given). */
    connections?: number;
    /** A claimed message whose worker went silent this long is taken over (or parked, see OUTBOX in docs/SERVER.md). */
    leaseMs: number;
    /** First retry delay after a temporary failure; doubles with each attempt up to retryMaxMs. */
    retryBaseMs: number;
    retryMaxMs: number;
  };
  mail: MailDeliveryConfig;
  /** The SMS gateway (ROSTER_SMS_*); its gateway undefined: the dev SMS inbox. */
  sms: SmsConfig;
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
}

/** How the server talks to its SMTP relay (see "Email" in docs/SERVER.md). */
export interface MailDeliveryConfig {
  /** A temporary failure (4xx, connection, TLS) is retried this long, counted from queueing (or an admin's retry), before the message fails. */
  retryForMs: number;
  /** EHLO name and Message-ID domain; undefined: the public URL's host when it is a name, else this machine's host name. An IP is sent as a domain literal. */
  smtpName: string | undefined;
  /** PEM file with the CA certificate(s) the relay's certificate is checked against (instead of the system's). */
  smtpCaFile: string | undefined;
  /** Do not check the relay's certificate at all (still encrypted; never plain text). Warned about at start. */
  smtpInsecureTls: boolean;
  /** DKIM signing of every message; undefined: not signed. */
  dkim: DkimConfig | undefined;
}

export interface DkimConfig {
  /** The d= domain, e.g. example.org. */
  domain: string;
  /** The s= selector: the key is published at <selector>._domainkey.<domain>. */
  selector: string;
  /** PEM file with the RSA private key. */
  privateKeyFile: string;
}

export const DEFAULT_MAIL_RETRY_HOURS = 48;

export function defaultServerDataDir(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): string {
  const name = 'Roster Server';
  if (platform === 'win32') return join(env.APPDATA ?? join(homedir(), 'AppData', 'Roaming'), name);
  if (platform === 'darwin') return join(homedir(), 'Library', 'Application Support', name);
  return join(env.XDG_DATA_HOME ?? join(homedir(), '.local', 'share'), 'roster-server');
}

export const DEFAULT_PORT = 4280;
/** A relay takes several connections from one sender; four keep a 2-core server busy without crowding it. */
const DEFAULT_SMTP_CONNECTIONS = 4;

export const DEFAULT_APP_LINKS: AppLinks = {
  ios: 'https://apps.apple.com/app/roster',
  android: 'https://play.google.com/store/apps/details?id=app.roster',
  web: 'https://app.roster.example',
};

export function defaultConfig(overrides: Partial<ServerConfig> = {}): ServerConfig {
  return {
    host: '127.0.0.1',
    port: DEFAULT_PORT,
    publicBaseUrl: undefined,
    dataDir: defaultServerDataDir(),
    databaseUrl: undefined,
    smtpUrl: undefined,
    mailFrom: 'Roster <no-reply@roster.localhost>',
    invitationLifetimeDays: 7,
    sessionLifetimeHours: 12,
    sessionAbsoluteHours: 7 * 24,
    operatorToken: undefined,
    metricsToken: undefined,
    scimRequestsPerMinute: 600,
    ...defaultImportConfig(),
    invitationLimits: { perOrganisationPerHour: 2000, reinviteCooldownMinutes: 5 },
    defaultLanguage: DEFAULT_LANGUAGE,
    appLinks: DEFAULT_APP_LINKS,
    secret: undefined,
    seedDemo: false,
    resetDemoPassword: false,
    scrypt: OWASP_SCRYPT,
    login: { maxPerMinutePerIp: 30, maxPerMinutePerEmailAndIp: 10, maxPerHourPerEmail: 100 },
    worker: { enabled: true, pollIntervalMs: 1000, batchSize: 50, connections: DEFAULT_SMTP_CONNECTIONS, leaseMs: 60_000, retryBaseMs: 5_000, retryMaxMs: 1_800_000 },
    mail: { retryForMs: DEFAULT_MAIL_RETRY_HOURS * 3_600_000, smtpName: undefined, smtpCaFile: undefined, smtpInsecureTls: false, dkim: undefined },
    sms: { gateway: undefined, sender: DEFAULT_SMS_SENDER },
    logLevel: 'info',
    ...overrides,
  };
}

export class ConfigError extends Error {
  override name = 'ConfigError';
}

export const HELP = `Roster server

Usage: tsx src-server/cli.ts [options]        (npm run server -- [options])
       tsx src-server/cli.ts org|admin|audit …  operator commands (npm run server -- org --help)

Options (each also read from the environment variable shown):
  --port N                  ROSTER_PORT            port to listen on (default ${DEFAULT_PORT}; 0 = any free port)
  --host ADDR               ROSTER_HOST            interface to listen on (default 127.0.0.1)
  --public-url URL          ROSTER_PUBLIC_URL      base URL of the links in emails (default http://<host>:<port>)
  --data-dir DIR            ROSTER_SERVER_DATA_DIR SQLite file, dev mailbox and key file (default ${defaultServerDataDir()})
  --database-url URL        DATABASE_URL           postgres://user:pass@host:port/db to use PostgreSQL instead of SQLite
  --smtp-url URL            ROSTER_SMTP_URL        smtp://user:pass@host:587 or smtps://…:465 (default: the dev mailbox)
  --mail-from ADDR          ROSTER_MAIL_FROM       sender of the emails (default "Roster <no-reply@roster.localhost>")
  --mail-retry-hours N      ROSTER_MAIL_RETRY_HOURS  how long an email the relay refuses for now (4xx, no connection) is retried
                                                   before it is marked failed (default ${DEFAULT_MAIL_RETRY_HOURS}; a 5xx refusal fails at once)
  --mail-lease-seconds N    ROSTER_MAIL_LEASE_SECONDS  how long a sending process holds the emails it took; another process sends
                                                   them once it lapses, if that one died (default 60; 5 to 3600)
  --smtp-connections N      ROSTER_SMTP_CONNECTIONS  SMTP connections each process sends over at once (default ${DEFAULT_SMTP_CONNECTIONS}; 1 to 32)
  --smtp-name NAME          ROSTER_SMTP_NAME       name given in EHLO and in Message-IDs (default: the public URL's host when it is
                                                   a name, else this machine's host name; an IP is sent as [1.2.3.4])
  --smtp-ca FILE            ROSTER_SMTP_CA         PEM file of the CA certificate(s) that sign the relay's certificate
  --smtp-insecure-tls       ROSTER_SMTP_INSECURE_TLS=1  encrypt but do NOT check the relay's certificate (unsafe; warned at start)
  --dkim-domain DOMAIN      ROSTER_DKIM_DOMAIN     sign every email with DKIM for this domain (needs the two below)
  --dkim-selector NAME      ROSTER_DKIM_SELECTOR   DKIM selector: the public key is published at NAME._domainkey.DOMAIN
  --dkim-key FILE           ROSTER_DKIM_KEY        PEM file of the DKIM private key (RSA)
  --invitation-days N       ROSTER_INVITATION_DAYS invitation lifetime for new organisations (default 7)
  --session-hours N         ROSTER_SESSION_HOURS   admin sessions end after this many idle hours (default 12)
  --session-max-hours N     ROSTER_SESSION_MAX_HOURS  … and this many hours after sign-in (default 168, 7 days)
                            ROSTER_OPERATOR_TOKEN  turns the operator API on; callers send it as a bearer token (at least 32 characters)
                            ROSTER_METRICS_TOKEN   turns /metrics (Prometheus) on; the scraper sends it as a bearer token (at least 32 characters)
  --invitations-per-hour N  ROSTER_INVITATIONS_PER_HOUR  invitations one organisation may send per hour (default 2000; 0 = no limit)
  --scim-requests-per-minute N
                            ROSTER_SCIM_REQUESTS_PER_MINUTE  SCIM requests one SCIM token may make per minute (default 600; 0 = no limit)
  --reinvite-cooldown-minutes N
                            ROSTER_REINVITE_COOLDOWN_MINUTES  wait before the same profile can be invited again (default 5; 0 = none)
  --app-links JSON          ROSTER_APP_LINKS       {"ios":…,"android":…,"web":…} for email 2 (https, or http to this machine)
  --secret KEY              ROSTER_SECRET          32-byte key (base64/hex) sealing tokens in the mail queue (default: key file in data dir)
  --sign-in-ip-per-minute N ROSTER_SIGN_IN_IP_PER_MINUTE sign-in attempts per minute from one address (default 30; 0 = no limit)
  --sign-in-email-ip-per-minute N
                            ROSTER_SIGN_IN_EMAIL_IP_PER_MINUTE  … for one email from one address (default 10)
  --sign-in-email-per-hour N
                            ROSTER_SIGN_IN_EMAIL_PER_HOUR  … for one email from all addresses (default 100)
                            ROSTER_SMS_URL         SMS gateway: JSON POST {to, from, text} to this http(s) URL (default: the dev SMS inbox)
                            ROSTER_SMS_USER, ROSTER_SMS_PASSWORD  its basic authentication, or ROSTER_SMS_TOKEN (bearer)
                            ROSTER_SMS_SENDER      sender name (up to 11 letters) or number (default Roster)
                            ROSTER_SMS_TIMEOUT_SECONDS  a gateway request without an answer this long is retried (default 10)
  --import-root DIR         ROSTER_IMPORT_ROOT     folder import sources may read employee files from (below it only; default: none,
                                                   folder sources are refused)
  --no-demo                 ROSTER_DEMO=0          do not create the demo organisation on first start
  --reset-demo-password                            give the demo admin a new password and print it
  --no-worker               ROSTER_WORKER=0        do not send emails from this process
  --no-import-scheduler     ROSTER_IMPORT_SCHEDULER=0  do not start scheduled import-source runs from this process
  --log-level LEVEL         ROSTER_LOG_LEVEL       fatal|error|warn|info|debug|trace|silent (default info)
  --help
`;

const positiveNumber = (name: string, raw: string, { integer = true, min = 1 } = {}): number => {
  const value = Number(raw);
  if (!Number.isFinite(value) || (integer && !Number.isInteger(value)) || value < min) {
    throw new ConfigError(`${name} must be a${integer ? 'n integer' : ' number'} ≥ ${min} (got "${raw}")`);
  }
  return value;
};

const checkUrl = (name: string, raw: string, protocols: readonly string[]): string => {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConfigError(`${name} is not a URL: "${raw}"`);
  }
  if (!protocols.includes(url.protocol)) throw new ConfigError(`${name} must start with ${protocols.join(' or ')} (got "${url.protocol}")`);
  return raw;
};

const KNOWN_FLAGS = new Set([
  'import-root',
  'help',
  'no-demo',
  'reset-demo-password',
  'no-worker',
  'no-import-scheduler',
  'smtp-insecure-tls',
  'mail-retry-hours',
  'mail-lease-seconds',
  'smtp-connections',
  'smtp-name',
  'smtp-ca',
  'dkim-domain',
  'dkim-selector',
  'dkim-key',
  'port',
  'host',
  'public-url',
  'data-dir',
  'database-url',
  'smtp-url',
  'mail-from',
  'invitation-days',
  'session-hours',
  'session-max-hours',
  'app-links',
  'secret',
  'log-level',
  'sign-in-ip-per-minute',
  'sign-in-email-ip-per-minute',
  'sign-in-email-per-hour',
  'invitations-per-hour',
  'reinvite-cooldown-minutes',
  'scim-requests-per-minute',
]);

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

export interface CliOptions {
  config: ServerConfig;
  help: boolean;
}

/** Flags win over environment variables, which win over the defaults. The CLI seeds the demo unless told not to. */
export function parseCli(argv: readonly string[], env: NodeJS.ProcessEnv = process.env): CliOptions {
  const flags = new Map<string, string | true>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    if (!arg.startsWith('--')) throw new ConfigError(`Unexpected argument "${arg}" (see --help)`);
    const eq = arg.indexOf('=');
    const name = eq === -1 ? arg.slice(2) : arg.slice(2, eq);
    if (!KNOWN_FLAGS.has(name)) throw new ConfigError(`Unknown option --${name} (see --help)`);
    if (['help', 'no-demo', 'reset-demo-password', 'no-worker', 'no-import-scheduler', 'smtp-insecure-tls'].includes(name)) {
      flags.set(name, true);
      continue;
    }
    const value = eq === -1 ? argv[++i] : arg.slice(eq + 1);
    if (value === undefined || value === '') throw new ConfigError(`--${name} needs a value`);
    flags.set(name, value);
  }

  const pick = (flag: string, envName: string): string | undefined => {
    const f = flags.get(flag);
    if (typeof f === 'string') return f;
    const e = env[envName];
    return e === undefined || e === '' ? undefined : e;
  };

  const config = defaultConfig({ seedDemo: true });
  const port = pick('port', 'ROSTER_PORT');
  if (port !== undefined) {
    config.port = positiveNumber('port', port, { min: 0 });
    if (config.port > 65535) throw new ConfigError('port must be at most 65535');
  }
  config.host = pick('host', 'ROSTER_HOST') ?? config.host;
  const publicUrl = pick('public-url', 'ROSTER_PUBLIC_URL');
  if (publicUrl !== undefined) config.publicBaseUrl = checkUrl('public URL', publicUrl, ['http:', 'https:']).replace(/\/+$/, '');
  const dataDir = pick('data-dir', 'ROSTER_SERVER_DATA_DIR');
  if (dataDir !== undefined) config.dataDir = resolve(dataDir);
  const imports = parseImportOptions(pick, flags.has('no-import-scheduler') || env.ROSTER_IMPORT_SCHEDULER === '0', config);
  config.importRoot = imports.importRoot;
  config.importScheduler = imports.importScheduler;
  const databaseUrl = pick('database-url', 'DATABASE_URL');
  if (databaseUrl !== undefined) config.databaseUrl = checkUrl('DATABASE_URL', databaseUrl, ['postgres:', 'postgresql:']);
  const smtpUrl = pick('smtp-url', 'ROSTER_SMTP_URL');
  if (smtpUrl !== undefined) config.smtpUrl = checkUrl('SMTP URL', smtpUrl, ['smtp:', 'smtps:']);
  config.mailFrom = pick('mail-from', 'ROSTER_MAIL_FROM') ?? config.mailFrom;
  config.mail = parseMailOptions(pick, flags.has('smtp-insecure-tls') || env.ROSTER_SMTP_INSECURE_TLS === '1', config.mail);
  const days = pick('invitation-days', 'ROSTER_INVITATION_DAYS');
  if (days !== undefined) config.invitationLifetimeDays = positiveNumber('invitation lifetime (days)', days);
  if (config.invitationLifetimeDays > 365) throw new ConfigError('invitation lifetime is at most 365 days');
  const hours = pick('session-hours', 'ROSTER_SESSION_HOURS');
  if (hours !== undefined) config.sessionLifetimeHours = positiveNumber('session idle time (hours)', hours);
  const maxHours = pick('session-max-hours', 'ROSTER_SESSION_MAX_HOURS');
  if (maxHours !== undefined) config.sessionAbsoluteHours = positiveNumber('session lifetime (hours)', maxHours);
  if (config.sessionAbsoluteHours < config.sessionLifetimeHours) throw new ConfigError('the session lifetime (--session-max-hours) must be at least the idle time (--session-hours)');
  const operatorToken = env.ROSTER_OPERATOR_TOKEN;
  if (operatorToken !== undefined && operatorToken !== '') {
    if (operatorToken.length < 32) throw new ConfigError('ROSTER_OPERATOR_TOKEN must be at least 32 characters (e.g. openssl rand -base64 32)');
    config.operatorToken = operatorToken;
  }
  const metricsToken = env.ROSTER_METRICS_TOKEN;
  if (metricsToken !== undefined && metricsToken !== '') {
    if (metricsToken.length < 32) throw new ConfigError('ROSTER_METRICS_TOKEN must be at least 32 characters (e.g. openssl rand -base64 32)');
    config.metricsToken = metricsToken;
  }
  const limit = (flag: string, envName: string, what: string): number | undefined => {
    const raw = pick(flag, envName);
    return raw === undefined ? undefined : positiveNumber(what, raw, { min: 0 });
  };
  config.login = {
    maxPerMinutePerIp: limit('sign-in-ip-per-minute', 'ROSTER_SIGN_IN_IP_PER_MINUTE', 'sign-in attempts per minute per address') ?? config.login.maxPerMinutePerIp,
    maxPerMinutePerEmailAndIp: limit('sign-in-email-ip-per-minute', 'ROSTER_SIGN_IN_EMAIL_IP_PER_MINUTE', 'sign-in attempts per minute per email and address') ?? config.login.maxPerMinutePerEmailAndIp,
    maxPerHourPerEmail: limit('sign-in-email-per-hour', 'ROSTER_SIGN_IN_EMAIL_PER_HOUR', 'sign-in attempts per hour per email') ?? config.login.maxPerHourPerEmail,
  };
  config.invitationLimits = {
    perOrganisationPerHour: limit('invitations-per-hour', 'ROSTER_INVITATIONS_PER_HOUR', 'invitations per hour per organisation') ?? config.invitationLimits.perOrganisationPerHour,
    reinviteCooldownMinutes: limit('reinvite-cooldown-minutes', 'ROSTER_REINVITE_COOLDOWN_MINUTES', 're-invite cooldown (minutes)') ?? config.invitationLimits.reinviteCooldownMinutes,
  };
  config.scimRequestsPerMinute = limit('scim-requests-per-minute', 'ROSTER_SCIM_REQUESTS_PER_MINUTE', 'SCIM requests per minute per token') ?? config.scimRequestsPerMinute;
  if (config.invitationLimits.reinviteCooldownMinutes > 7 * 24 * 60) throw new ConfigError('the re-invite cooldown is at most 10080 minutes (7 days)');
  const sms = parseSmsEnv(env);
  if (!sms.ok) throw new ConfigError(sms.error);
  config.sms = sms.config;
  const links = pick('app-links', 'ROSTER_APP_LINKS');
  if (links !== undefined) config.appLinks = parseAppLinks(links);
  config.secret = pick('secret', 'ROSTER_SECRET');
  if (flags.has('no-demo') || env.ROSTER_DEMO === '0') config.seedDemo = false;
  config.resetDemoPassword = flags.has('reset-demo-password');
  if (flags.has('no-worker') || env.ROSTER_WORKER === '0') config.worker = { ...config.worker, enabled: false };
  const lease = pick('mail-lease-seconds', 'ROSTER_MAIL_LEASE_SECONDS');
  if (lease !== undefined) {
    const seconds = positiveNumber('mail lease (seconds)', lease, { integer: true, min: 5 });
    if (seconds > 3600) throw new ConfigError('mail lease (seconds) is at most 3600 (an hour)');
    config.worker = { ...config.worker, leaseMs: seconds * 1000 };
  }
  const connections = pick('smtp-connections', 'ROSTER_SMTP_CONNECTIONS');
  if (connections !== undefined) {
    const count = positiveNumber('SMTP connections', connections, { integer: true, min: 1 });
    if (count > 32) throw new ConfigError('SMTP connections is at most 32');
    config.worker = { ...config.worker, connections: count };
  }
  const level = pick('log-level', 'ROSTER_LOG_LEVEL');
  if (level !== undefined) {
    const found = LOG_LEVELS.find((l) => l === level);
    if (found === undefined) throw new ConfigError(`log level must be one of ${LOG_LEVELS.join(', ')}`);
    config.logLevel = found;
  }
  const lang = env.ROSTER_DEFAULT_LANGUAGE;
  if (lang !== undefined && lang !== '') {
    if (!isLanguage(lang)) throw new ConfigError('ROSTER_DEFAULT_LANGUAGE must be en_US, fr_BE or nl_BE');
    config.defaultLanguage = lang;
  }
  return { config, help: flags.has('help') };
}

/** The delivery options (retry period, EHLO name, TLS trust, DKIM); files are checked when the server starts (loadMailFiles). */
function parseMailOptions(pick: (flag: string, envName: string) => string | undefined, insecureTls: boolean, defaults: MailDeliveryConfig): MailDeliveryConfig {
  const mail: MailDeliveryConfig = { ...defaults, smtpInsecureTls: insecureTls };
  const hours = pick('mail-retry-hours', 'ROSTER_MAIL_RETRY_HOURS');
  if (hours !== undefined) {
    const value = positiveNumber('mail retry period (hours)', hours, { integer: false, min: 0.01 });
    if (value > 24 * 30) throw new ConfigError('mail retry period (hours) is at most 720 (30 days)');
    mail.retryForMs = Math.round(value * 3_600_000);
  }
  const name = pick('smtp-name', 'ROSTER_SMTP_NAME');
  if (name !== undefined) {
    if (!isSmtpName(name)) throw new ConfigError(`SMTP name must be a host name (e.g. mail.example.org) or an IP address (got "${name}")`);
    mail.smtpName = name;
  }
  const ca = pick('smtp-ca', 'ROSTER_SMTP_CA');
  if (ca !== undefined) mail.smtpCaFile = resolve(ca);
  if (mail.smtpCaFile !== undefined && mail.smtpInsecureTls) throw new ConfigError('--smtp-ca and --smtp-insecure-tls exclude each other: give the CA file and keep checking the certificate');
  const domain = pick('dkim-domain', 'ROSTER_DKIM_DOMAIN');
  const selector = pick('dkim-selector', 'ROSTER_DKIM_SELECTOR');
  const keyFile = pick('dkim-key', 'ROSTER_DKIM_KEY');
  if (domain !== undefined || selector !== undefined || keyFile !== undefined) {
    const missing = [domain === undefined ? '--dkim-domain' : null, selector === undefined ? '--dkim-selector' : null, keyFile === undefined ? '--dkim-key' : null].filter((m) => m !== null);
    if (domain === undefined || selector === undefined || keyFile === undefined) throw new ConfigError(`DKIM signing needs ${missing.join(' and ')} too`);
    if (!isHostName(domain)) throw new ConfigError(`DKIM domain must be a domain name (got "${domain}")`);
    if (!/^[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/.test(selector)) {
      throw new ConfigError(`DKIM selector must be letters, digits, hyphens and dots (got "${selector}")`);
    }
    mail.dkim = { domain: domain.toLowerCase(), selector, privateKeyFile: resolve(keyFile) };
  }
  return mail;
}

const HOST_LABEL = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/;

/** A DNS name of at least one label (letters, digits, inner hyphens), at most 253 characters. */
export function isHostName(value: string): boolean {
  const name = value.endsWith('.') ? value.slice(0, -1) : value;
  return name.length > 0 && name.length <= 253 && name.split('.').every((label) => HOST_LABEL.test(label)) && !/^[0-9.]+$/.test(name);
}

/** What --smtp-name accepts: a host name or an IP address. */
export function isSmtpName(value: string): boolean {
  return isIP(value) !== 0 || isHostName(value);
}

export function parseAppLinks(raw: string): AppLinks {
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    throw new ConfigError('app links must be JSON: {"ios":"https://…","android":"https://…","web":"https://…"}');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new ConfigError('app links must be a JSON object');
  const record = parsed as Record<string, unknown>;
  const unknown = Object.keys(record).filter((key) => key !== 'ios' && key !== 'android' && key !== 'web');
  if (unknown.length > 0) throw new ConfigError(`app links take only "ios", "android" and "web" (got "${unknown.join('", "')}")`);
  const out: AppLinks = { ...DEFAULT_APP_LINKS };
  for (const key of ['ios', 'android', 'web'] as const) {
    const value = record[key] ?? DEFAULT_APP_LINKS[key];
    if (typeof value !== 'string') throw new ConfigError(`app link "${key}" must be a string`);
    out[key] = value.trim();
  }
  return checkConfiguredAppLinks(out);
}

/** Configured app links (CLI, environment, embedding): https, or http only to this machine, like the API accepts. */
export function checkConfiguredAppLinks(links: AppLinks): AppLinks {
  for (const key of ['ios', 'android', 'web'] as const) {
    const checked = checkWebUrl(links[key], `The app link "${key}"`);
    if (!checked.ok) throw new ConfigError(checked.message);
  }
  return links;
}

/** What a log line may say about the configuration: credentials in URLs are masked. */
export function redactUrl(raw: string | undefined): string | undefined {
  if (raw === undefined) return undefined;
  try {
    const url = new URL(raw);
    if (url.password !== '') url.password = '***';
    return url.toString();
  } catch {
    return '(unparseable URL)';
  }
}
