import fc from 'fast-check';
import { pngBomb } from './images.js';

/**
 * Hostile requests for every operation of the served OpenAPI document and for the pages and forms,
 * built from what the document says (request body schemas, parameters), so a route added or changed
 * there is covered without editing this file.
 */

/** Who sends a request; the suite turns this into headers at send time (sessions may be renewed). */
export type Caller =
  | 'anonymous'
  | 'user'
  | 'admin'
  | 'apiKey'
  | 'service'
  /** A real session cookie sent from another origin (or none): the CSRF rule must refuse it. */
  | 'crossSite'
  /** Made-up credentials, given in `headers`. */
  | 'garbage';

export interface HostileRequest {
  /** What was done, for the failure report. */
  readonly label: string;
  readonly method: string;
  /** Path and query, already encoded (some deliberately badly). */
  readonly path: string;
  readonly caller: Caller;
  readonly headers: Readonly<Record<string, string>>;
  readonly body?: string | Uint8Array;
}

/** Real values the generator mixes in, so that requests reach past the first "not found". */
export interface Pools {
  readonly ids: readonly string[];
  readonly usernames: readonly string[];
  readonly emails: readonly string[];
  readonly types: readonly string[];
  readonly cursors: readonly string[];
  readonly unsubscribeTokens: readonly string[];
  readonly avatarFiles: readonly string[];
  readonly providerIds: readonly string[];
  /** A small valid picture, for the upload. */
  readonly picture: Uint8Array;
}

// biome-ignore lint/suspicious/noExplicitAny: a JSON Schema from the served document, walked generically
type Schema = any;
type OpenApi = {
  paths: Record<string, Record<string, Schema>>;
  components?: { schemas?: Record<string, Schema> };
};

/** A piece of request body sent exactly as written (bad JSON, -0, deep nesting) or as raw bytes. */
class Raw {
  constructor(
    readonly text: string | (() => string),
    readonly bytes?: Uint8Array,
  ) {}
}

const MB = 1_000_000;
const enc = new TextEncoder();

// Large values are made when the request is serialised, so a sample of thousands stays small.
const big = (n: number, ch = 'x') => new Raw(() => JSON.stringify(ch.repeat(n)));
const deep = (levels: number, open = '[', close = ']') =>
  new Raw(() => open.repeat(levels) + close.repeat(levels));
const deepObject = (levels: number) => new Raw(() => `${'{"a":'.repeat(levels)}1${'}'.repeat(levels)}`);

const hostileStrings = [
  '',
  ' ',
  '\t\n',
  'a\u0000b',
  '\u0000',
  '\ud800',
  'x\udfffy',
  '\ud83d',
  '\u202eevil',
  '\u200b',
  'e\u0301\u0301\u0301',
  'ẞ𝔘𝔫𝔦𝔠𝔬𝔡𝔢😀',
  '../../etc/passwd',
  '..',
  '%00',
  '%',
  '<script>alert(1)</script>',
  "'; drop table users; --",
  '${jndi:ldap://x}',
  '{{7*7}}',
  'NaN',
  'Infinity',
  '-0',
  '1e308',
  '9223372036854775808',
  'true',
  'null',
  'undefined',
  '__proto__',
  'constructor',
  '0x10',
  '2026-13-45T25:61:61Z',
  '+275760-09-13T00:00:00.000Z',
  '0000-01-01T00:00:00Z',
  '2026-02-30T00:00:00Z',
  'javascript:alert(1)',
  '\ufdfa'.repeat(320),
  'a'.repeat(300),
];

const extremeNumbers: unknown[] = [
  0,
  -1,
  1e308,
  -1e308,
  2 ** 53 + 1,
  2 ** 63,
  -(2 ** 63),
  5e-324,
  0.5,
  new Raw('-0'),
  new Raw('1e309'),
  new Raw('9223372036854775808'),
  new Raw('-9223372036854775809'),
  new Raw('1e-400'),
  new Raw('123456789012345678901234567890'),
];

const protoKeys = ['__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', '__defineGetter__'];

