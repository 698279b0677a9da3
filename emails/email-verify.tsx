/** @jsxImportSource react */
import { Button, Text } from '@react-email/components';
import { Layout, styles } from './layout.js';
import type { TemplateProps } from './template.js';

/** Sent to a new address: the change takes effect only when this link is opened. */
export function EmailVerify({ data, publicUrl }: TemplateProps<'email-verify'>) {
  return (
    <Layout
      preview="Confirm your new email address"
      publicUrl={publicUrl}
      footer="You receive this because this address was entered on a Concierge account. If it was not you, ignore this email: nothing changes."
    >
      <Text style={styles.heading}>Confirm your new email address</Text>
      <Text style={styles.paragraph}>
        The Concierge account {data.username} asked to use {data.newEmail} from now on. Confirm within{' '}
        {data.validHours} hours (until {data.validUntil}) to make the change.
      </Text>
      <Button href={data.verifyUrl} style={styles.button}>
        Confirm this address
      </Button>
      <Text style={styles.paragraph}>Or open this address: {data.verifyUrl}</Text>
    </Layout>
  );
}
