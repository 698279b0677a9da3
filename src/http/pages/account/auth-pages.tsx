import { Layout } from '../layout.js';

export interface ProviderButton {
  readonly id: string;
  readonly displayName: string;
  readonly loginUrl?: string;
}

/** /login: username-or-email and password, "Forgot your password?", one button per SSO provider. */
export function LoginPage(props: {
  providers: readonly ProviderButton[];
  returnTo: string;
  notice?: string;
}) {
  const sso = props.providers.filter((p) => p.loginUrl);
  return (
    <Layout title="Sign in">
      <h1>Sign in to Concierge</h1>
      {props.notice ? <p class="ok">{props.notice}</p> : null}
      <form id="login" method="post" data-return-to={props.returnTo}>
        <label for="identifier">Username or email</label>
        <input id="identifier" name="identifier" required maxlength={320} autocomplete="username" autofocus />
        <label for="password">Password</label>
        <input
          id="password"
          name="password"
          type="password"
          required
          maxlength={1024}
          autocomplete="current-password"
        />
        <button type="submit">Sign in</button>
      </form>
      <p id="result" role="alert" class="error" />
      <p>
        <a href="/forgot-password">Forgot your password?</a>
      </p>
      {sso.length > 0 ? (
        <section aria-label="Other ways to sign in">
          <p class="muted">Or sign in with</p>
          {sso.map((p) => (
            <p key={p.id}>
              <a
                class="provider"
                href={`${p.loginUrl}?returnTo=${encodeURIComponent(props.returnTo)}`}
                data-provider={p.id}
              >
                {p.displayName}
              </a>
            </p>
          ))}
        </section>
      ) : null}
      <script src="/assets/accounts.js" defer />
    </Layout>
  );
}

/** /forgot-password: email address or username, then Request. */
export function ForgotPasswordPage() {
  return (
    <Layout title="Forgot your password?">
      <h1>Forgot your password?</h1>
      <p>Enter your email address or username. We will email instructions to the address of your account.</p>
      <form id="forgot" method="post">
        <label for="identifier">Email address or username</label>
        <input id="identifier" name="identifier" required maxlength={320} autocomplete="username" autofocus />
        <button type="submit">Request</button>
      </form>
      <p id="result" role="status" />
      <p>
        <a href="/login">Back to sign in</a>
      </p>
      <script src="/assets/accounts.js" defer />
    </Layout>
  );
}

/** /reset-password?token=…: choose a new password (reset and invitation links). */
export function ResetPasswordPage(props: { token: string; rules: readonly string[] }) {
  return (
    <Layout title="Choose a new password">
      <h1>Choose a new password</h1>
      <ul class="muted">
        {props.rules.map((r) => (
          <li key={r}>{r}</li>
        ))}
      </ul>
      <form id="reset" method="post">
        <input type="hidden" name="token" value={props.token} />
        <label for="newPassword">New password</label>
        <input
          id="newPassword"
          name="newPassword"
          type="password"
          required
          maxlength={1024}
          autocomplete="new-password"
        />
        <label for="confirmPassword">New password again</label>
        <input
          id="confirmPassword"
          name="confirmPassword"
          type="password"
          required
          maxlength={1024}
          autocomplete="new-password"
        />
        <button type="submit">Set password</button>
      </form>
      <p id="result" role="status" />
      <script src="/assets/accounts.js" defer />
    </Layout>
  );
}

/** /verify-email and /undo-email-change: one button, so mail scanners that open links change nothing. */
export function EmailLinkPage(props: { kind: 'verify' | 'undo'; token: string }) {
  const verify = props.kind === 'verify';
  return (
    <Layout title={verify ? 'Confirm your email address' : 'Undo the email change'}>
      <h1>{verify ? 'Confirm your new email address' : 'Undo the email change'}</h1>
      <p>
        {verify
          ? 'Click Confirm to use this address for your Concierge account from now on.'
          : 'Click Undo to put your previous email address back. Every session of the account will be signed out; then choose a new password with "Forgot your password?".'}
      </p>
      <form id="email-link" method="post" data-kind={props.kind}>
        <input type="hidden" name="token" value={props.token} />
        <button type="submit">{verify ? 'Confirm' : 'Undo'}</button>
      </form>
      <p id="result" role="status" />
      <script src="/assets/accounts.js" defer />
    </Layout>
  );
}