/** Values of the wrong kind, or of the right kind but hostile. */
const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...hostileStrings) },
  { weight: 3, arbitrary: fc.constantFrom(...extremeNumbers) },
  fc.constantFrom(null, true, false, [], {}, [1, 'a', null], { a: { b: { c: [] } } }),
  fc.constantFrom(
    Object.fromEntries([['__proto__', { role: 'admin', isAdmin: true }]]),
    Object.fromEntries([['constructor', { prototype: { role: 'admin' } }]]),
  ),
  { weight: 1, arbitrary: fc.constantFrom(big(MB), big(MB, '\u0000'), big(300_000, '\ud800'), big(MB, 'é')) },
  { weight: 1, arbitrary: fc.constantFrom(deep(10_000), deepObject(10_000)) },
  {
    weight: 1,
    arbitrary: fc.constantFrom(
      new Raw(() => JSON.stringify(Array.from({ length: 100_000 }, () => 'a'))),
      new Raw(() =>
        JSON.stringify(Object.fromEntries(Array.from({ length: 50_000 }, (_, i) => [`k${i}`, i]))),
      ),
    ),
  },
  fc.constantFrom(
    invalidUtf8String([0xc3, 0x28]),
    invalidUtf8String([0xc0, 0xaf]),
    invalidUtf8String([0xed, 0xa0, 0x80]),
    invalidUtf8String([0xf4, 0x90, 0x80, 0x80]),
    invalidUtf8String([0xff]),
    invalidUtf8String([0x00]),
  ),
  fc.string({ unit: 'binary', maxLength: 20 }),
  fc.double(),
  fc.integer(),
);

/** A JSON string whose bytes are not UTF-8. */
function invalidUtf8String(bytes: number[]): Raw {
  return new Raw('"?"', Uint8Array.from([0x22, 0x61, ...bytes, 0x62, 0x22]));
}

/** Serialises a value; Raw pieces go in as they are. Bytes when any piece is bytes. */
export function serialize(value: unknown): string | Uint8Array {
  const parts: (string | Uint8Array)[] = [];
  const walk = (v: unknown): void => {
    if (v instanceof Raw) {
      parts.push(v.bytes ?? (typeof v.text === 'function' ? v.text() : v.text));
    } else if (Array.isArray(v)) {
      parts.push('[');
      v.forEach((item, i) => {
        if (i > 0) parts.push(',');
        walk(item);
      });
      parts.push(']');
    } else if (v !== null && typeof v === 'object') {
      parts.push('{');
      Object.keys(v).forEach((k, i) => {
        if (i > 0) parts.push(',');
        parts.push(`${JSON.stringify(k)}:`);
        walk((v as Record<string, unknown>)[k]);
      });
      parts.push('}');
    } else if (v === undefined) {
      parts.push('null');
    } else {
      parts.push(JSON.stringify(v) ?? 'null');
    }
  };
  walk(value);
  if (parts.every((p) => typeof p === 'string')) return parts.join('');
  const chunks = parts.map((p) => (typeof p === 'string' ? enc.encode(p) : p));
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}

