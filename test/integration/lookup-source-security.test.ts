/**
 * What an admin key can make a lookup source do, attacked as the issue did: through the real
 * admin API and routes, the real resolver and adapters, over dynalite.
 *
 * - Exfiltration: a source cannot name another secret (the Twilio auth token); its password is
 *   always its own, `crm/<name>`, and a stored source naming another one is migrated.
 * - SSRF: metadata, private and loopback hosts, credentials in the URL, http on a deployed stage
 *   are refused when saved; names resolving to such addresses are refused when connecting.
 *
 * No test here connects anywhere but 127.0.0.1: the transport's network is replaced by one that
 * records every name resolved and every connection asked for, and refuses (throws) any connection
 * to another address. A refused host is shown never to reach it.
 */
import { connect as netConnect } from 'node:net';
import { PutCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { NamedCrmResolver } from '../../lib/crm/crm-resolver';
import { LedgerCrm } from '../../lib/ledger/ledger-crm';
import { buildRemoteCrm } from '../../lib/crm/remote-crm';
import { crmTransport, type CrmNetwork } from '../../lib/crm/crm-http';
import { DEPLOYED_HOST_POLICY, LOCAL_HOST_POLICY, type CrmHostPolicy } from '../../lib/domain/crm-host-policy';
import { EnvSecretResolver } from '../../lib/secrets/env-secret-resolver';
import { DynamoLookupSourceStore } from '../../lib/crm/dynamo-lookup-source-store';
import { startTestAdmin, type TestAdmin } from '../support/admin-api';
import { startFakeAlovoip, type FakeAlovoip } from '../support/fake-alovoip';
import { startTestHttpServer, type TestHttpServer } from '../support/test-http-server';

const TWILIO_TOKEN = 'the-twilio-auth-token-value';
const ACME_PASSWORD = 'acme-password';

/** DNS and sockets as the transport sees them; only plain connections to 127.0.0.1 are ever made. */
function recordingNetwork(names: Record<string, () => string[]>) {
  const resolved: string[] = [];
  const connects: string[] = [];
  const network: CrmNetwork = {
    resolve: async (hostname) => {
      resolved.push(hostname);
      const answer = names[hostname];
      if (!answer) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' });
      return answer();
    },
    connect: ({ address, port, tls }) => {
      connects.push(`${address}:${port}`);
      if (address !== '127.0.0.1' || tls) throw new Error(`test network: no connection to ${address} (only plain 127.0.0.1)`);
      return netConnect({ host: address, port });
    },
  };
  const reset = () => {
    resolved.splice(0);
    connects.splice(0);
  };
  return { network, resolved, connects, reset };
}

let crm: FakeAlovoip;
let names: Record<string, () => string[]>;
const net = recordingNetwork(new Proxy({}, { get: (_t, name: string) => names[name] }) as Record<string, () => string[]>);

/** An admin API whose stage has `policy`, with the Twilio token beside the sources' passwords in its secret resolver. */
async function adminOn(policy: CrmHostPolicy): Promise<TestAdmin> {
  return startTestAdmin((dynamo) => {
    const store = new DynamoLookupSourceStore(dynamo.doc, dynamo.tables.config);
    const ledger = new LedgerCrm(dynamo.doc, dynamo.tables.ledger, '98');
    const resolver = new NamedCrmResolver(new Map([[ledger.source, ledger]]), {
      store,
      // The Twilio token in the same resolver, under the name secretEnvName gives a non-crm secret (SECRET_<NAME>),
      // so a source asking for it would find it if the crm/<name> guard failed; and the sources' own passwords.
      secrets: new EnvSecretResolver({
        SECRET_TWILIO_AUTH_TOKEN: TWILIO_TOKEN,
        CRM_SECRET_ACME: ACME_PASSWORD,
        CRM_SECRET_MOVING: ACME_PASSWORD,
        CRM_SECRET_REBOUND: ACME_PASSWORD,
      }),
      build: (source, password) =>
        buildRemoteCrm(source, password, { timeoutMs: 1000, defaultCountryCode: '98', transport: crmTransport(policy, net.network) }),
      resilience: { timeoutMs: 1000, failureThreshold: 5, openMs: 60_000 },
      definitionTtlMs: 0,
    });
    return {
      lookupSourceStore: store,
      lookupSourceNames: async () => ['ledger', ...(await store.listSources()).map((s) => s.name)],
      crmFor: async (name) => (name === 'ledger' || (await store.getSource(name)) ? resolver.forSource(name) : undefined),
      testLookupSource: (name) => resolver.testConnection(name),
      crmHostPolicy: policy,
      secretsFrom: { kind: 'env' },
    };
  });
}

let local: TestAdmin;
let deployed: TestAdmin;

beforeAll(async () => {
  crm = await startFakeAlovoip();
  crm.routes.set('/GetMoneyAccounts', () => ({ body: '{"moneyAccounts":[{"key":"a1","name":"Main"}]}' }));
  names = {
    'crm.local.test': () => ['127.0.0.1'],
    'metadata.test': () => ['169.254.169.254'],
    'crm.internal.test': () => ['10.0.0.5'],
    'half-private.test': () => ['127.0.0.1', '10.0.0.5'],
    'crm.public.test': () => ['93.184.216.34'],
  };
  [local, deployed] = await Promise.all([adminOn(LOCAL_HOST_POLICY), adminOn(DEPLOYED_HOST_POLICY)]);
}, 60_000);

afterAll(async () => {
  await Promise.all([local?.stop(), deployed?.stop(), crm?.stop()]);
});

beforeEach(() => net.reset());

const sourceAt = (name: string, host: string, extra: Record<string, unknown> = {}) => ({ name, type: 'http', host, auth: 'basic', username: 'ivr', ...extra });
const storedRows = async (admin: TestAdmin) => (await admin.dynamo.doc.send(new ScanCommand({ TableName: admin.dynamo.tables.config }))).Items ?? [];
const sentToCrm = () => JSON.stringify(crm.requests);

describe('an admin key cannot make a source send another secret', () => {
  it('refuses a source naming the Twilio auth token as its password secret, storing nothing and sending nothing', async () => {
    const before = crm.requests.length;
    const reply = await local.call('POST', '/lookup-sources', { body: sourceAt('exfil', crm.url, { passwordSecret: 'twilio-auth-token' }) });
    expect(reply.status).toBe(422);
    expect(reply.json.errors).toEqual([
      {
        field: 'passwordSecret',
        code: 'password_secret_bound',
        message: "A lookup source's password is always the secret crm/<its name>; remove passwordSecret.",
      },
    ]);
    expect((await local.call('GET', '/lookup-sources/exfil')).status).toBe(404);
    expect((await local.call('POST', '/lookup-sources/exfil/test')).status).toBe(404);
    expect(crm.requests.length).toBe(before);
  });

  it('reads only crm/<name> even for a source named after the token: the token never reaches the listener', async () => {
    expect((await local.call('POST', '/lookup-sources', { body: sourceAt('twilio-auth-token', crm.url) })).status).toBe(201);
    const view = (await local.call('GET', '/lookup-sources/twilio-auth-token')).json;
    expect(view.secret).toEqual({ name: 'crm/twilio-auth-token', from: 'env', location: 'CRM_SECRET_TWILIO_AUTH_TOKEN' });
    const tested = await local.call('POST', '/lookup-sources/twilio-auth-token/test');
    expect(tested.json).toMatchObject({ ok: false, reason: 'secret-missing' });
    expect(sentToCrm()).not.toContain(Buffer.from(`ivr:${TWILIO_TOKEN}`).toString('base64'));
    expect(sentToCrm()).not.toContain(TWILIO_TOKEN);
  });

  it('migrates a source stored (by older code) with passwordSecret "twilio-auth-token": the test sends nothing with the token', async () => {
    const legacy = { ...sourceAt('legacy-exfil', crm.url), passwordSecret: 'twilio-auth-token', itemTypeKeys: {} };
    await local.dynamo.doc.send(new PutCommand({ TableName: local.dynamo.tables.config, Item: { pk: 'SOURCE#legacy-exfil', record: legacy } }));
    const before = crm.requests.length;
    expect((await local.call('POST', '/lookup-sources/legacy-exfil/test')).json).toMatchObject({
      ok: false,
      reason: 'secret-missing',
      message: expect.stringContaining('CRM_SECRET_LEGACY_EXFIL'),
    });
    expect(crm.requests.length).toBe(before);
    expect((await local.call('GET', '/lookup-sources/legacy-exfil')).json.source).not.toHaveProperty('passwordSecret');
  });

  it('still sends a source its own password', async () => {
    await local.call('POST', '/lookup-sources', { body: sourceAt('acme', crm.url) });
    const before = crm.requests.length;
    expect((await local.call('POST', '/lookup-sources/acme/test')).json).toMatchObject({ ok: true, moneyAccounts: 1 });
    expect(crm.requests.slice(before).map((r) => r.headers.authorization)).toEqual([`Basic ${Buffer.from(`ivr:${ACME_PASSWORD}`).toString('base64')}`]);
  });

  it('refuses a second source whose local password variable would be the same (acme vs ACME, a-b vs a_b)', async () => {
    const reply = await local.call('POST', '/lookup-sources', { body: sourceAt('ACME', crm.url), query: { lang: 'fa' } });
    expect(reply.status).toBe(409);
    expect(reply.json).toMatchObject({
      error: 'source_name_clash',
      clashesWith: 'acme',
      errors: [expect.objectContaining({ field: 'name', code: 'source_name_clash' })],
    });
    expect((await local.call('GET', '/lookup-sources/ACME')).status).toBe(404);
  });
});

describe('hosts refused when a source is saved', () => {
  it.each([
    ['the metadata service over http (deployed)', 'http://169.254.169.254/latest/meta-data', 'source_host_https'],
    ['the metadata service over https (deployed)', 'https://169.254.169.254/latest/meta-data', 'source_host_address'],
    ['IPv6 metadata (deployed)', 'https://[fd00:ec2::254]/', 'source_host_address'],
    ['a private address (deployed)', 'https://10.0.0.5/crm', 'source_host_address'],
    ['loopback (deployed)', 'https://127.0.0.1:8443/', 'source_host_address'],
    ['localhost (deployed)', 'https://localhost/', 'source_host_address'],
    ['plain http to a public name (deployed)', 'http://crm.example.com/', 'source_host_https'],
    ['credentials in the URL (deployed)', 'https://user:pw@crm.example.com/', 'source_host_credentials'],
  ])('refuses %s with a field error and stores nothing', async (_label, host, code) => {
    const before = (await storedRows(deployed)).length;
    const reply = await deployed.call('POST', '/lookup-sources', { body: sourceAt('ssrf', host) });
    expect(reply.status).toBe(422);
    expect(reply.json.errors).toEqual([expect.objectContaining({ field: 'host', code })]);
    expect((await storedRows(deployed)).length).toBe(before);
    expect(net.resolved).toEqual([]);
    expect(net.connects).toEqual([]);
  });

  it.each([
    ['the metadata service', 'http://169.254.169.254/latest/meta-data', 'source_host_address'],
    ['credentials in the URL', `http://user:pw@127.0.0.1:9/`, 'source_host_credentials'],
  ])('refuses %s on the local stage too', async (_label, host, code) => {
    const reply = await local.call('POST', '/lookup-sources', { body: sourceAt('ssrf-local', host), query: { lang: 'fa' } });
    expect(reply.status).toBe(422);
    expect(reply.json.errors[0]).toMatchObject({ field: 'host', code });
    expect(reply.json.errors[0].message).toMatch(/[\u0600-\u06FF]/);
    expect((await local.call('GET', '/lookup-sources/ssrf-local')).status).toBe(404);
  });

  it('refuses the same hosts in an import document, row by row, importing nothing', async () => {
    const doc = {
      lookupSources: [sourceAt('fine', 'https://crm.example.com/'), sourceAt('meta', 'https://169.254.169.254/'), sourceAt('plain', 'http://crm.example.com/')],
    };
    const reply = await deployed.call('POST', '/ledger/import', { body: doc });
    expect(reply.status).toBe(422);
    expect(
      reply.json.problems.map((p: { section: string; row: number; field: string; code: string }) => `${p.section}[${p.row}].${p.field}:${p.code}`),
    ).toEqual(['lookupSources[1].host:source_host_address', 'lookupSources[2].host:source_host_https']);
    expect((await deployed.call('GET', '/lookup-sources/fine')).status).toBe(404);
  });

  it('refuses a PUT moving a source to the metadata service', async () => {
    await deployed.call('POST', '/lookup-sources', { body: sourceAt('moves', 'https://crm.example.com/') });
    const reply = await deployed.call('PUT', '/lookup-sources/moves', { body: sourceAt('moves', 'https://169.254.169.254/') });
    expect(reply.status).toBe(422);
    expect((await deployed.call('GET', '/lookup-sources/moves')).json.source.host).toBe('https://crm.example.com/');
  });
});

describe('addresses refused when connecting, after DNS', () => {
  /** A source stored as it is (older code, another stage, a direct write): the connection checks it again. */
  async function storeDirectly(admin: TestAdmin, name: string, host: string) {
    await admin.dynamo.doc.send(
      new PutCommand({
        TableName: admin.dynamo.tables.config,
        Item: { pk: `SOURCE#${name}`, record: { ...sourceAt(name, host), auth: 'none', itemTypeKeys: {} } },
      }),
    );
  }

  it('refuses a stored http://169.254.169.254 source before any connection, and reports address-refused', async () => {
    await storeDirectly(local, 'stored-metadata', 'http://169.254.169.254/latest/meta-data');
    const reply = await local.call('POST', '/lookup-sources/stored-metadata/test');
    expect(reply.json).toMatchObject({ ok: false, reason: 'address-refused' });
    expect(reply.json.message).toContain('nothing was sent');
    expect(net.connects).toEqual([]);
  });

  it('refuses a stored source with credentials in its URL before any connection', async () => {
    await storeDirectly(local, 'stored-userinfo', `http://user:pw@127.0.0.1:${new URL(crm.url).port}/`);
    const before = crm.requests.length;
    expect((await local.call('POST', '/lookup-sources/stored-userinfo/test')).json).toMatchObject({ ok: false, reason: 'address-refused' });
    expect(net.connects).toEqual([]);
    expect(crm.requests.length).toBe(before);
  });

  it('refuses a name that resolves to the metadata address: resolved, never connected', async () => {
    await storeDirectly(deployed, 'via-dns', 'https://metadata.test/latest/meta-data');
    expect((await deployed.call('POST', '/lookup-sources/via-dns/test')).json).toMatchObject({ ok: false, reason: 'address-refused' });
    expect(net.resolved).toContain('metadata.test');
    expect(net.connects).toEqual([]);
  });

  it('refuses a name resolving to a private address, and a name with any private address among its answers', async () => {
    await storeDirectly(local, 'internal', `http://crm.internal.test:${new URL(crm.url).port}/`);
    await storeDirectly(local, 'half', `http://half-private.test:${new URL(crm.url).port}/`);
    expect((await local.call('POST', '/lookup-sources/internal/test')).json).toMatchObject({ ok: false, reason: 'address-refused' });
    expect((await local.call('POST', '/lookup-sources/half/test')).json).toMatchObject({ ok: false, reason: 'address-refused' });
    expect(net.resolved).toEqual(['crm.internal.test', 'half-private.test']);
    expect(net.connects).toEqual([]);
  });

  it('lets an allowed name through to the very address it checked (the local stage, loopback)', async () => {
    await storeDirectly(local, 'by-name', `http://crm.local.test:${new URL(crm.url).port}/`);
    expect((await local.call('POST', '/lookup-sources/by-name/test')).json).toMatchObject({ ok: true, moneyAccounts: 1 });
    expect(net.connects).toEqual([`127.0.0.1:${new URL(crm.url).port}`]);
    expect(crm.requests.at(-1)?.headers.host).toBe(`crm.local.test:${new URL(crm.url).port}`);
  });

  it('on a deployed stage lets a public address through the policy (the test network then declines to connect)', async () => {
    await storeDirectly(deployed, 'public', 'https://crm.public.test/');
    expect((await deployed.call('POST', '/lookup-sources/public/test')).json).toMatchObject({ ok: false, reason: 'network' });
    expect(net.connects[0]).toBe('93.184.216.34:443');
  });

  it('checks every new connection: a name that rebinds to a private address after a first good answer is refused', async () => {
    // Answers with Connection: close, so every request needs a new connection (and a new lookup).
    const closing: TestHttpServer = await startTestHttpServer(({ answer }) =>
      answer((res) => res.writeHead(200, { 'Content-Type': 'application/json', Connection: 'close' }).end('{"moneyAccounts":[]}')),
    );
    try {
      let lookups = 0;
      names['rebind.test'] = () => (lookups++ === 0 ? ['127.0.0.1'] : ['169.254.169.254']);
      await local.call('POST', '/lookup-sources', { body: sourceAt('rebound', `http://rebind.test:${new URL(closing.url).port}/`) });
      expect((await local.call('POST', '/lookup-sources/rebound/test')).json).toMatchObject({ ok: true });
      expect((await local.call('POST', '/lookup-sources/rebound/test')).json).toMatchObject({ ok: false, reason: 'address-refused' });
      expect(net.connects).toEqual([`127.0.0.1:${new URL(closing.url).port}`]);
    } finally {
      await closing.stop();
    }
  });

  it('does not follow redirects: a 302 to another address is an answer, and the other address gets nothing', async () => {
    const target = await startFakeAlovoip();
    const redirecting = await startTestHttpServer(({ answer }) => answer((res) => res.writeHead(302, { Location: `${target.url}/GetMoneyAccounts` }).end()));
    try {
      await local.call('POST', '/lookup-sources', { body: sourceAt('redirects', redirecting.url, { auth: 'none', username: undefined }) });
      expect((await local.call('POST', '/lookup-sources/redirects/test')).json).toMatchObject({ ok: false, reason: 'http-302' });
      expect(target.requests).toEqual([]);
      expect(target.connections).toBe(0);
    } finally {
      await Promise.all([target.stop(), redirecting.stop()]);
    }
  });
});

describe('moving a source to another host', () => {
  it('warns in the answer, in the operator language, that the password goes to the new host, and records it', async () => {
    await local.call('POST', '/lookup-sources', { body: sourceAt('moving', crm.url) });
    const same = await local.call('PUT', '/lookup-sources/moving', { body: sourceAt('moving', crm.url, { username: 'ivr2' }) });
    expect(same.status).toBe(200);
    expect(same.json.warnings).toBeUndefined();
    const moved = await local.call('PUT', '/lookup-sources/moving', { body: sourceAt('moving', 'http://127.0.0.1:9/'), query: { lang: 'fa' } });
    expect(moved.status).toBe(200);
    expect(moved.json.warnings).toEqual([
      { code: 'password_sent_to_new_host', message: 'نشانی میزبان تغییر کرد: گذرواژهٔ این منبع به میزبان تازه فرستاده می‌شود.' },
    ]);
    const entries = (await local.call('GET', '/audit', { query: { area: 'lookup-source', target: 'moving' } })).json.entries;
    expect(entries.map((e: { action: string; warnings?: string[] }) => [e.action, e.warnings ?? []])).toEqual([
      ['update', ['password_sent_to_new_host']],
      ['update', []],
      ['create', []],
    ]);
    expect(entries[0]).toMatchObject({ before: { host: crm.url }, after: { host: 'http://127.0.0.1:9/' } });
  });

  it('warns for a source moved by an import too', async () => {
    await local.call('POST', '/lookup-sources', { body: sourceAt('imported', crm.url) });
    const reply = await local.call('POST', '/ledger/import', { body: { lookupSources: [sourceAt('imported', 'http://127.0.0.1:9/')] } });
    expect(reply.status).toBe(200);
    expect(reply.json.warnings).toEqual([
      { name: 'imported', code: 'password_sent_to_new_host', message: "The host changed: this source's password will be sent to the new host." },
    ]);
  });
});
