import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Change, Client, Attribute as LdapAttribute } from 'ldapts';

const SLAPD = '/usr/sbin/slapd';
const SLAPADD = '/usr/sbin/slapadd';
const SLAPPASSWD = '/usr/sbin/slappasswd';
export const baseDn = 'dc=studio,dc=example';
export const serviceDn = `cn=concierge,ou=services,${baseDn}`;
export const groupDn = `cn=concierge-users,ou=groups,${baseDn}`;

/** Directory users of the seed LDIF; each test file's slapd starts from exactly these. */
export const people = {
  alice: { uid: 'alice', dn: `uid=alice,ou=artists,ou=people,${baseDn}`, password: 'alice-secret-1' },
  bob: { uid: 'bob', dn: `uid=bob,ou=engineers,ou=people,${baseDn}`, password: 'bob-secret-22' },
  zoe: { uid: 'zoe', dn: `uid=zoe,ou=artists,ou=people,${baseDn}`, password: 'zoe-secret-333' },
  // LDAP filter syntax in a uid: it must match exactly itself and nobody else.
  special: {
    uid: 'ops*(x)\\y',
    dn: `uid=ops*(x)\\5cy,ou=engineers,ou=people,${baseDn}`,
    password: 'special-secret-4',
  },
  admin: { uid: 'admin', dn: `uid=admin,ou=engineers,ou=people,${baseDn}`, password: 'admin-secret-55' },
  // Not in the concierge-users group.
  carol: { uid: 'carol', dn: `uid=carol,ou=artists,ou=people,${baseDn}`, password: 'carol-secret-66' },
} as const;

export interface Slapd {
  /** ldap://127.0.0.1:PORT (StartTLS available). */
  readonly url: string;
  /** ldaps://127.0.0.1:PORT */
  readonly ldapsUrl: string;
  /** PEM file of the CA that signed the server certificate. */
  readonly caFile: string;
  readonly serviceDn: string;
  readonly servicePassword: string;
  /** Runs `work` bound as the directory's root DN (to change the directory under test). */
  asRoot<T>(work: (client: Client) => Promise<T>): Promise<T>;
  /**
   * Operations the server completed since it started, from its monitor (`cn=Monitor`): connections
   * accepted, binds, searches, unbinds. Reading them costs operations too; `directoryWork` subtracts them.
   */
  operations(): Promise<DirectoryOperations>;
  /** Stops the server (the port closes), keeping its data for `start()`. */
  stop(): Promise<void>;
  start(): Promise<void>;
}

/** Counts of what a directory served (see `Slapd.operations`). */
export interface DirectoryOperations {
  readonly connections: number;
  readonly binds: number;
  readonly searches: number;
  readonly unbinds: number;
}

const monitored = { binds: 'Bind', searches: 'Search', unbinds: 'Unbind' } as const;

/**
 * What `work` cost the directory: the difference of two readings of its monitor, less what reading the
 * monitor itself costs. An unbind gets no answer, so its count may land a moment after the client
 * moved on: the reading is repeated until it only grows by the reading's own cost. Nothing else may
 * use the directory meanwhile.
 */
export async function directoryWork(
  slapd: Slapd,
  work: () => Promise<unknown>,
): Promise<DirectoryOperations> {
  const cost = await readingCost(slapd);
  const quiet = (a: DirectoryOperations, b: DirectoryOperations) => total(minus(minus(b, a), cost)) === 0;
  // Each reading's own operations land between its snapshot and the next one: one `cost` per interval.
  let before = await slapd.operations();
  for (let attempt = 0; ; attempt++) {
    const next = await slapd.operations();
    if (quiet(before, next)) {
      before = next;
      break;
    }
    if (attempt > 50) throw new Error('the directory kept serving operations: something else is using it');
    before = next;
  }
  await work();
  const readings = [await slapd.operations()];
  for (let attempt = 0; ; attempt++) {
    const next = await slapd.operations();
    const last = readings[readings.length - 1]!;
    if (quiet(last, next)) break;
    if (attempt > 50) throw new Error('the directory kept serving operations: something else is using it');
    readings.push(next);
    await new Promise((r) => setTimeout(r, 10));
  }
  const after = readings[readings.length - 1]!;
  let result = minus(after, before);
  for (let i = 0; i < readings.length; i++) result = minus(result, cost);
  return result;
}

