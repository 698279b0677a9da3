/** @jsxImportSource react */
import { Button, Text } from '@react-email/components';
import { Layout, styles } from './layout.js';
import type { TemplateProps } from './template.js';

/** Tells the previous address that the email changed, with a link that undoes it. */
export function EmailChanged({ data, publicUrl }: TemplateProps<'email-changed'>) {
  return (
    <Layout
      preview="Your Concierge email address was changed"
      publicUrl={publicUrl}
      footer="This security notice goes to the previous address of an account whenever its email changes."
    >
      <Text style={styles.heading}>Your email address was changed</Text>
      <Text style={styles.paragraph}>
        On {data.when}, the Concierge account {data.username} changed its address to {data.newEmail}. Emails
        will no longer come to this address.
      </Text>
      <Text style={styles.paragraph}>
        If you did not do this, undo it within {data.validDays} days (until {data.validUntil}): this address
        comes back and every session of the account is signed out.
      </Text>
      <Button href={data.undoUrl} style={styles.button}>
        Undo the change
      </Button>
      <Text style={styles.paragraph}>Or open this address: {data.undoUrl}</Text>
    </Layout>
  );
}
