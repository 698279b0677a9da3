import { describe, expect, it } from 'vitest';
import {
  assembleDigest,
  type DigestEmailData,
  digestSummary,
} from '../src/domain/notifications/digest-assembly.js';
import { createRenderer } from './render.js';

const render = createRenderer('https://concierge.example');

function digestData(count: number, limit = 50): DigestEmailData {
  const items = Array.from({ length: count }, (_, i) => ({
    id: `n${i}`,
    type: i % 2 ? 'status.changed' : 'comment.followed',
    project: i % 3 ? 'Atlas' : null,
    title: `Shot ${i} <needs> "review" & more`,
    url: `https://host.example/shots/${i}?a=1&b=2`,
    occurredAt: 1_700_000_000_000 + i * 60_000,
    read: false,
  }));
  const content = assembleDigest(items, {
    limit,
    typeLabel: (t) => (t === 'status.changed' ? 'Status changed' : 'Note or reply'),
    formatTime: (ms) => `at ${new Date(ms).toISOString().slice(11, 16)}`,
  });
  return {
    frequency: 'daily',
    name: 'Ada',
    summary: digestSummary(content),
    content,
    inboxUrl: 'https://concierge.example/inbox',
    settingsUrl: 'https://concierge.example/account/notifications',
    unsubscribeUrl: 'https://concierge.example/unsubscribe?token=tok',
  };
}

describe('digest email', () => {
  it('renders subject, HTML and text grouped by project then type, with links, times and counts', async () => {
    const email = await render({ template: 'digest', to: 'ada@example.com', data: digestData(6) });
    expect(email.subject).toBe('Your daily digest: 6 updates in 1 project');
    expect(email.html).toContain('Atlas (4)');
    expect(email.html).toContain('Other updates (2)');
    expect(email.html).toContain('Status changed (');
    expect(email.html).toContain('href="https://host.example/shots/5?a=1&amp;b=2"');
    expect(email.html).toContain('at ');
    // Hostile titles are escaped, never markup.
    expect(email.html).not.toContain('<needs>');
    expect(email.html).toContain('&lt;needs&gt;');
    expect(email.text).toContain('Atlas (4)');
    expect(email.text).toContain('Shot 5 <needs> "review" & more');
    expect(email.text).toContain('https://concierge.example/unsubscribe?token=tok');
    expect(email.text).toContain('https://concierge.example/account/notifications');
  });

  it('lists projects in order: named alphabetically, then the items of no project', async () => {
    const email = await render({ template: 'digest', to: 'a@example.com', data: digestData(6) });
    expect(email.text.indexOf('Atlas (4)')).toBeLessThan(email.text.indexOf('Other updates (2)'));
  });

  it('says "and N more" with a link to the inbox past the limit', async () => {
    const email = await render({ template: 'digest', to: 'a@example.com', data: digestData(30, 10) });
    expect(email.text).toContain('And 20 more not listed here');
    expect(email.text).toMatch(/and \d+ more in your inbox/);
    expect(email.html).toContain('href="https://concierge.example/inbox"');
  });

  it('names the weekly frequency in subject and heading', async () => {
    const email = await render({
      template: 'digest',
      to: 'a@example.com',
      data: { ...digestData(1), frequency: 'weekly' },
    });
    expect(email.subject).toBe('Your weekly digest: 1 update');
    expect(email.text).toContain('Your weekly digest');
  });
});
