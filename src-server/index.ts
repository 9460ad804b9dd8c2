/**
 * The Roster server's programmatic API: the console's start script and the
 * sync tests embed a real server with it (port 0 for a free port).
 *
 *   const server = await startServer(defaultConfig({ port: 0, dataDir }));
 *   server.url; server.demoCredentials; await server.close();
 */
export { buildServer, startServer } from './app';
export type { BuildOptions, RosterServer } from './app';
export { defaultConfig, defaultServerDataDir, parseCli, OWASP_SCRYPT, DEFAULT_PORT } from './config';
export type { ServerConfig, AppLinks, ScryptCost } from './config';
export { createOrganisation, addMemberWithPassword } from './services/organisations';
export { ManualClock, systemClock } from './services/context';
export type { Clock, ServerContext } from './services/context';
export type { DemoCredentials } from './services/demo';
export { OutboxWorker } from './mail/worker';
export type { WorkerOptions } from './mail/worker';
export type { WorkerRunStats } from './mail/outbox-leases';
export { openDatabase } from './db/connect';
