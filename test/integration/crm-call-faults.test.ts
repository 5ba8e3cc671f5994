/**
 * Whole calls through the real handlers when the module's CRM is slow beyond the budget,
 * down (connection refused) or answering garbage — the real Payamgostar (SOAP) and AloVoIP
 * (HTTP) adapters against local servers speaking their protocols, lookup sources configured
 * in the stores as an operator would — and a customer club under DynamoDB throttling.
 * Each: every answer a 200 with valid TwiML, the caller reaches a destination, the call log
 * says why, and no request is repeated beyond the adapters' one retry.
 */
import { createServer } from 'node:net';
import { parseLookupSource } from '../../lib/config/lookup-source-schema';
import { parseModule } from '../../lib/config/module-schema';
import { placeCall } from '../../tools/simulator/call-simulator';
import { said } from '../support/call-transcripts';
import { DynamoLookupSourceStore } from '../../lib/crm/dynamo-lookup-source-store';
import { DynamoModuleStore } from '../../lib/config/dynamo-module-store';
import { startFaultProxy, type FaultProxy } from '../support/dynamo-fault-proxy';
import { startFakeAlovoip, type FakeAlovoip } from '../support/fake-alovoip';
import { startFakePayamgostar, type FakePayamgostar } from '../support/fake-payamgostar';
import { startInProcessStack, storedCallLog, type InProcessStack } from '../support/in-process-stack';
import { everyAnswerValid, recordingFetch } from '../support/recording-fetch';

const BUDGET_MS = 600;
const JOHN = '0b7f0c1e-3333-4c5d-8e9f-0123456789ab';
const APOLOGY = 'Sorry, we cannot complete your request right now.';
const NEXT = { kind: 'dial', target: '+982191000000' };
const SUPPORT = { kind: 'dial', target: 'sip:support@pbx.example.com' };

let stack: InProcessStack;
let proxy: FaultProxy;
let pgSlow: FakePayamgostar;
let pgGarbage: FakePayamgostar;
let pgClub: FakePayamgostar;
let aloSlow: FakeAlovoip;
let aloGarbage: FakeAlovoip;
let aloFlaky: FakeAlovoip;
let refusedUrl: string;

