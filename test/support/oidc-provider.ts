import { randomInt } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import Provider from 'oidc-provider';
import { testOrigin } from './test-app.js';

/** What a Google-like account puts in its ID token. */
export interface TestAccount {
  readonly email: string;
  /** Google sends a boolean; some tests send false. */
  readonly email_verified: boolean;
  /** Google Workspace domain; absent for consumer accounts. */
  readonly hd?: string;
  readonly given_name?: string;
  readonly family_name?: string;
}

export interface TestOidcProvider {
  readonly issuer: string;
  readonly clientId: string;
  readonly clientSecret: string;
  /** Adds an account; returns its Google-like numeric `sub`, which is also what one types at the login form. */
  addAccount(account: TestAccount): string;
  /** Stops answering (the port closes, open connections are cut), keeping accounts and keys for `start()`. */
  stop(): Promise<void>;
  /** Listens again on the same port: the issuer is unchanged. */
  start(): Promise<void>;
  close(): Promise<void>;
}

/** The `providers[]` entry for a Google sign-in served by this provider; `over` adds the domain rules. */
export function googleProviderConfig(op: TestOidcProvider, over: Record<string, unknown> = {}) {
  return {
    id: 'google',
    kind: 'oidc',
    preset: 'google',
    issuer: op.issuer,
    clientId: op.clientId,
    clientSecret: op.clientSecret,
    ...over,
  };
}

/**
 * oidc-provider on 127.0.0.1 standing in for Google: ID tokens carry email, email_verified and `hd`
 * (conformIdTokenClaims false), `sub` is a numeric id, PKCE is required, the dev login form signs in
 * whichever account id is typed.
 */
export async function startOidcProvider(options: { redirectUris: string[] }): Promise<TestOidcProvider> {
  const accounts = new Map<string, TestAccount>();
  const server: Server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  const issuer = `http://127.0.0.1:${port}`;
  const clientId = 'concierge-test';
  const clientSecret = 'concierge-test-secret-0123456789abcdef';
  const provider = new Provider(issuer, {
    clients: [
      {
        client_id: clientId,
        client_secret: clientSecret,
        redirect_uris: options.redirectUris,
        grant_types: ['authorization_code'],
        response_types: ['code'],
        token_endpoint_auth_method: 'client_secret_basic',
      },
    ],
    // Google puts these in the ID token itself, not only at userinfo.
    conformIdTokenClaims: false,
    claims: {
      openid: ['sub'],
      email: ['email', 'email_verified'],
      // Custom claims must be listed under a scope or oidc-provider drops them.
      profile: ['given_name', 'family_name', 'name', 'hd'],
    },
    pkce: { required: () => true },
    features: { devInteractions: { enabled: true } },
    cookies: { keys: ['test-cookie-key-not-secret'] },
    async findAccount(_ctx, id) {
      const account = accounts.get(id);
      if (!account) return undefined;
      return {
        accountId: id,
        async claims() {
          return { sub: id, ...account };
        },
      };
    },
  });
  server.on('request', provider.callback());
  return {
    issuer,
    clientId,
    clientSecret,
    addAccount(account) {
      const sub = String(randomInt(100_000_000, 999_999_999)) + String(randomInt(100_000_000, 999_999_999));
      accounts.set(sub, account);
      return sub;
    },
    stop: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        // Kept-alive connections would otherwise go on answering: a real outage cuts them too.
        server.closeAllConnections();
      }),
    start: () =>
      new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, '127.0.0.1', () => {
          server.off('error', reject);
          resolve();
        });
      }),
    close: () =>
      new Promise<void>((resolve) => {
        if (!server.listening) return resolve();
        server.close(() => resolve());
      }),
  };
}

/** A minimal cookie jar for one browser: name → value (paths are ignored; names do not clash here). */
export class CookieJar {
  private readonly cookies = new Map<string, string>();
  store(response: Response): void {
    for (const line of response.headers.getSetCookie()) {
      const [pair = '', ...attributes] = line.split(';');
      const eq = pair.indexOf('=');
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      const expired = attributes.some((a) => /^\s*(max-age=0|expires=thu, 01 jan 1970)/i.test(a));
      if (expired || value === '') this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }
  header(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }
  get(name: string): string | undefined {
    return this.cookies.get(name);
  }
}

/**
 * Signs in through Concierge's redirect flow as a browser would: starts at
 * `/auth/oidc/{providerId}/start`, signs in at the provider as `accountId`, and follows the callback
 * with the browser-binding cookie. `cookie` is the new session's cookie header ('' when refused);
 * `finish` replays the callback (another URL or cookie) for tests of misuse.
 */
export async function oidcSignIn(
  app: { request(url: string, init?: RequestInit): Response | Promise<Response> },
  accountId: string,
  options: { providerId?: string; returnTo?: string } = {},
) {
  const query = options.returnTo === undefined ? '' : `?returnTo=${encodeURIComponent(options.returnTo)}`;
  const start = await app.request(`${testOrigin}/auth/oidc/${options.providerId ?? 'google'}/start${query}`);
  if (start.status !== 302) throw new Error(`start answered ${start.status}: ${await start.text()}`);
  const browser = /concierge_oidc=([^;]+)/.exec(start.headers.get('set-cookie') ?? '')?.[1];
  if (!browser) throw new Error('start set no browser-binding cookie');
  const callback = await signInAtProvider(start.headers.get('location') ?? '', accountId);
  const finish = async (url: URL = callback, cookie = `concierge_oidc=${browser}`) =>
    app.request(url.href, { headers: { cookie } });
  const res = await finish();
  const session = /concierge_session=([^;]+)/.exec(res.headers.get('set-cookie') ?? '')?.[1];
  return { res, callback, finish, cookie: session ? `concierge_session=${session}` : '' };
}

/**
 * Plays the browser at the provider: follows its redirects, types `accountId` at the dev login form,
 * consents, and returns the URL it finally sends the browser to (our callback, with code and state).
 */
export async function signInAtProvider(
  authorizationUrl: URL | string,
  accountId: string,
  jar = new CookieJar(),
) {
  let url = new URL(authorizationUrl);
  const origin = url.origin;
  for (let step = 0; step < 12; step++) {
    if (url.origin !== origin) return url;
    let response = await fetch(url, { redirect: 'manual', headers: { cookie: jar.header() } });
    jar.store(response);
    if (response.status === 200 && url.pathname.startsWith('/interaction/')) {
      const html = await response.text();
      const body = html.includes('name="login"')
        ? new URLSearchParams({ prompt: 'login', login: accountId, password: 'any' })
        : new URLSearchParams({ prompt: 'consent' });
      response = await fetch(url, {
        method: 'POST',
        redirect: 'manual',
        headers: { cookie: jar.header(), 'content-type': 'application/x-www-form-urlencoded' },
        body,
      });
      jar.store(response);
    }
    const location = response.headers.get('location');
    if (!location)
      throw new Error(
        `the provider answered ${response.status} at ${url.pathname}: ${await response.text()}`,
      );
    url = new URL(location, url);
  }
  throw new Error('too many redirects at the provider');
}
