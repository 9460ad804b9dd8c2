import { randomUUID } from 'node:crypto';
import Fastify from 'fastify';
import type { FastifyInstance } from 'fastify';
import formbody from '@fastify/formbody';
import swagger from '@fastify/swagger';
import type { ServerConfig } from './config';
import { checkConfiguredAppLinks, redactUrl } from './config';
import { openDatabase, sqliteFile } from './db/connect';
import { pendingMigrations } from './db/migrations';
import type { Kysely } from 'kysely';
import type { DbHandle } from './db/connect';
import { PUBLIC_BODY_LIMIT } from './lib/body-limits';
import { loadSecret, Sealer } from './lib/crypto';
import { ensurePrivateDir, ensurePrivateFile, tightenFile } from './lib/private-files';
import { DevMailbox } from './mail/dev-mailbox';
import { asDomain, smtpName } from './mail/names';
import { loadMailFiles } from './mail/options';
import { parseSmtpUrl } from './mail/smtp';
import { OutboxWorker } from './mail/worker';
import type { DevSmsInbox } from './sms/dev-inbox';
import { setUpSms } from './sms/setup';
import type { SmsWorker, SmsWorkerOptions } from './sms/worker';
import { devSmsRoutes } from './routes/dev-sms';
import type { WorkerOptions } from './mail/worker';
import { authPlugin, secretTokenMatches } from './plugins/auth';
import { createMetrics } from './lib/metrics';
import { errorsPlugin } from './plugins/errors';
import { useZodValidation } from './plugins/zod-routes';
import type { Access } from './plugins/zod-routes';
import { importSourceRoutes } from './routes/import-sources';
import { mailRoutes } from './routes/mail';
import { pageRoutes, devMailboxRoutes } from './routes/pages';
import { profileRoutes } from './routes/profiles';
import { authRoutes } from './routes/auth';
import { organisationRoutes } from './routes/organisation';
import { catalogueRoutes } from './routes/catalogues';
import { ruleRoutes } from './routes/rules';
import { scimTokenRoutes } from './routes/scim-tokens';
import { syncRoutes } from './routes/sync';
import { adminRoutes } from './routes/admins';
import { auditRoutes } from './routes/audit';
import { operatorRoutes } from './routes/operator';
import { accountPageRoutes } from './pages/account';
import { signInPageRoutes } from './pages/sign-in';
import { signUpPageRoutes } from './pages/sign-up';
import { signupRoutes } from './routes/signup';
import { ssoRoutes } from './routes/sso';
import { scimScope } from './scim/scope';
import { SCIM_BASE_PATH } from '../src-shared/scim-wire';
import { AuthService } from './services/auth';
import { newEvents, systemClock } from './services/context';
import type { Clock, ServerContext } from './services/context';
import { ensureDemo } from './services/demo';
import { pruneAllAudit } from './services/audit';
import { logExpiredInvitations } from './services/invitation-expiry';
import type { DemoCredentials } from './services/demo';
import { ROSTER_SERVER_VERSION } from './version';
import { redactPath } from './lib/redact';
import { ImportScheduler } from './services/import-scheduler';
import { BackgroundTasks } from './lib/background-tasks';
import type { BackgroundTaskHooks } from './lib/background-tasks';

export interface BuildOptions {
  clock?: Clock;
  /** Fault injection for the mail worker (tests). */
  workerHooks?: WorkerOptions['hooks'];
  /** Fault injection for the SMS worker (tests). */
  smsWorkerHooks?: SmsWorkerOptions['hooks'];
  /** Where the log lines (JSON, one per line) go instead of standard output (tests read them). */
  logStream?: { write(line: string): void };
  /** Tests: bring the schema only up to this migration (a server of an earlier version, for the upgrade fault case). */
  migrateTo?: string;
  /** Tests: hold back the work requests leave running after their answer (a person's forgot password). */
  backgroundHooks?: BackgroundTaskHooks;
}

