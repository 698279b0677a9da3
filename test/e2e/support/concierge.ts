import { writeFileSync } from 'node:fs';
import { childEnv, freePort, tempInstance } from './processes.js';
import { type ServiceProcess, startService } from './service.js';

/** A dataDir and config file several server processes (or restarts) share. */
export interface Instance {
  readonly dataDir: string;
  readonly configPath: string;
  readonly sqliteUrl: string;
  /** DATABASE_URL for PostgreSQL; absent: the libsql file in dataDir. */
  readonly databaseUrl?: string;
  /** Rewrites the config file (dataDir first, then `yaml`) for the next start. */
  configure(yaml: string): void;
}

/** A new instance whose config file holds `yaml`. */
export function newInstance(yaml: string, databaseUrl?: string): Instance {
  const base = tempInstance(yaml);
  return {
    ...base,
    ...(databaseUrl === undefined ? {} : { databaseUrl }),
    configure(text) {
      writeFileSync(base.configPath, `dataDir: ${JSON.stringify(base.dataDir)}\n${text}`);
    },
  };
}

export interface RunningConcierge extends ServiceProcess {
  readonly origin: string;
}

/**
 * Starts the compiled server of `root` on `instance` and a free port; resolves once it listens. The
 * config's publicUrl should not matter to the caller: links and the CSRF origin use `origin`.
 */
export async function startConcierge(root: string, instance: Instance): Promise<RunningConcierge> {
  const port = await freePort();
  const origin = `http://127.0.0.1:${port}`;
  const service = startService(
    root,
    childEnv({
      CONCIERGE_CONFIG: instance.configPath,
      PORT: String(port),
      ...(instance.databaseUrl === undefined ? {} : { DATABASE_URL: instance.databaseUrl }),
    }),
  );
  await service.waitForLine(/"msg":"concierge listening"/, 60_000);
  return { ...service, origin };
}

/** SIGKILLs the process and waits until it is gone. */
export async function kill(server: ServiceProcess): Promise<void> {
  server.child.kill('SIGKILL');
  const exit = await server.exited;
  if (exit.signal !== 'SIGKILL') throw new Error(`expected a SIGKILL exit, got ${exit.code ?? exit.signal}`);
}
