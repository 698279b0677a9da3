import { UsageError } from './args.js';
import { usage } from './usage.js';

type Command = (args: readonly string[]) => number | Promise<number>;

// Two-word commands ("config check") are keyed by both words. Each command module is loaded only when
// run, so help and usage errors answer at once without loading the whole service.
const commands = new Map<string, Command>([
  ['migrate', async (args) => (await import('./migrate.js')).migrate(args)],
  ['config check', async (args) => (await import('./config-check.js')).configCheck(args)],
  ['user create', async (args) => (await import('./user-create.js')).userCreate(args)],
  ['digest run', async (args) => (await import('./digest-run.js')).digestRun(args)],
]);

function resolve(argv: readonly string[]): { command?: Command; args: readonly string[] } {
  const pair = commands.get(argv.slice(0, 2).join(' '));
  if (argv.length >= 2 && pair) return { command: pair, args: argv.slice(2) };
  const single = argv[0] === undefined ? undefined : commands.get(argv[0]);
  return single ? { command: single, args: argv.slice(1) } : { args: argv };
}

/** Runs one command line and returns its exit code: 0 done, 1 failed, 2 called wrongly. */
async function run(argv: readonly string[]): Promise<number> {
  if (['help', '--help', '-h'].includes(argv[0] ?? '')) {
    process.stdout.write(usage);
    return 0;
  }
  const { command, args } = resolve(argv);
  if (!command) {
    const unknown = argv.length > 0 ? `concierge: unknown command "${argv.join(' ')}"\n\n` : '';
    process.stderr.write(`${unknown}${usage}`);
    return 2;
  }
  try {
    return await command(args);
  } catch (error) {
    if (error instanceof UsageError) {
      process.stderr.write(`concierge ${error.message}\nRun "concierge help" for the usage.\n`);
      return 2;
    }
    process.stderr.write(`concierge: ${(error as Error).message}\n`);
    return 1;
  }
}

// Exit explicitly: a pooled database or mail connection left open must not keep a command alive.
process.exit(await run(process.argv.slice(2)));