export interface RosterServer {
  app: FastifyInstance;
  ctx: ServerContext;
  db: DbHandle;
  worker: OutboxWorker | null;
  /** Only when no SMTP URL is configured. */
  devMailbox: DevMailbox | null;
  smsWorker: SmsWorker | null;
  /** Runs due import sources; started with listen() unless config.importScheduler.enabled is false (runOnce works either way). */
  importScheduler: ImportScheduler;
  /** Only when no SMS gateway is configured. */
  devSms: DevSmsInbox | null;
  /** Set on the first start (or a password reset): print once, it is not stored. */
  demoCredentials: DemoCredentials | null;
  /** The work requests left running after their answer; close() waits for it. */
  background: BackgroundTasks;
  /** Every route with its access word, for the isolation test and the docs. */
  routes: { method: string; url: string; access: Access | undefined }[];
  /** After listen(): http://host:port. */
  url: string;
  publicBaseUrl: string;
  listen(): Promise<string>;
  close(): Promise<void>;
}

const SQLITE_SIDE_FILES = ['-wal', '-shm', '-journal'] as const;

/** The data dir 0700, the database and its side files 0600, before SQLite opens (and so creates) any of them. */
function protectSqliteFiles(dataDir: string): void {
  ensurePrivateDir(dataDir);
  const file = sqliteFile(dataDir);
  ensurePrivateFile(file);
  for (const suffix of SQLITE_SIDE_FILES) tightenFile(`${file}${suffix}`);
}

export const INSECURE_TLS_WARNING =
  "--smtp-insecure-tls: the SMTP relay's certificate is NOT checked. Mail is encrypted, but anyone on the path can pose as the relay and read every invitation link. Use --smtp-ca FILE instead.";

/** An X-Request-Id a caller may give (a proxy's id): short and plain, else the server makes its own. */
const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** The request's id: the caller's X-Request-Id when it is a plain one, else a fresh UUID. Logged with every line about the request and sent back. */
export function requestIdOf(header: string | string[] | undefined): string {
  const given = Array.isArray(header) ? header[0] : header;
  return given !== undefined && REQUEST_ID.test(given) ? given : randomUUID();
}

/** Masks the token of invitation links in anything logged. */

/**
 * Builds the server without listening: database opened and migrated,
 * plugins and routes registered, demo seeded if asked. listen() starts the
 * HTTP port and the mail worker.
 */
