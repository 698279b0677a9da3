/** @jsxImportSource react */
import { Text } from '@react-email/components';
import { Layout, styles } from './layout.js';
import type { TemplateProps } from './template.js';

/** A plain message used to check delivery (`concierge mail test`). */
export function TestMessage({ data, publicUrl }: TemplateProps<'test'>) {
  return (
    <Layout preview={data.message} publicUrl={publicUrl}>
      <Text style={styles.paragraph}>{data.message}</Text>
    </Layout>
  );
}
