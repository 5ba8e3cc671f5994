/**
 * Payment records in DynamoDB (dynalite behind a proxy that sees every request) and the admin
 * API's Payments routes: stored once per id, listed by day newest first with keyed reads only,
 * filtered by status, paged; marking a flagged payment handled is audited and happens once.
 * And the call log keeps a payment's refund flag whether it came before or after the call ended.
 */
import { DynamoCallLog } from '../../lib/call-log/dynamo-call-log';
import { DynamoPaymentRecords } from '../../lib/payments/dynamo-payment-records';
import type { PaymentRecord } from '../../lib/payments/payment-records';
import { startTestAdmin, type TestAdmin } from '../support/admin-api';
import { startFaultProxy, type FaultProxy } from '../support/dynamo-fault-proxy';

let admin: TestAdmin;
let proxy: FaultProxy | undefined;
let records: DynamoPaymentRecords;

beforeAll(async () => {
  admin = await startTestAdmin(
    { clock: () => new Date('2025-03-10T12:00:00Z') },
    {
      endpoint: async (dynalite) => {
        proxy = await startFaultProxy(dynalite);
        return proxy.endpoint;
      },
    },
  );
  records = admin.deps.payments as DynamoPaymentRecords;
});

afterAll(async () => {
  await admin?.stop();
  await proxy?.close();
});

const payment = (id: string, createdAt: string, over: Partial<PaymentRecord> = {}): PaymentRecord => ({
  id,
  provider: 'stripe',
  status: 'paid',
  amount: 1250,
  currency: 'USD',
  customerId: 'c-5001',
  reference: `pi_${id}`,
  linkId: 'L1',
  callSid: 'CA1',
  moduleCode: 'pay-usd',
  createdAt,
  ...over,
});

describe('payment records', () => {
  it('stores a record once per id; a second record with the same id changes nothing', async () => {
    expect(await records.record(payment('stripe:cs_once', '2025-03-01T10:00:00.000Z'))).toBe(true);
    expect(await records.record(payment('stripe:cs_once', '2025-03-02T10:00:00.000Z', { status: 'refund-needed', amount: 1 }))).toBe(false);
    expect(await records.get('stripe:cs_once')).toEqual(payment('stripe:cs_once', '2025-03-01T10:00:00.000Z'));
    const twins = await Promise.all(
      Array.from({ length: 5 }, (_, i) => records.record(payment('zarinpal:S0001', `2025-03-01T11:00:0${i}.000Z`, { provider: 'zarinpal' }))),
    );
    expect(twins.filter(Boolean)).toHaveLength(1);
  });

  it('lists by day, newest first, filtered by status and paged, with keyed reads only (one index partition per day)', async () => {
    await records.record(payment('stripe:cs_d3a', '2025-03-03T08:00:00.000Z'));
    await records.record(payment('stripe:cs_d3b', '2025-03-03T09:00:00.000Z', { status: 'refund-needed', refundReason: 'debt-settled' }));
    await records.record(
      payment('twilio-pay:PC1', '2025-03-04T07:00:00.000Z', { provider: 'twilio-pay', status: 'failed', callSid: 'CA9', maskedCard: 'xxxx-xxxxxx-x4001' }),
    );
    await records.record(payment('sandbox:L9', '2025-03-06T23:59:59.000Z', { provider: 'sandbox', amount: 500_000, currency: 'IRR' }));
    const before = proxy!.requests.length;
    const all = await records.list({ fromDay: '2025-03-01', toDay: '2025-03-06', limit: 50 });
    expect(all.payments.map((p) => p.id)).toEqual(['sandbox:L9', 'twilio-pay:PC1', 'stripe:cs_d3b', 'stripe:cs_d3a', 'zarinpal:S0001', 'stripe:cs_once']);
    expect(all.nextCursor).toBeUndefined();
    const reads = proxy!.requests.slice(before).filter((r) => r.table === admin.dynamo.tables.paymentRecords);
    expect(new Set(reads.map((r) => r.operation))).toEqual(new Set(['Query']));
    expect(reads).toHaveLength(6); // one Query per day, 6 days

    expect((await records.list({ fromDay: '2025-03-01', toDay: '2025-03-06', status: 'refund-needed', limit: 50 })).payments.map((p) => p.id)).toEqual([
      'stripe:cs_d3b',
    ]);
    expect((await records.list({ fromDay: '2025-03-03', toDay: '2025-03-03', limit: 50 })).payments.map((p) => p.id)).toEqual([
      'stripe:cs_d3b',
      'stripe:cs_d3a',
    ]);

    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await records.list({ fromDay: '2025-03-01', toDay: '2025-03-06', limit: 2, ...(cursor ? { cursor } : {}) });
      expect(page.payments.length).toBeLessThanOrEqual(2);
      seen.push(...page.payments.map((p) => p.id));
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen).toEqual(all.payments.map((p) => p.id));
  });

  it('marks a refund-needed payment handled once; nothing else can be', async () => {
    await records.record(payment('stripe:cs_flag', '2025-03-05T10:00:00.000Z', { status: 'refund-needed', refundReason: 'link-paid' }));
    const marks = await Promise.all([
      records.markHandled('stripe:cs_flag', '2025-03-10T12:00:00.000Z'),
      records.markHandled('stripe:cs_flag', '2025-03-10T12:00:01.000Z'),
    ]);
    expect(marks.sort()).toEqual([false, true]);
    expect((await records.get('stripe:cs_flag'))?.handledAt).toMatch(/^2025-03-10T12:00:0[01]\.000Z$/);
    expect(await records.markHandled('stripe:cs_once', '2025-03-10T12:00:00.000Z')).toBe(false);
    expect(await records.markHandled('stripe:cs_nothing', '2025-03-10T12:00:00.000Z')).toBe(false);
    expect(await records.get('stripe:cs_nothing')).toBeUndefined();
  });
});

