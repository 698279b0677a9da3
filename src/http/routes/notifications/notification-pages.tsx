import type { Preferences } from '../../../domain/accounts/user.js';
import { formatWhen } from '../../../domain/notifications/date-format.js';
import type { InboxPage as InboxPageData } from '../../../domain/notifications/inbox.js';
import type { SettingsView } from '../../../domain/notifications/settings.js';
import { Layout } from '../../pages/layout.js';

const WEEKDAYS = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'];

/** /inbox: the signed-in user's notifications, newest first. */
export function InboxPage(props: {
  page: InboxPageData;
  label: (type: string) => string;
  preferences: Preferences;
  now: Date;
  unreadOnly: boolean;
}) {
  const { page } = props;
  return (
    <Layout title="Inbox">
      <h1>Inbox</h1>
      <p class="muted">
        {page.unreadCount} unread ·{' '}
        {props.unreadOnly ? <a href="/inbox">Show all</a> : <a href="/inbox?unread=1">Show unread only</a>} ·{' '}
        <a href="/account/notifications">Notification settings</a>
      </p>
      {page.unreadCount > 0 ? (
        <button type="button" id="mark-all-read">
          Mark all as read
        </button>
      ) : null}
      {page.items.length === 0 ? <p>Nothing here yet.</p> : null}
      <ul id="inbox" style="list-style:none;padding:0">
        {page.items.map((item) => (
          <li
            key={item.id}
            data-id={item.id}
            data-unread={item.readAt === null ? '1' : '0'}
            style={`padding:12px 0;border-bottom:1px solid #e5e7eb;${item.readAt === null ? 'font-weight:600' : ''}`}
          >
            <div class="muted">
              {props.label(item.type)}
              {item.project ? ` · ${item.project}` : ''} ·{' '}
              <time datetime={item.occurredAt.toISOString()}>
                {formatWhen(item.occurredAt, props.now, props.preferences)}
              </time>
              {item.actor ? ` · ${item.actor}` : ''}
            </div>
            <div>{item.url ? <a href={item.url}>{item.title}</a> : item.title}</div>
            {item.body ? <div style="font-weight:400;white-space:pre-wrap">{item.body}</div> : null}
          </li>
        ))}
      </ul>
      {page.nextCursor ? (
        <p>
          <a
            href={`/inbox?cursor=${encodeURIComponent(page.nextCursor)}${props.unreadOnly ? '&unread=1' : ''}`}
          >
            Older
          </a>
        </p>
      ) : null}
      <p id="result" role="status" />
      <script src="/assets/notifications.js" defer />
    </Layout>
  );
}

/** /account/notifications: the settings matrix and the digest schedule. */
export function NotificationSettingsPage(props: { settings: SettingsView }) {
  const { settings } = props;
  const d = settings.digest;
  return (
    <Layout title="Notification settings">
      <h1>Notification settings</h1>
      <p class="muted">
        For each kind of notification, choose where you hear of it. Security notices are always on.
      </p>
      <form id="notification-settings">
        <table style="width:100%;border-collapse:collapse">
          <thead>
            <tr>
              <th style="text-align:left">Notification</th>
              <th>Inbox</th>
              <th>Email</th>
              <th>Include in digest e-mail</th>
            </tr>
          </thead>
          <tbody>
            {settings.types.map((t) => (
              <tr key={t.type} style="border-top:1px solid #e5e7eb">
                <td style="padding:8px 0">
                  <div style="font-weight:600">
                    {t.label}
                    {t.locked ? ' (always on)' : ''}
                  </div>
                  <div class="muted">{t.description}</div>
                </td>
                {(['inbox', 'email', 'digest'] as const).map((channel) => (
                  <td key={channel} style="text-align:center">
                    <input
                      type="checkbox"
                      style="width:auto"
                      aria-label={`${t.label}: ${channel === 'digest' ? 'include in digest e-mail' : channel}`}
                      data-type={t.type}
                      data-channel={channel}
                      checked={t.channels[channel]}
                      disabled={t.locked === true || (channel === 'digest' && !t.digestible)}
                    />
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
        <h2 style="font-size:1.1rem;margin-top:24px">Digest e-mail</h2>
        <label for="digest-frequency">How often</label>
        <select id="digest-frequency" name="frequency">
          {(['daily', 'weekly', 'off'] as const).map((f) => (
            <option key={f} value={f} selected={d.frequency === f}>
              {f === 'off' ? 'Never' : f === 'daily' ? 'Daily' : 'Weekly'}
            </option>
          ))}
        </select>
        <label for="digest-weekday">Day (weekly)</label>
        <select id="digest-weekday" name="weekday">
          {WEEKDAYS.map((name, i) => (
            <option key={name} value={String(i + 1)} selected={(d.weekday ?? 1) === i + 1}>
              {name}
            </option>
          ))}
        </select>
        <label for="digest-time">Time</label>
        <input id="digest-time" name="time" type="time" value={d.time} required />
        <label for="digest-zone">Time zone</label>
        <input id="digest-zone" name="timeZone" value={d.timeZone} required />
        <label style="font-weight:400">
          <input id="notify-own" type="checkbox" style="width:auto" checked={settings.notifyOwnActions} />{' '}
          Also notify me of my own actions
        </label>
        <button type="submit" id="save" hidden>
          Save
        </button>
      </form>
      <p id="result" role="status" />
      <p class="muted">
        <a href="/inbox">Inbox</a>
      </p>
      <script src="/assets/notifications.js" defer />
    </Layout>
  );
}
