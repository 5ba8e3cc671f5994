/**
 * The admin API's lookup sources over dynalite with the demo data: create, read, replace,
 * delete (refused while a module uses the source), field-level errors in both languages,
 * passwords never accepted nor stored, and "test connection" through the real resolver
 * and AloVoIP adapter against a local server speaking the contract.
 */
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { NamedCrmResolver } from '../../lib/crm/crm-resolver';
import { LedgerCrm } from '../../lib/ledger/ledger-crm';
import { buildRemoteCrm } from '../../lib/crm/remote-crm';
import { EnvSecretResolver } from '../../lib/secrets/env-secret-resolver';
import { DynamoLookupSourceStore } from '../../lib/crm/dynamo-lookup-source-store';
import { startTestAdmin, type TestAdmin } from '../support/admin-api';
import { startFakeAlovoip, type FakeAlovoip } from '../support/fake-alovoip';
import { crmTransport } from '../../lib/crm/crm-http';
import { LOCAL_HOST_POLICY } from '../../lib/domain/crm-host-policy';

// The local stage's host policy: the fake CRMs listen on 127.0.0.1.
const transport = crmTransport(LOCAL_HOST_POLICY);

let admin: TestAdmin;
let crmServer: FakeAlovoip;
const SECRET_VALUE = 'pa55-w0rd-never-stored';

beforeAll(async () => {
  crmServer = await startFakeAlovoip();
  admin = await startTestAdmin((dynamo) => {
    const store = new DynamoLookupSourceStore(dynamo.doc, dynamo.tables.config);
    const ledger = new LedgerCrm(dynamo.doc, dynamo.tables.ledger, '98');
    const resolver = new NamedCrmResolver(new Map([[ledger.source, ledger]]), {
      store,
      // Each source's password is its own secret crm/<name>: locally CRM_SECRET_<NAME>.
      secrets: new EnvSecretResolver(
        Object.fromEntries(['ACME', 'REACHABLE', 'REFUSING', 'SLOW', 'IN_USE', 'EDITABLE', 'TAKEN'].map((name) => [`CRM_SECRET_${name}`, SECRET_VALUE])),
      ),
      build: (source, password) => buildRemoteCrm(source, password, { timeoutMs: 300, defaultCountryCode: '98', transport }),
      resilience: { timeoutMs: 300, failureThreshold: 2, openMs: 60_000 },
      definitionTtlMs: 0,
    });
    return {
      lookupSourceStore: store,
      lookupSourceNames: async () => ['ledger', ...(await store.listSources()).map((s) => s.name)],
      crmFor: async (name) => (name === 'ledger' || (await store.getSource(name)) ? resolver.forSource(name) : undefined),
      testLookupSource: (name) => resolver.testConnection(name),
      secretsFrom: { kind: 'env' },
    };
  });
});

afterAll(async () => {
  await admin?.stop();
  await crmServer?.stop();
});

const httpSource = (name: string, extra: Record<string, unknown> = {}) => ({
  name,
  type: 'http',
  host: crmServer.url,
  auth: 'basic',
  username: 'ivr',
  ...extra,
});

describe('creating and reading lookup sources', () => {
  it('creates a source, lists it beside the built-in ledger and says where its password must live', async () => {
    const created = await admin.call('POST', '/lookup-sources', { body: httpSource('acme') });
    expect(created.status).toBe(201);
    expect(created.json).toEqual({
      name: 'acme',
      builtIn: false,
      source: { ...httpSource('acme'), currency: 'IRR', itemTypeKeys: {} },
      secret: { name: 'crm/acme', from: 'env', location: 'CRM_SECRET_ACME' },
      usedBy: [],
    });
    const list = await admin.call('GET', '/lookup-sources');
    expect(list.json.sources).toEqual(['ledger', 'acme']);
    expect(list.json.lookupSources.map((s: { name: string; builtIn: boolean }) => [s.name, s.builtIn])).toEqual([
      ['ledger', true],
      ['acme', false],
    ]);
    expect((await admin.call('GET', '/lookup-sources/acme')).json.source.host).toBe(crmServer.url);
    expect((await admin.call('GET', '/lookup-sources/nope')).status).toBe(404);
  });

  it('refuses a taken name with 409 next to the name field', async () => {
    await admin.call('POST', '/lookup-sources', { body: httpSource('taken') });
    const again = await admin.call('POST', '/lookup-sources', { body: httpSource('taken'), query: { lang: 'fa' } });
    expect(again.status).toBe(409);
    expect(again.json.errors).toEqual([{ field: 'name', code: 'duplicate_source', message: 'منبع استعلامی با این نام از قبل وجود دارد.' }]);
  });

  it('gives field-level errors in English and Persian and stores nothing', async () => {
    const bad = { name: 'ledger', type: 'payamgostar', host: 'crm.example.com', passwordSecret: 'has space' };
    const en = await admin.call('POST', '/lookup-sources', { body: bad });
    expect(en.status).toBe(422);
    expect(Object.fromEntries(en.json.errors.map((e: { field: string; code: string }) => [e.field, e.code]))).toEqual({
      name: 'source_name_reserved',
      host: 'source_host',
      username: 'required',
      passwordSecret: 'password_secret_bound',
    });
    const fa = await admin.call('POST', '/lookup-sources', { body: bad, query: { lang: 'fa' } });
    expect(fa.json.errors.find((e: { field: string }) => e.field === 'host').message).toBe(
      'نشانی CRM را به شکل http(s)://host[/path] و بدون ? یا # وارد کنید.',
    );
    expect((await admin.call('GET', '/lookup-sources')).json.sources).not.toContain('ledger ');
  });

  it('refuses a password in the body, saying where it belongs, and never stores one', async () => {
    const reply = await admin.call('POST', '/lookup-sources', { body: { ...httpSource('with-password'), password: SECRET_VALUE } });
    expect(reply.status).toBe(422);
    expect(reply.json.errors).toEqual([expect.objectContaining({ field: 'password', code: 'password_not_stored' })]);
    expect((await admin.call('GET', '/lookup-sources/with-password')).status).toBe(404);
    const { Items } = await admin.dynamo.doc.send(new ScanCommand({ TableName: admin.dynamo.tables.config }));
    expect(JSON.stringify(Items)).not.toContain(SECRET_VALUE);
    expect(JSON.stringify((await admin.call('GET', '/lookup-sources')).json)).not.toContain(SECRET_VALUE);
  });
});

