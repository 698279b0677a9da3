import { Hono, type MiddlewareHandler } from 'hono';
import type { AccountsService } from '../../../compose/accounts.js';
import { safeReturnTo } from '../../../domain/shared/return-to.js';
import type { AppEnv } from '../../app-env.js';
import { AccountPage, type AccountSection, accountSections } from '../../pages/account/account-page.js';
import {
  EmailLinkPage,
  ForgotPasswordPage,
  LoginPage,
  ResetPasswordPage,
} from '../../pages/account/auth-pages.js';

const PAGES = [
  '/login',
  '/forgot-password',
  '/reset-password',
  '/verify-email',
  '/undo-email-change',
  '/account',
];

const token = (value: string | undefined) => (value ?? '').slice(0, 200);

/** The pages of local accounts: /login, /forgot-password, /reset-password, /account and email links. */
export function accountPages(deps: { accounts: AccountsService; sections?: readonly AccountSection[] }) {
  const app = new Hono<AppEnv>();
  // Pages carry tokens in their URL and the account page personal data: never cached. Registered per
  // path: mounted at '/', a sub-app's use('*') would run for (and re-header) every route of the app.
  const noStore: MiddlewareHandler<AppEnv> = async (c, next) => {
    await next();
    c.header('Cache-Control', 'no-store');
  };
  for (const path of PAGES) app.use(path, noStore);
  app.get('/login', (c) =>
    c.html(
      <LoginPage
        providers={deps.accounts.providers()}
        returnTo={safeReturnTo(c.req.query('returnTo'), '/account')}
      />,
    ),
  );
  app.get('/forgot-password', (c) => c.html(<ForgotPasswordPage />));
  app.get('/reset-password', (c) =>
    c.html(
      <ResetPasswordPage token={token(c.req.query('token'))} rules={deps.accounts.passwordPolicy().rules} />,
    ),
  );
  app.get('/verify-email', (c) =>
    c.html(<EmailLinkPage kind="verify" token={token(c.req.query('token'))} />),
  );
  app.get('/undo-email-change', (c) =>
    c.html(<EmailLinkPage kind="undo" token={token(c.req.query('token'))} />),
  );
  app.get('/account', async (c) => {
    const auth = c.get('auth');
    const me = auth?.via === 'session' ? await deps.accounts.me(auth.user.id) : null;
    if (!me) return c.redirect('/login?returnTo=%2Faccount', 302);
    return c.html(
      <AccountPage
        me={me}
        policyRules={deps.accounts.passwordPolicy().rules}
        sections={deps.sections ?? accountSections}
      />,
    );
  });
  return app;
}
