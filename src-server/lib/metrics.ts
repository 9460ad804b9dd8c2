import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { FastifyInstance } from 'fastify';
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema';
import type { WorkerRunStats } from '../mail/outbox-leases';
import type { Clock } from '../services/context';

/**
 * The server's Prometheus metrics, on a registry of its own (several servers
 * may share one process in tests): requests and their latency by route
 * pattern (never by URL, which can hold a token), the sizes of pushes and
 * pulls, the mail queue's depth and the age of its oldest email, what the
 * mail worker sent and failed, and Node's own figures. Nothing in a label
 * names a person or an organisation.
 */
export interface ServerMetrics {
  registry: Registry;
  /** Counts one run of the mail worker. */
  mailRun(stats: WorkerRunStats): void;
  pushSize(mutations: number): void;
  pullSize(changes: number): void;
}

const SIZE_BUCKETS = [0, 1, 10, 50, 100, 500, 1000, 5000];

export function createMetrics(app: FastifyInstance, db: Kysely<Database>, clock: Clock): ServerMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'roster_' });

  const requests = new Counter({ name: 'roster_http_requests_total', help: 'HTTP requests answered, by method, route pattern and status', labelNames: ['method', 'route', 'status'], registers: [registry] });
  const latency = new Histogram({
    name: 'roster_http_request_duration_seconds',
    help: 'Time to answer an HTTP request, by method and route pattern',
    labelNames: ['method', 'route'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  const pushes = new Histogram({ name: 'roster_sync_push_mutations', help: 'Mutations in each sync push', buckets: SIZE_BUCKETS, registers: [registry] });
  const pulls = new Histogram({ name: 'roster_sync_pull_changes', help: 'Changes in each sync pull answer', buckets: SIZE_BUCKETS, registers: [registry] });
  const mail = new Counter({ name: 'roster_mail_messages_total', help: 'Emails the worker handled, by outcome (sent, retried, failed, unknown)', labelNames: ['outcome'], registers: [registry] });

  // Read from the database when scraped: the queue is shared by every process.
  new Gauge({
    name: 'roster_mail_queue_depth',
    help: 'Emails waiting to be sent (queued or being sent), all processes together',
    registers: [registry],
    async collect() {
      const row = await db.selectFrom('mail_outbox').select((eb) => eb.fn.countAll<string | number>().as('n')).where('state', 'in', ['queued', 'sending']).executeTakeFirst();
      this.set(Number(row?.n ?? 0));
    },
  });
  new Gauge({
    name: 'roster_mail_queue_oldest_age_seconds',
    help: 'How long the oldest waiting email has waited (0: none waits)',
    registers: [registry],
    async collect() {
      const row = await db.selectFrom('mail_outbox').select((eb) => eb.fn.min('created_at').as('oldest')).where('state', 'in', ['queued', 'sending']).executeTakeFirst();
      const oldest = row?.oldest ?? null;
      this.set(oldest === null ? 0 : Math.max(0, (clock.now().getTime() - Date.parse(oldest)) / 1000));
    },
  });

  app.addHook('onResponse', async (request, reply) => {
    // The route's pattern (/api/v1/profiles/:id), or a fixed word for what matched none: a URL itself never becomes a label.
    const route = request.routeOptions.url ?? 'unmatched';
    const labels = { method: request.method, route };
    requests.inc({ ...labels, status: String(reply.statusCode) });
    latency.observe(labels, reply.elapsedTime / 1000);
  });

  return {
    registry,
    mailRun(stats) {
      for (const outcome of ['sent', 'retried', 'failed', 'unknown'] as const) if (stats[outcome] > 0) mail.inc({ outcome }, stats[outcome]);
    },
    pushSize: (n) => {
      pushes.observe(n);
    },
    pullSize: (n) => {
      pulls.observe(n);
    },
  };
}
