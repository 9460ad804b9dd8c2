import { AppError } from '../../src-shared/errors';
import type { ReplicaPort } from '../core/ports';
import type { Db } from './database';
import { uniqueValueClash } from './database';
import { importsRepo } from './imports.repo';
import { outboxRepo } from './outbox.repo';
import { profilesRepo } from './profiles.repo';
import { duplicatesRepo } from './duplicates.repo';
import { cataloguesRepo } from './catalogues.repo';
import { rulesRepo } from './rules.repo';
import { bulkWritesRepo } from './bulk-writes.repo';

/** SQLite's unique-index failures, turned into the shared codes (a last line behind the core's own checks). */
function translateConstraint(error: unknown): never {
  const clash = uniqueValueClash(error);
  if (clash === 'email') throw new AppError('EMAIL_TAKEN', 'Another profile already uses this email.');
  if (clash === 'externalId') throw new AppError('EXTERNAL_ID_TAKEN', 'Another profile already has this external ID.');
  throw error;
}

const guarded =
  <A extends unknown[], R>(fn: (...args: A) => R) =>
  (...args: A): R => {
    try {
      return fn(...args);
    } catch (error) {
      return translateConstraint(error);
    }
  };

/** The core's view of the replica, bound to one open database. */
export function createReplica(db: Db): ReplicaPort {
  return {
    transaction: (fn) => (db.inTransaction ? fn() : db.transaction(fn).immediate()),
    profiles: {
      insert: guarded((p) => profilesRepo.insert(db, p)),
      update: guarded((p) => profilesRepo.update(db, p)),
      markDeleted: (id, at) => profilesRepo.markDeleted(db, id, at),
      undelete: guarded((id, at) => profilesRepo.undelete(db, id, at)),
      get: (id, now) => profilesRepo.get(db, id, now),
      findIdByEmail: (email) => profilesRepo.findIdByEmail(db, email),
      findIdByExternalId: (externalId) => profilesRepo.findIdByExternalId(db, externalId),
      findIdByUsername: (username) => profilesRepo.findIdByUsername(db, username),
      list: (query, offset, limit, now) => profilesRepo.list(db, query, offset, limit, now),
      countSelection: (selection, now) => profilesRepo.countSelection(db, selection, now),
      selectionIds: (selection, now) => profilesRepo.selectionMembers(db, selection, now).map((m) => m.id),
      getMany: (ids, now) => profilesRepo.getMany(db, ids, now),
      facets: (now) => profilesRepo.facets(db, now),
      possibleDuplicates: (values) => duplicatesRepo.possibleDuplicatesOf(db, values),
    },
    catalogues: {
      get: (id) => cataloguesRepo.get(db, id),
      list: () => cataloguesRepo.list(db),
      usage: () => cataloguesRepo.usage(db),
      ruleNames: () => rulesRepo.names(db),
      rules: () => rulesRepo.list(db),
      ruleHolders: (ruleId) => rulesRepo.holders(db, ruleId),
      licenceHolders: (licenceId, limit) => cataloguesRepo.licenceHolders(db, licenceId, limit),
    },
    outbox: {
      append: (m) => outboxRepo.append(db, m),
      count: () => outboxRepo.count(db),
      has: (id) => outboxRepo.has(db, id),
      remove: (id) => outboxRepo.remove(db, id),
    },
    imports: {
      start: (r) => importsRepo.start(db, r),
      addItem: (item) => importsRepo.addItem(db, item),
      progress: (id, counts) => importsRepo.progress(db, id, counts),
      finish: (id, status, at, counts) => importsRepo.finish(db, id, status, at, counts),
      get: (id) => importsRepo.get(db, id),
      list: (limit) => importsRepo.list(db, limit),
      items: (id) => importsRepo.items(db, id),
      undoCheck: (id) => importsRepo.undoCheck(db, id),
      removeCreated: (profileId, mutationId) => importsRepo.removeCreated(db, profileId, mutationId),
      removeMutation: (mutationId) => importsRepo.removeMutation(db, mutationId),
      markUndone: (id, at) => importsRepo.markUndone(db, id, at),
      rememberSource: (s) => importsRepo.rememberSource(db, s),
      rememberedSources: (limit) => importsRepo.rememberedSources(db, limit),
    },
    bulk: {
      plan: (selection, now, change, required) => bulkWritesRepo.plan(db, selection, now, change, required),
      write: (run, tag, stamp) => bulkWritesRepo.write(db, run, tag, stamp),
    },
  };
}
