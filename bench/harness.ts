import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, openSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';

const root = fileURLToPath(new URL('../', import.meta.url));
// The server process behind each origin, so that load() can read its CPU time.
const serverPids = new Map<string, number>();
// Every server started and not yet stopped, so that a failure anywhere still stops them all.
const running = new Set<() => Promise<void>>();
const children = new Set<ChildProcess>();
process.on('exit', () => {
  for (const child of children) child.kill('SIGKILL');
});

function track(child: ChildProcess, cleanup: () => void = () => {}): () => Promise<void> {
  children.add(child);
  const stop = async () => {
    running.delete(stop);
    await stopChild(child);
    children.delete(child);
    cleanup();
  };
  running.add(stop);
  return stop;
}

/** A server running in a child process. */
export interface Server {
  readonly origin: string;
  stop(): Promise<void>;
}

export interface LoadOptions {
  readonly method?: 'GET' | 'POST';
  readonly headers?: Record<string, string>;
  readonly body?: string;
}

export interface LoadResult {
  readonly label: string;
  readonly requestsPerSecond: number;
  /** Requests per CPU-second of the server process: steadier than req/s when other work shares the cores. */
  readonly requestsPerCpuSecond: number;
  readonly p50: number;
  readonly p99: number;
  readonly total: number;
  /** Non-2xx answers, errors and timeouts: a benchmark of failures measures nothing. */
  readonly failed: number;
}

/** `--duration S` (default 10) and `--connections N` (default 50), after `npm run bench -- `. */
export function benchOptions(): { duration: number; connections: number } {
  const { values } = parseArgs({
    options: { duration: { type: 'string', default: '10' }, connections: { type: 'string', default: '50' } },
  });
  return { duration: Number(values.duration), connections: Number(values.connections) };
}

/** One line about the machine, printed before the figures; a busy machine makes them unreliable. */
export function machine(): string {
  const cpu = cpus();
  const load = loadavg()[0]!.toFixed(1);
  const busy = loadavg()[0]! > cpu.length / 2 ? ' (busy: other work shares these cores)' : '';
  return `node ${process.version}, ${cpu.length} × ${cpu[0]?.model.trim() ?? 'unknown CPU'}, load average ${load}${busy}`;
}

/**
 * The built service (`node dist/src/main.js`, run `npm run build` first) on a temporary dataDir and a
 * free loopback port. Its log goes to a file, so the benchmark process spends no time reading it.
 */
export async function startConcierge(yaml = ''): Promise<Server & { configPath: string; cli: CliRunner }> {
  const entry = join(root, 'dist/src/main.js');
  if (!existsSync(entry)) throw new Error(`${entry} is missing: run npm run build first`);
  const dataDir = mkdtempSync(join(tmpdir(), 'concierge-bench-'));
  const port = await freePort();
  const origin = `http://127.0.0.1:${port}`;
  const configPath = join(dataDir, 'concierge.yaml');
  writeFileSync(
    configPath,
    `dataDir: ${JSON.stringify(dataDir)}\nserver: { publicUrl: "${origin}" }\n${yaml}`,
  );
  const env: NodeJS.ProcessEnv = { ...process.env, CONCIERGE_CONFIG: configPath, PORT: String(port) };
  delete env.DATABASE_URL;
  const logPath = join(dataDir, 'concierge.log');
  const log = openSync(logPath, 'w');
  const child = spawn(process.execPath, [entry], { cwd: root, env, stdio: ['ignore', log, log] });
  const stop = track(child, () => rmSync(dataDir, { recursive: true, force: true }));
  await waitUntilUp(`${origin}/healthz`, child, () => readFileSync(logPath, 'utf8'));
  serverPids.set(origin, child.pid!);
  const cli: CliRunner = (args, input) => runCli(args, input, env);
  return {
    origin,
    configPath,
    cli,
    stop,
  };
}

/** The baseline: bench/hello-server.js, a bare Hono route, on a free loopback port. */
export async function startHello(): Promise<Server> {
  const port = await freePort();
  const origin = `http://127.0.0.1:${port}`;
  const child = spawn(process.execPath, [join(root, 'bench/hello-server.js'), String(port)], {
    cwd: root,
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const stop = track(child);
  await waitUntilUp(`${origin}/`, child, () => '');
  serverPids.set(origin, child.pid!);
  return { origin, stop };
}

export type CliRunner = (
  args: readonly string[],
  input?: string,
) => Promise<{ code: number | null; output: string }>;

/** The built CLI (`bin/concierge.js`) against the same configuration as the service. */
function runCli(args: readonly string[], input: string | undefined, env: NodeJS.ProcessEnv) {
  const child = spawn(process.execPath, [join(root, 'bin/concierge.js'), ...args], { cwd: root, env });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk));
  child.stdin.end(input ?? '');
  return new Promise<{ code: number | null; output: string }>((resolve) =>
    child.on('close', (code) => resolve({ code, output })),
  );
}

/**
 * Loads `url` with autocannon: a short warm-up (the JIT, the statement cache), then the measured run.
 * Refuses to report a run in which requests failed.
 */