/** A port nothing listens on: connections are refused at once. */
async function refusedPort(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}`;
}

beforeAll(async () => {
  [pgSlow, pgGarbage, pgClub, aloSlow, aloGarbage, aloFlaky] = await Promise.all([
    startFakePayamgostar(),
    startFakePayamgostar(),
    startFakePayamgostar(),
    startFakeAlovoip(),
    startFakeAlovoip(),
    startFakeAlovoip(),
  ]);
  refusedUrl = await refusedPort();
  const john = { crmId: JOHN, phones: ['+15005550001'], customerNumber: '2001', nickName: 'John Smith', balance: '-1250000.0000' };
  for (const pg of [pgSlow, pgGarbage, pgClub]) pg.data.identities.push({ ...john });
  pgSlow.behaviour.set('*', { delayMs: 5000 });
  // Well-formed SOAP whose result is nothing the contract knows.
  pgGarbage.behaviour.set('*', { raw: '<a:Unexpected>42</a:Unexpected>' });
  aloSlow.routes.set('*', () => ({ body: 'null', delayMs: 5000 }));
  aloGarbage.routes.set('*', () => ({ body: '<html>{"Id": oops' }));
  aloFlaky.routes.set('*', () => ({ status: 503, body: 'Service Unavailable' }));

  stack = await startInProcessStack({
    env: {
      LOG_LEVEL: 'CRITICAL',
      CONFIG_CACHE_SECONDS: '0',
      CRM_TIMEOUT_MS: String(BUDGET_MS),
      CRM_BREAKER_FAILURES: '2',
      CRM_BREAKER_OPEN_SECONDS: '300',
      // Each source's password is its own: crm/<name>, locally CRM_SECRET_<NAME>.
      CRM_SECRET_PG_SLOW: 'pg-pass',
      CRM_SECRET_PG_DOWN: 'pg-pass',
      CRM_SECRET_PG_GARBAGE: 'pg-pass',
      CRM_SECRET_PG_CLUB: 'pg-pass',
    },
    dynamoEndpoint: async (dynalite) => {
      proxy = await startFaultProxy(dynalite);
      return proxy.endpoint;
    },
  });
  const sources = new DynamoLookupSourceStore(stack.db.doc, stack.tables.config);
  const modules = new DynamoModuleStore(stack.db.doc, stack.tables.config);
  const pg = (name: string, url: string) => ({ name, type: 'payamgostar', host: `${url}/`, username: 'ivr' });
  const alo = (name: string, url: string) => ({ name, type: 'http', host: url, auth: 'none' });
  for (const row of [
    pg('pg-slow', pgSlow.url),
    pg('pg-down', refusedUrl),
    pg('pg-garbage', pgGarbage.url),
    pg('pg-club', pgClub.url),
    alo('alo-slow', aloSlow.url),
    alo('alo-down', refusedUrl),
    alo('alo-garbage', aloGarbage.url),
    alo('alo-flaky', aloFlaky.url),
  ]) {
    const parsed = parseLookupSource(row);
    if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));
    await sources.putSource(parsed.value);
  }
  const base = { language: 'en', currency: { unit: 'rial' }, nextDestination: 'sales', errorDestination: 'support' };
  const rows = [
    ...['pg-slow', 'pg-down', 'pg-garbage', 'alo-slow', 'alo-down', 'alo-garbage', 'alo-flaky'].map((source) => ({
      ...base,
      code: `balance-${source}`,
      name: `Balance from ${source}`,
      lookupSource: source,
    })),
    {
      kind: 'club',
      code: 'club-pg',
      name: 'Club on Payamgostar',
      language: 'en',
      identification: 'customer-number',
      maxAttempts: 3,
      nextDestination: 'to-balance-en',
      errorDestination: 'support',
      lookupSource: 'pg-club',
    },
    {
      kind: 'club',
      code: 'club-pg-slow',
      name: 'Club on a slow Payamgostar',
      language: 'en',
      identification: 'customer-number',
      maxAttempts: 3,
      nextDestination: 'to-balance-en',
      errorDestination: 'support',
      lookupSource: 'pg-slow',
    },
  ];
  for (const row of rows) {
    const parsed = parseModule(row);
    if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));
    await modules.putModule(parsed.value);
  }
}, 60_000);

afterEach(() => proxy.setRule(undefined));

afterAll(async () => {
  await stack?.stop();
  await proxy?.close();
  await Promise.all([pgSlow, pgGarbage, pgClub, aloSlow, aloGarbage, aloFlaky].map((s) => s?.stop()));
});

async function call(code: string, from: string, digits?: string[]) {
  const recorder = recordingFetch(stack.fetch);
  const started = Date.now();
  const transcript = await placeCall({
    baseUrl: stack.baseUrl,
    code,
    from,
    authToken: stack.authToken,
    fetchImpl: recorder.fetchImpl,
    ...(digits ? { digits } : {}),
  });
  return { transcript, answers: recorder.answers, ms: Date.now() - started };
}

const callLog = (callSid: string) => storedCallLog(stack, callSid);

describe.each([
  ['Payamgostar', 'pg'],
  ['AloVoIP', 'alo'],
])('a module whose CRM (%s) fails', (_name, prefix) => {
  it('slow beyond the budget: the caller waits at most the budget (and one retry inside it), hears an apology and reaches the error destination', async () => {
    const { transcript, answers, ms } = await call(`balance-${prefix}-slow`, '+15005550001');
    everyAnswerValid(answers);
    expect(said(transcript)).toContain(APOLOGY);
    expect(transcript.handedOn).toEqual(SUPPORT);
    expect(ms).toBeGreaterThanOrEqual(BUDGET_MS);
    expect(ms).toBeLessThan(BUDGET_MS + 1500);
    expect(await callLog(transcript.callSid)).toMatchObject({ outcome: 'error', reason: `crm-failed:${prefix}-slow:timeout` });
  });

  it('down (connection refused): apology, error destination, the reason in the call log', async () => {
    const { transcript, answers } = await call(`balance-${prefix}-down`, '+15005550001');
    everyAnswerValid(answers);
    expect(said(transcript)).toContain(APOLOGY);
    expect(transcript.handedOn).toEqual(SUPPORT);
    expect(await callLog(transcript.callSid)).toMatchObject({ outcome: 'error', reason: expect.stringMatching(new RegExp(`^crm-failed:${prefix}-down:`)) });
  });

  it('answering garbage: never read as a balance, apology and error destination', async () => {
    const { transcript, answers } = await call(`balance-${prefix}-garbage`, '+15005550001');
    everyAnswerValid(answers);
    expect(said(transcript)).toContain(APOLOGY);
    expect(said(transcript)).not.toContain('Your account balance is');
    expect(transcript.handedOn).toEqual(SUPPORT);
    const log = await callLog(transcript.callSid);
    expect(log).toMatchObject({ outcome: 'error', reason: expect.stringMatching(new RegExp(`^crm-failed:${prefix}-garbage:`)) });
    expect(log?.owed).toBeUndefined();
  });
});

describe('the circuit breaker', () => {
  it('after two failed calls answers the third at once without asking the CRM, and the caller still reaches the error destination', async () => {
    const first = await call('balance-alo-flaky', '+15005550001');
    const second = await call('balance-alo-flaky', '+15005550001');
    for (const c of [first, second]) {
      everyAnswerValid(c.answers);
      expect(c.transcript.handedOn).toEqual(SUPPORT);
    }
    const asked = aloFlaky.requests.length;
    // One identity lookup per call, retried once on a transient 503: never more.
    expect(asked).toBeGreaterThanOrEqual(2);
    expect(asked).toBeLessThanOrEqual(4);
    const third = await call('balance-alo-flaky', '+15005550001');
    everyAnswerValid(third.answers);
    expect(said(third.transcript)).toContain(APOLOGY);
    expect(third.transcript.handedOn).toEqual(SUPPORT);
    expect(aloFlaky.requests).toHaveLength(asked);
    expect(await callLog(third.transcript.callSid)).toMatchObject({ outcome: 'error', reason: 'crm-failed:alo-flaky:circuit-open' });
  });
});

describe('a customer club on a remote CRM', () => {
  it('identifies by customer number through Payamgostar and hands on to the balance module', async () => {
    const { transcript, answers } = await call('club-pg', '+15009999999', ['2001']);
    everyAnswerValid(answers);
    expect(said(transcript)).toContain('Thank you. Your account has been found.');
    expect(transcript.modulesVisited).toEqual(['club-pg', 'balance-en']);
    expect(pgClub.requests.filter((r) => r.operation === 'SearchIdentity')).toHaveLength(1);
  });

  it('sends the caller to the error destination within the budget when that CRM is slow', async () => {
    const { transcript, answers, ms } = await call('club-pg-slow', '+15009999999', ['2001']);
    everyAnswerValid(answers);
    expect(said(transcript)).toContain(APOLOGY);
    expect(transcript.handedOn).toEqual(SUPPORT);
    expect(ms).toBeLessThan(BUDGET_MS + 1500);
    expect(await callLog(transcript.callSid)).toMatchObject({ outcome: 'error', moduleCode: 'club-pg-slow' });
  });
});

describe('a customer club (customer number and password) under DynamoDB throttling', () => {
  it('rides out brief throttling of the ledger, the attempts table and the sessions through the SDK retries', async () => {
    const left: Record<string, number> = { [stack.tables.ledger]: 2, [stack.tables.attempts]: 2, [stack.tables.sessions]: 1 };
    proxy.setRule(({ table }) => ((left[table] ?? 0) > 0 ? ((left[table] = (left[table] ?? 0) - 1), { kind: 'throttle' }) : undefined));
    const { transcript, answers } = await call('club-en-password', '+15009999999', ['2001', '2468']);
    everyAnswerValid(answers);
    expect(Object.values(left)).toEqual([0, 0, 0]);
    expect(said(transcript)).toContain('Your account balance is one million two hundred fifty thousand rials due for payment.');
    expect(transcript.handedOn).toEqual(NEXT);
    expect(await callLog(transcript.callSid)).toMatchObject({ outcome: 'next', customerId: 'c-2001' });
  });

  it('fails closed when the lockout table stays throttled: no password is checked, apology, error destination', async () => {
    proxy.setRule(({ table }) => (table === stack.tables.attempts ? { kind: 'throttle' } : undefined));
    const { transcript, answers } = await call('club-en-password', '+15009999999', ['2001', '2468']);
    everyAnswerValid(answers);
    expect(said(transcript)).toContain(APOLOGY);
    expect(said(transcript)).not.toContain('Your account balance is');
    expect(transcript.handedOn).toEqual(SUPPORT);
    expect(await callLog(transcript.callSid)).toMatchObject({ outcome: 'error', moduleCode: 'club-en-password' });
  });

  it('apologises and hands on when the session write of a club step stays throttled beyond the retries', async () => {
    proxy.setRule(({ operation, table }) => (operation === 'PutItem' && table === stack.tables.sessions ? { kind: 'throttle' } : undefined));
    const { transcript, answers } = await call('club-en-password', '+15009999999', ['2001', '2468']);
    everyAnswerValid(answers);
    expect(said(transcript)).toContain(APOLOGY);
    expect(transcript.handedOn).toEqual(SUPPORT);
  });
});
