/** @jsxImportSource react */
import { Link, Text } from '@react-email/components';
import { Layout, styles } from './layout.js';
import type { TemplateProps } from './template.js';

/** The security notice after a password change or reset; it cannot be switched off. */
export function PasswordChanged({ data, publicUrl }: TemplateProps<'password-changed'>) {
  return (
    <Layout
      preview="Your Concierge password was changed"
      publicUrl={publicUrl}
      footer="This security notice is always sent when a password changes; it cannot be switched off."
    >
      <Text style={styles.heading}>Your password was {data.how === 'reset' ? 'reset' : 'changed'}</Text>
      <Text style={styles.paragraph}>
        The password of the Concierge account {data.username} was {data.how === 'reset' ? 'reset' : 'changed'}{' '}
        on {data.when}.{' '}
        {data.how === 'reset' ? 'Every session was signed out.' : 'Your other sessions were signed out.'}
      </Text>
      <Text style={styles.paragraph}>
        If you did not do this, reset your password now at <Link href={data.forgotUrl}>{data.forgotUrl}</Link>{' '}
        and tell your administrator.
      </Text>
    </Layout>
  );
}
