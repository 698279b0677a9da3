import type { Child } from 'hono/jsx';
import type { MeView } from '../../../compose/accounts.js';
import { ApiKeysAccountSection } from '../../routes/api-keys/api-keys-section.js';
import { AvatarAccountSection } from '../../routes/avatars/avatar-section.js';
import { Layout } from '../layout.js';

/** A part of the account page; features add theirs to `accountSections` (API keys, avatar, notifications). */
export type AccountSection = (props: { me: MeView; policyRules: readonly string[] }) => Child;

const zones = ['UTC', ...Intl.supportedValuesOf('timeZone')];
const fieldsetStyle = 'border:1px solid #e5e7eb;border-radius:6px;margin:16px 0;padding:8px 16px 16px';

/** Names, username (read-only) and email; a current-password field appears when the email is edited. */
export function ProfileSection({ me }: { me: MeView }) {
  const locked = !me.capabilities.editName;
  return (
    <fieldset style={fieldsetStyle}>
      <legend>Profile</legend>
      <label for="firstName">First name</label>
      <input
        id="firstName"
        name="firstName"
        value={me.firstName}
        maxlength={100}
        disabled={locked}
        autocomplete="given-name"
      />
      <label for="lastName">Last name</label>
      <input
        id="lastName"
        name="lastName"
        value={me.lastName}
        maxlength={100}
        disabled={locked}
        autocomplete="family-name"
      />
      <label for="username">Username</label>
      <input id="username" value={me.username} readonly aria-describedby="username-help" />
      <p id="username-help" class="muted">
        Only an administrator can change a username.
      </p>
      <label for="email">Email address</label>
      <input
        id="email"
        name="email"
        type="email"
        value={me.email}
        maxlength={254}
        disabled={!me.capabilities.editEmail}
        autocomplete="email"
      />
      {me.pendingEmail ? (
        <p class="muted" id="pending-email">
          Waiting for confirmation of {me.pendingEmail}: open the link we sent there.
        </p>
      ) : null}
      {me.capabilities.editEmail && me.capabilities.changePassword ? (
        <div id="email-password" hidden>
          <label for="currentPasswordForEmail">Current password (to change your email)</label>
          <input
            id="currentPasswordForEmail"
            name="currentPassword"
            type="password"
            autocomplete="current-password"
          />
        </div>
      ) : null}
    </fieldset>
  );
}

/** Fuzzy dates, time zone and locale: always writable, whatever the provider. */
export function PreferencesSection({ me }: { me: MeView }) {
  const p = me.preferences;
  return (
    <fieldset style={fieldsetStyle}>
      <legend>Display</legend>
      <label>
        <input type="checkbox" name="fuzzyDates" checked={p.fuzzyDates} style="width:auto" /> Show dates
        relative to now ("2 days ago") instead of exact date and time
      </label>
      <label for="timeZone">Time zone</label>
      <input id="timeZone" name="timeZone" value={p.timeZone} list="time-zones" maxlength={64} />
      <datalist id="time-zones">
        {zones.map((z) => (
          <option key={z} value={z} />
        ))}
      </datalist>
      <label for="locale">Language and region (e.g. en-GB)</label>
      <input id="locale" name="locale" value={p.locale} maxlength={35} />
    </fieldset>
  );
}

/** Change password: current, then the new one twice; or who manages it for accounts of other providers. */
export function PasswordSection({ me, policyRules }: { me: MeView; policyRules: readonly string[] }) {
  if (!me.capabilities.changePassword) {
    return (
      <section>
        <h2>Password</h2>
        <p>{me.credentialsHelp}</p>
      </section>
    );
  }
  return (
    <section>
      <h2>Change password</h2>
      <ul class="muted">
        {policyRules.map((r) => (
          <li key={r}>{r}</li>
        ))}
      </ul>
      <form id="password-form" method="post">
        <label for="currentPassword">Current password</label>
        <input
          id="currentPassword"
          name="currentPassword"
          type="password"
          required
          autocomplete="current-password"
        />
        <label for="newPassword">New password</label>
        <input id="newPassword" name="newPassword" type="password" required autocomplete="new-password" />
        <label for="confirmPassword">New password again</label>
        <input
          id="confirmPassword"
          name="confirmPassword"
          type="password"
          required
          autocomplete="new-password"
        />
        <button type="submit">Change password</button>
      </form>
      <p id="password-result" role="status" />
    </section>
  );
}

/**
 * Where the account is signed in; filled by the page script from GET /api/v1/me/sessions, which shows
 * "last seen" in the person's date style (carried in the data attributes).
 */
export function SessionsSection(props: { me: MeView }) {
  const p = props.me.preferences;
  return (
    <section>
      <h2>Sessions</h2>
      <ul
        id="sessions"
        data-fuzzy={String(p.fuzzyDates)}
        data-time-zone={p.timeZone}
        data-locale={p.locale}
      />
      <button type="button" id="end-others">
        Sign out everywhere else
      </button>
    </section>
  );
}

/** /account: the profile form (Save appears only with unsaved changes), then the other sections. */
export function AccountPage(props: {
  me: MeView;
  policyRules: readonly string[];
  sections: readonly AccountSection[];
}) {
  const { me } = props;
  return (
    <Layout title="Your account">
      <h1>Your account</h1>
      <p class="muted">
        Signed in as {me.username} with {me.provider.displayName}.{' '}
        <button type="button" id="sign-out" style="margin-top:0;padding:4px 10px">
          Sign out
        </button>
      </p>
      <form id="profile" method="post" data-username={me.username}>
        <ProfileSection me={me} />
        <PreferencesSection me={me} />
        <button type="submit" id="save" hidden>
          Save
        </button>
        <p id="profile-result" role="status" />
      </form>
      {props.sections.map((Section, i) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: sections are a fixed list, never reordered
        <Section key={i} me={me} policyRules={props.policyRules} />
      ))}
      <script src="/assets/accounts.js" defer />
    </Layout>
  );
}

/** The sections below the profile form, in order. Other features append theirs here. */
export const accountSections: AccountSection[] = [
  AvatarAccountSection,
  PasswordSection,
  ({ me }) => <SessionsSection me={me} />,
  ApiKeysAccountSection,
];
