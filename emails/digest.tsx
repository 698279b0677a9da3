/** @jsxImportSource react */
import { Button, Link, Section, Text } from '@react-email/components';
import type {
  DigestEmailData,
  DigestProject,
  DigestTypeGroup,
} from '../src/domain/notifications/digest-assembly.js';
import { Layout, styles } from './layout.js';
import type { TemplateProps } from './template.js';

const projectHeading = { fontSize: '17px', fontWeight: 600, margin: '24px 0 4px' };
const typeHeading = { fontSize: '14px', fontWeight: 600, color: '#374151', margin: '12px 0 4px' };
const itemLine = { fontSize: '14px', lineHeight: '20px', margin: '2px 0' };
const when = { color: '#6b7280' };
const moreLine = { fontSize: '13px', color: '#6b7280', margin: '2px 0' };

/** The subject line: "Your daily digest: 12 updates in 3 projects". */
export function digestSubject(data: DigestEmailData): string {
  return `Your ${data.frequency} digest: ${data.summary}`;
}

/** Everything flagged for the digest since the last one, grouped by project, then type. */
export function Digest({ data, publicUrl }: TemplateProps<'digest'>) {
  const { content } = data;
  return (
    <Layout
      preview={data.summary}
      publicUrl={publicUrl}
      footer={
        <>
          {`You receive this ${data.frequency} digest because`} you chose “Include in digest e-mail” for these
          notifications. <Link href={data.settingsUrl}>Change your notification settings</Link> or{' '}
          <Link href={data.unsubscribeUrl}>unsubscribe from digest emails</Link>.
        </>
      }
    >
      <Text style={styles.heading}>{`Your ${data.frequency} digest`}</Text>
      <Text style={styles.paragraph}>{`Hello ${data.name}, here is what happened: ${data.summary}.`}</Text>
      {content.projects.map((project) => (
        <ProjectSection key={project.name ?? '\u0000'} project={project} inboxUrl={data.inboxUrl} />
      ))}
      {content.more > 0 ? (
        <Text style={styles.paragraph}>
          {`And ${content.more} more not listed here: `}
          <Link href={data.inboxUrl}>see them in your inbox</Link>.
        </Text>
      ) : null}
      <Section style={{ marginTop: '24px' }}>
        <Button href={data.inboxUrl} style={styles.button}>
          Open your inbox
        </Button>
      </Section>
    </Layout>
  );
}

/** The text part, written by hand: clearer than text derived from the HTML, and far cheaper. */
export function digestText(data: DigestEmailData, publicUrl: string): string {
  const lines = [
    `Your ${data.frequency} digest`,
    '',
    `Hello ${data.name}, here is what happened: ${data.summary}.`,
  ];
  for (const project of data.content.projects) {
    lines.push('', `== ${project.name ?? 'Other updates'} (${project.count}) ==`);
    for (const group of project.types) {
      lines.push('', `${group.label} (${group.count})`);
      for (const item of group.items) {
        lines.push(`- ${item.title} · ${item.when}`);
        if (item.url) lines.push(`  ${item.url}`);
      }
      if (group.more > 0) lines.push(`  and ${group.more} more in your inbox`);
    }
  }
  if (data.content.more > 0) lines.push('', `And ${data.content.more} more not listed here.`);
  lines.push(
    '',
    `Open your inbox: ${data.inboxUrl}`,
    '',
    '--',
    `You receive this ${data.frequency} digest because you chose "Include in digest e-mail" for these notifications.`,
    `Change your notification settings: ${data.settingsUrl}`,
    `Unsubscribe from digest emails: ${data.unsubscribeUrl}`,
    `Sent by Concierge at ${publicUrl}.`,
  );
  return `${lines.join('\n')}\n`;
}

function ProjectSection({ project, inboxUrl }: { project: DigestProject; inboxUrl: string }) {
  return (
    <Section>
      <Text style={projectHeading}>{`${project.name ?? 'Other updates'} (${project.count})`}</Text>
      {project.types.map((group) => (
        <TypeGroup key={group.type} group={group} inboxUrl={inboxUrl} />
      ))}
    </Section>
  );
}

function TypeGroup({ group, inboxUrl }: { group: DigestTypeGroup; inboxUrl: string }) {
  return (
    <>
      <Text style={typeHeading}>{`${group.label} (${group.count})`}</Text>
      {group.items.map((item) => (
        <Text key={item.id} style={itemLine}>
          {item.url ? <Link href={item.url}>{item.title}</Link> : item.title}{' '}
          <span style={when}>{`· ${item.when}`}</span>
        </Text>
      ))}
      {group.more > 0 ? (
        <Text style={moreLine}>
          {`and ${group.more} more in `}
          <Link href={inboxUrl}>your inbox</Link>
        </Text>
      ) : null}
    </>
  );
}
