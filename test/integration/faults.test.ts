/**
 * Faults through the real handlers: DynamoDB errors, throttling and slowness injected by a
 * proxy in front of dynalite (the adapters and the SDK's retries run unchanged), and
 * webhook deliveries duplicated, concurrent, out of order, or after the status callback.
 * Each: HTTP 200 with valid TwiML, the caller reaches a destination, nothing lost, nothing
 * done twice.
 */
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { placeCall, type Transcript } from '../../tools/simulator/call-simulator';
import { said } from '../support/call-transcripts';
import { parseTwiml, type TwimlVerb } from '../../tools/simulator/twiml-parser';
import { startFaultProxy, type FaultProxy, type FaultRule } from '../support/dynamo-fault-proxy';
import { startInProcessStack, type InProcessStack } from '../support/in-process-stack';

let stack: InProcessStack;
let proxy: FaultProxy;

beforeAll(async () => {
  stack = await startInProcessStack({
    // Config is read on every step, so configuration faults reach the flow too.
    env: { LOG_LEVEL: 'CRITICAL', CONFIG_CACHE_SECONDS: '0' },
    dynamoEndpoint: async (dynalite) => {
      proxy = await startFaultProxy(dynalite);
      return proxy.endpoint;
    },
  });
}, 60_000);

afterEach(() => proxy.setRule(undefined));

afterAll(async () => {
  // The stack first: it waits for the handlers' DynamoDB requests (which pass through the
  // proxy, some still retrying after a call gave up on them), then closes dynalite.
  try {
    await stack?.stop();
  } finally {
    await proxy?.close();
  }
});

const APOLOGY = 'Sorry, we cannot complete your request right now.';
const NEXT = { kind: 'dial', target: '+982191000000' };
const SUPPORT = { kind: 'dial', target: 'sip:support@pbx.example.com' };

const call = (code: string, from: string, digits?: string[]) =>
  placeCall({ baseUrl: stack.baseUrl, code, from, authToken: stack.authToken, fetchImpl: stack.fetch, ...(digits ? { digits } : {}) });

const httpErrors = (t: Transcript) => t.events.filter((e) => e.type === 'http-error');
const table = (name: keyof InProcessStack['tables']) => stack.tables[name];

async function stored(name: 'sessions' | 'callLog', callSid: string) {
  const { Item } = await stack.db.doc.send(new GetCommand({ TableName: table(name), Key: { callSid }, ConsistentRead: true }));
  return Item;
}

/** The TwiML parses and its last verb takes the caller somewhere. */
function endsAtDestination(body: string | undefined): TwimlVerb[] {
  const verbs = parseTwiml(body ?? '');
  expect(['Dial', 'Redirect', 'Hangup', 'Gather']).toContain(verbs[verbs.length - 1]?.verb);
  return verbs;
}

/** Fails the first `n` requests that match, then lets everything through. */
function firstN(n: number, match: (op: string, table: string) => boolean, kind: 'throttle' | 'internal-error'): FaultRule {
  let left = n;
  return ({ operation, table: t }) => {
    if (left > 0 && match(operation, t)) {
      left -= 1;
      return { kind };
    }
    return undefined;
  };
}