describe('the admin API’s Payments routes', () => {
  it('lists payments for the Payments page, filtered by date and status, in minor units with their currency', async () => {
    const page = await admin.call('GET', '/payments', { query: { from: '2025-03-03', to: '2025-03-04' } });
    expect(page.status).toBe(200);
    expect(page.json.payments.map((p: PaymentRecord) => p.id)).toEqual(['twilio-pay:PC1', 'stripe:cs_d3b', 'stripe:cs_d3a']);
    expect(page.json.payments[1]).toEqual(payment('stripe:cs_d3b', '2025-03-03T09:00:00.000Z', { status: 'refund-needed', refundReason: 'debt-settled' }));
    const flagged = await admin.call('GET', '/payments', { query: { from: '2025-03-01', to: '2025-03-10', status: 'refund-needed' } });
    expect(flagged.json.payments.map((p: PaymentRecord) => p.id)).toEqual(['stripe:cs_flag', 'stripe:cs_d3b']);
    // Default range: the 30 days up to today (the admin's clock says 2025-03-10).
    expect((await admin.call('GET', '/payments')).json.payments).toHaveLength(7);
    expect((await admin.call('GET', '/payments', { query: { status: 'lost' } })).status).toBe(400);
    expect((await admin.call('GET', '/payments', { query: { cursor: 'bm90IGEgY3Vyc29y' } })).json).toMatchObject({ error: 'invalid_cursor' });
  });

  it('marks a flagged payment handled, audited with before and after; refuses the rest with a reason in the operator’s language', async () => {
    const done = await admin.call('POST', `/payments/${encodeURIComponent('stripe:cs_d3b')}/handled`);
    expect(done.status).toBe(200);
    expect(done.json.payment).toMatchObject({ id: 'stripe:cs_d3b', status: 'refund-needed', handledAt: '2025-03-10T12:00:00.000Z' });
    expect((await records.get('stripe:cs_d3b'))?.handledAt).toBe('2025-03-10T12:00:00.000Z');

    // The audit trail keeps its own (real) time.
    const today = new Date().toISOString().slice(0, 10);
    const activity = await admin.call('GET', '/audit', { query: { area: 'payment', from: today, to: today } });
    expect(activity.json.entries).toEqual([
      expect.objectContaining({
        area: 'payment',
        action: 'handle',
        target: 'stripe:cs_d3b',
        key: 'current',
        before: expect.objectContaining({ status: 'refund-needed' }),
        after: expect.objectContaining({ handledAt: '2025-03-10T12:00:00.000Z' }),
      }),
    ]);
    expect(activity.json.entries[0].before.handledAt).toBeUndefined();

    const again = await admin.call('POST', `/payments/${encodeURIComponent('stripe:cs_d3b')}/handled`);
    expect(again).toMatchObject({ status: 409, json: { error: 'payment_already_handled', message: 'This payment was already marked as handled.' } });
    const paid = await admin.call('POST', `/payments/${encodeURIComponent('stripe:cs_d3a')}/handled`, { query: { lang: 'fa' } });
    expect(paid).toMatchObject({
      status: 409,
      json: { error: 'payment_not_flagged', message: 'تنها پرداختی که «نیازمند بازپرداخت یا اعتبار» علامت خورده است را می‌توان رسیدگی‌شده اعلام کرد.' },
    });
    expect((await admin.call('POST', '/payments/stripe%3Anone/handled')).status).toBe(404);
    // Refusals leave no entry.
    expect((await admin.call('GET', '/audit', { query: { area: 'payment', from: today, to: today } })).json.entries).toHaveLength(1);
    expect((await admin.call('GET', '/meta')).json).toMatchObject({ paymentStatuses: ['paid', 'refund-needed', 'failed'], features: { payments: true } });
  });
});

describe('the call log and a payment’s refund flag', () => {
  it('keeps the flag whether the payment came before or after the call ended, once per payment', async () => {
    const log = new DynamoCallLog(admin.dynamo.doc, admin.dynamo.tables.callLog);
    const entry = {
      callSid: 'CAflag1',
      moduleCode: 'pay-en',
      from: '+15005550001',
      to: '+15550001000',
      outcome: 'next' as const,
      lastStep: 'mobile',
      callStatus: 'completed',
      startedAt: '2025-03-09T10:00:00.000Z',
      endedAt: '2025-03-09T10:01:00.000Z',
      owed: 500_000,
      currency: 'IRR' as const,
    };
    // Paid while the call was still going on (the caller was handed to an agent).
    await log.flagRefundNeeded('CAflag1', 'stripe:cs_a');
    await log.record(entry);
    await log.flagRefundNeeded('CAflag1', 'stripe:cs_b');
    await log.flagRefundNeeded('CAflag1', 'stripe:cs_b');
    // A status callback delivered again rewrites the entry, never the flags.
    await log.record(entry);
    expect(await log.get('CAflag1')).toEqual({ ...entry, refundNeeded: ['stripe:cs_a', 'stripe:cs_b'] });
    const listed = await admin.call('GET', '/calls', { query: { from: '2025-03-09', to: '2025-03-09' } });
    expect(listed.json.entries).toEqual([expect.objectContaining({ callSid: 'CAflag1', refundNeeded: ['stripe:cs_a', 'stripe:cs_b'] })]);
  });
});
