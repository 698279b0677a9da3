import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { cleanup } from '../support/cleanup.js';
import { testApp } from '../support/test-app.js';

const run = promisify(execFile);
const redocly = resolve('node_modules/.bin/redocly');
const METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options', 'trace'] as const;

interface Operation {
  operationId?: string;
  security?: Array<Record<string, string[]>>;
  responses?: Record<string, unknown>;
}
type Document = { paths: Record<string, Partial<Record<(typeof METHODS)[number], Operation>>> };

/** Every operation of the document as `METHOD /path` with its object. */
function operations(doc: Document): Array<[string, Operation]> {
  return Object.entries(doc.paths).flatMap(([path, item]) =>
    METHODS.flatMap((m) => (item[m] ? [[`${m.toUpperCase()} ${path}`, item[m]] as [string, Operation]] : [])),
  );
}

interface LintReport {
  totals: { errors: number; warnings: number };
  problems: Array<{ ruleId: string; severity: string; message: string; location: unknown }>;
}

// The document exactly as served, written where the CLI can read it.
if (!existsSync(redocly)) throw new Error(`@redocly/cli is not installed (${redocly})`);
const app = await testApp();
const served = await app.request('GET', '/api/v1/openapi.json');
const doc = served.json as Document;
const dir = mkdtempSync(join(tmpdir(), 'concierge-openapi-'));
cleanup(() => rmSync(dir, { recursive: true, force: true }));
const file = join(dir, 'openapi.json');
writeFileSync(file, served.text);

describe('the served OpenAPI document', () => {
  it("passes Redocly's recommended rules with no error", async () => {
    expect(served.status).toBe(200);
    // Offline: no telemetry, no update check (both would reach the network).
    const env = {
      ...process.env,
      REDOCLY_TELEMETRY: 'off',
      REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true',
      CI: 'true',
    };
    const result = await run(redocly, ['lint', '--extends=recommended', '--format=json', file], {
      env,
      maxBuffer: 16 * 1024 * 1024,
    }).catch((error: { stdout?: string; stderr?: string }) => error);
    const report = JSON.parse(result.stdout ?? '') as LintReport;
    const errors = report.problems.filter((p) => p.severity === 'error');
    expect(errors).toEqual([]);
    expect(report.totals.errors).toBe(0);
  });

  it('gives every operation an operationId, its security and at least one 4xx answer', () => {
    const ops = operations(doc);
    expect(ops.length).toBeGreaterThan(30);
    const ids = new Set<string>();
    for (const [name, op] of ops) {
      expect(op.operationId, name).toMatch(/^[a-z][A-Za-z]+$/);
      expect(ids.has(op.operationId!), `${name}: duplicate operationId`).toBe(false);
      ids.add(op.operationId!);
      // Public operations say so with `security: []`; none may leave it unsaid.
      expect(Array.isArray(op.security), `${name}: security`).toBe(true);
      const codes = Object.keys(op.responses ?? {});
      expect(
        codes.some((c) => /^4(\d\d|XX)$/.test(c)),
        `${name}: a 4xx answer`,
      ).toBe(true);
    }
  });

  it('describes every 4xx answer as problem+json', () => {
    for (const [name, op] of operations(doc)) {
      for (const [code, response] of Object.entries(op.responses ?? {})) {
        if (!code.startsWith('4')) continue;
        const content = (response as { content?: Record<string, unknown> }).content ?? {};
        // Browser redirects (single sign-on) answer with a page instead, and say so.
        const types = Object.keys(content);
        expect(types.length, `${name} ${code}`).toBeGreaterThan(0);
        if (types.includes('text/html')) continue;
        expect(types, `${name} ${code}`).toEqual(['application/problem+json']);
      }
    }
  });

  it('names only the declared security schemes, and leaks no route option into an operation', () => {
    const schemes = (doc as { components?: { securitySchemes?: Record<string, unknown> } }).components
      ?.securitySchemes;
    expect(Object.keys(schemes ?? {}).sort()).toEqual(['apiKey', 'serviceToken', 'sessionCookie']);
    for (const [name, op] of operations(doc)) {
      for (const requirement of op.security ?? []) {
        for (const scheme of Object.keys(requirement)) expect(schemes, name).toHaveProperty(scheme);
      }
      expect(op, name).not.toHaveProperty('middleware');
    }
  });
});