describe('DynamoDB faults', () => {
  it('rides out brief throttling of the session table through the SDK retries and completes the call', async () => {
    proxy.setRule(firstN(2, (op, t) => op === 'GetItem' && t === table('sessions'), 'throttle'));
    const t = await call('balance-en', '+15005550001');
    expect(httpErrors(t)).toEqual([]);
    expect(t.handedOn).toEqual(NEXT);
    expect(proxy.requests.filter((r) => r.fault === 'throttle')).toHaveLength(2);
    expect(await stored('sessions', t.callSid)).toMatchObject({ step: 'done', outcome: 'next' });
    expect(await stored('callLog', t.callSid)).toMatchObject({ outcome: 'next' });
  });

  it('apologises and sends the caller to the error destination when session storage is down', async () => {
    proxy.setRule(({ table: t }) => (t === table('sessions') ? { kind: 'internal-error' } : undefined));
    const t = await call('balance-en', '+15005550001');
    expect(httpErrors(t)).toEqual([]);
    expect(said(t)).toContain(APOLOGY);
    expect(t.handedOn).toEqual(SUPPORT);
    expect(t.statusCallback?.status).toBe(200);
  });

  it('sends the caller to the error destination when the ledger CRM is throttled beyond the retries, and records why', async () => {
    proxy.setRule(({ operation, table: t }) => (operation === 'Query' && t === table('ledger') ? { kind: 'throttle' } : undefined));
    const t = await call('balance-en', '+15005550001');
    expect(httpErrors(t)).toEqual([]);
    expect(said(t)).toContain(APOLOGY);
    expect(t.handedOn).toEqual(SUPPORT);
    expect(await stored('sessions', t.callSid)).toMatchObject({ outcome: 'error', reason: expect.stringMatching(/^crm-failed:ledger:/) });
  });

  it('answers 200 with an apology and a hang-up when the configuration table is down', async () => {
    proxy.setRule(({ table: t }) => (t === table('config') ? { kind: 'internal-error' } : undefined));
    const t = await call('balance-en', '+15005550001');
    expect(httpErrors(t)).toEqual([]);
    // Without its module the step cannot know the language: the default (Persian) apology clip.
    expect(t.events).toContainEqual(expect.objectContaining({ type: 'play', url: expect.stringMatching(/\/clips\/fa\/prompt-apology\.wav$/) }));
    expect(t.handedOn).toEqual({ kind: 'hangup' });
  });

  it('keeps the session where it was when the write of a gather step fails, so nothing is half-stored', async () => {
    const entry = await stack.post('/voice/balance-fa-mobile', { CallSid: 'CAfault0000000000000000000000000005', From: '+989121111111', To: '+15550001000' });
    const gather = parseTwiml(entry.body ?? '').find((v) => v.verb === 'Gather') as { action: string } | undefined;
    expect(gather).toBeDefined();
    const before = await stored('sessions', 'CAfault0000000000000000000000000005');
    proxy.setRule(({ operation, table: t }) => (operation === 'PutItem' && t === table('sessions') ? { kind: 'internal-error' } : undefined));
    const url = new URL(gather?.action ?? '');
    const res = await stack.post(
      url.pathname,
      { CallSid: 'CAfault0000000000000000000000000005', From: '+989121111111', To: '+15550001000', Digits: '09121111111' },
      { query: url.search.slice(1) },
    );
    expect(res.statusCode).toBe(200);
    const verbs = endsAtDestination(res.body);
    expect(verbs.some((v) => v.verb === 'Play' && v.url.endsWith('prompt-apology.wav'))).toBe(true);
    expect(verbs[verbs.length - 1]?.verb).toBe('Hangup'); // the module's error destination is "goodbye"
    proxy.setRule(undefined);
    expect(await stored('sessions', 'CAfault0000000000000000000000000005')).toEqual(before);
  });

  it('completes a call when every DynamoDB request is slow', async () => {
    proxy.setRule(() => ({ kind: 'delay', ms: 150 }));
    const t = await call('balance-anon', '+15009999999', ['09124444444']);
    expect(httpErrors(t)).toEqual([]);
    expect(t.handedOn).toEqual(NEXT);
  });
});

