/** @jsxImportSource react */
import { Button, Text } from '@react-email/components';
import { Layout, styles } from './layout.js';
import type { TemplateProps } from './template.js';

/** Security notice: a personal API key was created. Always sent; there is no setting to turn it off. */
export function ApiKeyCreated({ data, publicUrl }: TemplateProps<'api-key-created'>) {
  return (
    <Layout
      preview={`API key "${data.keyName}" was created`}
      publicUrl={publicUrl}
      footer="This is a security notice about your account. It is always sent and cannot be switched off."
    >
      <Text style={styles.heading}>A new API key was created</Text>
      <Text style={styles.paragraph}>
        Hello {data.username}, an API key named "{data.keyName}" ({data.prefix}…) was created for your account
        on {data.when}
        {data.ip ? ` from the address ${data.ip}` : ''}. It{' '}
        {data.expires ? `expires on ${data.expires}` : 'does not expire'}. Anyone holding it can act as you
        through the API.
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
