/**
 * A stage configured for Zarinpal (PAYMENT_PROVIDER=zarinpal, amounts in tomans: IRT) against
 * a local server speaking Zarinpal's REST v4 (test/support/fake-zarinpal.ts): real voice,
 * status and pay handlers in-process with dynalite. The customer goes to StartPay; when they
 * come back the payment is verified for the amount in our own records and settled once per
 * authority — 101 ("already verified") settles nothing twice; a cancelled or mismatched
 * payment is recorded as failed; a debt settled meanwhile is never verified, so Zarinpal
 * returns the money; timeouts and 5xx ask the customer to reload.
 */
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { DynamoLedgerDirectory } from '../../lib/ledger/dynamo-ledger-directory';
import { DynamoLedgerWriter } from '../../lib/ledger/dynamo-ledger-writer';
import type { PaymentRecord } from '../../lib/payments/payment-records';
import { placeCall } from '../../tools/simulator/call-simulator';
import { FAKE_MERCHANT_ID, startFakeZarinpal, type FakeZarinpal } from '../support/fake-zarinpal';
import { startInProcessStack, type InProcessStack } from '../support/in-process-stack';
import { startPayGateway, type PayGateway } from '../support/pay-gateway';

let zarinpal: FakeZarinpal;
let stack: InProcessStack;
let gateway: PayGateway;
let outbox: { latest(o: { callSid?: string; limit?: number }): Promise<{ body: string }[]> };
let records: { get(id: string): Promise<PaymentRecord | undefined> };
let ledger: DynamoLedgerWriter;
let directory: DynamoLedgerDirectory;

beforeAll(async () => {
  zarinpal = await startFakeZarinpal();
  try {
    stack = await startInProcessStack({
      env: {
        LOG_LEVEL: 'ERROR',
        PAYMENT_PROVIDER: 'zarinpal',
        ZARINPAL_API_BASE_URL: zarinpal.url,
        ZARINPAL_CURRENCY: 'IRT',
        ZARINPAL_TIMEOUT_MS: '1500',
        ZARINPAL_MERCHANT_ID: FAKE_MERCHANT_ID,
      },
    });
    gateway = await startPayGateway(stack.baseUrl);
    /* eslint-disable @typescript-eslint/no-require-imports */
    outbox = (require('../../lib/composition/sms') as { outbox: typeof outbox }).outbox;
    records = (require('../../lib/composition/pay') as typeof import('../../lib/composition/pay')).paymentRecords;
    /* eslint-enable @typescript-eslint/no-require-imports */
    ledger = new DynamoLedgerWriter(stack.db.doc, stack.tables.ledger);
    directory = new DynamoLedgerDirectory(stack.db.doc, stack.tables.ledger, 'IRR');
  } catch (error) {
    await Promise.allSettled([gateway?.stop(), stack?.stop(), zarinpal.stop()]);
    throw error;
  }
}, 60_000);

afterAll(async () => {
  await gateway?.stop();
  await stack?.stop();
  await zarinpal?.stop();
});

let customers = 0;
async function customerOwing(rials: number) {
  customers += 1;
  const n = String(customers).padStart(2, '0');
  const id = `c-97${n}`;
  await ledger.putCustomers([{ id, name: `Rial debtor ${n}`, phones: [`+150055597${n}`] }]);
  await ledger.putItems([
    { customerId: id, type: 'invoice', number: `INV-97${n}`, fields: { FinalValue: rials }, moneyAccount: 'acc-mellat', status: 'open', currency: 'IRR' },
  ]);
  return { id, phone: `+150055597${n}`, mobile: `09125597${n.padStart(3, '0')}` };
}

async function callForLink(customer: { phone: string; mobile: string }, code = 'pay-en', digits: string[] = [customer.mobile]) {
  const t = await placeCall({ baseUrl: stack.baseUrl, code, from: customer.phone, digits, authToken: stack.authToken, fetchImpl: stack.fetch });
  const [sms] = await outbox.latest({ callSid: t.callSid });
  const url = /https?:\/\/\S+\/pay\/\S+/.exec(sms?.body ?? '')?.[0];
  if (!url) throw new Error(`no link sent for ${t.callSid}`);
  return { url, callSid: t.callSid };
}

/** POST the link's page: the authority the customer was sent to StartPay with. */
async function startPay(url: string): Promise<string> {
  const res = await gateway.fetch(url, { method: 'POST' });
  expect(res.status).toBe(303);
  const location = res.headers.get('location') ?? '';
  expect(location.startsWith(`${zarinpal.url}/pg/StartPay/S`)).toBe(true);
  return location.split('/StartPay/')[1] as string;
}

async function onlinePayments(customerId: string) {
  const { Items } = await stack.db.doc.send(
    new QueryCommand({
      TableName: stack.tables.ledger,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :sk)',
      ExpressionAttributeValues: { ':pk': `CUST#${customerId}`, ':sk': 'ITEM#onlinePayment#' },
      ConsistentRead: true,
    }),
  );
  return Items ?? [];
}

