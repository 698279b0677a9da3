import type { ApiKey } from '../../../domain/accounts/api-keys.js';
import { defaultPreferences, type Preferences } from '../../../domain/accounts/user.js';
import { formatExact, formatWhen } from '../../../domain/notifications/date-format.js';
import { Layout } from '../../pages/layout.js';

const css = `
  table { width: 100%; border-collapse: collapse; margin: 12px 0; font-size: .9rem; }
  th, td { text-align: left; padding: 6px 4px; border-bottom: 1px solid #e5e7eb; vertical-align: top; }
  td button { margin: 0; padding: 4px 10px; background: #b91c1c; }
  code { font-family: ui-monospace, monospace; }
  .secret { display: flex; gap: 8px; margin-top: 8px; } .secret input { font-family: ui-monospace, monospace; }
  .secret button { margin: 0; white-space: nowrap; } .panel { background: #ecfdf5; padding: 12px; border-radius: 6px; }
  select { padding: 8px; border: 1px solid #d1d5db; border-radius: 4px; font: inherit; }
`;

interface Props {
  readonly keys: readonly ApiKey[];
  readonly now: Date;
  readonly preferences: Preferences | null;
  readonly prefillName: string;
}

/** /account/api-keys: the person's keys, a form to create one, the new key shown once. */
export function ApiKeysPage(props: Props) {
  // The person's date style: "2 days ago" or exact in their zone and locale, as in their emails.
  const prefs = props.preferences ?? defaultPreferences;
  const when = (date: Date | null, none: string) =>
    date === null ? (
      none
    ) : (
      <time datetime={date.toISOString()} title={formatExact(date, prefs)}>
        {formatWhen(date, props.now, prefs)}
      </time>
    );
  return (
    <Layout title="API keys">
      <style>{css}</style>
      <p>
        <a href="/account">← Account</a>
      </p>
      <h1>API keys</h1>
      <p class="muted">
        An API key lets a script or an integration act as you: send it as <code>Authorization: Bearer …</code>
        . Keep it secret. Revoke a key you no longer use.
      </p>
      <form id="create-key">
        <label for="key-name">Name</label>
        <input
          id="key-name"
          name="name"
          required
          maxlength={100}
          value={props.prefillName}
          placeholder="What will use this key?"
          autofocus={props.prefillName !== ''}
        />
        <label for="key-expiry">Expires</label>
        <select id="key-expiry" name="expiresInDays">
          <option value="30">in 30 days</option>
          <option value="90" selected>
            in 90 days
          </option>
          <option value="365">in a year</option>
          <option value="">never</option>
        </select>
        <div>
          <button type="submit">Create key</button>
        </div>
      </form>
      <p id="create-error" class="error" role="alert" />
      <div id="new-key" class="panel" hidden>
        <strong>Copy your new key now. It will not be shown again.</strong>
        <div class="secret">
          <input id="new-key-value" readonly aria-label="Your new API key" />
          <button type="button" id="copy-key">
            Copy
          </button>
        </div>
        <p id="copy-status" class="muted" role="status" />
      </div>
      <h2>Your keys</h2>
      <p id="no-keys" class="muted" hidden={props.keys.length > 0}>
        You have no API keys.
      </p>
      <table id="keys" hidden={props.keys.length === 0}>
        <thead>
          <tr>
            <th>Name</th>
            <th>Key</th>
            <th>Created</th>
            <th>Expires</th>
            <th>Last used</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {props.keys.map((key) => {
            const expired = key.expiresAt !== null && key.expiresAt.getTime() <= props.now.getTime();
            return (
              <tr key={key.id} data-key-id={key.id}>
                <td>{key.name}</td>
                <td>
                  <code>{key.prefix}…</code>
                </td>
                <td>{when(key.createdAt, '')}</td>
                <td class={expired ? 'error' : ''}>
                  {expired ? 'expired ' : ''}
                  {when(key.expiresAt, 'never')}
                </td>
                <td>
                  {when(key.lastUsedAt, 'never')}
                  {key.lastUsedIp ? <div class="muted">from {key.lastUsedIp}</div> : null}
                </td>
                <td>
                  <button type="button" class="revoke" data-id={key.id} data-name={key.name}>
                    Revoke
                  </button>
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
      <script src="/assets/api-keys.js" defer />
    </Layout>
  );
}
