/** @jsxImportSource react */
import { Button, Link, Text } from '@react-email/components';
import type { NotificationEmailData } from '../src/domain/notifications/notification-email.js';
import { Layout, styles } from './layout.js';
import type { TemplateProps } from './template.js';

const label = {
  color: '#2563eb',
  fontSize: '12px',
  fontWeight: 600,
  letterSpacing: '0.04em',
  margin: '0 0 4px',
};
const meta = { color: '#6b7280', fontSize: '13px', margin: '0 0 16px' };
const body = { ...styles.paragraph, whiteSpace: 'pre-wrap' as const };

/** Subject of an immediate notification: the type's label and the event's title, on one line. */
export function notificationSubject(data: NotificationEmailData): string {
  return `${data.typeLabel}: ${data.title}`.replace(/[\r\n]+/g, ' ').slice(0, 250);
}

/** One notification, sent at once: label, title, body, link, who/when, why and where to change it. */
export function Notification({ data, publicUrl }: TemplateProps<'notification'>) {
  const by = [data.actor ? `by ${data.actor}` : null, data.project ? `in ${data.project}` : null]
    .filter(Boolean)
    .join(' ');
  return (
    <Layout
      preview={data.preview}
      publicUrl={publicUrl}
      footer={
        <>
          {data.why} <Link href={data.settingsUrl}>Change your notification settings</Link>
          {data.unsubscribeUrl ? (
            <>
              {' '}
              or <Link href={data.unsubscribeUrl}>stop these emails</Link>.
            </>
          ) : (
            '.'
          )}
        </>
      }
    >
      <Text style={label}>{data.typeLabel}</Text>
      <Text style={styles.heading}>{data.title}</Text>
      <Text style={meta}>
        {data.when}
        {by ? ` · ${by}` : ''}
      </Text>
      {data.body ? <Text style={body}>{data.body}</Text> : null}
      {data.url ? (
        <Button href={data.url} style={styles.button}>
          Open
        </Button>
      ) : null}
    </Layout>
  );
}

/** The text part, written by hand so the body keeps its line breaks. */
export function notificationText(data: NotificationEmailData, publicUrl: string): string {
  const by = [data.actor ? `by ${data.actor}` : null, data.project ? `in ${data.project}` : null].filter(
    Boolean,
  );
  const lines = [
    data.typeLabel,
    '',
    data.title,
    [data.when, ...by].join(' · '),
    ...(data.body ? ['', data.body] : []),
    ...(data.url ? ['', `Open: ${data.url}`] : []),
    '',
    '--',
    data.why,
    `Change your notification settings: ${data.settingsUrl}`,
    ...(data.unsubscribeUrl ? [`Stop these emails: ${data.unsubscribeUrl}`] : []),
    `Sent by Concierge at ${publicUrl}.`,
  ];
  return `${lines.join('\n')}\n`;
}