export async function buildServer(config: ServerConfig, options: BuildOptions = {}): Promise<RosterServer> {
  checkConfiguredAppLinks(config.appLinks);
  const mailFiles = loadMailFiles(config.mail);
  if (config.databaseUrl === undefined) protectSqliteFiles(config.dataDir);
  const db = await openDatabase({ dataDir: config.dataDir, databaseUrl: config.databaseUrl, migrateTo: options.migrateTo });
  // SQLite gives the -wal and -shm it creates the database file's mode; tighten any an earlier version left.
  if (config.databaseUrl === undefined) for (const suffix of SQLITE_SIDE_FILES) tightenFile(`${sqliteFile(config.dataDir)}${suffix}`);
  const events = newEvents();
  let publicBaseUrl = config.publicBaseUrl ?? `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${config.port}`;
  let devMailbox: DevMailbox | null = null;
  let worker: OutboxWorker | null = null;
  let smsWorker: SmsWorker | null = null;
  // Set as soon as close() begins: /readyz then says so.
  let closed = false;
  try {
    const sealer = new Sealer(loadSecret(config.secret, config.dataDir));
    const ctx: ServerContext = {
      db: db.db,
      dialect: db.dialect,
      config,
      clock: options.clock ?? systemClock,
      sealer,
      publicBaseUrl: () => publicBaseUrl,
      events,
    };

    const app = Fastify({
      // Routes without a session keep this; apiRoute() raises it for the routes behind one.
      bodyLimit: PUBLIC_BODY_LIMIT,
      // Every log line about a request carries its id (reqId); the answer sends it back as X-Request-Id.
      requestIdHeader: false,
      genReqId: (req) => requestIdOf(req.headers['x-request-id']),
      logger:
        config.logLevel === 'silent'
          ? false
          : {
              level: config.logLevel,
              ...(options.logStream === undefined ? {} : { stream: options.logStream }),
              redact: ['req.headers.authorization', 'req.headers.cookie', 'body.password', 'body.confirm', 'body.currentPassword', 'body.newPassword'],
              serializers: {
                req: (req: { method: string; url: string; ip?: string }) => ({ method: req.method, url: redactPath(req.url), ip: req.ip }),
              },
            },
    });
    const background = new BackgroundTasks((message, data) => {
      app.log.error(data, message);
    }, options.backgroundHooks);
    const routes: RosterServer['routes'] = [];
    app.addHook('onRoute', (route) => {
      const methods = Array.isArray(route.method) ? route.method : [route.method];
      // Read when asked, not now: a scope's own onRoute hook (SCIM's) runs after this one and may still set the route's access.
      for (const method of methods) {
        if (method !== 'HEAD')
          routes.push({
            method,
            url: route.url,
            get access() {
              return route.config?.access;
            },
          });
      }
    });

    app.addHook('onRequest', async (request, reply) => {
      reply.header('X-Request-Id', request.id);
    });
    // Once shutting down, an answer closes its connection: a keep-alive client would otherwise hold the server open after its request is done.
    app.addHook('onSend', async (_request, reply) => {
      if (closed) reply.header('Connection', 'close');
    });
    useZodValidation(app);
    await app.register(errorsPlugin);
    await app.register(formbody, { bodyLimit: PUBLIC_BODY_LIMIT });
    await app.register(swagger, {
      openapi: {
        openapi: '3.0.3',
        info: { title: 'Roster server', version: ROSTER_SERVER_VERSION, description: 'Organisations, profiles, invitations and the console’s sync API. Every JSON response is a Result envelope.' },
        components: {
          securitySchemes: {
            bearer: { type: 'http', scheme: 'bearer', description: 'An admin session: the token POST /api/v1/auth/sign-in returns.' },
            operator: { type: 'http', scheme: 'bearer', description: 'The operator token (ROSTER_OPERATOR_TOKEN); without it set, the operator API is off.' },
          },
        },
      },
    });
    const auth = new AuthService(ctx);
    await app.register(authPlugin, { auth, operatorToken: config.operatorToken });

    await app.register((api, _options, done) => {
      authRoutes(api, ctx, auth);
      syncRoutes(api, ctx);
      profileRoutes(api, ctx);
      mailRoutes(api, ctx);
      organisationRoutes(api, ctx);
      catalogueRoutes(api, ctx);
      ruleRoutes(api, ctx);
      scimTokenRoutes(api, ctx);
      importSourceRoutes(api, ctx);
      adminRoutes(api, ctx, auth, background);
      auditRoutes(api, ctx);
      operatorRoutes(api, ctx);
      ssoRoutes(api, ctx, auth);
      signupRoutes(api, ctx);
      done();
    });
    await app.register(scimScope(ctx), { prefix: SCIM_BASE_PATH });
    await app.register((pages, _options, done) => {
      pageRoutes(pages, ctx);
      accountPageRoutes(pages, ctx);
      signInPageRoutes(pages, ctx, background);
      signUpPageRoutes(pages, ctx);
      done();
    });

    if (config.smtpUrl === undefined) {
      devMailbox = new DevMailbox(config.dataDir);
      await devMailbox.start();
      const mailbox = devMailbox;
      await app.register((dev, _options, done) => {
        devMailboxRoutes(dev, mailbox);
        done();
      });
    }
    const sms = setUpSms(config, { db: db.db, dialect: db.dialect, clock: ctx.clock, sealer, publicBaseUrl: () => publicBaseUrl, log: (level, message, data) => app.log[level](data ?? {}, message), hooks: options.smsWorkerHooks });
    smsWorker = sms.worker;
    const smsInbox = sms.inbox;
    if (smsInbox !== null) {
      await app.register((dev, _options, done) => {
        devSmsRoutes(dev, smsInbox);
        done();
      });
    }
    const smsSender = smsWorker;
    if (smsSender !== null) {
      events.on('mailQueued', () => {
        smsSender.wake();
      });
    }

    app.get('/openapi.json', { schema: { hide: true } }, () => app.swagger());
    // Prometheus, only with ROSTER_METRICS_TOKEN set, and only for whoever presents it.
    const metrics = createMetrics(app, db.db, ctx.clock);
    events.on('pushed', (n) => {
      metrics.pushSize(n);
    });
    events.on('pulled', (n) => {
      metrics.pullSize(n);
    });
    app.get('/metrics', { schema: { hide: true } }, async (request, reply) => {
      const configured = config.metricsToken;
      if (configured === undefined) return reply.code(404).send({ ok: false, error: { code: 'NOT_FOUND', message: 'Metrics are off: set ROSTER_METRICS_TOKEN to turn them on.' } });
      const presented = /^Bearer (.+)$/.exec(request.headers.authorization ?? '')?.[1];
      if (presented === undefined || !secretTokenMatches(presented, configured)) {
        return reply.code(401).send({ ok: false, error: { code: 'UNAUTHORIZED', message: 'Send the metrics token as a bearer token.' } });
      }
      return reply.type(metrics.registry.contentType).send(await metrics.registry.metrics());
    });
    // For a load balancer or an orchestrator: alive (the process answers), and ready (its database answers, its schema is current, it is not shutting down).
    app.get('/healthz', { schema: { hide: true } }, () => ({ ok: true, data: { status: 'alive', version: ROSTER_SERVER_VERSION } }));
    app.get('/readyz', { schema: { hide: true } }, async (_request, reply) => {
      const notReady = (reason: string, detail: Record<string, unknown> = {}) =>
        reply.code(503).send({ ok: false, error: { code: 'INTERNAL', message: `Not ready: ${reason}.`, details: { reason, ...detail } } });
      if (closed) return notReady('shutting down');
      let pending: string[];
      try {
        pending = await pendingMigrations(db.db as unknown as Kysely<unknown>, db.dialect);
      } catch (error) {
        app.log.warn({ err: error }, 'readiness: the database does not answer');
        return notReady('the database does not answer');
      }
      if (pending.length > 0) return notReady('database migrations are pending', { pending });
      return { ok: true, data: { status: 'ready', database: db.dialect, version: ROSTER_SERVER_VERSION } };
    });
    app.get('/health', { schema: { hide: true } }, async () => {
      await db.db.selectFrom('organisations').select('id').limit(1).execute();
      return { ok: true, data: { status: 'ok', database: db.dialect, version: ROSTER_SERVER_VERSION } };
    });
    app.get('/', { schema: { hide: true } }, async (_request, reply) =>
      reply
        .type('text/plain; charset=utf-8')
        .send(`Roster server ${ROSTER_SERVER_VERSION}\nAPI: /api/v1 (OpenAPI at /openapi.json)${devMailbox === null ? '' : '\nDev mailbox: /dev/mailbox'}${smsInbox === null ? '' : '\nDev SMS inbox: /dev/sms'}\n`),
    );

    const demoCredentials = config.seedDemo || config.resetDemoPassword ? await ensureDemo(ctx, { reset: config.resetDemoPassword }) : null;

    const smtpTarget = config.smtpUrl !== undefined ? parseSmtpUrl(config.smtpUrl) : null;
    if (config.worker.enabled) {
      const mailbox = devMailbox;
      worker = new OutboxWorker({
        db: db.db,
        dialect: db.dialect,
        clock: ctx.clock,
        sealer,
        smtp: () => smtpTarget ?? parseSmtpUrl(mailbox?.smtpUrl ?? 'smtp://127.0.0.1:25'),
        // The dev mailbox on this machine speaks plain SMTP; the TLS options are for a configured relay.
        tls: smtpTarget === null ? { ca: undefined, insecure: false } : mailFiles.tls,
        clientName: () => asDomain(smtpName(config.mail.smtpName, publicBaseUrl)),
        ...(mailFiles.dkim === undefined ? {} : { dkim: mailFiles.dkim }),
        from: config.mailFrom,
        publicBaseUrl: () => publicBaseUrl,
        batchSize: config.worker.batchSize,
        connections: config.worker.connections ?? 1,
        leaseMs: config.worker.leaseMs,
        retryForMs: config.mail.retryForMs,
        retryBaseMs: config.worker.retryBaseMs,
        retryMaxMs: config.worker.retryMaxMs,
        pollIntervalMs: config.worker.pollIntervalMs,
        log: (level, message, data) => app.log[level](data ?? {}, message),
        onRun: (stats) => {
          metrics.mailRun(stats);
        },
        ...(options.workerHooks === undefined ? {} : { hooks: options.workerHooks }),
      });
      const w = worker;
      events.on('mailQueued', () => {
        w.wake();
      });
    }

    const importScheduler = new ImportScheduler(ctx, (message, data) => {
      if (!closed) app.log.error(data, message);
    });

    let url = '';
    // Audit retention: each organisation's entries older than its retention go, at start and then daily.
    let retentionTimer: NodeJS.Timeout | null = null;
    const sweepAudit = (): void => {
      pruneAllAudit(db.db, ctx.clock.now()).then(
        (removed) => {
          if (removed > 0) app.log.info({ removed }, 'audit entries past their retention removed');
        },
        (error: unknown) => {
          app.log.error({ err: error }, 'audit retention sweep failed');
        },
      );
    };
    // Invitations whose link ran out unused are written in the audit log, at start and then every minute.
    let expiryTimer: NodeJS.Timeout | null = null;
    const sweepExpiries = (): void => {
      logExpiredInvitations(ctx, ctx.clock.now()).then(
        (logged) => {
          if (logged > 0) app.log.info({ logged }, 'expired invitations written in the audit log');
        },
        (error: unknown) => {
          if (!closed) app.log.error({ err: error }, 'invitation expiry sweep failed');
        },
      );
    };
    const server: RosterServer = {
      app,
      ctx,
      db,
      worker,
      devMailbox,
      smsWorker,
      importScheduler,
      background,
      devSms: smsInbox,
      demoCredentials,
      routes,
      get url() {
        return url;
      },
      get publicBaseUrl() {
        return publicBaseUrl;
      },
      async listen() {
        const address = await app.listen({ host: config.host, port: config.port });
        const bound = app.server.address();
        const port = typeof bound === 'object' && bound !== null ? bound.port : config.port;
        url = `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${port}`;
        if (config.publicBaseUrl === undefined) publicBaseUrl = url;
        worker?.start();
        smsWorker?.start();
        if (config.importScheduler.enabled) importScheduler.start();
        sweepAudit();
        retentionTimer = setInterval(sweepAudit, 24 * 3_600_000);
        retentionTimer.unref();
        sweepExpiries();
        expiryTimer = setInterval(sweepExpiries, 60_000);
        expiryTimer.unref();
        app.log.info({ address, database: db.dialect, location: db.dialect === 'postgres' ? db.location : db.location, smtp: redactUrl(config.smtpUrl) ?? 'dev mailbox' }, 'Roster server listening');
        if (config.mail.smtpInsecureTls && config.smtpUrl !== undefined) app.log.warn({ smtp: redactUrl(config.smtpUrl) }, INSECURE_TLS_WARNING);
        return url;
      },
      async close() {
        if (closed) return;
        closed = true;
        if (retentionTimer !== null) clearInterval(retentionTimer);
        if (expiryTimer !== null) clearInterval(expiryTimer);
        // Stop taking requests and let those in flight finish, while the mail worker sends what it holds; then the rest.
        // The work requests left running (after app.close(), no request starts more) needs the database: it ends first.
        await Promise.all([app.close().then(() => background.drain()), worker?.stop(), smsWorker?.stop(), importScheduler.stop()]);
        await devMailbox?.stop();
        await db.close();
      },
    };
    return server;
  } catch (error) {
    await worker?.stop();
    await smsWorker?.stop();
    await devMailbox?.stop();
    await db.close();
    throw error;
  }
}

/** Builds and listens: what the CLI, the console's start script and the tests call. */
export async function startServer(config: ServerConfig, options: BuildOptions = {}): Promise<RosterServer> {
  const server = await buildServer(config, options);
  try {
    await server.listen();
  } catch (error) {
    await server.close();
    throw error;
  }
  return server;
}
