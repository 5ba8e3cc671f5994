/**
 * Lookup sources as configuration: validation with field-level messages, storage in the
 * config table (no secret, no secret name: a source's password is always `crm/<name>`),
 * import documents, module references, and how the resolver turns a stored source into a
 * working CRM — or a clear failure.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SSMClient } from '@aws-sdk/client-ssm';
import { GetCommand, PutCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { parseLookupSource, type LookupSource } from '../../lib/config/lookup-source-schema';
import { NamedCrmResolver } from '../../lib/crm/crm-resolver';
import { UnknownLookupSourceError } from '../../lib/crm/crm-errors';
import { handleVoiceStep } from '../../lib/voice/voice-step';
import { buildRemoteCrm } from '../../lib/crm/remote-crm';
import { parseImportDocument } from '../../lib/ledger/import/import-document';
import type { Crm } from '../../lib/crm/crm';
import { SecretNotFoundError } from '../../lib/secrets/secret-resolver';
import { EnvSecretResolver } from '../../lib/secrets/env-secret-resolver';
import { crmPasswordSecret, secretEnvName } from '../../lib/secrets/secret-names';
import { CachedSecretResolver } from '../../lib/secrets/cached-secret-resolver';
import { SsmSecretResolver } from '../../lib/secrets/ssm-secret-resolver';
import { DynamoLookupSourceStore } from '../../lib/crm/dynamo-lookup-source-store';
import { startFakeAlovoip, type FakeAlovoip } from '../support/fake-alovoip';
import { startTestDynamo, type TestDynamo } from '../support/local-dynamo';
import { ERROR, moduleFixture, NEXT } from '../support/flow-fixtures';
import { voiceHarness } from '../support/voice-harness';
import { crmTransport } from '../../lib/crm/crm-http';
import { LOCAL_HOST_POLICY } from '../../lib/domain/crm-host-policy';

// The local stage's host policy: the fake CRMs listen on 127.0.0.1.
const transport = crmTransport(LOCAL_HOST_POLICY);

const pgSource = { name: 'pg-main', type: 'payamgostar', host: 'https://crm.example.com/', username: 'ivr' };

describe('validating a lookup source', () => {
  it('accepts a Payamgostar source and fills defaults', () => {
    expect(parseLookupSource(pgSource)).toEqual({ ok: true, value: { ...pgSource, currency: 'IRR', itemTypeKeys: {}, linkExpiryDays: 7 } });
  });

  it('gives field-level messages in English and Persian', () => {
    const bad = { name: 'ledger', type: 'http', host: 'ftp://x', auth: 'digest', password: 'hunter2' };
    const en = parseLookupSource(bad, 'en');
    expect(en.ok).toBe(false);
    const fields = !en.ok ? Object.fromEntries(en.errors.map((e) => [e.field, e.code])) : {};
    expect(fields).toEqual({ name: 'source_name_reserved', host: 'source_host', auth: 'source_auth', password: 'unknown_field' });
    const fa = parseLookupSource(bad, 'fa');
    expect(!fa.ok && fa.errors.find((e) => e.field === 'name')?.message).toBe('«ledger» نام منبع داخلی است؛ نام دیگری انتخاب کنید.');
  });

  it('requires a username for basic auth, and no secret name: the password is always crm/<name>', () => {
    const result = parseLookupSource({ name: 'other', type: 'http', host: 'https://crm.example.com', auth: 'basic' });
    expect(!result.ok && result.errors.map((e) => `${e.field}:${e.code}`)).toEqual(['username:required']);
    expect(parseLookupSource({ name: 'other', type: 'http', host: 'https://crm.example.com', auth: 'none' }).ok).toBe(true);
    expect(crmPasswordSecret('other')).toBe('crm/other');
    expect(secretEnvName(crmPasswordSecret('pg-main'))).toBe('CRM_SECRET_PG_MAIN');
  });

  it("refuses a passwordSecret naming any secret but the source's own, and drops the old field when it names its own", () => {
    for (const other of ['twilio-auth-token', 'admin-api-key', 'crm/another', 'pg-main-2', '../pg-main']) {
      const refused = parseLookupSource({ ...pgSource, passwordSecret: other }, 'fa');
      expect(refused.ok).toBe(false);
      expect(!refused.ok && refused.errors[0]).toEqual({
        field: 'passwordSecret',
        code: 'password_secret_bound',
        message: 'گذرواژهٔ هر منبع استعلام همیشه در رمز crm/<نام منبع> است؛ passwordSecret را حذف کنید.',
      });
    }
    // Documents written before the binding followed the convention secret = source name.
    for (const own of ['pg-main', 'crm/pg-main'])
      expect(parseLookupSource({ ...pgSource, passwordSecret: own })).toEqual({
        ok: true,
        value: { ...pgSource, currency: 'IRR', itemTypeKeys: {}, linkExpiryDays: 7 },
      });
  });

  it('refuses credentials written in the host', () => {
    for (const host of ['http://user:pw@127.0.0.1:8080/', 'https://ivr@crm.example.com/', 'https://:pw@crm.example.com']) {
      const result = parseLookupSource({ ...pgSource, host });
      expect([host, !result.ok && result.errors.map((e) => `${e.field}:${e.code}`)]).toEqual([host, ['host:source_host_credentials']]);
    }
  });

  it('rejects an unknown type with a message naming the choices', () => {
    const result = parseLookupSource({ name: 'x', type: 'soap' });
    expect(!result.ok && result.errors[0]).toMatchObject({ field: 'type', code: 'source_type', message: 'Choose payamgostar or http (Other).' });
  });
});

describe('import documents with lookup sources', () => {
  const destinations = [{ code: 'sales', type: 'hangup' }];
  const moduleRow = (lookupSource: string) => ({ code: 'm1', name: 'M', language: 'en', nextDestination: 'sales', errorDestination: 'sales', lookupSource });

  it('loads sources and lets modules name them', () => {
    const parsed = parseImportDocument({ destinations, lookupSources: [pgSource], modules: [moduleRow('pg-main')] });
    expect(parsed.ok && parsed.document.lookupSources.map((s) => s.name)).toEqual(['pg-main']);
  });

  it('refuses a module naming a source that does not exist, in the module row', () => {
    const parsed = parseImportDocument({ destinations, modules: [moduleRow('nowhere')] }, {}, 'fa');
    expect(!parsed.ok && parsed.errors).toEqual([
      {
        section: 'modules',
        row: 0,
        field: 'lookupSource',
        code: 'unknown_lookup_source',
        message: 'منبع جستجویی با این نام وجود ندارد («ledger» یا یکی از CRMهای تعریف‌شده را انتخاب کنید).',
      },
    ]);
    expect(parseImportDocument({ destinations, modules: [moduleRow('nowhere')] }, { lookupSourceNames: new Set(['nowhere']) }).ok).toBe(true);
    expect(parseImportDocument({ destinations, modules: [moduleRow('ledger')] }).ok).toBe(true);
  });

  it('reports bad source rows by section, row and field, and duplicate names', () => {
    const parsed = parseImportDocument({ lookupSources: [pgSource, pgSource, { ...pgSource, name: 'pg-2', host: 'nope' }] });
    expect(!parsed.ok && parsed.errors.map((e) => `${e.section}[${e.row}].${e.field}:${e.code}`)).toEqual([
      'lookupSources[2].host:source_host',
      'lookupSources[1].name:duplicate_code',
    ]);
  });
});

describe('stored lookup sources and the resolver', () => {
  let dynamo: TestDynamo;
  let store: DynamoLookupSourceStore;
  let crmServer: FakeAlovoip;

  beforeAll(async () => {
    dynamo = await startTestDynamo();
    store = new DynamoLookupSourceStore(dynamo.doc, dynamo.tables.config);
    crmServer = await startFakeAlovoip();
  });

  afterAll(async () => {
    await crmServer.stop();
    await dynamo.stop();
  });

  function resolver(values: Record<string, string>, ledger?: Crm) {
    return new NamedCrmResolver(new Map(ledger ? [['ledger', ledger]] : []), {
      store,
      secrets: new EnvSecretResolver(values),
      build: (source, password) => buildRemoteCrm(source, password, { timeoutMs: 1000, defaultCountryCode: '98', transport }),
      resilience: { timeoutMs: 1000, failureThreshold: 3, openMs: 10_000 },
      definitionTtlMs: 60_000,
    });
  }

  it('stores a source with neither a password nor a secret name', async () => {
    const parsed = parseLookupSource({ name: 'other', type: 'http', host: crmServer.url, auth: 'basic', username: 'ivr' });
    if (!parsed.ok) throw new Error('invalid');
    await store.putSource(parsed.value);
    expect(await store.getSource('other')).toEqual(parsed.value);
    expect((await store.listSources()).map((s: LookupSource) => s.name)).toEqual(['other']);
    const { Items } = await dynamo.doc.send(new ScanCommand({ TableName: dynamo.tables.config }));
    expect(JSON.stringify(Items)).not.toContain('s3cret');
    expect(JSON.stringify(Items)).not.toContain('passwordSecret');
  });

  it("builds the adapter with the password from the source's own secret, crm/<name>", async () => {
    crmServer.routes.set('/GetIdentityByPhoneNumber', () => ({ body: '{"id":"c-9"}' }));
    const crm = resolver({ CRM_SECRET_OTHER: 's3cret' }).forSource('other');
    expect(crm.source).toBe('other');
    expect(await crm.identifyByPhone('+15005550001')).toEqual({ status: 'found', customer: { id: 'c-9' } });
    expect(crmServer.requests.at(-1)!.headers.authorization).toBe(`Basic ${Buffer.from('ivr:s3cret').toString('base64')}`);
  });

  it("fails with secret-missing when the source's secret is not configured", async () => {
    const crm = resolver({}).forSource('other');
    expect(await crm.identifyByPhone('+15005550001')).toEqual({ status: 'failed', source: 'other', reason: 'secret-missing' });
  });

  it('migrates a source stored with passwordSecret naming another secret: that secret is never read nor sent', async () => {
    // As the code before the binding stored it: any secret's name in passwordSecret.
    const legacy = { name: 'legacy', type: 'http', host: crmServer.url, auth: 'basic', username: 'ivr', passwordSecret: 'twilio-auth-token', itemTypeKeys: {} };
    await dynamo.doc.send(new PutCommand({ TableName: dynamo.tables.config, Item: { pk: 'SOURCE#legacy', record: legacy } }));
    expect(await store.getSource('legacy')).toEqual({ name: 'legacy', type: 'http', host: crmServer.url, auth: 'basic', username: 'ivr', itemTypeKeys: {} });
    expect((await store.listSources()).find((s) => s.name === 'legacy')).not.toHaveProperty('passwordSecret');
    const asked: string[] = [];
    const secrets = {
      resolve: async (name: string) => (
        asked.push(name),
        new EnvSecretResolver({ SECRET_TWILIO_AUTH_TOKEN: 'the-twilio-token', CRM_SECRET_TWILIO_AUTH_TOKEN: 'the-twilio-token' }).resolve(name)
      ),
    };
    const seenBefore = crmServer.requests.length;
    const crm = new NamedCrmResolver(new Map(), {
      store,
      secrets,
      build: (source, password) => buildRemoteCrm(source, password, { timeoutMs: 1000, defaultCountryCode: '98', transport }),
      resilience: { timeoutMs: 1000, failureThreshold: 3, openMs: 10_000 },
      definitionTtlMs: 0,
    });
    expect(await crm.forSource('legacy').identifyByPhone('+15005550001')).toEqual({ status: 'failed', source: 'legacy', reason: 'secret-missing' });
    expect(await crm.testConnection('legacy')).toMatchObject({ ok: false, reason: 'secret-missing' });
    expect(asked).toEqual(['crm/legacy', 'crm/legacy']);
    expect(crmServer.requests.slice(seenBefore)).toEqual([]);
  });

  it('fails with unknown-source when the source was deleted after the module was saved', async () => {
    expect(await resolver({}).forSource('gone').balance({ id: 'c' }, 'IRR')).toEqual({ status: 'failed', source: 'gone', reason: 'unknown-source' });
  });

  it('keeps returning the built-in ledger for modules that use it', () => {
    const ledger = { source: 'ledger' } as Crm;
    expect(resolver({}, ledger).forSource('ledger')).toBe(ledger);
  });

  describe('a name that is no lookup source', () => {
    it('is one error, UnknownLookupSourceError with reason unknown-source, on every path', async () => {
      // No stored sources at all: known at once.
      const builtInOnly = new NamedCrmResolver(new Map());
      expect(() => builtInOnly.forSource('gone')).toThrow(UnknownLookupSourceError);
      expect(() => builtInOnly.forSource('gone')).toThrow(expect.objectContaining({ reason: 'unknown-source' }));
      expect(await builtInOnly.testConnection('gone')).toMatchObject({ ok: false, reason: 'unknown-source' });
      // Stored sources: known when the definition is read.
      const stored = resolver({});
      await expect(stored.forSource('gone').moneyAccounts()).rejects.toBeInstanceOf(UnknownLookupSourceError);
      expect(await stored.forSource('gone').identifyByPhone('+15005550001')).toEqual({ status: 'failed', source: 'gone', reason: 'unknown-source' });
      expect(await stored.testConnection('gone')).toMatchObject({ ok: false, reason: 'unknown-source' });
    });

    it('ends the call with the reason the call log records, crm-failed:<name>:unknown-source, when the resolver has no stored sources', async () => {
      const h = voiceHarness(dynamo);
      await h.configure(moduleFixture({ code: 'on-gone', lookupSource: 'gone' }), [NEXT, ERROR]);
      const callSid = 'CA0000000000000000000000000000gone';
      const twiml = await handleVoiceStep(h.deps, { code: 'on-gone', step: 'entry', params: { CallSid: callSid, From: '+15005550001', To: '+15550001000' } });
      expect(twiml).toContain('<Hangup/>');
      const { Item } = await dynamo.doc.send(new GetCommand({ TableName: dynamo.tables.sessions, Key: { callSid } }));
      expect(Item).toMatchObject({ outcome: 'error', reason: 'crm-failed:gone:unknown-source' });
    });
  });
});

describe('secrets from SSM Parameter Store', () => {
  let server: Server;
  let endpoint: string;
  const seen: Array<{ target: string; body: Record<string, unknown> }> = [];

  beforeAll(async () => {
    // Speaks SSM's AWS JSON 1.1 protocol for GetParameter.
    server = createServer((req, res) => {
      let raw = '';
      req.on('data', (c: Buffer) => (raw += c.toString()));
      req.on('end', () => {
        const body = JSON.parse(raw) as { Name: string };
        seen.push({ target: String(req.headers['x-amz-target']), body });
        if (body.Name === '/balance-ivr/test/crm/pg-main') {
          res
            .writeHead(200, { 'Content-Type': 'application/x-amz-json-1.1' })
            .end(JSON.stringify({ Parameter: { Name: body.Name, Type: 'SecureString', Value: 'pg-pass', Version: 1 } }));
        } else {
          res.writeHead(400, { 'Content-Type': 'application/x-amz-json-1.1' }).end(JSON.stringify({ __type: 'ParameterNotFound', message: 'not found' }));
        }
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
  });

  const client = () => new SSMClient({ endpoint, region: 'us-east-1', credentials: { accessKeyId: 'x', secretAccessKey: 'x' }, maxAttempts: 1 });

  it('reads a decrypted SecureString under the stage prefix, once per container', async () => {
    const secrets = new CachedSecretResolver(new SsmSecretResolver(client(), '/balance-ivr/test/'), 60_000);
    expect(await secrets.resolve(crmPasswordSecret('pg-main'))).toBe('pg-pass');
    expect(await secrets.resolve(crmPasswordSecret('pg-main'))).toBe('pg-pass');
    expect(seen).toEqual([{ target: 'AmazonSSM.GetParameter', body: { Name: '/balance-ivr/test/crm/pg-main', WithDecryption: true } }]);
  });

  it('reports a missing parameter as SecretNotFoundError and does not cache the miss', async () => {
    const secrets = new CachedSecretResolver(new SsmSecretResolver(client(), '/balance-ivr/test/'), 60_000);
    await expect(secrets.resolve('nope')).rejects.toBeInstanceOf(SecretNotFoundError);
    await expect(secrets.resolve('nope')).rejects.toBeInstanceOf(SecretNotFoundError);
    expect(seen.filter((s) => s.body.Name === '/balance-ivr/test/nope')).toHaveLength(2);
  });
});
