/**
 * Settling a card payment taken in the call, against DynamoDB (dynalite): once per gateway
 * confirmation code whatever the deliveries, never for another call or customer, the payments
 * list told once per payment, the ledger's balance lower by exactly the amount.
 */
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import type { CardPaymentToSettle } from '../../lib/domain/card-payment';
import { DynamoCardPaymentLedger } from '../../lib/ledger/dynamo-card-payment-ledger';
import { DynamoCustomerSummaries } from '../../lib/ledger/dynamo-customer-summaries';
import { DynamoLedgerWriter } from '../../lib/ledger/dynamo-ledger-writer';
import { LedgerCrm } from '../../lib/ledger/ledger-crm';
import { settleCardPayment, type CardPaymentDeps } from '../../lib/payments/card-payment-settlement';
import type { PaymentRecord, PaymentRecords } from '../../lib/payments/payment-records';
import { startTestDynamo, type TestDynamo } from '../support/local-dynamo';
import { silentLogger } from '../support/voice-harness';

let db: TestDynamo;
let writer: DynamoLedgerWriter;
let crm: LedgerCrm;
let n = 0;

beforeAll(async () => {
  db = await startTestDynamo();
  writer = new DynamoLedgerWriter(db.doc, db.tables.ledger);
  crm = new LedgerCrm(db.doc, db.tables.ledger);
  await writer.putMoneyAccounts([{ key: 'acc-usd', name: 'USD', currency: 'USD' }]);
});

afterAll(async () => {
  await db.stop();
});

/** A customer of their own per test, owing $48.20 on one invoice. */
async function customer(): Promise<string> {
  n += 1;
  const id = `c-card-${n}`;
  await writer.putCustomers([{ id, phones: [`+1500555${String(1000 + n)}`] }]);
  await writer.putItems([
    { customerId: id, type: 'invoice', number: `INV-${n}`, fields: { FinalValue: 4820 }, moneyAccount: 'acc-usd', currency: 'USD', status: 'open' },
  ]);
  return id;
}

const payment = (customerId: string, extra: Partial<CardPaymentToSettle> = {}): CardPaymentToSettle => ({
  confirmationCode: `ch_test_${customerId}`,
  customerId,
  callSid: `CA${customerId.replace(/\W/g, '').padEnd(32, '0')}`,
  moduleCode: 'pay-card-en',
  invoiceType: 'invoice',
  charge: { amount: 4820, currency: 'USD', items: [], moneyAccount: 'acc-usd' },
  maskedCard: '****4242',
  ...extra,
});

/** An in-memory payments list keyed by id, as the contract says: recording an id twice records it once. */
function memoryRecords(): PaymentRecords & { stored: Map<string, PaymentRecord>; calls: number } {
  const stored = new Map<string, PaymentRecord>();
  return {
    stored,
    calls: 0,
    async record(p) {
      this.calls += 1;
      if (stored.has(p.id)) return false;
      stored.set(p.id, p);
      return true;
    },
    async list() {
      return { payments: [...stored.values()] };
    },
    async markHandled() {
      return false;
    },
  };
}

const deps = (records?: PaymentRecords): CardPaymentDeps => ({
  ledger: new DynamoCardPaymentLedger(db.doc, db.tables.ledger, new DynamoCustomerSummaries(db.doc, db.tables.ledger)),
  logger: silentLogger,
  clock: () => new Date('2026-11-27T10:00:00Z'),
  ...(records ? { records } : {}),
});

const cardItems = async (customerId: string) => (await crm.items(customerId)).filter((i) => i.type === 'onlinePayment');
const owed = async (customerId: string) => {
  const b = await crm.balance({ id: customerId }, 'USD');
  return b.status === 'ok' ? b.owed : undefined;
};