const readingCosts = new WeakMap<Slapd, DirectoryOperations>();

async function readingCost(slapd: Slapd): Promise<DirectoryOperations> {
  const known = readingCosts.get(slapd);
  if (known) return known;
  // The smallest difference of consecutive readings with nothing else running is the reading itself.
  let previous = await slapd.operations();
  let smallest: DirectoryOperations | null = null;
  for (let i = 0; i < 4; i++) {
    const next = await slapd.operations();
    const delta = minus(next, previous);
    if (!smallest || total(delta) < total(smallest)) smallest = delta;
    previous = next;
  }
  readingCosts.set(slapd, smallest!);
  return smallest!;
}

function minus(a: DirectoryOperations, b: DirectoryOperations): DirectoryOperations {
  return {
    connections: a.connections - b.connections,
    binds: a.binds - b.binds,
    searches: a.searches - b.searches,
    unbinds: a.unbinds - b.unbinds,
  };
}

const total = (o: DirectoryOperations) => o.connections + o.binds + o.searches + o.unbinds;

/**
 * The `providers[]` entry of a Concierge configuration for this directory: the studio's people, the
 * concierge-users group, short timeouts. `over` replaces or adds settings (passwords, contact, ...).
 */
export function ldapProviderConfig(slapd: Slapd, over: Record<string, unknown> = {}) {
  return {
    id: 'studio-ldap',
    kind: 'ldap',
    displayName: 'Studio directory',
    url: slapd.url,
    bindDn: slapd.serviceDn,
    bindPassword: slapd.servicePassword,
    userBase: `ou=people,${baseDn}`,
    group: { dn: groupDn },
    connectTimeoutMs: 1000,
    timeoutMs: 2000,
    ...over,
  };
}

/**
 * Starts a throwaway OpenLDAP on 127.0.0.1 with its own configuration, certificates and the seed
 * LDIF; the caller stops it with `stop()` and removes it with `dispose()`.
 */
