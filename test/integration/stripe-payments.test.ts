/**
 * A stage configured for Stripe (PAYMENT_PROVIDER=stripe) against a local server speaking
 * Stripe's Checkout protocol (test/support/fake-stripe.ts): real voice, status and pay
 * handlers in-process, dynalite behind a fault proxy. The customer is sent to a Checkout
 * Session; only the signed `checkout.session.completed` webhook settles, exactly once per
 * session whatever duplicate, late, out-of-order or forged deliveries; a payment for another
 * amount or for a debt already settled is kept for a refund, never posted.
 */
import { GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { DynamoLedgerDirectory } from '../../lib/ledger/dynamo-ledger-directory';
import { DynamoLedgerWriter } from '../../lib/ledger/dynamo-ledger-writer';
import type { PaymentRecord } from '../../lib/payments/payment-records';
import { placeCall } from '../../tools/simulator/call-simulator';
import { startFaultProxy, type FaultProxy } from '../support/dynamo-fault-proxy';
import { FAKE_STRIPE_KEY, FAKE_WEBHOOK_SECRET, signStripePayload, startFakeStripe, type FakeStripe } from '../support/fake-stripe';
import { startInProcessStack, storedCallLog, type InProcessStack } from '../support/in-process-stack';
import { startPayGateway, type PayGateway } from '../support/pay-gateway';

let stripe: FakeStripe;
let proxy: FaultProxy | undefined;
let stack: InProcessStack;
let gateway: PayGateway;
let outbox: { latest(o: { callSid?: string; limit?: number }): Promise<{ body: string }[]> };
let records: { get(id: string): Promise<PaymentRecord | undefined> };
let ledger: DynamoLedgerWriter;
let directory: DynamoLedgerDirectory;

beforeAll(async () => {
  stripe = await startFakeStripe();
  try {
    stack = await startInProcessStack({
      env: {
        LOG_LEVEL: 'ERROR',
        PAYMENT_PROVIDER: 'stripe',
        STRIPE_API_BASE_URL: stripe.url,
        STRIPE_CHECKOUT_ORIGIN: stripe.url,
        STRIPE_TIMEOUT_MS: '1500',
        STRIPE_SECRET_KEY: FAKE_STRIPE_KEY,
        STRIPE_WEBHOOK_SECRET: FAKE_WEBHOOK_SECRET,
      },
      dynamoEndpoint: async (dynalite) => {
        proxy = await startFaultProxy(dynalite);
        return proxy.endpoint;
      },
    });
    gateway = await startPayGateway(stack.baseUrl);
    stripe.webhookUrl = `${gateway.url}/pay/stripe/webhook`;
    /* eslint-disable @typescript-eslint/no-require-imports */
    outbox = (require('../../lib/composition/sms') as { outbox: typeof outbox }).outbox;
    records = (require('../../lib/composition/pay') as typeof import('../../lib/composition/pay')).paymentRecords;
    /* eslint-enable @typescript-eslint/no-require-imports */
    ledger = new DynamoLedgerWriter(stack.db.doc, stack.tables.ledger);
    directory = new DynamoLedgerDirectory(stack.db.doc, stack.tables.ledger, 'IRR');
  } catch (error) {
    await Promise.allSettled([gateway?.stop(), stack?.stop(), proxy?.close(), stripe.stop()]);
    throw error;
  }
}, 60_000);

afterAll(async () => {
  await gateway?.stop();
  await stack?.stop();
  await proxy?.close();
  await stripe?.stop();
});

let customers = 0;
/** A customer of their own owing `cents` US cents. */
async function customerOwingUsd(cents: number) {
  customers += 1;
  const n = String(customers).padStart(2, '0');
  const id = `c-95${n}`;
  await ledger.putCustomers([{ id, name: `Dollar debtor ${n}`, phones: [`+150055595${n}`] }]);
  await ledger.putItems([
    { customerId: id, type: 'invoice', number: `INV-95${n}`, fields: { FinalValue: cents }, moneyAccount: 'acc-usd', status: 'open', currency: 'USD' },
  ]);
  return { id, phone: `+150055595${n}`, mobile: `09125595${n.padStart(3, '0')}` };
}

async function callForLink(code: string, customer: { phone: string; mobile: string }) {
  const t = await placeCall({
    baseUrl: stack.baseUrl,
    code,
    from: customer.phone,
    digits: [customer.mobile],
    authToken: stack.authToken,
    fetchImpl: stack.fetch,
  });
  const [sms] = await outbox.latest({ callSid: t.callSid });
  const url = /https?:\/\/\S+\/pay\/\S+/.exec(sms?.body ?? '')?.[0];
  if (!url) throw new Error(`no link sent for ${t.callSid}`);
  return { url, callSid: t.callSid, token: url.split('/pay/')[1] as string };
}

/** POST the link's page: the session the customer was sent to. */
async function checkout(url: string): Promise<string> {
  const res = await gateway.fetch(url, { method: 'POST' });
  expect(res.status).toBe(303);
  const location = res.headers.get('location') ?? '';
  expect(location.startsWith(`${stripe.url}/c/pay/cs_test_`)).toBe(true);
  return location.split('/c/pay/')[1] as string;
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

const owedUsd = async (customerId: string) => (await directory.getCustomer(customerId))?.balances.find((b) => b.currency === 'USD');

describe('Stripe Checkout against a local Stripe', () => {
  it('sends the customer to a Checkout Session for the amount owed, and only the signed webhook settles it, once', async () => {
    const customer = await customerOwingUsd(1250);
    const link = await callForLink('pay-usd', customer);
    const page = await gateway.fetch(link.url);
    expect(page.status).toBe(200);
    // The form may send the customer to Stripe's page and nowhere else.
    expect(page.headers.get('content-security-policy')).toContain(`form-action 'self' ${stripe.url};`);
    const html = await page.text();
    expect(html).toContain('<p class="amount">$12.50</p>');
    expect(html).not.toContain('SANDBOX');

    const sessionId = await checkout(link.url);
    expect(stripe.requests).toHaveLength(1);
    const created = stripe.requests[0]!;
    expect(created.authorization).toBe(`Bearer ${FAKE_STRIPE_KEY}`);
    expect(created.idempotencyKey).toMatch(/^balance-ivr-[A-Za-z0-9_-]{16}-1250-\d+-0$/);
    const linkId = created.form['metadata[link_id]'];
    expect(created.form).toMatchObject({
      mode: 'payment',
      'line_items[0][price_data][currency]': 'usd',
      'line_items[0][price_data][unit_amount]': '1250',
      'line_items[0][quantity]': '1',
      'metadata[customer_id]': customer.id,
      client_reference_id: linkId,
      'payment_intent_data[metadata][link_id]': linkId,
      success_url: `${link.url}?checkout=return`,
      cancel_url: link.url,
    });
    // A second tab (or the back button) goes to the same session: no second session at Stripe.
    expect(await checkout(link.url)).toBe(sessionId);
    expect(stripe.requests).toHaveLength(1);

    // Back on the success page before the webhook: it waits, it never settles.
    const returned = await gateway.fetch(`${link.url}?checkout=return`);
    expect(returned.status).toBe(200);
    expect(await returned.text()).toContain('Confirming your payment');
    expect(await owedUsd(customer.id)).toEqual({ currency: 'USD', owed: 1250, credit: 0 });
    expect(await records.get(`stripe:${sessionId}`)).toBeUndefined();

    const event = stripe.complete(sessionId);
    const first = await stripe.deliver(event, { secret: FAKE_WEBHOOK_SECRET });
    expect(first).toEqual({ status: 200, body: { received: true, payment: `stripe:${sessionId}`, status: 'paid', duplicate: false } });
    expect(await owedUsd(customer.id)).toEqual({ currency: 'USD', owed: 0, credit: 0 });
    expect(await records.get(`stripe:${sessionId}`)).toMatchObject({
      provider: 'stripe',
      status: 'paid',
      amount: 1250,
      currency: 'USD',
      reference: `pi_test_${sessionId.slice(8)}`,
      linkId,
      callSid: link.callSid,
      moduleCode: 'pay-usd',
    });

    // The same event again, a late async_payment_succeeded for the session, then an expiry out of order.
    expect((await stripe.deliver(event, { secret: FAKE_WEBHOOK_SECRET })).body).toMatchObject({ status: 'paid', duplicate: true });
    expect(
      (await stripe.deliver(stripe.complete(sessionId, { type: 'checkout.session.async_payment_succeeded' }), { secret: FAKE_WEBHOOK_SECRET })).body,
    ).toMatchObject({ duplicate: true });
    expect(await stripe.deliver(stripe.event(sessionId, 'checkout.session.expired'), { secret: FAKE_WEBHOOK_SECRET })).toEqual({
      status: 200,
      body: { received: true, ignored: 'event checkout.session.expired' },
    });
    const items = await onlinePayments(customer.id);
    expect(items).toHaveLength(1);
    expect(items[0]).toMatchObject({
      number: `OP-stripe:${sessionId}`,
      fields: expect.objectContaining({ FinalValue: 1250, Reference: `pi_test_${sessionId.slice(8)}` }),
      currency: 'USD',
    });

    // The link now shows its receipt, and cannot be paid again.
    const receipt = await gateway.fetch(`${link.url}?checkout=return`);
    expect(receipt.status).toBe(200);
    expect(await receipt.text()).toContain(`pi_test_${sessionId.slice(8)}`);
    expect((await gateway.fetch(link.url, { method: 'POST' })).status).toBe(409);
  }, 60_000);

  it('refuses forged, stale, missing and unreadable signatures (4xx) and settles nothing until the genuine delivery', async () => {
    const customer = await customerOwingUsd(2000);
    const sessionId = await checkout((await callForLink('pay-usd', customer)).url);
    const event = stripe.complete(sessionId);
    const now = Math.floor(Date.now() / 1000);

    expect(await stripe.deliver(event, { secret: 'whsec_someone_else' })).toEqual({ status: 403, body: { error: 'bad-signature' } });
    expect(await stripe.deliver(event, { secret: FAKE_WEBHOOK_SECRET, signature: null })).toEqual({ status: 403, body: { error: 'missing-signature' } });
    expect(await stripe.deliver(event, { secret: FAKE_WEBHOOK_SECRET, timestamp: now - 301 })).toEqual({ status: 403, body: { error: 'stale-timestamp' } });
    // Signed for one body, delivered with another (the amount changed in transit).
    const tampered = event.body.replace('"amount_total":2000', '"amount_total":1');
    expect(
      await stripe.deliver(event, { secret: FAKE_WEBHOOK_SECRET, body: tampered, signature: signStripePayload(FAKE_WEBHOOK_SECRET, event.body, now) }),
    ).toEqual({ status: 403, body: { error: 'bad-signature' } });
    expect(await stripe.deliver(event, { secret: FAKE_WEBHOOK_SECRET, body: 'not json' })).toEqual({ status: 400, body: { error: 'malformed-event' } });
    expect(await records.get(`stripe:${sessionId}`)).toBeUndefined();
    expect(await onlinePayments(customer.id)).toHaveLength(0);

    expect((await stripe.deliver(event, { secret: FAKE_WEBHOOK_SECRET })).body).toMatchObject({ status: 'paid' });
    expect(await owedUsd(customer.id)).toEqual({ currency: 'USD', owed: 0, credit: 0 });
  }, 60_000);

  it('a payment for another amount is refused: recorded for a refund, flagged on the call, never settled', async () => {
    const customer = await customerOwingUsd(3000);
    const link = await callForLink('pay-usd', customer);
    const sessionId = await checkout(link.url);
    const answer = await stripe.deliver(stripe.complete(sessionId, { amountTotal: 2999 }), { secret: FAKE_WEBHOOK_SECRET });
    expect(answer).toEqual({ status: 200, body: { received: true, payment: `stripe:${sessionId}`, status: 'refund-needed', duplicate: false } });
    expect(await records.get(`stripe:${sessionId}`)).toMatchObject({
      status: 'refund-needed',
      refundReason: 'amount-mismatch',
      amount: 2999,
      currency: 'USD',
      callSid: link.callSid,
    });
    expect(await onlinePayments(customer.id)).toHaveLength(0);
    expect(await owedUsd(customer.id)).toEqual({ currency: 'USD', owed: 3000, credit: 0 });
    expect((await storedCallLog(stack, link.callSid))?.refundNeeded).toEqual([`stripe:${sessionId}`]);
  }, 60_000);

  it('two sessions paid for one debt (opened before a newer link replaced the first): one settles, the other is kept for a refund and flagged on its call', async () => {
    const customer = await customerOwingUsd(2500);
    const first = await callForLink('pay-usd', customer);
    const sessionA = await checkout(first.url);
    const second = await callForLink('pay-usd', customer);
    expect((await gateway.fetch(first.url, { method: 'POST' })).status).toBe(410);
    const sessionB = await checkout(second.url);
    expect(sessionB).not.toBe(sessionA);
    // Back from Stripe on the replaced link: its payment may still be confirmed, so it waits rather than say "replaced".
    const waiting = await gateway.fetch(`${first.url}?checkout=return`);
    expect(waiting.status).toBe(200);
    expect(await waiting.text()).toContain('Confirming your payment');

    // Both paid at Stripe; B's webhook arrives first.
    const eventA = stripe.complete(sessionA);
    const eventB = stripe.complete(sessionB);
    const answers = await Promise.all([stripe.deliver(eventB, { secret: FAKE_WEBHOOK_SECRET }), stripe.deliver(eventA, { secret: FAKE_WEBHOOK_SECRET })]);
    expect(answers.map((a) => a.status)).toEqual([200, 200]);
    expect(answers.map((a) => a.body.status).sort()).toEqual(['paid', 'refund-needed']);
    const flagged = answers.find((a) => a.body.status === 'refund-needed')!.body.payment as string;
    expect(await records.get(flagged)).toMatchObject({
      status: 'refund-needed',
      refundReason: expect.stringMatching(/^(debt-settled|exceeds-owed)$/),
      amount: 2500,
    });

    expect(await owedUsd(customer.id)).toEqual({ currency: 'USD', owed: 0, credit: 0 });
    expect(await onlinePayments(customer.id)).toHaveLength(1);
    const flaggedCall = flagged === `stripe:${sessionA}` ? first.callSid : second.callSid;
    expect((await storedCallLog(stack, flaggedCall))?.refundNeeded).toEqual([flagged]);
    // Redelivered: still one settlement, still one flag.
    await stripe.deliver(eventA, { secret: FAKE_WEBHOOK_SECRET });
    await stripe.deliver(eventB, { secret: FAKE_WEBHOOK_SECRET });
    expect(await onlinePayments(customer.id)).toHaveLength(1);
    expect((await storedCallLog(stack, flaggedCall))?.refundNeeded).toEqual([flagged]);
  }, 60_000);

  it('Stripe down or slow when starting: the page says try again and stores nothing; a timeout is retried with the same Idempotency-Key', async () => {
    const customer = await customerOwingUsd(4000);
    const link = await callForLink('pay-usd', customer);
    const before = stripe.requests.length;

    stripe.failNext({ status: 500 });
    const down = await gateway.fetch(link.url, { method: 'POST' });
    expect(down.status).toBe(503);
    expect(await down.text()).toContain('Payment is not available right now.');
    // After a stored 500 the next start asks with a new key (Stripe would replay the 500 for the old one).
    const failedKey = stripe.requests.at(-1)!.idempotencyKey;
    const linkId = stripe.requests.at(-1)!.form['metadata[link_id]'];
    const { Item } = await stack.db.doc.send(
      new GetCommand({ TableName: stack.tables.payments, Key: { pk: `LINK#${linkId}`, sk: 'LINK' }, ConsistentRead: true }),
    );
    expect(Item).toMatchObject({ status: 'open', startFailures: 1 });
    expect(Item?.checkout).toBeUndefined();

    // The first attempt times out (the answer comes after STRIPE_TIMEOUT_MS); the retry, same key, creates the session.
    stripe.failNext({ delayMs: 4000 });
    const sessionId = await checkout(link.url);
    const attempts = stripe.requests.slice(before + 1);
    expect(attempts).toHaveLength(2);
    expect(attempts[0]!.idempotencyKey).toBe(attempts[1]!.idempotencyKey);
    expect(attempts[0]!.idempotencyKey).not.toBe(failedKey);
    expect(stripe.sessions.has(sessionId)).toBe(true);
    expect([...stripe.sessions.values()].filter((s) => s.form['metadata[link_id]'] === attempts[0]!.form['metadata[link_id]'])).toHaveLength(1);
  }, 60_000);

  it('a module in rials is never sent to Stripe (Stripe takes no IRR): the page says payment is unavailable', async () => {
    const link = await callForLink('pay-en', { phone: '+15005550001', mobile: '09125550001' });
    const before = stripe.requests.length;
    expect((await gateway.fetch(link.url)).status).toBe(503);
    expect((await gateway.fetch(link.url, { method: 'POST' })).status).toBe(503);
    expect(stripe.requests).toHaveLength(before);
  }, 60_000);

  it('a session this product did not start is ignored; one naming our link but unknown is kept for a refund; a failed delayed payment is recorded as failed', async () => {
    const customer = await customerOwingUsd(1000);
    const link = await callForLink('pay-usd', customer);
    const sessionId = await checkout(link.url);
    const linkId = stripe.sessions.get(sessionId)!.form['metadata[link_id]'] as string;
    const foreign = (body: Record<string, unknown>) => {
      const json = JSON.stringify({
        id: `evt_foreign_${Object.keys(body).length}_${Date.now()}`,
        object: 'event',
        type: 'checkout.session.completed',
        data: {
          object: { id: `cs_test_foreign${Date.now()}`, payment_status: 'paid', amount_total: 1000, currency: 'usd', payment_intent: 'pi_foreign', ...body },
        },
      });
      return { id: 'evt', type: 'checkout.session.completed', body: json };
    };
    expect(await stripe.deliver(foreign({ metadata: {} }), { secret: FAKE_WEBHOOK_SECRET })).toEqual({
      status: 200,
      body: { received: true, ignored: 'not-ours' },
    });
    const ours = await stripe.deliver(foreign({ metadata: { link_id: linkId } }), { secret: FAKE_WEBHOOK_SECRET });
    expect(ours.body).toMatchObject({ status: 'refund-needed' });
    expect(await records.get(ours.body.payment as string)).toMatchObject({ refundReason: 'unknown-checkout', linkId });
    expect(await onlinePayments(customer.id)).toHaveLength(0);

    const failed = await stripe.deliver(stripe.event(sessionId, 'checkout.session.async_payment_failed'), { secret: FAKE_WEBHOOK_SECRET });
    expect(failed).toEqual({ status: 200, body: { received: true, payment: `stripe:${sessionId}`, status: 'failed' } });
    expect(await records.get(`stripe:${sessionId}`)).toMatchObject({ status: 'failed', refundReason: 'async-payment-failed', amount: 1000 });
  }, 60_000);

  it('when the payment records cannot be written the webhook answers 503 (the provider retries), and the retry settles once', async () => {
    const customer = await customerOwingUsd(1500);
    const sessionId = await checkout((await callForLink('pay-usd', customer)).url);
    const event = stripe.complete(sessionId);
    proxy!.setRule((r) => (r.table === stack.tables.paymentRecords && r.operation === 'PutItem' ? { kind: 'internal-error' } : undefined));
    try {
      expect(await stripe.deliver(event, { secret: FAKE_WEBHOOK_SECRET })).toEqual({ status: 503, body: { error: 'temporarily-unavailable' } });
    } finally {
      proxy!.setRule(undefined);
    }
    expect(await onlinePayments(customer.id)).toHaveLength(0);
    expect((await stripe.deliver(event, { secret: FAKE_WEBHOOK_SECRET })).body).toMatchObject({ status: 'paid', duplicate: false });
    expect((await stripe.deliver(event, { secret: FAKE_WEBHOOK_SECRET })).body).toMatchObject({ status: 'paid', duplicate: true });
    expect(await onlinePayments(customer.id)).toHaveLength(1);
    expect(await owedUsd(customer.id)).toEqual({ currency: 'USD', owed: 0, credit: 0 });
  }, 60_000);
});
