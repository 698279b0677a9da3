/** @jsxImportSource react */
import { Button, Text } from '@react-email/components';
import { Layout, styles } from './layout.js';
import type { TemplateProps } from './template.js';

/** Confirms to the first administrator that the installation is ready. */
export function SetupComplete({ data, publicUrl }: TemplateProps<'setup-complete'>) {
  return (
    <Layout preview="Concierge is ready" publicUrl={publicUrl}>
      <Text style={styles.heading}>Concierge is ready</Text>
      <Text style={styles.paragraph}>
        The administrator account {data.username} was created. Sign in to invite your team and configure
        sign-in providers.
      </Text>
      <Button href={data.loginUrl} style={styles.button}>
        Sign in
      </Button>
    </Layout>
  );
}