const owed = async (customerId: string) => (await directory.getCustomer(customerId))?.owed;

describe('Zarinpal against a local Zarinpal', () => {
  it('sends the customer to StartPay for the amount in tomans, verifies on return for the same amount, and settles once however often they come back', async () => {
    const customer = await customerOwing(500_000);
    const link = await callForLink(customer);
    const page = await gateway.fetch(link.url);
    expect(page.headers.get('content-security-policy')).toContain(`form-action 'self' ${zarinpal.url};`);
    const authority = await startPay(link.url);
    const request = zarinpal.requests.find((r) => r.path.endsWith('request.json') && r.body.amount === 50_000)!;
    expect(request.body).toMatchObject({
      merchant_id: FAKE_MERCHANT_ID,
      amount: 50_000,
      currency: 'IRT',
      callback_url: `${stack.baseUrl}/pay/zarinpal/callback`,
      metadata: { order_id: expect.stringMatching(/^[A-Za-z0-9_-]{16}$/) },
    });

    const back = await gateway.fetch(zarinpal.pay(authority));
    expect(back.status).toBe(200);
    const receipt = await back.text();
    expect(receipt).toContain('Payment received');
    expect(receipt).toContain('500,000 rials');
    const refId = String(zarinpal.payments.get(authority)!.refId);
    expect(receipt).toContain(refId);
    expect(zarinpal.requests.filter((r) => r.path.endsWith('verify.json') && r.body.authority === authority).map((r) => r.body)).toEqual([
      { merchant_id: FAKE_MERCHANT_ID, amount: 50_000, authority },
    ]);
    expect(await records.get(`zarinpal:${authority}`)).toMatchObject({
      provider: 'zarinpal',
      status: 'paid',
      amount: 500_000,
      currency: 'IRR',
      reference: refId,
      maskedCard: '502229******5995',
      callSid: link.callSid,
    });
    expect(await owed(customer.id)).toBe(0);

    // A reload, the back button, a second delivery of the callback: the receipt, no second verify, one payment.
    const again = await gateway.fetch(zarinpal.pay(authority));
    expect(again.status).toBe(200);
    expect(zarinpal.verifyCalls(authority)).toBe(1);
    expect(await onlinePayments(customer.id)).toHaveLength(1);
    expect((await gateway.fetch(link.url)).status).toBe(200);
    expect((await gateway.fetch(link.url, { method: 'POST' })).status).toBe(409);
  }, 60_000);

  it('"already verified" (101, our first answer lost) settles once', async () => {
    const customer = await customerOwing(300_000);
    const authority = await startPay((await callForLink(customer)).url);
    zarinpal.pay(authority);
    // Our earlier verify went through at Zarinpal but its answer never reached us.
    const lost = await fetch(`${zarinpal.url}/pg/v4/payment/verify.json`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ merchant_id: FAKE_MERCHANT_ID, amount: 30_000, authority }),
    });
    expect(((await lost.json()) as { data: { code: number } }).data.code).toBe(100);

    const back = await gateway.fetch(zarinpal.pay(authority));
    expect(back.status).toBe(200);
    expect(await records.get(`zarinpal:${authority}`)).toMatchObject({ status: 'paid', amount: 300_000 });
    expect(await onlinePayments(customer.id)).toHaveLength(1);
    expect(await owed(customer.id)).toBe(0);
  }, 60_000);

  it('cancelled at the bank (NOK): recorded as failed, the page offers to try again, and the link still pays with a new authority', async () => {
    const customer = await customerOwing(200_000);
    const link = await callForLink(customer);
    const authority = await startPay(link.url);
    const back = await gateway.fetch(zarinpal.cancel(authority));
    expect(back.status).toBe(402);
    const html = await back.text();
    expect(html).toContain('The payment did not go through and no money was taken.');
    expect(html).toContain(`href="${link.url}"`);
    expect(await records.get(`zarinpal:${authority}`)).toMatchObject({ status: 'failed', refundReason: 'not-paid', amount: 200_000 });
    expect(await onlinePayments(customer.id)).toHaveLength(0);

    const second = await startPay(link.url);
    expect(second).not.toBe(authority);
    expect((await gateway.fetch(zarinpal.pay(second))).status).toBe(200);
    expect(await owed(customer.id)).toBe(0);
  }, 60_000);

  it('an amount Zarinpal says differs from the paid one (-50) is refused, logged and never settled', async () => {
    const customer = await customerOwing(400_000);
    const authority = await startPay((await callForLink(customer)).url);
    zarinpal.pay(authority);
    // The bank session was paid for another amount than we asked for.
    (zarinpal.payments.get(authority)!.request as Record<string, unknown>).amount = 39_999;
    const back = await gateway.fetch(`${stack.baseUrl}/pay/zarinpal/callback?Authority=${authority}&Status=OK`);
    expect(back.status).toBe(402);
    expect(await records.get(`zarinpal:${authority}`)).toMatchObject({ status: 'failed', refundReason: 'amount-mismatch' });
    expect(await onlinePayments(customer.id)).toHaveLength(0);
    expect(await owed(customer.id)).toBe(400_000);
  }, 60_000);

  it('Zarinpal slow or failing at verify: the customer is asked to reload, nothing is recorded, and the reload settles', async () => {
    const customer = await customerOwing(600_000);
    const authority = await startPay((await callForLink(customer)).url);
    const callback = zarinpal.pay(authority);

    zarinpal.failNext('verify', { delayMs: 4000 });
    const slow = await gateway.fetch(callback);
    expect(slow.status).toBe(503);
    expect(await slow.text()).toContain('Payment is not available right now.');
    zarinpal.failNext('verify', { status: 502 });
    expect((await gateway.fetch(callback)).status).toBe(503);
    zarinpal.failNext('verify', { status: 429, code: -12 });
    expect((await gateway.fetch(callback)).status).toBe(503);
    expect(await records.get(`zarinpal:${authority}`)).toBeUndefined();
    expect(await onlinePayments(customer.id)).toHaveLength(0);

    expect((await gateway.fetch(callback)).status).toBe(200);
    expect(await onlinePayments(customer.id)).toHaveLength(1);
    expect(await owed(customer.id)).toBe(0);
  }, 60_000);

  it('Zarinpal down when starting: try again later (503); Zarinpal refusing the request: a clear page (502); nothing stored', async () => {
    const customer = await customerOwing(700_000);
    const link = await callForLink(customer);
    zarinpal.failNext('request', { status: 502 });
    expect((await gateway.fetch(link.url, { method: 'POST' })).status).toBe(503);
    zarinpal.failNext('request', { delayMs: 4000 });
    expect((await gateway.fetch(link.url, { method: 'POST' })).status).toBe(503);
    zarinpal.failNext('request', { status: 400, code: -14 });
    const refused = await gateway.fetch(link.url, { method: 'POST' });
    expect(refused.status).toBe(502);
    expect(await refused.text()).toContain('The payment provider did not accept this payment and no money was taken.');
    expect((await startPay(link.url)).startsWith('S')).toBe(true);
  }, 60_000);

  it('a debt settled before the customer came back is never verified, so Zarinpal returns the money; two authorities for one debt verify once', async () => {
    const customer = await customerOwing(800_000);
    const first = await callForLink(customer);
    const authorityA = await startPay(first.url);
    const second = await callForLink(customer);
    const authorityB = await startPay(second.url);
    zarinpal.pay(authorityA);
    zarinpal.pay(authorityB);

    expect((await gateway.fetch(`${stack.baseUrl}/pay/zarinpal/callback?Authority=${authorityB}&Status=OK`)).status).toBe(200);
    const late = await gateway.fetch(`${stack.baseUrl}/pay/zarinpal/callback?Authority=${authorityA}&Status=OK`);
    expect(late.status).toBe(409);
    expect(await late.text()).toContain('your bank returns it within 72 hours');
    expect(zarinpal.verifyCalls(authorityA)).toBe(0);
    expect(await records.get(`zarinpal:${authorityA}`)).toMatchObject({ status: 'failed', refundReason: 'not-verified:debt-settled' });
    expect(await onlinePayments(customer.id)).toHaveLength(1);
    expect(await directory.getCustomer(customer.id)).toMatchObject({ owed: 0, credit: 0 });
  }, 60_000);

  it('a Persian invoice: StartPay for 75,000 tomans, the receipt in Persian, the invoice marked paid', async () => {
    const link = await callForLink({ phone: '09121111111', mobile: '09121111111' }, 'pay-fa', ['09121111111', '1002']);
    const page = await (await gateway.fetch(link.url)).text();
    expect(page).toContain('dir="rtl"');
    expect(page).toContain('۷۵٬۰۰۰ تومان');
    const authority = await startPay(link.url);
    expect(zarinpal.payments.get(authority)!.request).toMatchObject({ amount: 75_000, currency: 'IRT' });
    const back = await gateway.fetch(zarinpal.pay(authority));
    expect(back.status).toBe(200);
    const receipt = await back.text();
    expect(receipt).toContain('پرداخت انجام شد');
    expect(receipt).toContain('فاکتور INV-1002');
    const invoice = (await directory.getCustomer('c-1001'))?.items.find((i) => i.number === 'INV-1002');
    expect(invoice?.status).toBe('paid');
  }, 60_000);

  it('a callback for an unknown or malformed authority gets a clear page and verifies nothing', async () => {
    const before = zarinpal.verifyCalls();
    for (const query of ['Authority=S999999999999999999999999999999999999&Status=OK', 'Authority=%3Cscript%3E&Status=OK', 'Status=OK', '']) {
      const res = await gateway.fetch(`${stack.baseUrl}/pay/zarinpal/callback${query ? `?${query}` : ''}`);
      expect(res.status).toBe(404);
      expect(await res.text()).toContain('This payment link is not valid.');
    }
    expect(zarinpal.verifyCalls()).toBe(before);
  }, 60_000);
});
