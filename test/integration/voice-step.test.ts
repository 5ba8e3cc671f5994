import { DeleteCommand, GetCommand } from '@aws-sdk/lib-dynamodb';
import type { Crm } from '../../lib/crm/crm';
import { LedgerCrm } from '../../lib/ledger/ledger-crm';
import type { Session } from '../../lib/domain/session';
import { StaleSessionError, type SessionStore } from '../../lib/voice/session-store';
import { handleStatusCallback } from '../../lib/voice/status-callback';
import { handleVoiceStep } from '../../lib/voice/voice-step';
import { ERROR, moduleFixture, NEXT } from '../support/flow-fixtures';
import { startTestDynamo, type TestDynamo } from '../support/local-dynamo';
import { voiceHarness } from '../support/voice-harness';

let db: TestDynamo;
let n = 0;
const sid = () => `CA${String((n += 1)).padStart(32, '0')}`;

beforeAll(async () => {
  db = await startTestDynamo();
  const h = voiceHarness(db);
  await h.ledger.putCustomers([{ id: 'c-1', phones: ['+15005550001'], name: 'John' }]);
  await h.ledger.putItems([{ customerId: 'c-1', type: 'invoice', number: 'I-1', fields: { FinalValue: 1_250_000 }, status: 'open' }]);
  await h.configure(moduleFixture({ code: 'bal' }), [NEXT, ERROR]);
  await h.configure(moduleFixture({ code: 'bal-mobile', forceMobileEntry: true }), []);
  await h.configure(moduleFixture({ code: 'off', enabled: false }), []);
});

afterAll(async () => {
  await db.stop();
});

const params = (callSid: string, extra: Record<string, string> = {}) => ({ CallSid: callSid, From: '+15005550001', To: '+15550001000', ...extra });
const storedSession = async (callSid: string) =>
  (await db.doc.send(new GetCommand({ TableName: db.tables.sessions, Key: { callSid } }))).Item as Session | undefined;

