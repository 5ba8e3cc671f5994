/**
 * Lookup sources as configuration: validation with field-level messages, storage in the
 * config table (secret names only), import documents, module references, and how the
 * resolver turns a stored source into a working CRM — or a clear failure.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SSMClient } from '@aws-sdk/client-ssm';
import { GetCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { parseLookupSource, type LookupSource } from '../../lib/config/lookup-source-schema';
import { NamedCrmResolver } from '../../lib/crm/crm-resolver';
import { UnknownLookupSourceError } from '../../lib/crm/crm-errors';
import { handleVoiceStep } from '../../lib/voice/voice-step';
import { buildRemoteCrm } from '../../lib/crm/remote-crm';
import { parseImportDocument } from '../../lib/ledger/import/import-document';
import type { Crm } from '../../lib/crm/crm';
import { SecretNotFoundError } from '../../lib/secrets/secret-resolver';
import { EnvSecretResolver } from '../../lib/secrets/env-secret-resolver';
import { secretEnvName } from '../../lib/secrets/secret-names';
import { CachedSecretResolver } from '../../lib/secrets/cached-secret-resolver';
import { SsmSecretResolver } from '../../lib/secrets/ssm-secret-resolver';
import { DynamoLookupSourceStore } from '../../lib/crm/dynamo-lookup-source-store';
import { startFakeAlovoip, type FakeAlovoip } from '../support/fake-alovoip';
import { startTestDynamo, type TestDynamo } from '../support/local-dynamo';
import { ERROR, moduleFixture, NEXT } from '../support/flow-fixtures';
import { voiceHarness } from '../support/voice-harness';

const pgSource = { name: 'pg-main', type: 'payamgostar', host: 'https://crm.example.com/', username: 'ivr', passwordSecret: 'pg-main' };

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

  it('requires a username and a password secret for basic auth', () => {
    const result = parseLookupSource({ name: 'other', type: 'http', host: 'https://crm.example.com', auth: 'basic' });
    expect(!result.ok && result.errors.map((e) => `${e.field}:${e.code}`)).toEqual(['username:required', 'passwordSecret:required']);
    expect(parseLookupSource({ name: 'other', type: 'http', host: 'https://crm.example.com', auth: 'none' }).ok).toBe(true);
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
      { section: 'modules', row: 0, field: 'lookupSource', code: 'unknown_lookup_source', message: 'منبع جستجویی با این نام وجود ندارد («ledger» یا یکی از CRMهای تعریف‌شده را انتخاب کنید).' },
    ]);
    expect(parseImportDocument({ destinations, modules: [moduleRow('nowhere')] }, { lookupSourceNames: new Set(['nowhere']) }).ok).toBe(true);
    expect(parseImportDocument({ destinations, modules: [moduleRow('ledger')] }).ok).toBe(true);
  });

  it('reports bad source rows by section, row and field, and duplicate names', () => {
    const parsed = parseImportDocument({ lookupSources: [pgSource, pgSource, { ...pgSource, name: 'pg-2', host: 'nope' }] });
    expect(!parsed.ok && parsed.errors.map((e) => `${e.section}[${e.row}].${e.field}:${e.code}`)).toEqual(['lookupSources[2].host:source_host', 'lookupSources[1].name:duplicate_code']);
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
      build: (source, password) => buildRemoteCrm(source, password, { timeoutMs: 1000, defaultCountryCode: '98' }),
      resilience: { timeoutMs: 1000, failureThreshold: 3, openMs: 10_000 },
      definitionTtlMs: 60_000,
    });
  }

  it('stores a source with its secret name and never a password', async () => {
    const parsed = parseLookupSource({ name: 'other', type: 'http', host: crmServer.url, auth: 'basic', username: 'ivr', passwordSecret: 'other-crm' });
    if (!parsed.ok) throw new Error('invalid');
    await store.putSource(parsed.value);
    expect(await store.getSource('other')).toEqual(parsed.value);
    expect((await store.listSources()).map((s: LookupSource) => s.name)).toEqual(['other']);
    const { Items } = await dynamo.doc.send(new ScanCommand({ TableName: dynamo.tables.config }));
    expect(JSON.stringify(Items)).not.toContain('s3cret');
  });

  it('builds the adapter with the password from the secret resolver', async () => {
    crmServer.routes.set('/GetIdentityByPhoneNumber', () => ({ body: '{"id":"c-9"}' }));
    const crm = resolver({ [secretEnvName('other-crm')]: 's3cret' }).forSource('other');
    expect(crm.source).toBe('other');
    expect(await crm.identifyByPhone('+15005550001')).toEqual({ status: 'found', customer: { id: 'c-9' } });
    expect(crmServer.requests.at(-1)!.headers.authorization).toBe(`Basic ${Buffer.from('ivr:s3cret').toString('base64')}`);
  });

  it('fails with secret-missing when the named secret is not configured', async () => {
    const crm = resolver({}).forSource('other');
    expect(await crm.identifyByPhone('+15005550001')).toEqual({ status: 'failed', source: 'other', reason: 'secret-missing' });
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
        if (body.Name === '/balance-ivr/test/pg-main') {
          res.writeHead(200, { 'Content-Type': 'application/x-amz-json-1.1' }).end(JSON.stringify({ Parameter: { Name: body.Name, Type: 'SecureString', Value: 'pg-pass', Version: 1 } }));
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
    expect(await secrets.resolve('pg-main')).toBe('pg-pass');
    expect(await secrets.resolve('pg-main')).toBe('pg-pass');
    expect(seen).toEqual([{ target: 'AmazonSSM.GetParameter', body: { Name: '/balance-ivr/test/pg-main', WithDecryption: true } }]);
  });

  it('reports a missing parameter as SecretNotFoundError and does not cache the miss', async () => {
    const secrets = new CachedSecretResolver(new SsmSecretResolver(client(), '/balance-ivr/test/'), 60_000);
    await expect(secrets.resolve('nope')).rejects.toBeInstanceOf(SecretNotFoundError);
    await expect(secrets.resolve('nope')).rejects.toBeInstanceOf(SecretNotFoundError);
    expect(seen.filter((s) => s.body.Name === '/balance-ivr/test/nope')).toHaveLength(2);
  });
});