/** Generators for one served OpenAPI document and the pools of real values. */
export function hostileRequests(doc: OpenApi, pools: Pools) {
  const resolve = (s: Schema): Schema =>
    s?.$ref ? resolve(doc.components?.schemas?.[String(s.$ref).split('/').pop()!]) : s;

  const pick = <T>(values: readonly T[], fallback: T): fc.Arbitrary<T> =>
    values.length > 0 ? fc.constantFrom(...values) : fc.constant(fallback);

  /** A value the schema accepts (or nearly: the domain may still refuse it), named `name`. */
  const valid = (schema: Schema, name: string, depth = 0): fc.Arbitrary<unknown> => {
    const s = resolve(schema) ?? {};
    if (s.anyOf || s.oneOf)
      return fc.oneof(...(s.anyOf ?? s.oneOf).map((x: Schema) => valid(x, name, depth)));
    if (s.enum) return fc.constantFrom(...s.enum);
    const types: string[] = Array.isArray(s.type) ? s.type : s.type ? [s.type] : [];
    if (types.length > 1) return fc.oneof(...types.map((t) => valid({ ...s, type: t }, name, depth)));
    switch (types[0]) {
      case 'null':
        return fc.constant(null);
      case 'boolean':
        return fc.boolean();
      case 'integer':
        return fc.integer({ min: s.minimum ?? -1000, max: s.maximum ?? 1000 });
      case 'number':
        return fc.double({ min: s.minimum ?? -1000, max: s.maximum ?? 1000, noNaN: true });
      case 'array': {
        const max = Math.min(s.maxItems ?? 3, 3);
        return fc.array(valid(s.items ?? {}, name, depth + 1), {
          minLength: s.minItems ?? 0,
          maxLength: max,
        });
      }
      case 'object': {
        if (depth > 4) return fc.constant({});
        const props: Record<string, Schema> = s.properties ?? {};
        const required: string[] = s.required ?? [];
        const model = Object.fromEntries(Object.entries(props).map(([k, v]) => [k, valid(v, k, depth + 1)]));
        return fc.record(model, { requiredKeys: required.filter((k) => k in props) });
      }
      case 'string':
        return validString(s, name);
      default:
        return fc.oneof(fc.constant(undefined), fc.string({ maxLength: 5 }), fc.integer());
    }
  };

  const validString = (s: Schema, name: string): fc.Arbitrary<string> => {
    const min = s.minLength ?? 0;
    const max = Math.max(min, Math.min(s.maxLength ?? 40, 40));
    const bounded = (a: fc.Arbitrary<string>) =>
      a.filter((v) => v.length >= min && v.length <= (s.maxLength ?? 1e9));
    if (s.pattern) return fc.stringMatching(new RegExp(s.pattern));
    if (s.format === 'date-time')
      return fc
        .date({ min: new Date('2000-01-01'), max: new Date('2100-01-01'), noInvalidDate: true })
        .map((d) => d.toISOString());
    if (s.format === 'uri') return fc.constantFrom('https://tracker.studio.example/tasks/42', 'mailto:x@y.z');
    const n = name.toLowerCase();
    if (n === 'type') return bounded(pick(pools.types, 'task.assigned'));
    if (/recipients|actor|username|identifier/.test(n))
      return bounded(
        fc.oneof(pick(pools.usernames, 'nobody'), pick(pools.emails, 'a@b.c'), pick(pools.ids, 'x')),
      );
    if (/email/.test(n)) return bounded(fc.oneof(pick(pools.emails, 'a@b.c'), fc.emailAddress()));
    if (/password/.test(n)) return fc.constantFrom('violet-anchor-mosaic-42xq', 'short', 'password1234');
    if (/timezone/.test(n)) return fc.constantFrom('Europe/Paris', 'UTC', 'Mars/Olympus_Mons', 'Etc/GMT+14');
    if (/locale/.test(n))
      return fc.constantFrom('en-GB', 'fr', 'de-CH-1996', 'xx-INVALID-tag!', 'zh-Hant-TW');
    if (/^id$|ids/.test(n)) return bounded(pick(pools.ids, 'x'));
    if (/token/.test(n))
      return bounded(fc.oneof(pick(pools.unsubscribeTokens, 'x'), fc.string({ minLength: 1 })));
    return fc.string({ minLength: min, maxLength: max });
  };

  /** Replaces, drops or adds one field somewhere in `value`. */
  const mutateField = (value: unknown): fc.Arbitrary<{ value: unknown; what: string }> => {
    const paths: string[][] = [];
    const collect = (v: unknown, path: string[]) => {
      if (v === null || typeof v !== 'object') return;
      for (const k of Object.keys(v)) {
        paths.push([...path, k]);
        collect((v as Record<string, unknown>)[k], [...path, k]);
      }
    };
    collect(value, []);
    const at = paths.length > 0 ? fc.constantFrom(...paths) : fc.constant([] as string[]);
    return fc
      .tuple(
        at,
        hostileValue,
        fc.constantFrom('replace', 'drop', 'add'),
        fc.constantFrom(...protoKeys, 'extra', 'isAdmin', 'role', 'id', 'userId'),
      )
      .map(([path, hostile, how, key]) => {
        const copy = structuredCloneish(value);
        if (path.length === 0 || copy === null || typeof copy !== 'object') {
          return { value: Object.fromEntries([[key, hostile]]), what: `body {${key}: hostile}` };
        }
        const parent = path
          .slice(0, -1)
          .reduce<Record<string, unknown>>(
            (o, k) => o[k] as Record<string, unknown>,
            copy as Record<string, unknown>,
          );
        const last = path[path.length - 1]!;
        if (how === 'drop') delete parent[last];
        else if (how === 'add')
          Object.defineProperty(parent, key, {
            value: hostile,
            enumerable: true,
            configurable: true,
            writable: true,
          });
        else parent[last] = hostile;
        return { value: copy, what: `${how} ${how === 'add' ? key : path.join('.')}` };
      });
  };

  const badJson = (text: string): fc.Arbitrary<string | Uint8Array> =>
    fc.constantFrom<string | Uint8Array>(
      '',
      ' ',
      '{',
      text.slice(0, Math.max(1, Math.floor(text.length / 2))),
      `${text},`,
      `${text}${text}`,
      text.replace(/"/g, "'"),
      text.replace(/"(\w+)":/g, '$1:'),
      `\ufeff${text}`,
      `/* c */${text}`,
      '{"a":NaN}',
      '{"a":undefined}',
      '[1,]',
      '{"__proto__":{"role":"admin"},"__proto__":{"isAdmin":true}}',
      Uint8Array.from([0xff, 0xfe, 0x7b, 0x00, 0x7d, 0x00]),
      Uint8Array.from([0x7b, 0x22, 0xc3, 0x28, 0x22, 0x3a, 0x31, 0x7d]),
    );

  const contentType = fc.oneof(
    { weight: 12, arbitrary: fc.constant<string | undefined>('application/json') },
    fc.constantFrom<string | undefined>(
      undefined,
      'text/plain',
      'application/x-www-form-urlencoded',
      'multipart/form-data',
      'multipart/form-data; boundary=x',
      'application/json; charset=utf-16',
      'application/json; charset=latin1',
      'APPLICATION/JSON',
      'application/problem+json',
      'application/json, text/plain',
      'application/xml',
      ';;;',
      `application/json; boundary=${'b'.repeat(5000)}`,
    ),
  );

  /** A JSON body for an operation: valid, or mutated one way or another. */
  const jsonBody = (schema: Schema): fc.Arbitrary<{ body: string | Uint8Array; what: string }> =>
    valid(schema, 'body').chain((good) => {
      const text = serialize(good) as string;
      return fc.oneof(
        { weight: 2, arbitrary: fc.constant({ body: serialize(good), what: 'valid body' }) },
        { weight: 6, arbitrary: mutateField(good).map((m) => ({ body: serialize(m.value), what: m.what })) },
        { weight: 2, arbitrary: hostileValue.map((v) => ({ body: serialize(v), what: 'body replaced' })) },
        { weight: 2, arbitrary: badJson(text).map((b) => ({ body: b, what: 'bad JSON' })) },
      );
    });

  const hostileSegments = fc.constantFrom(
    '..',
    '.',
    '%2e%2e',
    '%2e%2e%2f%2e%2e%2fetc%2fpasswd',
    '%00',
    'a%00b',
    '%',
    '%zz',
    '%ff',
    '%ED%A0%80',
    '%C0%AE',
    'a'.repeat(10_000),
    encodeURIComponent('ユーザー'),
    encodeURIComponent('😀'),
    encodeURIComponent('\u202e'),
    'a%2Fb',
    encodeURIComponent("' or 1=1 --"),
    '%0d%0aSet-Cookie:%20x=1',
    '__proto__',
    'constructor',
    '-1',
    '1e308',
    'NaN',
    '%20',
  );

  const queryValue = (schema: Schema, name: string): fc.Arbitrary<string> => {
    const n = name.toLowerCase();
    const real =
      n === 'cursor' ? pick(pools.cursors, 'x') : n === 'token' ? pick(pools.unsubscribeTokens, 'x') : null;
    return fc.oneof(
      { weight: 3, arbitrary: valid(schema, name).map((v) => encodeURIComponent(String(v))) },
      { weight: 3, arbitrary: hostileSegments },
      ...(real ? [{ weight: 2, arbitrary: real.map(encodeURIComponent) }] : []),
      ...(n === 'cursor' || n === 'token'
        ? [{ weight: 3, arbitrary: forged(real!).map(encodeURIComponent) }]
        : []),
      fc.constantFrom(
        '',
        '1e308',
        '-0',
        '9223372036854775808',
        '0x1f',
        '1.5',
        'Infinity',
        encodeURIComponent('1 or 1=1'),
      ),
    );
  };

  /** Edited copies of a real cursor or signed token: flipped characters, re-encoded payloads. */
  const forged = (real: fc.Arbitrary<string>): fc.Arbitrary<string> =>
    fc.tuple(real, fc.nat(), fc.constantFrom(0, 1, 2, 3, 4, 5, 6)).map(([r, n, how]) => {
      const i = r.length > 0 ? n % r.length : 0;
      const b64 = (s: string) => Buffer.from(s).toString('base64url');
      switch (how) {
        case 0:
          return r.slice(0, i) + (r[i] === 'A' ? 'B' : 'A') + r.slice(i + 1);
        case 1:
          return r.slice(0, i);
        case 2:
          return `${r}.${r}`;
        case 3:
          return b64(`99999999999999999999:${'x'.repeat(70)}`);
        case 4:
          return b64(`-1:'; drop table users; --`);
        case 5:
          return `${b64('{"u":"x","s":"digest"}')}.${r.split('.').pop() ?? ''}`;
        default:
          return b64('\u0000:\ud800');
      }
    });

  const extraQuery = fc.array(
    fc.tuple(
      fc.constantFrom(
        '__proto__',
        'constructor',
        'limit[]',
        'a',
        'returnTo',
        'code',
        'state',
        'error',
        'iss',
        'token',
        'x'.repeat(5000),
      ),
      fc.oneof(hostileSegments, fc.constant('1')),
    ),
    { maxLength: 3 },
  );

  const garbageCredentials = fc.constantFrom<Record<string, string>>(
    { cookie: 'concierge_session=' },
    { cookie: 'concierge_session=garbage' },
    { cookie: `concierge_session=${'a'.repeat(8000)}` },
    { cookie: 'concierge_session="quoted"; concierge_session=second' },
    { cookie: 'concierge_session=%00%ff%ED%A0%80' },
    { cookie: Array.from({ length: 300 }, (_, i) => `c${i}=${i}`).join('; ') },
    { authorization: 'Bearer ' },
    { authorization: 'Bearer cnc_aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa' },
    { authorization: `Bearer ${'z'.repeat(10_000)}` },
    { authorization: 'Basic dXNlcjpwYXNz' },
    { authorization: 'bearer\tcnc_x y' },
    { authorization: 'Bearer cnc_%00' },
    { authorization: 'Bearer cnc_x', cookie: 'concierge_session=garbage' },
  );

  const extraHeaders = fc.oneof(
    { weight: 8, arbitrary: fc.constant<Record<string, string>>({}) },
    fc.constantFrom<Record<string, string>>(
      { 'x-hostile': 'h'.repeat(100_000) },
      Object.fromEntries(Array.from({ length: 500 }, (_, i) => [`x-h-${i}`, String(i)])),
      { 'x-request-id': '../../etc/passwd' },
      { 'x-request-id': 'r'.repeat(10_000) },
      { 'x-forwarded-for': `1.2.3.4, ${'9'.repeat(1000)}` },
      { 'user-agent': 'u'.repeat(50_000) },
      { 'accept-language': '*;q=NaN, xx-!!!' },
      { accept: 'application/json;q=0, text/html;q=-1' },
      { 'if-none-match': '*' },
      { host: 'evil.example' },
    ),
  );

  const caller = fc.constantFrom<Caller>(
    'anonymous',
    'user',
    'user',
    'admin',
    'admin',
    'apiKey',
    'service',
    'crossSite',
    'garbage',
  );

  /** The multipart body of a picture upload, or a bomb of one kind or another. */
  const multipart = fc
    .constantFrom(
      'valid',
      'manyParts',
      'hugePartHeader',
      'manyPartHeaders',
      'nested',
      'noClosing',
      'wrongBoundary',
      'noBoundary',
      'textField',
      'twoFiles',
      'svg',
      'garbageBytes',
      'bomb',
      'truncated',
      'hostileFilename',
      'empty',
      'longBoundary',
    )
    .map((kind) => buildMultipart(kind, pools.picture));

  const operations = Object.entries(doc.paths).flatMap(([path, ops]) =>
    Object.entries(ops)
      .filter(([method]) => ['get', 'post', 'put', 'patch', 'delete'].includes(method))
      .map(([method, op]) => ({ path, method: method.toUpperCase(), op })),
  );

  // Most requests come from the caller the operation is for (so they get past authentication and reach
  // the body), the others from anyone. Read from the document: its security schemes, else its words
  // and path.
  const callerFor = (o: (typeof operations)[number]): fc.Arbitrary<Caller> => {
    const schemes: string[] | null = Array.isArray(o.op.security)
      ? o.op.security.flatMap((s: Record<string, unknown>) => Object.keys(s))
      : null;
    const admin = o.path.startsWith('/api/v1/admin');
    const meant: Caller[] = [];
    if (schemes !== null) {
      for (const scheme of schemes) {
        if (/service/i.test(scheme)) meant.push('service');
        else if (/session|cookie/i.test(scheme)) meant.push(admin ? 'admin' : 'user', 'admin');
        else if (/api.?key/i.test(scheme)) meant.push('apiKey');
      }
    } else if (/service token/i.test(`${o.op.summary ?? ''} ${o.op.description ?? ''}`))
      meant.push('service');
    else if (admin) meant.push('admin');
    else if (o.path.startsWith('/api/v1/me')) meant.push('user', 'apiKey', 'admin');
    return meant.length === 0
      ? caller
      : fc.oneof({ weight: 3, arbitrary: fc.constantFrom(...meant) }, { weight: 2, arbitrary: caller });
  };

  const apiRequest = (o: (typeof operations)[number]): fc.Arbitrary<HostileRequest> => {
    const params: Schema[] = o.op.parameters ?? [];
    const pathParams = params.filter((p) => p.in === 'path');
    const queryParams = params.filter((p) => p.in === 'query');
    const pathArb = fc.tuple(
      ...pathParams.map((p) =>
        fc.oneof(
          { weight: 3, arbitrary: pathValue(p.name).map(encodeURIComponent) },
          { weight: 2, arbitrary: hostileSegments },
        ),
      ),
    );
    const queryArb = fc.tuple(
      ...queryParams.map((p) =>
        fc.oneof(
          fc.constant<string[]>([]),
          queryValue(p.schema ?? {}, p.name).map((v) => [`${p.name}=${v}`]),
          fc
            .tuple(queryValue(p.schema ?? {}, p.name), queryValue(p.schema ?? {}, p.name))
            .map(([a, b]) => [`${p.name}=${a}`, `${p.name}=${b}`]),
        ),
      ),
    );
    const content = o.op.requestBody?.content ?? {};
    const bodyArb: fc.Arbitrary<{ body?: string | Uint8Array; type?: string; what: string }> = content[
      'multipart/form-data'
    ]
      ? fc.oneof(
          { weight: 4, arbitrary: multipart },
          jsonBody({}).map((b) => ({ ...b, type: 'application/json' })),
        )
      : content['application/json']
        ? fc
            .tuple(jsonBody(content['application/json'].schema), contentType)
            .map(([b, type]) => ({ ...b, type }))
        : fc.oneof(
            { weight: 3, arbitrary: fc.constant({ what: 'no body' }) },
            jsonBody({ type: 'object', properties: { a: { type: 'string' } } }).map((b) => ({
              ...b,
              type: 'application/json',
              what: `unexpected ${b.what}`,
            })),
          );
    return fc
      .record({
        pathValues: pathArb,
        query: queryArb,
        extra: extraQuery,
        body: bodyArb,
        caller: callerFor(o),
        garbage: garbageCredentials,
        headers: extraHeaders,
        // Now and then another method on the same path (the label keeps the operation's).
        method: fc.oneof(
          { weight: 20, arbitrary: fc.constant(undefined) },
          fc.constantFrom('HEAD', 'OPTIONS', 'PROPFIND', 'PUT', 'get'),
        ),
      })
      .map(({ pathValues, query, extra, body, caller, garbage, headers, method }) => {
        let i = 0;
        const filled = o.path.replace(/\{[^}]+\}/g, () => pathValues[i++] ?? '');
        const qs = [...query.flat(), ...extra.map(([k, v]) => `${encodeURIComponent(k)}=${v}`)].join('&');
        return {
          label: `${o.method} ${o.path} (${body.what})`,
          method: method ?? o.method,
          path: qs ? `${filled}?${qs}` : filled,
          caller,
          headers: {
            ...headers,
            ...(caller === 'garbage' ? garbage : {}),
            ...(body.type ? { 'content-type': body.type } : {}),
          },
          ...(body.body !== undefined ? { body: body.body } : {}),
        };
      });
  };

  const pathValue = (name: string): fc.Arbitrary<string> => {
    const n = name.toLowerCase();
    if (n === 'providerid') return fc.constantFrom(...pools.providerIds, 'local', 'nope');
    if (n === 'file')
      return fc.oneof(pick(pools.avatarFiles, 'x'), fc.constantFrom(`${'0'.repeat(32)}-256.webp`, '.webp'));
    return fc.oneof(pick(pools.ids, 'x'), fc.string({ minLength: 1, maxLength: 20 }));
  };

  const q = (name: string, v: fc.Arbitrary<string>) => v.map((x) => `${name}=${x}`);
  const tokenValue = queryValue({ type: 'string' }, 'token');
  const cursorValue = queryValue({ type: 'string' }, 'cursor');
  const text = queryValue({ type: 'string' }, 'text');

  /** Pages and forms, which the document does not describe. */
  const pageRequest: fc.Arbitrary<HostileRequest> = fc
    .record({
      page: fc.oneof(
        q('/login?returnTo', text),
        fc.constantFrom(
          '/account',
          '/account/api-keys',
          '/account/notifications',
          '/forgot-password',
          '/setup',
        ),
        q('/account/api-keys/new?name', text),
        fc.tuple(q('unread', text), q('cursor', cursorValue)).map(([a, b]) => `/inbox?${a}&${b}`),
        q('/setup?token', tokenValue),
        q('/reset-password?token', tokenValue),
        q('/verify-email?token', tokenValue),
        q('/undo-email-change?token', tokenValue),
        q('/unsubscribe?token', tokenValue),
        fc.constantFrom(
          '/assets/../../package.json',
          '/assets/%2e%2e%2fpackage.json',
          '/api/docs/..%2f..%2fpackage.json',
          '/api/docs/init.js',
          '/assets/x%00.css',
        ),
      ),
      form: fc.oneof(
        q('/unsubscribe?token', tokenValue).map((path) => ({
          path,
          body: 'List-Unsubscribe=One-Click',
          what: 'one-click',
        })),
        tokenValue.map((t) => ({ path: '/unsubscribe', body: `token=${t}`, what: 'form token' })),
        fc
          .record({ token: tokenValue, username: text, email: text, password: text, extra: text })
          .map((f) => ({
            path: '/setup',
            body: `token=${f.token}&username=${f.username}&email=${f.email}&password=${f.password}&__proto__=${f.extra}&firstName=${f.extra}`,
            what: 'setup form',
          })),
      ),
      post: fc.boolean(),
      type: fc.constantFrom<string | undefined>(
        'application/x-www-form-urlencoded',
        'multipart/form-data',
        'text/plain',
        undefined,
      ),
      caller,
      garbage: garbageCredentials,
      headers: extraHeaders,
    })
    .map(({ page, form, post, type, caller, garbage, headers }) => {
      const base = { caller, headers: { ...headers, ...(caller === 'garbage' ? garbage : {}) } };
      if (!post) return { ...base, label: `GET ${page.split('?')[0]} (page)`, method: 'GET', path: page };
      return {
        ...base,
        label: `POST ${form.path.split('?')[0]} (${form.what}, ${type ?? 'no type'})`,
        method: 'POST',
        path: form.path,
        headers: { ...base.headers, ...(type ? { 'content-type': type } : {}) },
        body: form.body,
      };
    });

  return {
    /** Every operation of the document, or a page. */
    request: fc.oneof(
      { weight: operations.length, arbitrary: fc.oneof(...operations.map(apiRequest)) },
      { weight: 6, arbitrary: pageRequest },
    ),
    operations: operations.map((o) => `${o.method} ${o.path}`),
  };
}

