import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

// CommonJS, run by the worker thread: its own connection to the file, a PASSIVE checkpoint (never
// blocks writers or readers, copies what it can) every `intervalMs`, closed on the parent's word.
const WORKER = `
const { workerData, parentPort } = require('node:worker_threads');
const Database = require(workerData.libsql);
const db = new Database(workerData.path);
db.pragma('busy_timeout = 1000');
const timer = setInterval(() => db.pragma('wal_checkpoint(PASSIVE)'), workerData.intervalMs);
parentPort.once('message', () => {
  clearInterval(timer);
  db.close();
  parentPort.close();
});
`;

export interface WalCheckpointer {
  /** Stops the worker after its current checkpoint and closes its connection. */
  stop(): Promise<void>;
}

/**
 * Checkpoints the write-ahead log of the SQLite file at `path` from a worker thread. SQLite otherwise
 * checkpoints inside whichever commit crosses `wal_autocheckpoint`: that commit copies tens of megabytes
 * into the database file first (60 ms at the default threshold here), a stall in the request path of
 * one ingest batch in twenty. The caller keeps a high `wal_autocheckpoint` as a safety net, and
 * `onFailure` runs if the worker dies (the caller then lowers it back).
 */
export function startWalCheckpointer(
  path: string,
  options: { intervalMs?: number; onFailure: (error: Error) => void },
): WalCheckpointer {
  const libsql = createRequire(import.meta.url).resolve('libsql');
  const worker = new Worker(WORKER, {
    eval: true,
    workerData: { libsql, path, intervalMs: options.intervalMs ?? 200 },
  });
  // The database's close() stops the worker; a process that exits without closing must not wait for it.
  worker.unref();
  let stopping = false;
  worker.on('error', (error: Error) => {
    if (!stopping) options.onFailure(error);
  });
  const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
  return {
    async stop() {
      stopping = true;
      // Held again until it has exited, so a process that closes its database waits for the worker.
      worker.ref();
      worker.postMessage('stop');
      await exited;
    },
  };
}
