import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './load.js';

function file(content: string): string {
  const path = join(mkdtempSync(join(tmpdir(), 'concierge-config-')), 'concierge.yaml');
  writeFileSync(path, content);
  return path;
}

function problemsOf(run: () => unknown): readonly string[] {
  try {
    run();
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('loadConfig', () => {
  it('gives the embedded defaults with no file and no environment', () => {
    const config = loadConfig({});
    expect(config.server.port).toBe(8080);
    expect(config.database.url).toBe('file:./data/concierge.db');
    expect(config.mail.transport).toBe('file');
    expect(config.providers.map((p) => p.id)).toEqual(['local']);
    expect(config.cleanup.schedule).toBe('0 */10 * * * *');
  });

  it('merges the file named by CONCIERGE_CONFIG over the defaults, key by key', () => {
    const path = file(
      'server:\n  publicUrl: https://concierge.studio.example\ndataDir: /var/lib/concierge\n',
    );
    const config = loadConfig({ CONCIERGE_CONFIG: path });
    expect(config.server.publicUrl).toBe('https://concierge.studio.example');
    expect(config.server.port).toBe(8080);
    expect(config.database.url).toBe('file:/var/lib/concierge/concierge.db');
  });

  it('lets PORT and DATABASE_URL override the files', () => {
    const config = loadConfig({ PORT: '9090', DATABASE_URL: 'postgres://root@127.0.0.1:5432/concierge' });
    expect(config.server.port).toBe(9090);
    expect(config.database.url).toBe('postgres://root@127.0.0.1:5432/concierge');
  });

  it('interpolates ${VAR} from the environment', () => {
    const path = file('serviceTokens: ["${TOKEN}"]\n');
    const config = loadConfig({ CONCIERGE_CONFIG: path, TOKEN: 'x'.repeat(40) });
    expect(config.serviceTokens).toEqual(['x'.repeat(40)]);
  });

  it('names an unset variable by the key that uses it', () => {
    const path = file('mail:\n  smtp:\n    url: smtp://u:${SMTP_PASSWORD}@mail\n');
    expect(problemsOf(() => loadConfig({ CONCIERGE_CONFIG: path }))).toEqual([
      'mail.smtp.url: environment variable SMTP_PASSWORD is not set',
    ]);
  });

  it('names every bad key on its own line', () => {
    const path = file('server:\n  port: 70000\n  publicUrl: ftp://x\nmail:\n  transport: smtp\nbogus: 1\n');
    const problems = problemsOf(() => loadConfig({ CONCIERGE_CONFIG: path }));
    expect(problems).toHaveLength(4);
    expect(problems.some((p) => p.startsWith('server.port:'))).toBe(true);
    expect(problems.some((p) => p.startsWith('server.publicUrl:'))).toBe(true);
    expect(problems).toContain('mail.smtp: mail.transport is smtp: set mail.smtp.url');
    expect(problems).toContain('(root): unknown key(s) bogus');
  });

  it('refuses a job schedule that is not a cron pattern, naming the key', () => {
    const path = file(
      'cleanup:\n  schedule: every ten minutes\nmail:\n  outbox:\n    schedule: "99 * * * * *"\n',
    );
    const problems = problemsOf(() => loadConfig({ CONCIERGE_CONFIG: path }));
    expect(problems.some((p) => p.startsWith('cleanup.schedule: not a cron pattern'))).toBe(true);
    expect(problems.some((p) => p.startsWith('mail.outbox.schedule: not a cron pattern'))).toBe(true);
  });

  it('refuses a file that is not YAML, or missing, naming the file', () => {
    expect(problemsOf(() => loadConfig({ CONCIERGE_CONFIG: file('server: [unclosed\n') }))[0]).toMatch(
      /is not valid YAML/,
    );
    expect(problemsOf(() => loadConfig({ CONCIERGE_CONFIG: '/nonexistent/concierge.yaml' }))[0]).toBe(
      '/nonexistent/concierge.yaml: cannot be read (ENOENT)',
    );
  });

  it('refuses two providers with one id', () => {
    const path = file('providers:\n  - { id: local, kind: local }\n  - { id: local, kind: local }\n');
    expect(problemsOf(() => loadConfig({ CONCIERGE_CONFIG: path }))[0]).toMatch(/"local" is used twice/);
  });
});
