import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { z } from 'zod';
import type { ErrorCode, FieldIssue } from '../domain/shared/errors.js';

// The one place a domain code becomes an HTTP status.
const statusByCode: Record<ErrorCode, ContentfulStatusCode> = {
  validation_failed: 400,
  password_policy: 400,
  password_mismatch: 400,
  not_found: 404,
  conflict: 409,
  username_taken: 409,
  email_taken: 409,
  password_managed_externally: 409,
  field_managed_externally: 409,
  notification_locked: 409,
  idempotency_conflict: 409,
  unauthenticated: 401,
  invalid_credentials: 401,
  forbidden: 403,
  username_admin_only: 403,
  setup_unavailable: 403,
  setup_token_invalid: 403,
  too_many_requests: 429,
  provider_unavailable: 503,
  unavailable: 503,
  account_disabled: 403,
  current_password_incorrect: 400,
  token_invalid: 400,
  last_admin: 409,
  invalid_image: 400,
  image_too_large: 413,
  unsupported_media_type: 415,
};

export function statusFor(code: ErrorCode): ContentfulStatusCode {
  return statusByCode[code];
}

const titles: Partial<Record<number, string>> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  409: 'Conflict',
  413: 'Content Too Large',
  415: 'Unsupported Media Type',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

export interface ProblemInput {
  readonly status: ContentfulStatusCode;
  readonly code: string;
  readonly detail: string;
  readonly issues?: readonly FieldIssue[];
  readonly headers?: Record<string, string>;
}

/** An RFC 9457 problem+json response carrying our stable `code` and a `detail` written for people. */
export function problem(c: Context, p: ProblemInput): Response {
  const body = {
    type: 'about:blank',
    title: titles[p.status] ?? 'Error',
    status: p.status,
    code: p.code,
    detail: p.detail,
    ...(p.issues && p.issues.length > 0 ? { issues: p.issues } : {}),
    requestId: c.get('requestId' as never) as string | undefined,
  };
  // Through the context, so headers set earlier by middleware (X-Request-Id) stay on the answer.
  return c.body(JSON.stringify(body), p.status, { 'content-type': 'application/problem+json', ...p.headers });
}

/** Schema of a problem body, for the OpenAPI document. */
export const problemSchema = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.number().int(),
    code: z.string().meta({ description: 'Stable machine-readable error code' }),
    detail: z.string().meta({ description: 'What happened and what to do, written for the end user' }),
    issues: z.array(z.object({ field: z.string(), message: z.string() })).optional(),
    requestId: z.string().optional(),
  })
  .meta({ id: 'Problem' });

/**
 * OpenAPI response entries for problems, e.g. `...problemResponses(400, 401)`. `'4XX'` describes an
 * operation that refuses nothing of its own: every answer outside 2xx is still problem+json.
 */
export function problemResponses(...statuses: Array<number | '4XX'>) {
  return Object.fromEntries(
    statuses.map((s) => [
      s,
      {
        description:
          s === '4XX'
            ? 'Refused (this operation has no refusal of its own; every refusal is problem+json)'
            : (titles[s] ?? 'Error'),
        content: { 'application/problem+json': { schema: problemSchema } },
      },
    ]),
  );
}
