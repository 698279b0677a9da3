import { Layout } from './layout.js';

/** What the form shows again after a refused post without JavaScript (never the password). */
export interface SetupFormState {
  readonly error?: string;
  readonly values?: Partial<Record<'username' | 'email' | 'firstName' | 'lastName', string>>;
  readonly created?: string;
}

/** First run: create the first administrator. */
export function SetupPage(props: { open: boolean; token: string } & SetupFormState) {
  if (props.created !== undefined) {
    return (
      <Layout title="Setup">
        <h1>Concierge is ready</h1>
        <p class="ok">
          Administrator {props.created} created. <a href="/login">Sign in</a>.
        </p>
      </Layout>
    );
  }
  if (!props.open) {
    return (
      <Layout title="Setup">
        <h1>Concierge is already set up</h1>
        <p>
          An administrator exists. <a href="/login">Sign in</a> instead.
        </p>
      </Layout>
    );
  }
  return (
    <Layout title="Setup">
      <h1>Create the first administrator</h1>
      <p class="muted">This page works once, with the link Concierge printed in its log at start-up.</p>
      <form id="setup" method="post" action="/setup">
        <input type="hidden" name="token" value={props.token} />
        <label for="username">Username</label>
        <input
          id="username"
          name="username"
          required
          autocomplete="username"
          value={props.values?.username}
        />
        <label for="email">Email</label>
        <input
          id="email"
          name="email"
          type="email"
          required
          autocomplete="email"
          value={props.values?.email}
        />
        <label for="firstName">First name</label>
        <input id="firstName" name="firstName" autocomplete="given-name" value={props.values?.firstName} />
        <label for="lastName">Last name</label>
        <input id="lastName" name="lastName" autocomplete="family-name" value={props.values?.lastName} />
        <label for="password">Password (at least 12 characters)</label>
        <input id="password" name="password" type="password" required autocomplete="new-password" />
        <button type="submit">Create administrator</button>
      </form>
      <p id="result" role="status" class={props.error ? 'error' : undefined}>
        {props.error}
      </p>
      <script src="/assets/setup.js" defer />
    </Layout>
  );
}
