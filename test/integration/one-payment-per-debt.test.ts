/**
 * The reviewer's case (issue 12): a customer owing 500,000 rials calls twice and gets two
 * links. Before, both could be paid (200, then 200) and the ledger showed owed 0, credit
 * 500,000 and two online payments. Now a second link for the same debt cannot take a second
 * payment: the newer link replaces the older one ("replaced", 410), and the debt is read again
 * before anything is taken (a settled debt: 409), so a debt is paid once. Real voice, status
 * and pay handlers in-process, dynalite, the sandbox provider.
 */
import { QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { DynamoLedgerWriter } from '../../lib/ledger/dynamo-ledger-writer';
import { DynamoLedgerDirectory } from '../../lib/ledger/dynamo-ledger-directory';
import { placeCall } from '../../tools/simulator/call-simulator';
import { startInProcessStack, storedCallLog, type InProcessStack } from '../support/in-process-stack';
import { startPayGateway, type PayGateway } from '../support/pay-gateway';

let stack: InProcessStack;
let gateway: PayGateway;
let outbox: { latest(o: { callSid?: string; limit?: number }): Promise<{ body: string }[]> };
let ledger: DynamoLedgerWriter;
let directory: DynamoLedgerDirectory;

beforeAll(async () => {
  stack = await startInProcessStack({ env: { LOG_LEVEL: 'ERROR' } });
  try {
    gateway = await startPayGateway(stack.baseUrl);
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    outbox = (require('../../lib/composition/sms') as { outbox: typeof outbox }).outbox;
    ledger = new DynamoLedgerWriter(stack.db.doc, stack.tables.ledger);
    directory = new DynamoLedgerDirectory(stack.db.doc, stack.tables.ledger, 'IRR');
  } catch (error) {
    await stack.stop();
    throw error;
  }
}, 60_000);

afterAll(async () => {
  await gateway?.stop();
  await stack?.stop();
});

let customers = 0;
/** A customer of their own, owing `owed` rials on one open invoice. */
async function customerOwing(owed: number) {
  customers += 1;
  const n = String(customers).padStart(2, '0');
  const id = `c-93${n}`;
  const phone = `+150055593${n}`;
  await ledger.putCustomers([{ id, name: `Debtor ${n}`, phones: [phone], mobile: `09125593${n.padStart(3, '0')}` }]);
  await ledger.putItems([
    { customerId: id, type: 'invoice', number: `INV-93${n}`, fields: { FinalValue: owed }, moneyAccount: 'acc-mellat', status: 'open', currency: 'IRR' },
  ]);
  return { id, phone, mobile: `09125593${n.padStart(3, '0')}` };
}

/** One call to the English payment module: the link from its SMS. */
async function callForLink(customer: { phone: string; mobile: string }): Promise<{ url: string; callSid: string }> {
  const t = await placeCall({
    baseUrl: stack.baseUrl,
    code: 'pay-en',
    from: customer.phone,
    digits: [customer.mobile],
    authToken: stack.authToken,
    fetchImpl: stack.fetch,
  });
  expect(t.events.some((e) => e.type === 'say' && e.text.includes('A payment link has been sent'))).toBe(true);
  const [sms] = await outbox.latest({ callSid: t.callSid });
  const url = /https?:\/\/\S+\/pay\/\S+/.exec(sms?.body ?? '')?.[0];
  expect(url).toBeDefined();
  return { url: url as string, callSid: t.callSid };
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

async function balance(customerId: string) {
  const customer = await directory.getCustomer(customerId);
  return { owed: customer?.owed, credit: customer?.credit };
}

describe('a second link for the same debt cannot take a second payment', () => {
  it('the reviewer’s case: owing 500,000, two calls, two links — the first link now answers "replaced", the second pays, and the debt is paid once', async () => {
    const customer = await customerOwing(500_000);
    const first = await callForLink(customer);
    const second = await callForLink(customer);
    expect(second.url).not.toBe(first.url);

    // The older link: a clear page in Persian and English, and no payment.
    const replacedPage = await gateway.fetch(first.url);
    expect(replacedPage.status).toBe(410);
    const replacedHtml = await replacedPage.text();
    expect(replacedHtml).toContain('This payment link was replaced by a newer one.');
    expect(replacedHtml).toContain('این لینک پرداخت با لینک تازه‌تری جایگزین شده است.');
    expect((await gateway.fetch(first.url, { method: 'POST' })).status).toBe(410);
    expect(await onlinePayments(customer.id)).toHaveLength(0);

    // The newer link pays the debt once…
    const paid = await gateway.fetch(second.url, { method: 'POST' });
    expect(paid.status).toBe(200);
    expect(await paid.text()).toContain('Payment received');
    // …and the older one still cannot pay it again.
    expect((await gateway.fetch(first.url, { method: 'POST' })).status).toBe(410);
    expect((await gateway.fetch(second.url, { method: 'POST' })).status).toBe(409);

    expect(await balance(customer.id)).toEqual({ owed: 0, credit: 0 });
    const payments = await onlinePayments(customer.id);
    expect(payments).toHaveLength(1);
    expect(payments[0]).toMatchObject({ fields: expect.objectContaining({ FinalValue: 500_000 }), currency: 'IRR' });
  }, 60_000);

  it('a link whose debt was settled elsewhere (a receipt at the counter) shows "already settled" (409) and takes nothing', async () => {
    const customer = await customerOwing(500_000);
    const { url } = await callForLink(customer);
    await ledger.putItems([
      {
        customerId: customer.id,
        type: 'receipt',
        number: 'RC-COUNTER',
        fields: { FinalValue: 500_000 },
        moneyAccount: 'acc-cash',
        status: 'paid',
        currency: 'IRR',
      },
    ]);

    const page = await gateway.fetch(url);
    expect(page.status).toBe(409);
    expect(await page.text()).toContain('This debt has already been settled.');
    const post = await gateway.fetch(url, { method: 'POST' });
    expect(post.status).toBe(409);
    expect(await onlinePayments(customer.id)).toHaveLength(0);
    expect(await balance(customer.id)).toEqual({ owed: 0, credit: 0 });
  }, 60_000);

  it('a link whose debt was partly paid elsewhere takes only what is still owed', async () => {
    const customer = await customerOwing(500_000);
    const { url } = await callForLink(customer);
    await ledger.putItems([
      {
        customerId: customer.id,
        type: 'receipt',
        number: 'RC-PART',
        fields: { FinalValue: 200_000 },
        moneyAccount: 'acc-cash',
        status: 'paid',
        currency: 'IRR',
      },
    ]);

    const html = await (await gateway.fetch(url)).text();
    expect(html).toContain('<p class="amount">300,000 rials</p>');
    expect(html).toContain('Less is owed now than when this link was sent (500,000 rials)');
    const paid = await gateway.fetch(url, { method: 'POST' });
    expect(paid.status).toBe(200);
    expect(await paid.text()).toContain('300,000 rials');
    expect(await balance(customer.id)).toEqual({ owed: 0, credit: 0 });
    expect((await onlinePayments(customer.id)).map((p) => p.fields.FinalValue)).toEqual([300_000]);
  }, 60_000);

  it('a sandbox payment interrupted after the link was taken (a crash): never touched while it may still run; later finished if it was decided, else the link is open again', async () => {
    const customer = await customerOwing(250_000);
    const { url } = await callForLink(customer);
    const linkId = (url.split('/pay/')[1] as string).split('.')[0] as string;
    const interrupted = (agoMs: number) =>
      stack.db.doc.send(
        new UpdateCommand({
          TableName: stack.tables.payments,
          Key: { pk: `LINK#${linkId}`, sk: 'LINK' },
          UpdateExpression: 'SET #s = :used, paidBy = :by, paidAt = :at',
          ExpressionAttributeNames: { '#s': 'status' },
          ExpressionAttributeValues: { ':used': 'used', ':by': `sandbox:${linkId}`, ':at': new Date(Date.now() - agoMs).toISOString() },
        }),
      );
    // Taken a moment ago: another request may still be settling it; this one only says "paid".
    await interrupted(1000);
    expect((await gateway.fetch(url, { method: 'POST' })).status).toBe(409);
    // Taken a minute ago, nothing decided: the sandbox took nothing, so the link is payable again.
    await interrupted(60_000);
    const retry = await gateway.fetch(url, { method: 'POST' });
    expect(retry.status).toBe(402);
    expect(await retry.text()).toContain('no money was taken');
    expect(await onlinePayments(customer.id)).toHaveLength(0);
    expect((await gateway.fetch(url, { method: 'POST' })).status).toBe(200);
    expect((await onlinePayments(customer.id)).map((p) => p.fields.FinalValue)).toEqual([250_000]);

    // Decided (recorded) but the ledger never got it: a later visit finishes it, once.
    const other = await customerOwing(150_000);
    const second = await callForLink(other);
    const secondId = (second.url.split('/pay/')[1] as string).split('.')[0] as string;
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { paymentRecords } = require('../../lib/composition/pay') as typeof import('../../lib/composition/pay');
    await paymentRecords.record({
      id: `sandbox:${secondId}`,
      provider: 'sandbox',
      status: 'paid',
      amount: 150_000,
      currency: 'IRR',
      customerId: other.id,
      reference: 'SBX-CRASHED',
      linkId: secondId,
      createdAt: new Date(Date.now() - 60_000).toISOString(),
    });
    await stack.db.doc.send(
      new UpdateCommand({
        TableName: stack.tables.payments,
        Key: { pk: `LINK#${secondId}`, sk: 'LINK' },
        UpdateExpression: 'SET #s = :used, paidBy = :by, paidAt = :at',
        ExpressionAttributeNames: { '#s': 'status' },
        ExpressionAttributeValues: { ':used': 'used', ':by': `sandbox:${secondId}`, ':at': new Date(Date.now() - 60_000).toISOString() },
      }),
    );
    expect((await gateway.fetch(second.url, { method: 'POST' })).status).toBe(409);
    expect((await gateway.fetch(second.url, { method: 'POST' })).status).toBe(409);
    expect((await onlinePayments(other.id)).map((p) => [p.fields.FinalValue, p.fields.Reference])).toEqual([[150_000, 'SBX-CRASHED']]);
    expect(await balance(other.id)).toEqual({ owed: 0, credit: 0 });
    const receipt = await gateway.fetch(second.url);
    expect(receipt.status).toBe(200);
    expect(await receipt.text()).toContain('SBX-CRASHED');
  }, 60_000);

  it('two links paid at the same moment: one payment, the other refused', async () => {
    const customer = await customerOwing(500_000);
    const first = await callForLink(customer);
    const second = await callForLink(customer);
    const results = await Promise.all([first, second, second, first, second].map((l) => gateway.fetch(l.url, { method: 'POST' })));
    const statuses = results.map((r) => r.status).sort();
    expect(statuses.filter((s) => s === 200)).toHaveLength(1);
    expect(statuses.every((s) => s === 200 || s === 409 || s === 410)).toBe(true);
    expect(await onlinePayments(customer.id)).toHaveLength(1);
    expect(await balance(customer.id)).toEqual({ owed: 0, credit: 0 });
    // The settled payment is on the Payments page's records, with the call it came from.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { paymentRecords } = require('../../lib/composition/pay') as typeof import('../../lib/composition/pay');
    const today = new Date().toISOString().slice(0, 10);
    const { payments } = await paymentRecords.list({ fromDay: today, toDay: today, limit: 50 });
    const mine = payments.filter((p) => p.customerId === customer.id);
    expect(mine).toEqual([
      expect.objectContaining({
        provider: 'sandbox',
        status: 'paid',
        amount: 500_000,
        currency: 'IRR',
        callSid: second.callSid,
        moduleCode: 'pay-en',
        linkId: expect.any(String),
      }),
    ]);
    expect((await storedCallLog(stack, second.callSid))?.refundNeeded).toBeUndefined();
  }, 60_000);
});
