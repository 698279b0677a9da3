import { DomainError } from '../domain/shared/errors.js';
import { parseOptions, required, UsageError } from './args.js';
import { consoleLogger } from './console-logger.js';

const command = 'user create';
// A password is at most a few hundred characters; refuse to buffer an accidental file.
const maxStdinBytes = 4096;

/** `concierge user create … --password-stdin`: creates a local user under the password policy. */
export async function userCreate(args: readonly string[]): Promise<number> {
  const values = parseOptions(command, args, {
    username: { type: 'string' },
    email: { type: 'string' },
    first: { type: 'string' },
    last: { type: 'string' },
    admin: { type: 'boolean' },
    'password-stdin': { type: 'boolean' },
  });
  const username = required(command, 'username', values.username);
  const email = required(command, 'email', values.email);
  if (!values['password-stdin']) {
    throw new UsageError(`${command}: --password-stdin is required (passwords never go on the command line)`);
  }
  const password = await readPasswordFromStdin();

  // Loaded only now, so that a usage error answers without loading the whole service.
  const { compose } = await import('../compose/compose.js');
  const { loadConfigOrExit, openMigratedOrExit } = await import('../main.js');
  const config = loadConfigOrExit();
  const logger = consoleLogger(config.logging.level);
  const db = await openMigratedOrExit(config, logger);
  const parts = compose(config, db, { logger });
  try {
    const user = await parts.createUser({
      username,
      email,
      password,
      role: values.admin ? 'admin' : 'user',
      ...(values.first === undefined ? {} : { firstName: values.first }),
      ...(values.last === undefined ? {} : { lastName: values.last }),
    });
    process.stdout.write(`created ${user.role} ${user.username} (id ${user.id})\n`);
    return 0;
  } catch (error) {
    if (!(error instanceof DomainError)) throw error;
    process.stderr.write(`concierge: ${error.message}\n`);
    return 1;
  } finally {
    parts.transport.close();
    await db.close();
  }
}

/** Reads the whole of stdin as the password, without its one trailing newline (as `echo` adds). */
async function readPasswordFromStdin(): Promise<string> {
  if (process.stdin.isTTY) {
    throw new UsageError(
      `${command}: --password-stdin reads a pipe, not a terminal: printf '%s' "$PASSWORD" | concierge user create …`,
    );
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of process.stdin) {
    const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk));
    size += buffer.length;
    if (size > maxStdinBytes)
      throw new UsageError(`${command}: stdin holds more than ${maxStdinBytes} bytes`);
    chunks.push(buffer);
  }
  const password = Buffer.concat(chunks)
    .toString('utf8')
    .replace(/\r?\n$/, '');
  if (password.length === 0) throw new UsageError(`${command}: stdin was empty; pipe the password into it`);
  return password;
}
