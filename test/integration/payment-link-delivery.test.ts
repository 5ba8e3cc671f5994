/** PaymentLinkDelivery on dynalite: CRM-delivered links, failures, the limits, the writes it makes and the outbox. */
import type { Crm } from '../../lib/crm/crm';
import type { PaymentLinkRequest, PaymentLinkResult } from '../../lib/domain/payment-link';
import type { SmsMessage, SmsResult, SmsSender } from '../../lib/sms/sms-sender';
import { PaymentLinkDelivery } from '../../lib/payments/payment-link-delivery';
import { DynamoPaymentStore, paymentLinkGuardKey } from '../../lib/payments/dynamo-payment-store';
import { DynamoDBDocumentClient, GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { OutboxSmsSender } from '../../lib/sms/outbox-sms-sender';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { localDynamoClient } from '../../infra/local/create-tables';
import { OUTBOX_INDEX, OUTBOX_SHARDS } from '../../lib/sms/outbox-layout';
import { createLogger } from '../../lib/observability/logger';
import { startTestDynamo, type TestDynamo } from '../support/local-dynamo';

let dynamo: TestDynamo;
beforeAll(async () => {
  dynamo = await startTestDynamo();
});
afterAll(async () => {
  await dynamo?.stop();
});

class CountingSms implements SmsSender {
  readonly channel = 'counting';
  readonly sent: SmsMessage[] = [];
  constructor(private readonly result: SmsResult = { status: 'sent', id: 'SM1', segments: 1 }) {}
  async send(message: SmsMessage): Promise<SmsResult> {
    this.sent.push(message);
    return this.result;
  }
}

const crmAnswering = (answer: () => Promise<PaymentLinkResult>): Crm => ({ source: 'test-crm', createPaymentLink: answer }) as unknown as Crm;

let n = 0;
function request(mobile = '+989121111111'): PaymentLinkRequest {
  n += 1;
  return {
    customer: { id: 'c-1' },
    amount: 1000,
    mobile,
    items: [],
    invoiceType: 'invoice',
    language: 'en',
    callSid: `CAdelivery${n}`,
    currency: { code: 'IRR', unit: 'rial' },
  };
}

function delivery(sms: SmsSender, limits = { mobile: 5, caller: 5 }) {
  return new PaymentLinkDelivery({
    store: new DynamoPaymentStore(dynamo.doc, dynamo.tables.payments),
    sms,
    logger: createLogger('ERROR'),
    businessName: 'Acme',
    dailyLimitPerMobile: limits.mobile,
    dailyLimitPerCaller: limits.caller,
  });
}

describe('delivering a payment link', () => {
  it('sends no SMS of its own when the CRM delivered the link', async () => {
    const sms = new CountingSms();
    const outcome = await delivery(sms).deliver(
      crmAnswering(async () => ({ status: 'created', url: 'https://crm/pay/1', deliveredByCrm: true })),
      request(),
      '+15005550001',
    );
    expect(outcome).toEqual({ status: 'sent', deliveredByCrm: true });
    expect(sms.sent).toHaveLength(0);
  });

  it('reports a CRM that fails or throws as not sent, with the reason', async () => {
    const sms = new CountingSms();
    const failed = await delivery(sms).deliver(
      crmAnswering(async () => ({ status: 'failed', source: 'test-crm', reason: 'timeout' })),
      request(),
      '+15005550001',
    );
    expect(failed).toEqual({ status: 'not-sent', reason: 'link-failed:test-crm:timeout' });
    const thrown = await delivery(sms).deliver(
      crmAnswering(async () => Promise.reject(new TypeError('boom'))),
      request(),
      '+15005550001',
    );
    expect(thrown).toEqual({ status: 'not-sent', reason: 'link-failed:test-crm:TypeError' });
    expect(sms.sent).toHaveLength(0);
  });

  it('reports an SMS the provider refused as not sent, with the provider’s code', async () => {
    const sms = new CountingSms({ status: 'failed', reason: 'invalid-number', code: 21211, httpStatus: 400 });
    const outcome = await delivery(sms).deliver(
      crmAnswering(async () => ({ status: 'created', url: 'https://x/pay/1', deliveredByCrm: false })),
      request(),
      '+15005550001',
    );
    expect(outcome).toEqual({ status: 'not-sent', reason: 'sms-failed:counting:invalid-number:21211' });
  });

  it('stops at the per-caller daily limit even for different mobiles', async () => {
    const sms = new CountingSms();
    const d = delivery(sms, { mobile: 5, caller: 2 });
    const crm = crmAnswering(async () => ({ status: 'created', url: 'https://x/pay/1', deliveredByCrm: false }));
    const outcomes = [];
    for (const mobile of ['+989120000001', '+989120000002', '+989120000003']) outcomes.push(await d.deliver(crm, request(mobile), '+15009990000'));
    expect(outcomes.map((o) => o.status)).toEqual(['sent', 'sent', 'limit-reached']);
    expect(outcomes[2]).toEqual({ status: 'limit-reached', limit: 'caller' });
    expect(sms.sent.map((m) => m.to)).toEqual(['+989120000001', '+989120000002']);
  });
});

describe('the writes of a payment link step, and the outbox', () => {
  const clients: DynamoDBClient[] = [];
  afterAll(() => {
    for (const c of clients) c.destroy();
  });
  /** The same table through a client that counts the write commands it sends. */
  function countingDelivery(limits = { mobile: 5, caller: 5 }) {
    const writes: string[] = [];
    const raw = localDynamoClient(dynamo.endpoint);
    clients.push(raw);
    const client = DynamoDBDocumentClient.from(raw, { marshallOptions: { removeUndefinedValues: true } });
    client.middlewareStack.add(
      (next, context) => async (args) => {
        if (/Put|Update|Delete|BatchWrite/.test(String(context.commandName))) writes.push(String(context.commandName));
        return next(args);
      },
      { step: 'initialize', name: 'countWrites' },
    );
    const store = new DynamoPaymentStore(client, dynamo.tables.payments);
    const outbox = new OutboxSmsSender(client, dynamo.tables.payments, { heldAt: (callSid) => [paymentLinkGuardKey(callSid)] });
    const d = new PaymentLinkDelivery({
      store,
      sms: outbox,
      logger: createLogger('ERROR'),
      businessName: 'Acme',
      dailyLimitPerMobile: limits.mobile,
      dailyLimitPerCaller: limits.caller,
    });
    return { d, outbox, writes };
  }
  const linkCrm = crmAnswering(async () => ({ status: 'created', url: 'https://x/pay/1', deliveredByCrm: false }));

  it('stores the outbox message with the outcome: claim, one limit write for the caller’s own number, outcome', async () => {
    const { d, outbox, writes } = countingDelivery();
    const asked = request('+989121230001');
    expect(await d.deliver(linkCrm, asked, '+989121230001')).toMatchObject({ status: 'sent', deliveredByCrm: false });
    // The CRM here writes no link record; the ledger's issuer adds its one conditional put.
    expect(writes).toEqual(['PutItemCommand', 'UpdateItemCommand', 'UpdateItemCommand']);
    const [message] = await outbox.latest({ callSid: asked.callSid });
    expect(message).toMatchObject({ to: '+989121230001', callSid: asked.callSid });
    expect(message?.body).toContain('https://x/pay/1');
  });

  it('counts another number’s limits on its own row: one more write', async () => {
    const { d, writes } = countingDelivery();
    await d.deliver(linkCrm, request('+989121230002'), '+15005550009');
    expect(writes).toEqual(['PutItemCommand', 'UpdateItemCommand', 'UpdateItemCommand', 'UpdateItemCommand']);
  });

  it('keeps both limits on one row for a caller asking for their own number, and says which one was reached', async () => {
    const { d, outbox } = countingDelivery({ mobile: 3, caller: 1 });
    const first = request('+989121230003');
    const second = request('+989121230003');
    expect(await d.deliver(linkCrm, first, '+989121230003')).toMatchObject({ status: 'sent' });
    expect(await d.deliver(linkCrm, second, '+989121230003')).toEqual({ status: 'limit-reached', limit: 'caller' });
    expect(await outbox.latest({ callSid: second.callSid })).toEqual([]);
    const day = new Date().toISOString().slice(0, 10);
    const { Item } = await dynamo.doc.send(new GetCommand({ TableName: dynamo.tables.payments, Key: { pk: 'LIMIT#+989121230003', sk: `DAY#${day}` } }));
    expect(Item).toMatchObject({ mobileLinks: 1, callerLinks: 1 });
  });

  it('spreads the outbox over its index partitions and lists the newest first across them', async () => {
    const { d, outbox } = countingDelivery({ mobile: 1000, caller: 1000 });
    const asked = Array.from({ length: 160 }, (_, i) => request(`+98912124${String(i).padStart(4, '0')}`));
    for (const r of asked) await d.deliver(linkCrm, r, r.mobile);
    const perShard = await Promise.all(
      Array.from({ length: OUTBOX_SHARDS }, async (_, shard) => {
        const { Items } = await dynamo.doc.send(
          new QueryCommand({
            TableName: dynamo.tables.payments,
            IndexName: OUTBOX_INDEX,
            KeyConditionExpression: 'outboxShard = :s',
            ExpressionAttributeValues: { ':s': `OUTBOX#${shard}` },
          }),
        );
        return (Items ?? []).filter((row) => asked.some((r) => r.callSid === row.message?.callSid)).length;
      }),
    );
    expect(perShard.reduce((a, b) => a + b, 0)).toBe(160);
    // 20 per partition on average: none takes more than twice its share.
    expect(Math.max(...perShard)).toBeLessThanOrEqual(40);
    const newest = await outbox.latest({ limit: 5 });
    expect(newest.map((m) => m.callSid)).toEqual(
      asked
        .slice(-5)
        .reverse()
        .map((r) => r.callSid),
    );
  });
});
