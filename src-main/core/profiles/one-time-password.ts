import { AppError, ruleError } from '../../../src-shared/errors';
import { rule } from '../../../src-shared/messages';
import type { Clock, ReplicaPort } from '../ports';
import type { OneTimePasswordTransport } from '../sync/ports';
import { callServer, ensureReachable } from './server-call';
import type { ImportOneTimePasswords } from '../import/context';
import type { RuleMessage } from '../../../src-shared/messages';
import type { ServerSessionPort } from './server-call';

export interface OneTimePasswordDeps {
  replica: ReplicaPort;
  transport: OneTimePasswordTransport;
  session: ServerSessionPort;
  clock: Clock;
}

/**
 * An admin's one-time password for a person (issue 15): it goes to the
 * server once, which checks the password rules, hashes it and keeps only
 * the hash; nothing of it is written in this console (not in the replica,
 * not in the outbox, not in the log). So it needs the server now, and a
 * profile the server already has.
 */
export class OneTimePasswords {
  constructor(private readonly deps: OneTimePasswordDeps) {}

  async set(profileId: string, password: string): Promise<{ expiresAt: string }> {
    this.onServer(profileId);
    return callServer(this.deps.session, (url, token) => this.deps.transport.setOneTimePassword(url, token, profileId, password));
  }

  /** Emails the person their sign-in page and username (the server words it; never a password). */
  async sendSignInDetails(profileId: string): Promise<{ queued: true }> {
    this.onServer(profileId);
    return callServer(this.deps.session, (url, token) => this.deps.transport.sendSignInDetails(url, token, profileId));
  }

  /** A live profile of the replica that the server already has (pushed at least once); else why not. */
  private onServer(profileId: string): void {
    const profile = this.deps.replica.profiles.get(profileId, this.deps.clock.now());
    if (profile === undefined) throw new AppError('NOT_FOUND', 'No such profile.');
    if (profile.version === 0) throw ruleError('VALIDATION_FAILED', rule('profile_not_on_server', {}));
  }

  /** The import's side (core/import/context.ts): the server must answer now; the rows are pushed, then each password set. */
  forImport(sync: { syncNow(): Promise<unknown> }): ImportOneTimePasswords {
    return {
      ready: () => {
        ensureReachable(this.deps.session);
      },
      setAll: async (items) => {
        try {
          await sync.syncNow();
        } catch (error) {
          // The rows stay written and queued; their passwords cannot be set without the server: each row says why.
          if (!(error instanceof AppError)) throw error;
          const found = error.details?.rule;
          return items.map(() => (found === undefined ? { message: error.message } : { message: error.message, rule: found }));
        }
        const out: ({ message: string; rule?: RuleMessage } | null)[] = [];
        for (const item of items) {
          try {
            await this.set(item.profileId, item.password);
            out.push(null);
          } catch (error) {
            if (!(error instanceof AppError)) throw error;
            const found = error.details?.rule;
            out.push(found === undefined ? { message: error.message } : { message: error.message, rule: found });
          }
        }
        return out;
      },
    };
  }
}
