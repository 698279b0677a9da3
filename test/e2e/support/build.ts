import { spawn } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll } from 'vitest';
import { deferCleanup, repoRoot } from './processes.js';

/**
 * Builds Concierge once for the test file, the way the image does: `tsc -p tsconfig.build.json` into a
 * private temporary folder laid out like an installed package (dist/, config/, bin/, package.json and
 * the repository's node_modules linked in). The e2e tests then run the compiled code that `npm start`,
 * the `concierge` bin and the Dockerfile run, without rewriting the shared dist/ other processes use.
 * Returns a getter for that folder.
 */
export function compiledConcierge(): () => string {
  let root: string | undefined;
  beforeAll(async () => {
    const dir = mkdtempSync(join(tmpdir(), 'concierge-build-'));
    deferCleanup(() => rmSync(dir, { recursive: true, force: true }));
    const tsc = join(repoRoot, 'node_modules/typescript/bin/tsc');
    const output = await new Promise<string>((resolve, reject) => {
      const child = spawn(
        process.execPath,
        [tsc, '-p', 'tsconfig.build.json', '--outDir', join(dir, 'dist')],
        {
          cwd: repoRoot,
        },
      );
      let text = '';
      child.stdout.on('data', (chunk: Buffer) => (text += chunk));
      child.stderr.on('data', (chunk: Buffer) => (text += chunk));
      child.on('error', reject);
      // Type errors are the typecheck's business (npm test runs it); tsc still emits the JavaScript.
      child.on('close', () => resolve(text));
    });
    for (const entry of ['dist/src/main.js', 'dist/src/cli/index.js']) {
      if (!existsSync(join(dir, entry))) throw new Error(`the build produced no ${entry}:\n${output}`);
    }
    for (const entry of ['config', 'bin', 'package.json'])
      cpSync(join(repoRoot, entry), join(dir, entry), { recursive: true });
    symlinkSync(join(repoRoot, 'node_modules'), join(dir, 'node_modules'), 'dir');
    root = dir;
  }, 180_000);
  return () => {
    if (!root) throw new Error('the compiled build is not ready (used outside a test?)');
    return root;
  };
}