export async function load(label: string, url: string, options: LoadOptions = {}): Promise<LoadResult> {
  const { duration, connections } = benchOptions();
  const base = { url, connections, ...options };
  await autocannon({ ...base, duration: Math.min(3, duration) });
  const pid = serverPids.get(new URL(url).origin);
  const cpuBefore = cpuSeconds(pid);
  const result = await autocannon({ ...base, duration });
  const cpuUsed = cpuSeconds(pid) - cpuBefore;
  const failed = result.non2xx + result.errors + result.timeouts;
  if (failed > 0) {
    throw new Error(
      `${label}: ${failed} of ${result.requests.total} requests failed (non-2xx, errors or timeouts)`,
    );
  }
  return {
    label,
    requestsPerSecond: result.requests.average,
    requestsPerCpuSecond: cpuUsed > 0 ? result.requests.total / cpuUsed : Number.NaN,
    p50: result.latency.p50,
    p99: result.latency.p99,
    total: result.requests.total,
    failed,
  };
}

/** Prints one row per result with its ratio to the baseline (the first row). */
export function report(title: string, results: readonly LoadResult[]): void {
  const { duration, connections } = benchOptions();
  const baseline = results[0]!;
  console.log(`\n${title}\n${machine()}; autocannon ${connections} connections, ${duration} s per run\n`);
  const columns = ['req/s', 'p50 ms', 'p99 ms', 'ratio', 'req/CPU-s', 'ratio (CPU)'];
  console.log(`${'route'.padEnd(44)}${columns.map((c) => c.padStart(12)).join('')}`);
  for (const r of results) {
    const cells = [
      Math.round(r.requestsPerSecond),
      r.p50,
      r.p99,
      `${(r.requestsPerSecond / baseline.requestsPerSecond).toFixed(2)}×`,
      Math.round(r.requestsPerCpuSecond),
      `${(r.requestsPerCpuSecond / baseline.requestsPerCpuSecond).toFixed(2)}×`,
    ];
    console.log(`${r.label.padEnd(44)}${cells.map((c) => String(c).padStart(12)).join('')}`);
  }
}

/**
 * Each round's ratio of a route to the baseline loaded in the same round, and their median. On a shared
 * VM the baseline itself swings (here 24k–43k req/s between rounds), so a ratio of medians can pair a
 * fast baseline round with a slow route round; the per-round ratios show how far the figure moves.
 */
export function roundRatios(
  baseline: readonly LoadResult[],
  routes: readonly (readonly LoadResult[])[],
): void {
  console.log(
    '\nratio to the baseline of the same round (req/s | req/CPU-s), rounds in order, then the median',
  );
  for (const runs of routes) {
    const wall = runs.map((r, i) => r.requestsPerSecond / baseline[i]!.requestsPerSecond);
    const cpu = runs.map((r, i) => r.requestsPerCpuSecond / baseline[i]!.requestsPerCpuSecond);
    const fmt = (xs: number[]) =>
      `${xs.map((x) => x.toFixed(2)).join(' ')} (median ${middle(xs).toFixed(2)})`;
    console.log(`${runs[0]!.label.padEnd(44)}${fmt(wall)} | ${fmt(cpu)}`);
  }
}

function middle(xs: readonly number[]): number {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

/** The median run by req/s: with alternating rounds, steadier than any single run on a shared machine. */
export function median(results: readonly LoadResult[]): LoadResult {
  const sorted = [...results].sort((a, b) => a.requestsPerSecond - b.requestsPerSecond);
  return sorted[Math.floor(sorted.length / 2)]!;
}

/** Runs `work` with the servers, stopping every server started, however it ends (even mid-start). */
export async function withServers<T extends readonly Server[]>(
  servers: () => Promise<T>,
  work: (s: T) => Promise<void>,
) {
  try {
    await work(await servers());
  } finally {
    await Promise.all([...running].map((stop) => stop()));
  }
}

/** User + system CPU time of a process from /proc (Linux; clock ticks of 1/100 s). NaN elsewhere. */
function cpuSeconds(pid: number | undefined): number {
  if (pid === undefined) return Number.NaN;
  try {
    // The command name (field 2) is in parentheses and may hold spaces: count fields after it.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return Number.NaN;
  }
}

/**
 * CPU seconds of this process's child processes (e.g. the WAL checkpointer of a database opened with
 * background checkpoints), from /proc, for figures that count all the CPU a run used.
 */
export function childrenCpuSeconds(): number {
  let total = 0;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(fields[1]) === process.pid) total += (Number(fields[11]) + Number(fields[12])) / 100;
    } catch {
      // The process ended meanwhile.
    }
  }
  return total;
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('no free port');
  return address.port;
}

async function waitUntilUp(url: string, child: ChildProcess, log: () => string): Promise<void> {
  for (let attempt = 0; attempt < 300; attempt++) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`${url}: the server exited (${child.exitCode ?? child.signalCode})\n${log()}`);
    }
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  child.kill('SIGKILL');
  throw new Error(`${url} did not answer within 30 s\n${log()}`);
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.on('exit', resolve));
  child.kill('SIGTERM');
  await exited;
}
