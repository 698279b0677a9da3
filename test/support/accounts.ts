import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { simpleParser } from 'mailparser';
import type { Role } from '../../src/domain/accounts/user.js';
import type { testApp } from './test-app.js';

type App = Awaited<ReturnType<typeof testApp>>;

/** A password the default policy accepts, different each call. */
export function strongPassword(): string {
  return `violet-anchor-mosaic-${Math.random().toString(36).slice(2, 8)}`;
}

/** A local user with a password, created through the real use case. */
export async function localUser(app: App, over: { role?: Role; password?: string; username?: string } = {}) {
  const s = Math.random().toString(36).slice(2, 10);
  const password = over.password ?? strongPassword();
  const user = await app.createUser({
    username: over.username ?? `user-${s}`,
    email: `user-${s}@studio.example`,
    firstName: 'Ada',
    lastName: 'Lovelace',
    ...(over.role ? { role: over.role } : {}),
    password,
  });
  return { user, password };
}

/** Signs in through POST /api/v1/auth/login; `cookie` is ready for the Cookie header. */
export async function login(
  app: App,
  identifier: string,
  password: string,
  headers: Record<string, string> = {},
) {
  const res = await app.request('POST', '/api/v1/auth/login', { identifier, password }, headers);
  const match = /concierge_session=([^;]+)/.exec(res.headers.get('set-cookie') ?? '');
  return { ...res, cookie: match ? `concierge_session=${match[1]}` : '' };
}

/** A local user already signed in. */
export async function signedInLocal(app: App, over: { role?: Role } = {}) {
  const { user, password } = await localUser(app, over);
  const { cookie } = await login(app, user.username, password);
  if (!cookie) throw new Error('sign-in failed in test setup');
  return { user, password, cookie, headers: { cookie } };
}

export interface ReadMail {
  readonly to: string;
  readonly subject: string;
  readonly text: string;
  readonly html: string;
}

/**
 * Delivers the outbox with the configured file transport and parses every new .eml file under
 * <dataDir>/mail: the emails exactly as they would have been sent.
 */
export function mailbox(app: App) {
  const seen = new Set<string>();
  return async function newMail(): Promise<ReadMail[]> {
    await app.outbox.runOnce();
    const dir = join(app.dataDir, 'mail');
    const files = await readdir(dir).catch(() => [] as string[]);
    const mails: ReadMail[] = [];
    for (const file of files.filter((f) => f.endsWith('.eml') && !seen.has(f))) {
      seen.add(file);
      const parsed = await simpleParser(await readFile(join(dir, file)));
      mails.push({
        to: parsed.to && !Array.isArray(parsed.to) ? parsed.to.text : '',
        subject: parsed.subject ?? '',
        text: parsed.text ?? '',
        html: typeof parsed.html === 'string' ? parsed.html : '',
      });
    }
    return mails;
  };
}

/** The first link in `text` to `path` (e.g. /reset-password), and its token. */
export function linkIn(text: string, path: string): { url: string; token: string } {
  const match = new RegExp(`https?://[^\\s"<>]*${path}\\?token=([a-z0-9]+)`).exec(text);
  if (!match?.[1]) throw new Error(`no ${path} link in:\n${text}`);
  return { url: match[0], token: match[1] };
}
