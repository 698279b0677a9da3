/** @jsxImportSource react */
import { Text } from '@react-email/components';
import { Layout, styles } from './layout.js';
import type { TemplateProps } from './template.js';

/** Answers a reset request for an account whose password another system manages: who to contact. */
export function PasswordHelp({ data, publicUrl }: TemplateProps<'password-help'>) {
  return (
    <Layout
      preview={`Your password is managed by ${data.providerName}`}
      publicUrl={publicUrl}
      footer="You receive this because someone asked to reset the password of this account. If it was not you, ignore this email."
    >
      <Text style={styles.heading}>Who manages your password</Text>
      <Text style={styles.paragraph}>
        Someone asked to reset the password of the Concierge account {data.username}. You sign in to Concierge
        with {data.providerName}, so Concierge cannot change that password.
      </Text>
      <Text style={styles.paragraph}>To change or reset it, contact {data.contact}.</Text>
    </Layout>
  );
}