describe('settling a card payment in the ledger', () => {
  it('records one onlinePayment item with the amount, currency, masked card and confirmation code; the balance drops by the amount', async () => {
    const id = await customer();
    expect(await owed(id)).toBe(4820);
    expect(await settleCardPayment(deps(), payment(id))).toEqual({ status: 'settled' });
    expect(await cardItems(id)).toEqual([
      expect.objectContaining({
        type: 'onlinePayment',
        number: `TP-ch_test_${id}`,
        currency: 'USD',
        moneyAccount: 'acc-usd',
        status: 'paid',
        fields: expect.objectContaining({ FinalValue: 4820, Reference: `ch_test_${id}`, Card: '****4242', Channel: 'twilio-pay' }),
      }),
    ]);
    expect(await owed(id)).toBe(0);
  });

  it('settles once under 5 sequential deliveries of the same success', async () => {
    const id = await customer();
    const results = [];
    for (let i = 0; i < 5; i += 1) results.push((await settleCardPayment(deps(), payment(id))).status);
    expect(results).toEqual(['settled', 'already-settled', 'already-settled', 'already-settled', 'already-settled']);
    expect(await cardItems(id)).toHaveLength(1);
    expect(await owed(id)).toBe(0);
  });

  it('settles once under 5 concurrent deliveries of the same success', async () => {
    const id = await customer();
    const results = await Promise.all(Array.from({ length: 5 }, () => settleCardPayment(deps(), payment(id))));
    expect(results.filter((r) => r.status === 'settled')).toHaveLength(1);
    expect(results.filter((r) => r.status === 'already-settled')).toHaveLength(4);
    expect(await cardItems(id)).toHaveLength(1);
    expect(await owed(id)).toBe(0);
  });

  it('refuses a confirmation code already recorded for another call or another customer: nothing written for them', async () => {
    const first = await customer();
    const other = await customer();
    await settleCardPayment(deps(), payment(first));
    const code = `ch_test_${first}`;
    expect(await settleCardPayment(deps(), payment(other, { confirmationCode: code }))).toEqual({ status: 'conflict' });
    expect(await settleCardPayment(deps(), payment(first, { callSid: 'CA99999999999999999999999999999999' }))).toEqual({ status: 'conflict' });
    expect(await cardItems(other)).toEqual([]);
    expect(await owed(other)).toBe(4820);
    expect(await cardItems(first)).toHaveLength(1);
  });

  it('marks the item an item payment paid', async () => {
    const id = await customer();
    await settleCardPayment(deps(), payment(id, { charge: { amount: 4820, currency: 'USD', items: [`INV-${n}`] } }));
    const invoice = (await crm.items(id)).find((i) => i.type === 'invoice');
    expect(invoice).toMatchObject({ status: 'paid' });
    expect((await cardItems(id))[0]?.fields).toMatchObject({ Pays: `INV-${n}` });
  });

  it('finishes a settlement a crash left half done (guard written, item not) when the same call delivers again', async () => {
    const id = await customer();
    const p = payment(id);
    await db.doc.send(
      new PutCommand({
        TableName: db.tables.ledger,
        Item: {
          pk: `CARDPAY#${p.confirmationCode}`,
          sk: '#SETTLEMENT',
          callSid: p.callSid,
          customerId: id,
          amount: 4820,
          currency: 'USD',
          at: '2026-11-27T09:59:00Z',
        },
      }),
    );
    expect(await cardItems(id)).toEqual([]);
    expect(await settleCardPayment(deps(), p)).toEqual({ status: 'already-settled' });
    expect(await cardItems(id)).toEqual([expect.objectContaining({ createdAt: '2026-11-27T09:59:00Z' })]);
    expect(await owed(id)).toBe(0);
  });
});

describe('settling a card payment in the payments list', () => {
  it('records it once, as twilio-pay:<confirmation code>, with the masked card, call and module, under 5 concurrent deliveries', async () => {
    const id = await customer();
    const records = memoryRecords();
    await Promise.all(Array.from({ length: 5 }, () => settleCardPayment(deps(records), payment(id))));
    expect([...records.stored.values()]).toEqual([
      {
        id: `twilio-pay:ch_test_${id}`,
        provider: 'twilio-pay',
        status: 'paid',
        amount: 4820,
        currency: 'USD',
        customerId: id,
        reference: `ch_test_${id}`,
        callSid: payment(id).callSid,
        moduleCode: 'pay-card-en',
        maskedCard: '****4242',
        createdAt: '2026-11-27T10:00:00.000Z',
      },
    ]);
  });

  it('never records a refused (conflicting) payment', async () => {
    const first = await customer();
    const other = await customer();
    await settleCardPayment(deps(), payment(first));
    const records = memoryRecords();
    await settleCardPayment(deps(records), payment(other, { confirmationCode: `ch_test_${first}` }));
    expect(records.calls).toBe(0);
  });

  it('keeps the ledger settlement when the payments list is down (the caller was charged)', async () => {
    const id = await customer();
    const down: PaymentRecords = { ...memoryRecords(), record: async () => Promise.reject(new Error('payments table unavailable')) };
    expect(await settleCardPayment(deps(down), payment(id))).toEqual({ status: 'settled' });
    expect(await owed(id)).toBe(0);
  });
});