describe('replacing and deleting lookup sources', () => {
  it('replaces a source under its name and refuses a renamed body', async () => {
    await admin.call('POST', '/lookup-sources', { body: httpSource('editable') });
    const replaced = await admin.call('PUT', '/lookup-sources/editable', { body: { type: 'http', host: 'https://crm.example.com/api', auth: 'none' } });
    expect(replaced.status).toBe(200);
    expect(replaced.json.source).toEqual({
      name: 'editable',
      type: 'http',
      host: 'https://crm.example.com/api',
      auth: 'none',
      currency: 'IRR',
      itemTypeKeys: {},
    });
    expect(replaced.json.secret).toBeUndefined();
    const renamed = await admin.call('PUT', '/lookup-sources/editable', { body: httpSource('other-name') });
    expect(renamed.status).toBe(422);
    expect(renamed.json.errors[0]).toMatchObject({ field: 'name', code: 'code_immutable' });
    expect((await admin.call('PUT', '/lookup-sources/missing', { body: httpSource('missing') })).status).toBe(404);
  });

  it('never changes or deletes the built-in ledger', async () => {
    expect((await admin.call('DELETE', '/lookup-sources/ledger')).json.error).toBe('source_built_in');
    expect((await admin.call('PUT', '/lookup-sources/ledger', { body: httpSource('ledger') })).status).toBe(409);
    expect((await admin.call('GET', '/lookup-sources/ledger')).json).toMatchObject({ name: 'ledger', builtIn: true });
  });

  it('refuses with 409 to delete a source while a module uses it, then deletes it once none does', async () => {
    await admin.call('POST', '/lookup-sources', { body: httpSource('in-use') });
    const module = { code: 'uses-acme', name: 'Uses Acme', language: 'en', lookupSource: 'in-use', nextDestination: 'sales', errorDestination: 'goodbye' };
    expect((await admin.call('POST', '/modules', { body: module })).status).toBe(201);
    expect((await admin.call('GET', '/lookup-sources/in-use')).json.usedBy).toEqual(['uses-acme']);
    const refused = await admin.call('DELETE', '/lookup-sources/in-use', { query: { lang: 'fa' } });
    expect(refused.status).toBe(409);
    expect(refused.json).toMatchObject({
      error: 'source_in_use',
      usedBy: ['uses-acme'],
      message: 'این منبع استعلام را نمی‌توان حذف کرد: ماژول‌هایی از آن استفاده می‌کنند.',
    });
    expect((await admin.call('GET', '/lookup-sources/in-use')).status).toBe(200);

    expect((await admin.call('PUT', '/modules/uses-acme', { body: { ...module, lookupSource: 'ledger' } })).status).toBe(200);
    expect((await admin.call('DELETE', '/lookup-sources/in-use')).json).toEqual({ deleted: 'in-use' });
    expect((await admin.call('GET', '/lookup-sources/in-use')).status).toBe(404);
    expect((await admin.call('DELETE', '/lookup-sources/in-use')).status).toBe(404);
  });

  it('keeps a module and its source in one currency: a module in another is refused, and the source cannot switch under its modules', async () => {
    expect((await admin.call('POST', '/lookup-sources', { body: httpSource('dollars', { currency: 'USD' }) })).status).toBe(201);
    const module = {
      code: 'uses-dollars',
      name: 'Uses dollars',
      language: 'en',
      lookupSource: 'dollars',
      nextDestination: 'sales',
      errorDestination: 'goodbye',
    };
    const inRials = await admin.call('POST', '/modules', { body: module, query: { lang: 'fa' } });
    expect(inRials.status).toBe(422);
    expect(inRials.json.errors).toEqual([{ field: 'currency', code: 'currency_source', message: 'واحد پول ماژول باید همان واحد پول منبع استعلام آن باشد.' }]);
    expect((await admin.call('POST', '/modules', { body: { ...module, currency: 'USD' } })).status).toBe(201);
    const switched = await admin.call('PUT', '/lookup-sources/dollars', { body: httpSource('dollars', { currency: 'EUR' }) });
    expect(switched.status).toBe(422);
    expect(switched.json).toMatchObject({ errors: [expect.objectContaining({ field: 'currency', code: 'source_currency_in_use' })], usedBy: ['uses-dollars'] });
    expect((await admin.call('GET', '/lookup-sources/dollars')).json.source.currency).toBe('USD');
  });
});

