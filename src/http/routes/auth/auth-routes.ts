import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import type { AccountsService } from '../../../compose/accounts.js';
import { anyone } from '../../access.js';
import type { AppEnv } from '../../app-env.js';
import { clientIp, userAgent } from '../../client-ip.js';
import { problemResponses } from '../../problem.js';
import {
  clearSessionCookie,
  readDeviceCookie,
  writeDeviceCookie,
  writeSessionCookie,
} from '../../session-cookie.js';
import { meSchema, passwordField, plainText } from '../me/me-schemas.js';

export interface AuthRoutesDeps {
  readonly accounts: AccountsService;
  readonly secureCookie: boolean;
  readonly trustProxy: boolean;
}

const json = <T extends z.ZodType>(schema: T) => ({
  required: true,
  content: { 'application/json': { schema } },
});

const providersRoute = createRoute({
  method: 'get',
  path: '/api/v1/auth/providers',
  operationId: 'listSignInProviders',
  tags: ['auth'],
  ...anyone(),
  summary: 'The enabled sign-in providers, in the order the login page shows them',
  responses: {
    200: {
      description: 'Providers',
      content: {
        'application/json': {
          schema: z.array(
            z.object({
              id: z.string(),
              kind: z.string(),
              displayName: z.string(),
              loginUrl: z.string().optional(),
            }),
          ),
        },
      },
    },
    ...problemResponses('4XX'),
  },
});

const policyRoute = createRoute({
  method: 'get',
  path: '/api/v1/auth/password-policy',
  operationId: 'getPasswordPolicy',
  tags: ['auth'],
  ...anyone(),
  summary: 'The rules a new password must meet, so pages can show them before submit',
  responses: {
    200: {
      description: 'The configured policy and its rules in words',
      content: {
        'application/json': {
          schema: z
            .object({
              minLength: z.number().int(),
              maxLength: z.number().int(),
              minStrength: z
                .number()
                .int()
                .meta({ description: 'zxcvbn score 0–4 a new password must reach' }),
              rules: z.array(z.string()),
            })
            .meta({ id: 'PasswordPolicy' }),
        },
      },
    },
    ...problemResponses('4XX'),
  },
});

const loginRoute = createRoute({
  method: 'post',
  path: '/api/v1/auth/login',
  operationId: 'login',
  tags: ['auth'],
  ...anyone({ personal: true }),
  summary: 'Sign in with a username or email and a password; sets the session cookie',
  request: {
    body: json(
      z.strictObject({ identifier: plainText(320, 1), password: passwordField }).meta({ id: 'LoginRequest' }),
    ),
  },
  responses: {
    200: {
      description: 'Signed in',
      content: { 'application/json': { schema: z.object({ user: meSchema }) } },
    },
    ...problemResponses(400, 401, 403, 429),
  },
});

const logoutRoute = createRoute({
  method: 'post',
  path: '/api/v1/auth/logout',
  operationId: 'logout',
  tags: ['auth'],
  ...anyone(),
  summary: 'End the current session',
  responses: { 204: { description: 'Signed out (also when no session was open)' }, ...problemResponses(403) },
});

const resetRoute = createRoute({
  method: 'post',
  path: '/api/v1/auth/password-reset',
  operationId: 'requestPasswordReset',
  tags: ['auth'],
  ...anyone(),
  summary: 'Ask for a password-reset email; always 202 with the same body',
  request: {
    body: json(z.strictObject({ identifier: plainText(320, 1) }).meta({ id: 'PasswordResetRequest' })),
  },
  responses: {
    202: {
      description: 'Accepted: an email is on its way if the account exists',
      content: { 'application/json': { schema: z.object({ message: z.string() }) } },
    },
    ...problemResponses(400, 403, 429),
  },
});

const confirmRoute = createRoute({
  method: 'post',
  path: '/api/v1/auth/password-reset/confirm',
  operationId: 'confirmPasswordReset',
  tags: ['auth'],
  ...anyone(),
  summary: 'Set a new password with the link from the reset or invitation email; ends every session',
  request: {
    body: json(
      z
        .strictObject({
          token: z.string().min(1).max(200),
          newPassword: passwordField,
          confirmPassword: passwordField,
        })
        .meta({ id: 'PasswordResetConfirm' }),
    ),
  },
  responses: { 204: { description: 'The password is set' }, ...problemResponses(400, 403) },
});

const tokenBody = json(z.strictObject({ token: z.string().min(1).max(200) }));
const emailVerifyRoute = createRoute({
  method: 'post',
  path: '/api/v1/auth/email/verify',
  operationId: 'verifyEmail',
  tags: ['auth'],
  ...anyone(),
  summary: 'Confirm a new email address with the link sent to it',
  request: { body: tokenBody },
  responses: { 204: { description: 'The new address is in use' }, ...problemResponses(400, 403, 409) },
});
const emailUndoRoute = createRoute({
  method: 'post',
  path: '/api/v1/auth/email/undo',
  operationId: 'undoEmailChange',
  tags: ['auth'],
  ...anyone(),
  summary: 'Put the previous email address back with the link sent to it; ends every session',
  request: { body: tokenBody },
  responses: { 204: { description: 'The previous address is back' }, ...problemResponses(400, 403, 409) },
});

export const resetAccepted =
  'If an account matches, an email with instructions is on its way to its address. Check your inbox (and spam folder).';

/** Sign-in, sign-out, password reset and email confirmation links. */
export function authRoutes(deps: AuthRoutesDeps) {
  const app = new OpenAPIHono<AppEnv>();
  app.openapi(providersRoute, (c) => c.json(deps.accounts.providers(), 200));
  app.openapi(policyRoute, (c) => c.json(deps.accounts.passwordPolicy(), 200));
  app.openapi(loginRoute, async (c) => {
    const body = c.req.valid('json');
    const result = await deps.accounts.signIn({
      ...body,
      ip: clientIp(c, deps.trustProxy),
      userAgent: userAgent(c),
      device: readDeviceCookie(c, deps.secureCookie),
    });
    writeSessionCookie(c, result.token, result.expiresAt, deps.secureCookie);
    writeDeviceCookie(c, result.device, deps.secureCookie);
    return c.json({ user: result.user }, 200);
  });
  app.openapi(logoutRoute, async (c) => {
    const sessionId = c.get('auth')?.sessionId;
    if (sessionId) await deps.accounts.signOut(sessionId);
    clearSessionCookie(c, deps.secureCookie);
    return c.body(null, 204);
  });
  app.openapi(resetRoute, async (c) => {
    const { identifier } = c.req.valid('json');
    await deps.accounts.requestReset({ identifier, ip: clientIp(c, deps.trustProxy) });
    return c.json({ message: resetAccepted }, 202);
  });
  app.openapi(confirmRoute, async (c) => {
    await deps.accounts.confirmReset(c.req.valid('json'));
    clearSessionCookie(c, deps.secureCookie);
    return c.body(null, 204);
  });
  app.openapi(emailVerifyRoute, async (c) => {
    await deps.accounts.verifyEmail(c.req.valid('json').token);
    return c.body(null, 204);
  });
  app.openapi(emailUndoRoute, async (c) => {
    await deps.accounts.undoEmail(c.req.valid('json').token);
    clearSessionCookie(c, deps.secureCookie);
    return c.body(null, 204);
  });
  return app;
}
