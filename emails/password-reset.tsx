/** @jsxImportSource react */
import { Button, Text } from '@react-email/components';
import { Layout, styles } from './layout.js';
import type { TemplateProps } from './template.js';

/** A single-use link to choose a new password. */
export function PasswordReset({ data, publicUrl }: TemplateProps<'password-reset'>) {
  return (
    <Layout
      preview="Reset your Concierge password"
      publicUrl={publicUrl}
      footer="You receive this because someone asked to reset the password of this account. If it was not you, ignore this email: your password stays as it is."
    >
      <Text style={styles.heading}>Reset your password</Text>
      <Text style={styles.paragraph}>
        Someone (hopefully you) asked to reset the password of the Concierge account {data.username}. The link
        works once, within {data.validMinutes} minutes (until {data.validUntil}).
      </Text>
      <Button href={data.resetUrl} style={styles.button}>
        Choose a new password
      </Button>
      <Text style={styles.paragraph}>Or open this address: {data.resetUrl}</Text>
    </Layout>
  );
}