describe('voice step against DynamoDB', () => {
  it('stores the session keyed by CallSid with a TTL and the answer it gave', async () => {
    const h = voiceHarness(db);
    const callSid = sid();
    const twiml = await handleVoiceStep(h.deps, { code: 'bal', step: 'entry', params: params(callSid) });
    expect(twiml).toContain('one million two hundred fifty thousand rials');
    expect(twiml).toContain('<Dial><Number>+982191000000</Number></Dial>');
    const session = await storedSession(callSid);
    expect(session).toMatchObject({ callSid, moduleCode: 'bal', step: 'done', outcome: 'next', turn: 1, lastResponse: { turn: 1, step: 'entry', twiml } });
    expect(session?.expiresAt).toBeGreaterThan(Date.now() / 1000);
  });

  it('asks the ledger once for the caller and their balance, beside the session read', async () => {
    const h = voiceHarness(db);
    const twiml = await handleVoiceStep(h.deps, { code: 'bal', step: 'entry', params: params(sid()) });
    expect(twiml).toContain('one million two hundred fifty thousand rials');
    expect(h.crm.calls).toEqual({ identifyWithBalance: 1 });
  });

  it('asks a CRM without the one-read answer who is calling, then the balance, as before', async () => {
    const ledger = new LedgerCrm(db.doc, db.tables.ledger);
    const plain: Crm = {
      source: 'ledger',
      identifyByPhone: (p) => ledger.identifyByPhone(p),
      identifyByCustomerNumber: (n) => ledger.identifyByCustomerNumber(n),
      balance: (c, cur) => ledger.balance(c, cur),
      findItem: (c, q) => ledger.findItem(c, q),
      createPaymentLink: (r) => ledger.createPaymentLink(r),
      moneyAccounts: () => ledger.moneyAccounts(),
      itemTypes: () => ledger.itemTypes(),
    };
    const h = voiceHarness(db, { crm: plain });
    const twiml = await handleVoiceStep(h.deps, { code: 'bal', step: 'entry', params: params(sid()) });
    expect(twiml).toContain('one million two hundred fifty thousand rials');
    expect(h.crm.calls).toEqual({ identifyByPhone: 1, balance: 1 });
  });

  it('keeps the balance heard at entry for the mobile step, which asks the CRM nothing', async () => {
    const h = voiceHarness(db);
    const callSid = sid();
    await handleVoiceStep(h.deps, { code: 'bal-mobile', step: 'entry', params: params(callSid) });
    expect(await storedSession(callSid)).toMatchObject({ customer: { id: 'c-1' }, balance: { owed: 1_250_000, credit: 0, currency: 'IRR' } });
    const announced = await handleVoiceStep(h.deps, { code: 'bal-mobile', step: 'mobile', turn: '1', params: params(callSid, { Digits: '09121111111' }) });
    expect(announced).toContain('one million two hundred fifty thousand rials');
    expect(h.crm.calls).toEqual({ identifyWithBalance: 1 });
  });

  it('answers a repeated entry delivery from the session: the CRM read started beside the session read is not used', async () => {
    const h = voiceHarness(db);
    const callSid = sid();
    const first = await handleVoiceStep(h.deps, { code: 'bal', step: 'entry', params: params(callSid) });
    // The ledger changes between the deliveries: the repeat still says what the first one said.
    await h.ledger.putItems([{ customerId: 'c-1', type: 'receipt', number: 'R-replay', fields: { FinalValue: 250_000 }, status: 'open' }]);
    try {
      const again = await handleVoiceStep(h.deps, { code: 'bal', step: 'entry', params: params(callSid) });
      expect(again).toBe(first);
      expect(h.crm.calls).toEqual({ identifyWithBalance: 2 });
    } finally {
      await db.doc.send(new DeleteCommand({ TableName: db.tables.ledger, Key: { pk: 'CUST#c-1', sk: 'ITEM#receipt#R-replay' } }));
      await h.ledger.refreshCustomer('c-1');
    }
  });

  it('replays a retried gather answer instead of counting it as a second attempt', async () => {
    const h = voiceHarness(db);
    const callSid = sid();
    await handleVoiceStep(h.deps, { code: 'bal-mobile', step: 'entry', params: params(callSid) });
    const wrong = await handleVoiceStep(h.deps, { code: 'bal-mobile', step: 'mobile', turn: '1', params: params(callSid, { Digits: '123' }) });
    const retried = await handleVoiceStep(h.deps, { code: 'bal-mobile', step: 'mobile', turn: '1', params: params(callSid, { Digits: '123' }) });
    expect(retried).toBe(wrong);
    expect(await storedSession(callSid)).toMatchObject({ attempts: 1, turn: 2 });
  });

  it('gives concurrent duplicate deliveries one identical answer and one stored session', async () => {
    const h = voiceHarness(db);
    const callSid = sid();
    await handleVoiceStep(h.deps, { code: 'bal-mobile', step: 'entry', params: params(callSid) });
    const answers = await Promise.all(
      Array.from({ length: 6 }, () =>
        handleVoiceStep(h.deps, { code: 'bal-mobile', step: 'mobile', turn: '1', params: params(callSid, { Digits: '09121234567' }) }),
      ),
    );
    expect(new Set(answers).size).toBe(1);
    expect(answers[0]).toContain('<Dial>');
    expect(await storedSession(callSid)).toMatchObject({ turn: 2, outcome: 'next', mobile: '+989121234567' });
  });

  it('apologises and sends the caller to the error destination when session storage fails (HTTP 200 TwiML, no throw)', async () => {
    const broken: SessionStore = {
      get: async () => undefined,
      save: async () => {
        throw new Error('ProvisionedThroughputExceededException');
      },
    };
    const h = voiceHarness(db, { sessions: broken });
    const twiml = await handleVoiceStep(h.deps, { code: 'bal', step: 'entry', params: params(sid()) });
    expect(twiml).toBe(
      '<?xml version="1.0" encoding="UTF-8"?><Response><Say voice="Polly.Joanna" language="en-US">Sorry, we cannot complete your request right now.</Say>' +
        '<Say voice="Polly.Joanna" language="en-US">Thank you for calling. Goodbye.</Say><Hangup/></Response>',
    );
  });

  it('gives the winner’s answer to a delivery that lost the conditional write', async () => {
    const real = voiceHarness(db).deps.sessions;
    const callSid = sid();
    let first = true;
    const racing: SessionStore = {
      get: (s) => real.get(s),
      save: async (next, expected) => {
        if (first) {
          first = false;
          await real.save({ ...next, lastResponse: { turn: next.turn, step: 'entry', twiml: '<Response>winner</Response>' } }, expected);
        }
        return real.save(next, expected);
      },
    };
    const h = voiceHarness(db, { sessions: racing });
    expect(await handleVoiceStep(h.deps, { code: 'bal', step: 'entry', params: params(callSid) })).toBe('<Response>winner</Response>');
    await expect(real.save({ ...(await storedSession(callSid))!, turn: 9 }, 5)).rejects.toBeInstanceOf(StaleSessionError);
  });

  it('apologises and hangs up for a disabled module and stores nothing', async () => {
    const h = voiceHarness(db);
    const callSid = sid();
    const twiml = await handleVoiceStep(h.deps, { code: 'off', step: 'entry', params: params(callSid) });
    expect(twiml).toMatch(/<Say[^>]*>Sorry, we cannot complete your request right now.<\/Say><Hangup\/>/);
    expect(await storedSession(callSid)).toBeUndefined();
  });

  it('apologises and hangs up for a malformed CallSid or unknown step', async () => {
    const h = voiceHarness(db);
    expect(await handleVoiceStep(h.deps, { code: 'bal', step: 'entry', params: params('') })).toContain('<Hangup/>');
    expect(await handleVoiceStep(h.deps, { code: 'bal', step: '../../etc', params: params(sid()) })).toContain('<Hangup/>');
  });
});

