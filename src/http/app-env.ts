import type { Logger } from 'pino';

/** The signed-in user as HTTP handlers see it. */
export interface AuthUser {
  readonly id: string;
  readonly username: string;
  readonly role: 'user' | 'admin';
}

export interface AuthContext {
  readonly user: AuthUser;
  /** How the request proved who it is. */
  readonly via: 'session' | 'api-key';
  /** The session id (SHA-256 of the token) when `via` is `session`. */
  readonly sessionId?: string;
}

/** The one Hono environment of the app. */
export interface AppEnv {
  Variables: {
    requestId: string;
    /** The service's logger; `requestLogger(c)` adds the request id. */
    baseLogger: Logger;
    auth: AuthContext | undefined;
  };
}
