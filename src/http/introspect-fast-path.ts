import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import type { Metrics } from '../adapters/metrics/metrics.js';
import { clientIpFrom } from './client-ip.js';
import { requestIdFrom } from './middleware/request-id.js';
import { requestRecorder } from './middleware/request-log.js';
import { dataHeaders } from './middleware/security-headers.js';
import { serviceTokenCheck } from './middleware/service-token.js';
import {
  type IntrospectService,
  introspectBody,
  introspectionBody,
  JSON_TYPE,
} from './routes/introspect/introspect-routes.js';

type Listener = (req: IncomingMessage, res: ServerResponse) => void;

const PATH = '/api/v1/introspect';
// An introspection request is `{"token": "…"}` with a token of at most 1,024 characters.
const MAX_BODY = 4096;

/**
 * `POST /api/v1/introspect` answered on Node's own request and response when it is the plain case: the
 * host platform asks it for every request it authenticates, and Hono's request path (dispatch, seven
 * middleware, the fetch Request and Response emulation) cost more than the introspection itself
 * (BENCHMARKS.md). Taken here only with a configured service token, a JSON body of declared length,
 * and no cookie or Origin header; the answer is the Hono route's (same body, status and headers, the
 * same request log line and metrics). Everything else goes to `next`, the Hono app, which answers it as
 * always: other routes and shapes, a missing or wrong service token, and a body that is not a valid
 * introspection request (handed on through `rawBody`, which @hono/node-server reads instead of the
 * already consumed stream).
 */
export function introspectFastPath(
  deps: {
    introspect: IntrospectService;
    serviceTokens: readonly string[];
    trustProxy: boolean;
    https: boolean;
    logger: Logger;
    metrics: Metrics;
  },
  next: Listener,
): Listener {
  const admits = serviceTokenCheck(deps.serviceTokens);
  const securityFlat = dataHeaders(deps.https).flat();
  const record = requestRecorder(deps);

  const answer = async (req: IncomingMessage, res: ServerResponse, body: Buffer, started: number) => {
    let token: string | undefined;
    try {
      const parsed = introspectBody.safeParse(JSON.parse(body.toString('utf8')));
      if (parsed.success) token = parsed.data.token;
    } catch {
      // Malformed JSON: the Hono route answers it.
    }
    if (token === undefined) return handOn(req, res, body);
    const forwardedFor = deps.trustProxy ? header(req, 'x-forwarded-for') : undefined;
    const ip = clientIpFrom(forwardedFor, () => req.socket.remoteAddress);
    const result = await deps.introspect(token, { ip });
    const json = JSON.stringify(introspectionBody(result));
    const requestId = requestIdFrom(header(req, 'x-request-id'));
    // One flat list for writeHead: cheaper than a setHeader call per header.
    res.writeHead(200, [
      'X-Request-Id',
      requestId,
      ...securityFlat,
      'Cache-Control',
      'no-store',
      'Content-Type',
      'application/json',
      'Content-Length',
      String(Buffer.byteLength(json)),
    ]);
    res.end(json);
    record({ requestId, method: 'POST', route: PATH, status: 200, ms: performance.now() - started });
  };

  const handOn = (req: IncomingMessage, res: ServerResponse, body: Buffer) => {
    (req as IncomingMessage & { rawBody?: Buffer }).rawBody = body;
    next(req, res);
  };

  return (req, res) => {
    if (req.method !== 'POST' || req.url !== PATH) return next(req, res);
    const h = req.headers;
    const length = Number(h['content-length']);
    const plain =
      h['transfer-encoding'] === undefined &&
      length > 0 &&
      length <= MAX_BODY &&
      h.cookie === undefined &&
      h.origin === undefined &&
      JSON_TYPE.test(h['content-type'] ?? '') &&
      admits(h.authorization);
    if (!plain) return next(req, res);
    const started = performance.now();
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.once('end', () => {
      const body = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks);
      // An unexpected failure (the database) is answered by the Hono route, which logs it: 500.
      answer(req, res, body, started).catch(() => {
        if (res.headersSent) res.destroy();
        else handOn(req, res, body);
      });
    });
  };
}

/** A request header as one string (Node joins repeated ones, except a few it keeps as the first). */
function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value.join(', ') : value;
}
