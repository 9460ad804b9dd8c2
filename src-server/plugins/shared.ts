import type { FastifyInstance } from 'fastify';

export type SharedPlugin<O> = (app: FastifyInstance, options: O, done: (error?: Error) => void) => void;

/**
 * Marks a plugin as shared: what it decorates and the hooks it adds apply to
 * the app that registers it, not only inside its own scope (Fastify's
 * documented `skip-override` marker, what fastify-plugin sets).
 */
export function shared<O>(plugin: SharedPlugin<O>): SharedPlugin<O> {
  Object.defineProperty(plugin, Symbol.for('skip-override'), { value: true });
  return plugin;
}
