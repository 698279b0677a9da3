import { Layout } from './layout.js';

/** First run: create the first administrator. */
export function SetupPage(props: { open: boolean; token: string }) {
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
      <form id="setup" method="post">
        <input type="hidden" name="token" value={props.token} />
        <label for="username">Username</label>
        <input id="username" name="username" required autocomplete="username" />
        <label for="email">Email</label>
        <input id="email" name="email" type="email" required autocomplete="email" />
        <label for="firstName">First name</label>
        <input id="firstName" name="firstName" autocomplete="given-name" />
        <label for="lastName">Last name</label>
        <input id="lastName" name="lastName" autocomplete="family-name" />
        <label for="password">Password (at least 12 characters)</label>
        <input id="password" name="password" type="password" required autocomplete="new-password" />
        <button type="submit">Create administrator</button>
      </form>
      <p id="result" role="status" />
      <script src="/assets/setup.js" defer />
    </Layout>
  );
}
