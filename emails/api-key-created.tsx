/** @jsxImportSource react */
import { Button, Text } from '@react-email/components';
import { Layout, styles } from './layout.js';
import type { TemplateProps } from './template.js';

/** Security notice: a personal API key was created. Always sent; there is no setting to turn it off. */
export function ApiKeyCreated({ data, publicUrl }: TemplateProps<'api-key-created'>) {
  const when = (iso: string) => formatInstant(iso, data.timeZone);
  return (
    <Layout
      preview={`API key "${data.keyName}" was created`}
      publicUrl={publicUrl}
      footer="This is a security notice about your account. It is always sent and cannot be switched off."
    >
      <Text style={styles.heading}>A new API key was created</Text>
      <Text style={styles.paragraph}>
        Hello {data.username}, an API key named "{data.keyName}" ({data.prefix}…) was created for your account
        on {when(data.createdAt)}
        {data.ip ? ` from the address ${data.ip}` : ''}. It{' '}
        {data.expiresAt ? `expires on ${when(data.expiresAt)}` : 'does not expire'}. Anyone holding it can act
        as you through the API.
      </Text>
      <Text style={styles.paragraph}>
        If you created it, there is nothing to do. If you did not, revoke it now and change your password.
      </Text>
      <Button href={data.manageUrl} style={styles.button}>
        Review your API keys
      </Button>
    </Layout>
  );
}

function formatInstant(iso: string, timeZone: string): string {
  const date = new Date(iso);
  try {
    const local = new Intl.DateTimeFormat('en-GB', { dateStyle: 'long', timeStyle: 'short', timeZone });
    return `${local.format(date)} (${timeZone})`;
  } catch {
    // An unknown time zone in old data: UTC is still a correct statement of the time.
    return `${iso.slice(0, 16).replace('T', ' ')} UTC`;
  }
}
