/**
 * Whole calls through serverless-offline with the module's lookup source pointing at a
 * local Payamgostar (SOAP) or AloVoIP-compatible (HTTP) server: the caller hears exactly
 * what the built-in ledger would give them; a slow or broken CRM costs at most the budget.
 */
import type { LocalStack } from '../../infra/local-stack';
import { parseLookupSource } from '../../lib/config/lookup-source-schema';
import { parseModule } from '../../lib/config/module-schema';
import type { Transcript } from '../../tools/simulator/call-simulator';
import { DynamoLookupSourceStore } from '../../lib/crm/dynamo-lookup-source-store';
import { DynamoModuleStore } from '../../lib/config/dynamo-module-store';
import { startFakeAlovoip, type FakeAlovoip } from '../support/fake-alovoip';
import { startFakePayamgostar, type FakePayamgostar } from '../support/fake-payamgostar';
import { stackCalls, startTestStack } from '../support/local-stack';

const BUDGET_MS = 1500;
const JOHN = '0b7f0c1e-3333-4c5d-8e9f-0123456789ab';
const SARA = '6f1c2a3b-1111-4c5d-8e9f-0123456789ab';

let stack: LocalStack;
let pg: FakePayamgostar;
let other: FakeAlovoip;
let slow: FakeAlovoip;
let broken: FakeAlovoip;

beforeAll(async () => {
  [pg, other, slow, broken] = await Promise.all([startFakePayamgostar(), startFakeAlovoip(), startFakeAlovoip(), startFakeAlovoip()]);
  pg.data.identities.push(
    { crmId: JOHN, phones: ['+15005550001'], customerNumber: '2001', nickName: 'John Smith', balance: '-1250000.0000' },
    { crmId: SARA, phones: ['09121111111'], customerNumber: '1001', nickName: 'سارا احمدی', balance: '-1,250,000' },
  );
  other.routes.set('/GetIdentityByPhoneNumber', (r) => ({
    body: JSON.parse(r.body).phoneNumber === '+15005550001' ? JSON.stringify({ Id: 'c-2001', CustomerNumber: '2001', CrmObjectTypeIndex: 24 }) : 'null',
  }));
  other.routes.set('/GetCustomerBalance', () => ({ body: '{"balance":1250000}' }));
  slow.routes.set('*', () => ({ body: 'null', delayMs: 10_000 }));
  broken.routes.set('*', () => ({ status: 503, body: 'Service Unavailable' }));

  stack = await startTestStack({
    CRM_TIMEOUT_MS: String(BUDGET_MS),
    CRM_BREAKER_FAILURES: '2',
    CRM_BREAKER_OPEN_SECONDS: '300',
    // Each source's password is its own secret, crm/<name>: locally CRM_SECRET_<NAME>.
    CRM_SECRET_PG: 'pg-pass',
    CRM_SECRET_OTHER: 'رمز عبور',
  });
  const sources = new DynamoLookupSourceStore(stack.documentClient, stack.config.tables.config);
  const modules = new DynamoModuleStore(stack.documentClient, stack.config.tables.config);
  const sourceRows = [
    { name: 'pg', type: 'payamgostar', host: `${pg.url}/`, username: 'ivr' },
    { name: 'other', type: 'http', host: other.url, auth: 'basic', username: 'ivr' },
    { name: 'slow', type: 'http', host: slow.url, auth: 'none' },
    { name: 'broken', type: 'http', host: broken.url, auth: 'none' },
  ];
  for (const row of sourceRows) {
    const parsed = parseLookupSource(row);
    if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));
    await sources.putSource(parsed.value);
  }
  const base = { language: 'en', currency: { unit: 'rial' }, nextDestination: 'sales', errorDestination: 'support' };
  const moduleRows = [
    { ...base, code: 'balance-pg', name: 'Balance from Payamgostar', lookupSource: 'pg' },
    { ...base, code: 'balance-other', name: 'Balance from another CRM', lookupSource: 'other' },
    { ...base, code: 'balance-slow', name: 'Slow CRM', lookupSource: 'slow' },
    { ...base, code: 'balance-broken', name: 'Broken CRM', lookupSource: 'broken' },
    {
      ...base,
      code: 'pay-pg',
      name: 'Payment link from Payamgostar',
      lookupSource: 'pg',
      forceMobileEntry: true,
      sendPaymentLink: true,
      financialAccount: 'acc-mellat',
    },
    { code: 'balance-fa-pg', name: 'مانده حساب از پیام‌گستر', language: 'fa', nextDestination: 'sales', errorDestination: 'goodbye', lookupSource: 'pg' },
  ];
  for (const row of moduleRows) {
    const parsed = parseModule(row);
    if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));
    await modules.putModule(parsed.value);
  }
}, 120_000);

afterAll(async () => {
  await stack?.stop();
  await Promise.all([pg, other, slow, broken].map((s) => s?.stop()));
});

const { call, callLog } = stackCalls(() => stack);

/** What the caller heard, typed and where they went (not the webhook URLs or timings). */
const experience = (t: Transcript) => ({ events: t.events.filter((e) => e.type !== 'request'), handedOn: t.handedOn });