export async function startSlapd(): Promise<Slapd & { dispose(): Promise<void> }> {
  for (const tool of [SLAPD, SLAPADD, SLAPPASSWD]) {
    if (!existsSync(tool)) {
      throw new Error(
        `${tool} is missing: the LDAP tests need OpenLDAP. Install it with ` +
          '`apt-get install -y --no-install-recommends slapd ldap-utils` (see .ci/run).',
      );
    }
  }
  const dir = mkdtempSync(join(tmpdir(), 'concierge-slapd-'));
  mkdirSync(join(dir, 'db'));
  const rootPassword = `root-${Math.random().toString(36).slice(2)}`;
  const servicePassword = 'service-secret-0';
  const [port, tlsPort] = [await freePort(), await freePort()];
  makeCertificates(dir);
  writeFileSync(join(dir, 'slapd.conf'), slapdConf(dir, hash(rootPassword)));
  writeFileSync(join(dir, 'seed.ldif'), seedLdif(servicePassword));
  execFileSync(SLAPADD, ['-f', join(dir, 'slapd.conf'), '-l', join(dir, 'seed.ldif')], { stdio: 'pipe' });

  const url = `ldap://127.0.0.1:${port}`;
  const pidFile = join(dir, 'slapd.pid');
  let pid: number | null = null;

  const asRoot = async <T>(work: (client: Client) => Promise<T>): Promise<T> => {
    const client = new Client({ url, timeout: 5000, connectTimeout: 2000 });
    try {
      await client.bind(`cn=admin,${baseDn}`, rootPassword);
      return await work(client);
    } finally {
      await client.unbind().catch(() => {});
    }
  };

  const start = async () => {
    execFileSync(SLAPD, ['-f', join(dir, 'slapd.conf'), '-h', `${url}/ ldaps://127.0.0.1:${tlsPort}/`], {
      stdio: 'pipe',
    });
    pid = Number(readFileSync(pidFile, 'utf8').trim());
    // Ready when our own server answers our random root password (another server on the port would not).
    for (let attempt = 0; ; attempt++) {
      try {
        await asRoot(async () => {});
        return;
      } catch (error) {
        if (attempt > 100) throw new Error(`slapd did not become ready on ${url}`, { cause: error });
        await new Promise((r) => setTimeout(r, 50));
      }
    }
  };

  const stop = async () => {
    if (pid === null) return;
    try {
      process.kill(pid, 'SIGTERM');
    } catch {}
    pid = null;
    // Both listeners must be gone: a restart too early would leave the old process answering ldaps.
    for (let attempt = 0; attempt < 200 && ((await portOpen(port)) || (await portOpen(tlsPort))); attempt++) {
      await new Promise((r) => setTimeout(r, 25));
    }
  };

  const operations = () =>
    asRoot(async (client): Promise<DirectoryOperations> => {
      const { searchEntries } = await client.search('cn=Monitor', {
        scope: 'sub',
        filter: '(|(cn=Total)(cn=Bind)(cn=Search)(cn=Unbind))',
        attributes: ['cn', 'monitorOpCompleted', 'monitorCounter'],
      });
      const counter = (dn: string, attribute: string) => {
        const entry = searchEntries.find((e) => e.dn.toLowerCase() === dn.toLowerCase());
        const value = entry?.[attribute];
        if (value === undefined) throw new Error(`slapd's monitor has no ${attribute} at ${dn}`);
        return Number(Array.isArray(value) ? value[0] : value);
      };
      const op = (name: string) => counter(`cn=${name},cn=Operations,cn=Monitor`, 'monitorOpCompleted');
      return {
        connections: counter('cn=Total,cn=Connections,cn=Monitor', 'monitorCounter'),
        binds: op(monitored.binds),
        searches: op(monitored.searches),
        unbinds: op(monitored.unbinds),
      };
    });

  await start();
  return {
    operations,
    url,
    ldapsUrl: `ldaps://127.0.0.1:${tlsPort}`,
    caFile: join(dir, 'ca.pem'),
    serviceDn,
    servicePassword,
    asRoot,
    stop,
    start,
    async dispose() {
      await stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Adds a person of its own for one test (in the concierge-users group unless `inGroup` is false). */
export async function addPerson(
  slapd: Slapd,
  p: {
    uid: string;
    ou?: 'artists' | 'engineers';
    password: string;
    first?: string;
    last?: string;
    mail?: string;
    inGroup?: boolean;
  },
): Promise<{ uid: string; dn: string; password: string; mail: string }> {
  const dn = `uid=${p.uid},ou=${p.ou ?? 'artists'},ou=people,${baseDn}`;
  const mail = p.mail ?? `${p.uid}@studio.example`;
  await slapd.asRoot(async (c) => {
    await c.add(dn, {
      objectClass: 'inetOrgPerson',
      uid: p.uid,
      cn: `${p.first ?? 'Test'} ${p.last ?? p.uid}`,
      givenName: p.first ?? 'Test',
      sn: p.last ?? p.uid,
      mail,
      userPassword: hash(p.password),
    });
    if (p.inGroup !== false) {
      await c.modify(
        groupDn,
        new Change({ operation: 'add', modification: new LdapAttribute({ type: 'member', values: [dn] }) }),
      );
    }
  });
  return { uid: p.uid, dn, password: p.password, mail };
}

/** Removes `dn` from the concierge-users group. */
export function removeFromGroup(slapd: Slapd, dn: string): Promise<void> {
  return slapd.asRoot((c) =>
    c.modify(
      groupDn,
      new Change({ operation: 'delete', modification: new LdapAttribute({ type: 'member', values: [dn] }) }),
    ),
  );
}

function hash(password: string): string {
  return execFileSync(SLAPPASSWD, ['-s', password], { encoding: 'utf8' }).trim();
}

function b64(value: string): string {
  return Buffer.from(value, 'utf8').toString('base64');
}

function makeCertificates(dir: string): void {
  const run = (args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  run([
    'req',
    '-x509',
    ...ec,
    '-keyout',
    'ca.key',
    '-out',
    'ca.pem',
    '-days',
    '2',
    '-subj',
    '/CN=Concierge Test CA',
  ]);
  run(['req', ...ec, '-keyout', 'server.key', '-out', 'server.csr', '-subj', '/CN=localhost']);
  writeFileSync(join(dir, 'san.ext'), 'subjectAltName=IP:127.0.0.1,DNS:localhost\n');
  run(
    ['x509', '-req', '-in', 'server.csr', '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial'].concat([
      '-out',
      'server.pem',
      '-days',
      '2',
      '-extfile',
      'san.ext',
    ]),
  );
}

function slapdConf(dir: string, rootHash: string): string {
  return `include /etc/ldap/schema/core.schema
include /etc/ldap/schema/cosine.schema
include /etc/ldap/schema/inetorgperson.schema
include /etc/ldap/schema/nis.schema
modulepath /usr/lib/ldap
moduleload back_mdb
moduleload ppolicy
pidfile ${dir}/slapd.pid
argsfile ${dir}/slapd.args
TLSCACertificateFile ${dir}/ca.pem
TLSCertificateFile ${dir}/server.pem
TLSCertificateKeyFile ${dir}/server.key
database mdb
maxsize 10485760
suffix "${baseDn}"
rootdn "cn=admin,${baseDn}"
rootpw ${rootHash}
directory ${dir}/db
overlay ppolicy
ppolicy_default "cn=default,ou=policies,${baseDn}"
access to attrs=userPassword by self write by anonymous auth by * none
access to * by * read
database monitor
access to * by dn.exact="cn=admin,${baseDn}" read by * none
`;
}

function person(p: { uid: string; dn: string; password: string }, first: string, last: string, mail: string) {
  return `dn: ${p.dn}
objectClass: inetOrgPerson
uid:: ${b64(p.uid)}
cn:: ${b64(`${first} ${last}`)}
givenName:: ${b64(first)}
sn:: ${b64(last)}
mail: ${mail}
userPassword: ${hash(p.password)}
`;
}

function seedLdif(servicePassword: string): string {
  const ou = (name: string, parent = baseDn) =>
    `dn: ou=${name},${parent}\nobjectClass: organizationalUnit\nou: ${name}\n`;
  return [
    `dn: ${baseDn}\nobjectClass: dcObject\nobjectClass: organization\ndc: studio\no: Studio\n`,
    ou('people'),
    ou('artists', `ou=people,${baseDn}`),
    ou('engineers', `ou=people,${baseDn}`),
    ou('services'),
    ou('groups'),
    ou('policies'),
    `dn: ${serviceDn}\nobjectClass: applicationProcess\nobjectClass: simpleSecurityObject\ncn: concierge\nuserPassword: ${hash(servicePassword)}\n`,
    // Directory password policy: at least 10 characters, checked on change (pwdCheckQuality 1).
    `dn: cn=default,ou=policies,${baseDn}\nobjectClass: device\nobjectClass: pwdPolicy\ncn: default\npwdAttribute: userPassword\npwdMinLength: 10\npwdCheckQuality: 1\n`,
    person(people.alice, 'Alice', 'Martin', 'alice@studio.example'),
    person(people.bob, 'Bob', 'Okafor', 'bob@studio.example'),
    person(people.zoe, 'Zoé', 'Lefèvre-Ødegård', 'zoe@studio.example'),
    person(people.special, 'Ops', 'Special', 'ops@studio.example'),
    person(people.admin, 'Ada', 'Admin', 'admin@studio.example'),
    person(people.carol, 'Carol', 'Outside', 'carol@studio.example'),
    `dn: ${groupDn}\nobjectClass: groupOfNames\ncn: concierge-users\n${[people.alice, people.bob, people.zoe, people.special, people.admin].map((p) => `member: ${p.dn}`).join('\n')}\n`,
  ].join('\n');
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

async function portOpen(port: number): Promise<boolean> {
  const { connect } = await import('node:net');
  return new Promise((resolve) => {
    const socket = connect({ port, host: '127.0.0.1' });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}
