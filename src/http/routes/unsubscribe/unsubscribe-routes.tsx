import type { Context } from 'hono';
import { Hono } from 'hono';
import type { UnsubscribeTarget } from '../../../domain/notifications/unsubscribe.js';
import { DomainError } from '../../../domain/shared/errors.js';
import { signedLink } from '../../access.js';
import type { AppEnv } from '../../app-env.js';
import { Layout } from '../../pages/layout.js';
import { statusFor } from '../../problem.js';

export interface UnsubscribeService {
  describeUnsubscribe(token: string): Promise<UnsubscribeTarget>;
  unsubscribe(token: string): Promise<UnsubscribeTarget>;
}

const what = (t: UnsubscribeTarget) =>
  t.stream === 'digest' ? 'the digest e-mail' : `e-mails about “${t.label}”`;

function Confirm(props: { target: UnsubscribeTarget; token: string }) {
  const { target } = props;
  return (
    <Layout title="Unsubscribe">
      <h1>Stop {what(target)}?</h1>
      {target.alreadyOff ? (
        <p>You no longer get {what(target)}.</p>
      ) : (
        <form method="post" action={`/unsubscribe?token=${encodeURIComponent(props.token)}`}>
          <p>You will stop getting {what(target)}. Your inbox and your other e-mails stay as they are.</p>
          <button type="submit">Unsubscribe</button>
        </form>
      )}
      <p class="muted">
        Choose exactly what you get in your <a href="/account/notifications">notification settings</a>.
      </p>
    </Layout>
  );
}

function Done(props: { target: UnsubscribeTarget }) {
  return (
    <Layout title="Unsubscribed">
      <h1>Unsubscribed</h1>
      <p class="ok">You will no longer get {what(props.target)}.</p>
      <p class="muted">
        Changed your mind? Switch it back on in your{' '}
        <a href="/account/notifications">notification settings</a>.
      </p>
    </Layout>
  );
}

function Refused(c: Context<AppEnv>, error: DomainError) {
  return c.html(
    <Layout title="Unsubscribe">
      <h1>This link cannot unsubscribe you</h1>
      <p class="error">{error.message}</p>
      <p class="muted">
        Sign in and change your <a href="/account/notifications">notification settings</a> instead.
      </p>
    </Layout>,
    statusFor(error.code) as 400,
  );
}

/**
 * /unsubscribe?token=…: GET shows what the link would do and changes nothing (mail scanners follow
 * links); POST does it, including RFC 8058 one-click (`List-Unsubscribe=One-Click`, no session, no
 * Origin: `signedLink` exempts it from the CSRF check because the signed token is the credential).
 */
export function unsubscribeRoutes(deps: {
  unsubscribe: UnsubscribeService;
  /** Called after a digest-stream unsubscribe, so the digest schedule follows at once. */
  digestChanged?: (userId: string) => Promise<unknown>;
}) {
  const app = new Hono<AppEnv>();
  const run = async (
    c: Context<AppEnv>,
    action: (token: string) => Promise<UnsubscribeTarget>,
    post: boolean,
  ) => {
    let token = c.req.query('token') ?? '';
    if (!token && post) {
      const form = await c.req.parseBody().catch(() => ({}) as Record<string, unknown>);
      token = typeof form.token === 'string' ? form.token : '';
    }
    c.header('Cache-Control', 'no-store');
    c.header('Referrer-Policy', 'no-referrer');
    try {
      const target = await action(token);
      return c.html(post ? <Done target={target} /> : <Confirm target={target} token={token} />);
    } catch (error) {
      if (error instanceof DomainError) return Refused(c, error);
      throw error;
    }
  };
  app.get('/unsubscribe', (c) => run(c, deps.unsubscribe.describeUnsubscribe, false));
  app.post('/unsubscribe', signedLink, (c) =>
    run(
      c,
      async (token) => {
        const target = await deps.unsubscribe.unsubscribe(token);
        if (target.stream === 'digest') await deps.digestChanged?.(target.userId);
        return target;
      },
      true,
    ),
  );
  return app;
}
