/** @jsxImportSource react */
import { Body, Container, Head, Hr, Html, Link, Preview, Section, Text } from '@react-email/components';
import type { ReactNode } from 'react';

export interface LayoutProps {
  readonly preview: string;
  readonly publicUrl: string;
  readonly children: ReactNode;
  /** Why the person receives this email, shown in the footer. */
  readonly footer?: ReactNode;
}

const body = { backgroundColor: '#f4f5f7', fontFamily: 'system-ui, -apple-system, Segoe UI, sans-serif' };
const container = {
  backgroundColor: '#ffffff',
  margin: '24px auto',
  padding: '24px 32px',
  maxWidth: '560px',
};
const muted = { color: '#6b7280', fontSize: '12px', lineHeight: '18px' };

/** The frame every Concierge email shares. */
export function Layout({ preview, publicUrl, children, footer }: LayoutProps) {
  return (
    <Html lang="en">
      <Head />
      <Preview>{preview}</Preview>
      <Body style={body}>
        <Container style={container}>
          <Section>{children}</Section>
          <Hr />
          {footer ? <Text style={muted}>{footer}</Text> : null}
          <Text style={muted}>
            Sent by Concierge at <Link href={publicUrl}>{publicUrl}</Link>.
          </Text>
        </Container>
      </Body>
    </Html>
  );
}

export const styles = {
  heading: { fontSize: '20px', fontWeight: 600, margin: '0 0 16px' },
  paragraph: { fontSize: '15px', lineHeight: '22px' },
  button: {
    backgroundColor: '#2563eb',
    borderRadius: '6px',
    color: '#ffffff',
    display: 'inline-block',
    fontSize: '15px',
    padding: '10px 18px',
    textDecoration: 'none',
  },
} as const;
