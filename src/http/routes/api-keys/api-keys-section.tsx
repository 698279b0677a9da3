/** The API key part of the account page: where keys are created, copied once, and revoked. */
export function ApiKeysAccountSection() {
  return (
    <section id="api-keys-section" aria-labelledby="api-keys-heading">
      <h2 id="api-keys-heading">API keys</h2>
      <p class="muted">
        Personal API keys let scripts and integrations act as you. A new key is shown once, to copy into the
        integration; Concierge keeps only a fingerprint of it.
      </p>
      <p>
        <a href="/account/api-keys">Manage your API keys</a>
      </p>
    </section>
  );
}
