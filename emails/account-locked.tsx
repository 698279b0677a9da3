/** @jsxImportSource react */
import { Link, Text } from '@react-email/components';
import { Layout, styles } from './layout.js';
import type { TemplateProps } from './template.js';

/** Tells the owner, once per lock, that failed sign-ins locked the account for a while. */
export function AccountLocked({ data, publicUrl }: TemplateProps<'account-locked'>) {
  return (
    <Layout
      preview="Sign-in to your Concierge account is paused"
      publicUrl={publicUrl}
      footer="This security notice is sent once each time an account is locked."
    >
      <Text style={styles.heading}>Too many failed sign-ins</Text>
      <Text style={styles.paragraph}>
        On {data.when}, someone entered a wrong password for the Concierge account {data.username} too many
        times, so signing in is paused for {data.minutes} minutes (until {data.lockedUntil}).
      </Text>
      {'managedBy' in data ? (
        <Text style={styles.paragraph}>
          If that was you, wait and try again. Your password is kept by {data.managedBy.providerName}; if you
          forgot it, contact {data.managedBy.contact}. If it was not you, your password kept the account safe;
          consider telling your administrator.
        </Text>
      ) : (
        <Text style={styles.paragraph}>
          If that was you, wait and try again, or choose a new password at{' '}
          <Link href={data.forgotUrl}>{data.forgotUrl}</Link>. If it was not you, your password kept the
          account safe; consider telling your administrator.
        </Text>
      )}
    </Layout>
  );
}
