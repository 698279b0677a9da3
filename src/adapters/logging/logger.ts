import pino, { type Logger } from 'pino';

// Secrets never reach the logs, wherever they appear in a logged object.
const redact = [
  'password',
  '*.password',
  'currentPassword',
  '*.currentPassword',
  'newPassword',
  '*.newPassword',
  'confirmPassword',
  '*.confirmPassword',
  'token',
  '*.token',
  'key',
  '*.key',
  'apiKey',
  '*.apiKey',
  'cookie',
  '*.cookie',
  'authorization',
  '*.authorization',
  'headers.cookie',
  'headers.authorization',
  'req.headers.cookie',
  'req.headers.authorization',
  'headers["set-cookie"]',
  '*.headers["set-cookie"]',
  'bindPassword',
  '*.bindPassword',
  'clientSecret',
  '*.clientSecret',
];

/** JSON logs on stdout (or `destination`), secrets redacted. */
export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  return pino(
    { level, redact: { paths: redact, censor: '[redacted]' }, base: { service: 'concierge' } },
    destination,
  );
}