function structuredCloneish(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(structuredCloneish);
  if (v instanceof Raw || v === null || typeof v !== 'object') return v;
  return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, structuredCloneish(x)]));
}

const crlf = '\r\n';

/** A multipart/form-data upload: the real picture, or one of the known ways to make a parser suffer. */
function buildMultipart(kind: string, picture: Uint8Array): { body: Uint8Array; type: string; what: string } {
  const b = 'hostileBoundary7MA4YWxkTrZu0gW';
  const part = (headers: string, content: Uint8Array | string) =>
    Buffer.concat([
      Buffer.from(`--${b}${crlf}${headers}${crlf}${crlf}`),
      Buffer.from(content),
      Buffer.from(crlf),
    ]);
  const file = (content: Uint8Array | string, name = 'file', filename = 'me.png', type = 'image/png') =>
    part(
      `Content-Disposition: form-data; name="${name}"; filename="${filename}"${crlf}Content-Type: ${type}`,
      content,
    );
  const end = Buffer.from(`--${b}--${crlf}`);
  const type = `multipart/form-data; boundary=${b}`;
  const out = (body: Buffer, t = type) => ({
    body: new Uint8Array(body),
    type: t,
    what: `multipart ${kind}`,
  });
  switch (kind) {
    case 'manyParts':
      return out(
        Buffer.concat([
          ...Array.from({ length: 5_000 }, (_, i) =>
            part(`Content-Disposition: form-data; name="p${i}"`, 'x'),
          ),
          file(picture),
          end,
        ]),
      );
    case 'hugePartHeader':
      return out(
        Buffer.concat([
          part(
            `Content-Disposition: form-data; name="file"; filename="${'f'.repeat(500_000)}.png"${crlf}Content-Type: image/png`,
            picture,
          ),
          end,
        ]),
      );
    case 'manyPartHeaders':
      return out(
        Buffer.concat([
          part(
            Array.from({ length: 20_000 }, (_, i) => `X-H${i}: ${i}`).join(crlf) +
              `${crlf}Content-Disposition: form-data; name="file"; filename="a.png"`,
            picture,
          ),
          end,
        ]),
      );
    case 'nested': {
      const inner = 'innerBoundary';
      const nested = `--${inner}${crlf}Content-Disposition: form-data; name="file"; filename="a.png"${crlf}${crlf}x${crlf}--${inner}--`;
      return out(
        Buffer.concat([
          part(
            `Content-Disposition: form-data; name="file"${crlf}Content-Type: multipart/mixed; boundary=${inner}`,
            nested.repeat(2000),
          ),
          end,
        ]),
      );
    }
    case 'noClosing':
      return out(Buffer.concat([file(picture)]));
    case 'wrongBoundary':
      return out(Buffer.concat([file(picture), end]), 'multipart/form-data; boundary=somethingElse');
    case 'noBoundary':
      return out(Buffer.concat([file(picture), end]), 'multipart/form-data');
    case 'textField':
      return out(Buffer.concat([part('Content-Disposition: form-data; name="file"', 'not a file'), end]));
    case 'twoFiles':
      return out(Buffer.concat([file(picture), file(picture), end]));
    case 'svg':
      return out(
        Buffer.concat([
          file(
            '<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
            'file',
            'a.svg',
            'image/svg+xml',
          ),
          end,
        ]),
      );
    case 'garbageBytes':
      return out(
        Buffer.concat([
          file(
            Uint8Array.from({ length: 4096 }, (_, i) => (i * 7919) % 256),
            'file',
            'a.bin',
            'application/octet-stream',
          ),
          end,
        ]),
      );
    case 'bomb':
      return out(Buffer.concat([file(pngBomb()), end]));
    case 'truncated':
      return out(Buffer.concat([file(picture.slice(0, Math.floor(picture.length / 2))), end]));
    case 'hostileFilename':
      return out(
        Buffer.concat([
          part(
            `Content-Disposition: form-data; name="file"; filename="../../\u0000\u202e.png"; filename*=UTF-8''%00%ff${crlf}Content-Type: image/png`,
            picture,
          ),
          end,
        ]),
      );
    case 'empty':
      return out(Buffer.alloc(0));
    case 'longBoundary': {
      const long = 'L'.repeat(100_000);
      return out(
        Buffer.from(
          `--${long}${crlf}Content-Disposition: form-data; name="file"; filename="a.png"${crlf}${crlf}x${crlf}--${long}--`,
        ),
        `multipart/form-data; boundary=${long}`,
      );
    }
    default:
      return out(Buffer.concat([file(picture), end]));
  }
}