describe('webhook deliveries', () => {
  const from = '+15009999999';

  async function atMobileStep(callSid: string) {
    const entry = await stack.post('/voice/balance-anon', { CallSid: callSid, From: from, To: '+15550001000' });
    const gather = parseTwiml(entry.body ?? '').find((v) => v.verb === 'Gather') as { action: string };
    const url = new URL(gather.action);
    return { path: url.pathname, query: url.search.slice(1) };
  }

  it('gives five concurrent deliveries of one gather answer one identical answer and one stored turn', async () => {
    const callSid = 'CAdup00000000000000000000000000001';
    const step = await atMobileStep(callSid);
    const queriesBefore = proxy.requests.filter((r) => r.operation === 'Query' && r.table === table('ledger')).length;
    const answers = await Promise.all(
      Array.from({ length: 5 }, () =>
        stack.post(step.path, { CallSid: callSid, From: from, To: '+15550001000', Digits: '09124444444' }, { query: step.query }),
      ),
    );
    expect(answers.map((a) => a.statusCode)).toEqual([200, 200, 200, 200, 200]);
    expect(new Set(answers.map((a) => a.body)).size).toBe(1);
    endsAtDestination(answers[0]?.body);
    const session = await stored('sessions', callSid);
    expect(session).toMatchObject({ step: 'done', outcome: 'next', turn: 2 });
    // Losers of the conditional write may have looked up too, but only one answer was stored;
    // the identity lookup (PHONE#) and the balance (CUST#) come from the winner.
    const queries = proxy.requests.filter((r) => r.operation === 'Query' && r.table === table('ledger')).length - queriesBefore;
    expect(queries).toBeGreaterThanOrEqual(2);
    expect(queries).toBeLessThanOrEqual(10);
  });

  it('answers a stale gather delivery that arrives after the call moved on from the session, changing nothing', async () => {
    const callSid = 'CAooo00000000000000000000000000001';
    const first = await atMobileStep(callSid);
    const retry = await stack.post(first.path, { CallSid: callSid, From: from, To: '+15550001000', Digits: '123' }, { query: first.query });
    const regather = parseTwiml(retry.body ?? '').find((v) => v.verb === 'Gather') as { action: string };
    const second = new URL(regather.action);
    const done = await stack.post(
      second.pathname,
      { CallSid: callSid, From: from, To: '+15550001000', Digits: '09124444444' },
      { query: second.search.slice(1) },
    );
    const settled = await stored('sessions', callSid);
    // The first answer again, late and out of order.
    const late = await stack.post(first.path, { CallSid: callSid, From: from, To: '+15550001000', Digits: '123' }, { query: first.query });
    expect(late.statusCode).toBe(200);
    expect(late.body).toBe(done.body);
    endsAtDestination(late.body);
    expect(await stored('sessions', callSid)).toEqual(settled);
  });

  it('lets a last step that arrives after the status callback finish the call, and a repeated callback log its outcome', async () => {
    const callSid = 'CAlate0000000000000000000000000001';
    const step = await atMobileStep(callSid);
    const early = await stack.post('/status', { CallSid: callSid, CallStatus: 'completed', From: from, To: '+15550001000', CallDuration: '9' });
    expect(early.statusCode).toBe(200);
    expect(await stored('callLog', callSid)).toMatchObject({ outcome: 'abandoned', lastStep: 'balance-anon:entry' });
    const last = await stack.post(step.path, { CallSid: callSid, From: from, To: '+15550001000', Digits: '09124444444' }, { query: step.query });
    expect(last.statusCode).toBe(200);
    endsAtDestination(last.body);
    expect(await stored('sessions', callSid)).toMatchObject({ step: 'done', outcome: 'next' });
    await stack.post('/status', { CallSid: callSid, CallStatus: 'completed', From: from, To: '+15550001000', CallDuration: '9' });
    expect(await stored('callLog', callSid)).toMatchObject({ outcome: 'next', lastStep: 'balance-anon:mobile' });
  });

  it('answers a status callback for a call it never saw with 200 and writes nothing', async () => {
    const res = await stack.post('/status', { CallSid: 'CAnever000000000000000000000000001', CallStatus: 'completed', From: from, To: '+15550001000' });
    expect(res.statusCode).toBe(200);
    expect(await stored('callLog', 'CAnever000000000000000000000000001')).toBeUndefined();
    expect(await stored('sessions', 'CAnever000000000000000000000000001')).toBeUndefined();
  });
});
