import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';

// Run by a child process: its own connection to the file, a PASSIVE checkpoint (never blocks writers
// or readers, copies what it can) every interval, closed when the parent says so or goes away.
const CHECKPOINTER = `
const [libsql, path, intervalMs] = process.argv.slice(1);
const Database = require(libsql);
const db = new Database(path);
db.pragma('busy_timeout = 1000');
const timer = setInterval(() => db.pragma('wal_checkpoint(PASSIVE)'), Number(intervalMs));
const stop = () => {
  clearInterval(timer);
  db.close();
  process.exit(0);
};
process.once('message', stop);
process.once('disconnect', stop);
`;

export interface WalCheckpointer {
  /** Stops the checkpointer after its current checkpoint and waits for it to exit. */
  stop(): Promise<void>;
}

/**
 * Checkpoints the write-ahead log of the SQLite file at `path` from a child process. SQLite otherwise
 * checkpoints inside whichever commit crosses `wal_autocheckpoint`: that commit first copies tens of
 * megabytes into the database file (about 60 ms at 10,000 pages), a stall in the request path of one
 * ingest batch in twenty. A process, not a worker thread: libsql's native module aborts the whole
 * process when a thread is torn down in the middle of a call (measured: 5 exits in 12 during
 * checkpoints ended in SIGABRT), and a process may exit at any moment. The caller keeps a high
 * `wal_autocheckpoint` as a safety net; `onFailure` runs if the checkpointer dies.
 */
export function startWalCheckpointer(
  path: string,
  options: { intervalMs?: number; onFailure: (reason: string) => void },
): WalCheckpointer {
  const libsql = createRequire(import.meta.url).resolve('libsql');
  const child = spawn(
    process.execPath,
    ['-e', CHECKPOINTER, libsql, path, String(options.intervalMs ?? 200)],
    {
      // Its own flags only: the parent's NODE_OPTIONS may load a TypeScript loader or a profiler.
      env: { ...process.env, NODE_OPTIONS: '' },
      stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
    },
  );
  // The database's close() stops it; a process that exits without closing must not wait for it (the
  // child sees the channel close and stops itself).
  child.unref();
  child.channel?.unref();
  let stopping = false;
  const exited = new Promise<void>((resolve) => {
    child.once('exit', () => resolve());
    child.once('error', () => resolve());
  });
  child.once('exit', (code, signal) => {
    if (!stopping) options.onFailure(`the WAL checkpointer exited (${signal ?? `code ${code}`})`);
  });
  child.once('error', (error) => {
    if (!stopping) options.onFailure(error.message);
  });
  return {
    async stop() {
      stopping = true;
      if (child.exitCode !== null || child.signalCode !== null) return;
      // Held again until it has exited, so a process that closes its database waits for it.
      child.ref();
      child.send('stop', () => {});
      await exited;
    },
  };
}
