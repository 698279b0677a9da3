/** @jsxImportSource react */
import { Button, Text } from '@react-email/components';
import { Layout, styles } from './layout.js';
import type { TemplateProps } from './template.js';

/** Invites a new local user to choose a password. */
export function Invitation({ data, publicUrl }: TemplateProps<'invitation'>) {
  return (
    <Layout
      preview="You are invited to Concierge"
      publicUrl={publicUrl}
      footer="You receive this because an administrator created a Concierge account for this address."
    >
      <Text style={styles.heading}>Welcome to Concierge</Text>
      <Text style={styles.paragraph}>
        {data.invitedBy ? `${data.invitedBy} created` : 'An administrator created'} the account{' '}
        {data.username} for you. Choose your password within {data.validDays} days (until {data.validUntil})
        to start.
      </Text>
      <Button href={data.setPasswordUrl} style={styles.button}>
        Choose your password
      </Button>
      <Text style={styles.paragraph}>Or open this address: {data.setPasswordUrl}</Text>
    </Layout>
  );
}
