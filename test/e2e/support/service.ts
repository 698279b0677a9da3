import type { ChildProcess } from 'node:child_process';
import { deferCleanup, type Finished, spawnNode } from './processes.js';

/** A running `src/main.ts` child: its output so far, a way to wait for a line, and its exit. */
export interface ServiceProcess {
  readonly child: ChildProcess;
  output(): string;
  /** Resolves with the first output line matching `pattern` (already printed or still to come). */
  waitForLine(pattern: RegExp, timeoutMs?: number): Promise<string>;
  readonly exited: Promise<Finished>;
}

/** Starts the compiled service (`node dist/src/main.js` in `root`); killed after the test file if still running. */
export function startService(root: string, env: Record<string, string>): ServiceProcess {
  const child = spawnNode(root, 'dist/src/main.js', [], env);
  child.stdin?.end();
  let stdout = '';
  let stderr = '';
  const waiters = new Set<() => void>();
  const notify = () => {
    for (const waiter of waiters) waiter();
  };
  child.stdout?.setEncoding('utf8').on('data', (s: string) => {
    stdout += s;
    notify();
  });
  child.stderr?.setEncoding('utf8').on('data', (s: string) => {
    stderr += s;
    notify();
  });
  const exited = new Promise<Finished>((resolve) =>
    child.on('close', (code, signal) => {
      resolve({ code, signal, stdout, stderr });
      notify();
    }),
  );
  deferCleanup(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  });
  const output = () => `${stdout}${stderr}`;

  const waitForLine = (pattern: RegExp, timeoutMs = 20_000) =>
    new Promise<string>((resolve, reject) => {
      const check = () => {
        // Only complete lines: a line still being written could match half-way.
        const line = [stdout, stderr].flatMap((s) => s.split('\n').slice(0, -1)).find((l) => pattern.test(l));
        if (line !== undefined) return done(() => resolve(line));
        if (child.exitCode !== null || child.signalCode !== null) {
          done(() => reject(new Error(`service exited before printing ${pattern}:\n${output()}`)));
        }
      };
      const timer = setTimeout(
        () =>
          done(() => reject(new Error(`no line matching ${pattern} within ${timeoutMs} ms:\n${output()}`))),
        timeoutMs,
      );
      const done = (settle: () => void) => {
        clearTimeout(timer);
        waiters.delete(check);
        settle();
      };
      waiters.add(check);
      check();
    });

  return { child, output, waitForLine, exited };
}
