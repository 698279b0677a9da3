import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import type { ReadCache } from '../adapters/cache/read-cache.js';
import type { Metrics } from '../adapters/metrics/metrics.js';
import type { Config } from '../config/schema.js';
import {
  type IntrospectDeps,
  type Introspection,
  introspectToken,
} from '../domain/accounts/api-keys-introspect.js';
import { isHttps } from '../http/app.js';
import { introspectFastPath } from '../http/introspect-fast-path.js';
import type { IntrospectService } from '../http/routes/introspect/introspect-routes.js';

type Listener = (req: IncomingMessage, res: ServerResponse) => void;

/**
 * Introspection for the host platform (part of the composition root): the cached use case, served by
 * the Hono route and by the Node-level fast path that `listener(next)` puts in front of the app.
 */
export function composeIntrospection(p: {
  config: Config;
  deps: IntrospectDeps;
  cache: ReadCache<Introspection>;
  logger: Logger;
  metrics: Metrics;
  publicUrl: string;
}): { introspect: IntrospectService; listener: (next: Listener) => Listener } {
  const introspect: IntrospectService = async (token, meta) => {
    // Only active answers are cached: a key created on another replica works there at once.
    let inactive: Introspection | undefined;
    const active = await p.cache.get(
      token,
      async () => {
        const result = await introspectToken(p.deps, token, meta);
        if (result.active) return result;
        inactive = result;
        return null;
      },
      (result) => (result.active ? (result.expiresAt?.getTime() ?? null) : null),
    );
    return active ?? inactive ?? { active: false };
  };
  const fastPath = {
    introspect,
    serviceTokens: p.config.serviceTokens,
    trustProxy: p.config.server.trustProxy,
    https: isHttps(p.publicUrl),
    logger: p.logger,
    metrics: p.metrics,
  };
  return { introspect, listener: (next) => introspectFastPath(fastPath, next) };
}