describe('status callback', () => {
  it('records the outcome the flow reached, with the last step', async () => {
    const h = voiceHarness(db);
    const callSid = sid();
    await handleVoiceStep(h.deps, { code: 'bal', step: 'entry', params: params(callSid) });
    const entry = await handleStatusCallback(h.status, { ...params(callSid), CallStatus: 'completed', CallDuration: '42' });
    expect(entry).toMatchObject({
      callSid,
      moduleCode: 'bal',
      outcome: 'next',
      lastStep: 'bal:entry',
      durationSeconds: 42,
      owed: 1_250_000,
      customerId: 'c-1',
    });
  });

  it('records a call that ended mid-flow as abandoned at its last step', async () => {
    const h = voiceHarness(db);
    const callSid = sid();
    await handleVoiceStep(h.deps, { code: 'bal-mobile', step: 'entry', params: params(callSid) });
    const entry = await handleStatusCallback(h.status, { ...params(callSid), CallStatus: 'completed' });
    expect(entry).toMatchObject({ outcome: 'abandoned', lastStep: 'bal-mobile:entry' });
  });

  it('records a call it answered that then failed or was cancelled as failed, and ignores progress events', async () => {
    const h = voiceHarness(db);
    const callSid = sid();
    await handleVoiceStep(h.deps, { code: 'bal-mobile', step: 'entry', params: params(callSid) });
    expect(await handleStatusCallback(h.status, { ...params(callSid), CallStatus: 'ringing' })).toBeUndefined();
    expect(await handleStatusCallback(h.status, { ...params(callSid), CallStatus: 'canceled' })).toMatchObject({
      callSid,
      outcome: 'failed',
      lastStep: 'bal-mobile:entry',
    });
  });

  it('writes nothing for a CallSid that has no session (a call it never answered, or a made-up one)', async () => {
    const h = voiceHarness(db);
    const callSid = sid();
    for (const status of ['completed', 'no-answer', 'busy', 'failed', 'canceled'])
      expect(await handleStatusCallback(h.status, { ...params(callSid), CallStatus: status })).toBeUndefined();
    expect(await h.status.callLog.get(callSid)).toBeUndefined();
  });
});