describe('testing a connection', () => {
  it('runs one money-accounts lookup with the password from the secret and reports ok', async () => {
    await admin.call('POST', '/lookup-sources', { body: httpSource('reachable') });
    crmServer.routes.set('/GetMoneyAccounts', () => ({ body: '{"moneyAccounts":[{"key":"a1","name":"Main"},{"key":"a2","name":"Cash"}]}' }));
    const before = crmServer.requests.length;
    const reply = await admin.call('POST', '/lookup-sources/reachable/test');
    expect(reply.status).toBe(200);
    expect(reply.json).toMatchObject({ ok: true, moneyAccounts: 2, message: 'Connected (2 money accounts).' });
    const sent = crmServer.requests.slice(before);
    expect(sent.map((r) => r.path.replace(/^.*\//, '/'))).toEqual(['/GetMoneyAccounts']);
    expect(sent[0]!.headers.authorization).toBe(`Basic ${Buffer.from(`ivr:${SECRET_VALUE}`).toString('base64')}`);
  });

  it('reports the reason when the CRM answers with an error, in the operator language', async () => {
    await admin.call('POST', '/lookup-sources', { body: httpSource('refusing') });
    crmServer.routes.set('/GetMoneyAccounts', () => ({ status: 401, body: '{}' }));
    const reply = await admin.call('POST', '/lookup-sources/refusing/test', { query: { lang: 'fa' } });
    expect(reply.json).toMatchObject({ ok: false, reason: 'http-401', message: 'CRM با وضعیت HTTP ‏۴۰۱ پاسخ داد.' });
  });

  it('reports a timeout within the budget when the CRM is slow', async () => {
    await admin.call('POST', '/lookup-sources', { body: httpSource('slow') });
    crmServer.routes.set('/GetMoneyAccounts', () => ({ body: '{"moneyAccounts":[]}', delayMs: 2_000 }));
    const started = Date.now();
    const reply = await admin.call('POST', '/lookup-sources/slow/test');
    expect(reply.json).toMatchObject({ ok: false, reason: 'timeout', message: 'The CRM did not answer within the time budget.' });
    expect(Date.now() - started).toBeLessThan(1_500);
  });

  it('reports a missing password without reaching the CRM, saying where to put it', async () => {
    await admin.call('POST', '/lookup-sources', { body: httpSource('no-secret') });
    const before = crmServer.requests.length;
    const reply = await admin.call('POST', '/lookup-sources/no-secret/test');
    expect(reply.json).toMatchObject({
      ok: false,
      reason: 'secret-missing',
      message: "This source's password is not configured on this installation; put it in: CRM_SECRET_NO_SECRET",
    });
    expect(crmServer.requests.length).toBe(before);
  });

  it('tests the built-in ledger and answers 404 for an unknown source', async () => {
    expect((await admin.call('POST', '/lookup-sources/ledger/test')).json).toMatchObject({ ok: true, moneyAccounts: expect.any(Number) });
    const fa = (await admin.call('POST', '/lookup-sources/ledger/test', { query: { lang: 'fa' } })).json;
    expect(fa.message).toMatch(/^اتصال برقرار است \([۰-۹]+ حساب مالی\)\.$/);
    expect((await admin.call('POST', '/lookup-sources/ghost/test')).status).toBe(404);
  });
});

describe('the OpenAPI document', () => {
  it('describes the lookup-source routes and their schema', async () => {
    const doc = (await admin.call('GET', '/openapi.json')).json;
    expect(Object.keys(doc.paths['/lookup-sources/{source}']).sort()).toEqual(['delete', 'get', 'put']);
    expect(doc.paths['/lookup-sources/{source}/test'].post.summary).toContain('Test the connection');
    expect(doc.paths['/lookup-sources'].post.responses).toHaveProperty('409');
    expect(JSON.stringify(doc.components.schemas.LookupSource)).toContain('host');
    expect(JSON.stringify(doc.components.schemas.LookupSource)).not.toContain('passwordSecret');
    expect(JSON.stringify(doc.components.schemas.ClubModule)).toContain('identification');
  });
});