describe('a module whose lookup source is Payamgostar', () => {
  it('gives the caller exactly what the built-in ledger gives, from Payamgostar', async () => {
    const fromPg = await call('balance-pg', '+15005550001');
    const fromLedger = await call('balance-en', '+15005550001');
    expect(experience(fromPg)).toEqual(experience(fromLedger));
    expect(fromPg.handedOn).toEqual({ kind: 'dial', target: '+982191000000' });
    expect(await callLog(fromPg.callSid)).toMatchObject({ outcome: 'next', owed: 1250000, customerId: JOHN, moduleCode: 'balance-pg' });
    const sent = pg.requests.map((r) => r.operation);
    expect(sent).toEqual(['FindIdentityByPhoneNumber', 'FindIdentityById']);
    expect(pg.requests[0]!.params.slice(0, 2)).toEqual([
      ['username', 'ivr'],
      ['password', 'pg-pass'],
    ]);
  });

  it('plays the Persian amount from clips as the ledger module does', async () => {
    const fromPg = await call('balance-fa-pg', '+989121111111');
    const fromLedger = await call('balance-fa', '+989121111111');
    expect(experience(fromPg)).toEqual(experience(fromLedger));
  });

  it('has Payamgostar create and text the payment link, and sends no second SMS', async () => {
    const t = await call('pay-pg', '+15005550001', ['09125550001']);
    expect(t.events).toContainEqual(
      expect.objectContaining({ type: 'say', text: expect.stringContaining('A payment link has been sent to your mobile by text message.') }),
    );
    expect(t.sms).toEqual([]);
    expect(t.handedOn).toEqual({ kind: 'dial', target: '+982191000000' });
    const create = pg.requests.filter((r) => r.operation === 'CreatePaymentLink');
    expect(create).toHaveLength(1);
    const info = Object.fromEntries(create[0]!.params[2]![1] as unknown as Array<[string, string]>);
    expect(info).toMatchObject({ Amount: '1250000', IdentityId: JOHN, MobilePhoneNumber: '09125550001', MoneyAccountUserKey: 'acc-mellat' });
  });
});

describe('a module whose lookup source is an AloVoIP-compatible CRM', () => {
  it('gives the caller exactly what the built-in ledger gives', async () => {
    const fromCrm = await call('balance-other', '+15005550001');
    const fromLedger = await call('balance-en', '+15005550001');
    expect(experience(fromCrm)).toEqual(experience(fromLedger));
    expect(await callLog(fromCrm.callSid)).toMatchObject({ outcome: 'next', owed: 1250000, customerId: 'c-2001' });
    const auth = String(other.requests[0]!.headers.authorization).replace(/^Basic /, '');
    expect(Buffer.from(auth, 'base64').toString('utf8')).toBe('ivr:رمز عبور');
  });

  it('sends a caller the CRM does not know to the error destination', async () => {
    const t = await call('balance-other', '+15009999999');
    expect(t.handedOn).toEqual({ kind: 'dial', target: 'sip:support@pbx.example.com' });
    expect(await callLog(t.callSid)).toMatchObject({ outcome: 'error', reason: 'not-identified' });
  });
});

describe('a slow or broken CRM', () => {
  it('costs the caller no more than the budget: apology, then the error destination', async () => {
    const started = Date.now();
    const t = await call('balance-slow', '+15005550001');
    const elapsed = Date.now() - started;
    expect(t.events).toContainEqual(expect.objectContaining({ type: 'say', text: 'Sorry, we cannot complete your request right now.' }));
    expect(t.handedOn).toEqual({ kind: 'dial', target: 'sip:support@pbx.example.com' });
    expect(await callLog(t.callSid)).toMatchObject({ outcome: 'error', reason: 'crm-failed:slow:timeout' });
    // The whole call (webhook, status callback, simulator) within the budget plus local overhead.
    expect(elapsed).toBeGreaterThanOrEqual(BUDGET_MS);
    expect(elapsed).toBeLessThan(BUDGET_MS + 2500);
  });

  it('opens the circuit after repeated failures and then fails fast without calling the CRM', async () => {
    const first = await call('balance-broken', '+15005550001');
    expect(await callLog(first.callSid)).toMatchObject({ outcome: 'error', reason: 'crm-failed:broken:http-503' });
    // One retry for a lookup: two requests per call.
    expect(broken.requests).toHaveLength(2);
    await call('balance-broken', '+15005550001');
    expect(broken.requests).toHaveLength(4);

    const third = await call('balance-broken', '+15005550001');
    expect(broken.requests).toHaveLength(4);
    expect(third.handedOn).toEqual({ kind: 'dial', target: 'sip:support@pbx.example.com' });
    expect(third.events).toContainEqual(expect.objectContaining({ type: 'say', text: 'Sorry, we cannot complete your request right now.' }));
    expect(await callLog(third.callSid)).toMatchObject({ outcome: 'error', reason: 'crm-failed:broken:circuit-open' });
  });
});
