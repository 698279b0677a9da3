import { providerProblem } from '../compose/identity.js';
import { loadConfigOrExit } from '../main.js';
import { parseOptions } from './args.js';

/** `concierge config check`: the start-up validation without starting; exits 1 naming each bad key. */
export function configCheck(args: readonly string[]): number {
  parseOptions('config check', args, {});
  const problem = providerProblem(loadConfigOrExit());
  if (problem) {
    process.stderr.write(`concierge: invalid configuration:\n  ${problem}\n`);
    return 1;
  }
  process.stdout.write('configuration ok\n');
  return 0;
}
