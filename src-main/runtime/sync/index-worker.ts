import { parentPort, workerData } from 'node:worker_threads';
import { openDatabase } from '../../db/database';
import { replicaIndexes } from '../../db/replica-indexes';
import type { IndexWorkerData, IndexWorkerReply } from './index-builder';

/**
 * The index builder's thread: its own connection to the replica file builds
 * what bulk writes left out (replicaIndexes.buildDeferred), while the main
 * thread keeps serving the console (WAL: its reads go on meanwhile).
 */
const data = workerData as IndexWorkerData;
let reply: IndexWorkerReply;
try {
  const db = openDatabase(data.file, { nativeBinding: data.nativeBinding });
  try {
    const outcome = replicaIndexes.buildDeferred(db);
    reply = { ok: true, finished: outcome.finished, ms: outcome.ms };
  } finally {
    db.close();
  }
} catch (error) {
  reply = { ok: false, message: error instanceof Error ? error.message : String(error) };
}
parentPort?.postMessage(reply);
