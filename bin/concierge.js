#!/usr/bin/env node
// The `concierge` command (package bin). It runs the compiled CLI, so the sources must be built first.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const major = Number(process.versions.node.split('.')[0]);
if (major < 24) {
  process.stderr.write(
    `concierge: Node.js 24 or later is required; this is ${process.version} (${process.execPath}).\n` +
      'Inside the project, put node_modules/.bin first on PATH, or run it through npx concierge.\n',
  );
  process.exit(1);
}

const entry = new URL('../dist/src/cli/index.js', import.meta.url);
if (!existsSync(entry)) {
  const root = fileURLToPath(new URL('..', import.meta.url));
  process.stderr.write(
    `concierge: the compiled CLI is missing (${fileURLToPath(entry)}).\nRun \`npm run build\` in ${root} first.\n`,
  );
  process.exit(1);
}
await import(entry.href);
