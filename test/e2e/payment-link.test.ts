/**
 * Payment link end to end, through serverless-offline with the demo data: the caller gets
 * the link by SMS (outbox), the page is opened and paid over HTTP, the next call hears the
 * lower balance.
 */
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import type { Transcript } from '../../tools/simulator/call-simulator';
import { heard, played, said } from '../support/call-transcripts';
import { stackCalls, useTestStack } from '../support/local-stack';

const stack = useTestStack({ BUSINESS_NAME: 'Demo Co' });
const { call, callLog } = stackCalls(stack);

function linkIn(t: Transcript): string {
  expect(t.sms).toHaveLength(1);
  const url = /https?:\/\/\S+\/pay\/\S+/.exec(t.sms[0]?.body ?? '')?.[0];
  expect(url).toBeDefined();
  return url as string;
}

describe('a module in US dollars (cents), end to end', () => {
  const adminGet = async (path: string): Promise<{ customer: Record<string, unknown> }> =>
    (await fetch(`${stack().baseUrl}/admin/api${path}`, { headers: { authorization: 'Bearer local-admin-key' } })).json() as Promise<{
      customer: Record<string, unknown>;
    }>;

  it('announces dollars and cents, texts and shows $12.50, takes exactly 1250 cents, and the next call hears no debt', async () => {
    expect((await adminGet('/ledger/customers/c-5001')).customer).toMatchObject({ owed: 1250, credit: 0, currency: 'USD' });
    const heard = await call('balance-usd', '+15005550005');
    expect(said(heard)).toContain('Your account balance is twelve dollars and fifty cents due for payment.');
    expect(heard.handedOn).toEqual({ kind: 'dial', target: '+982191000000' });
    expect(await callLog(heard.callSid)).toMatchObject({ outcome: 'next', owed: 1250, currency: 'USD' });

    const first = await call('pay-usd', '+15005550005', ['09125550005']);
    expect(said(first)).toContain('twelve dollars and fifty cents');
    const url = linkIn(first);
    expect(first.sms[0]?.body).toContain('Demo Co: to pay $12.50, open');
    expect(first.sms[0]).toMatchObject({ segments: 1 });

    const html = await (await fetch(url)).text();
    expect(html).toContain('<p class="amount">$12.50</p>');
    expect(html).toContain('Twelve dollars and fifty cents');
    expect((await fetch(url, { method: 'POST' })).status).toBe(200);

    const customer = (await adminGet('/ledger/customers/c-5001')).customer;
    expect(customer).toMatchObject({ owed: 0, credit: 0, currency: 'USD' });
    expect(customer.items).toEqual(
      expect.arrayContaining([expect.objectContaining({ type: 'onlinePayment', currency: 'USD', fields: expect.objectContaining({ FinalValue: 1250 }) })]),
    );
    expect(said(await call('balance-usd', '+15005550005'))).toContain('You have no outstanding balance.');
  }, 60_000);
});

describe('payment link by SMS (English, account balance)', () => {
  it('sends one link, the page takes the payment once, and the next call hears no debt', async () => {
    const first = await call('pay-en', '+15005550001', ['09125550001']);
    expect(said(first)).toContain('A payment link has been sent to your mobile by text message.');
    expect(first.handedOn).toEqual({ kind: 'dial', target: '+982191000000' });
    const url = linkIn(first);
    expect(first.sms[0]).toMatchObject({ to: '+989125550001', segments: 1 });
    expect(first.sms[0]?.body).toContain('Demo Co: to pay 1,250,000 rials');

    const page = await fetch(url);
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('1,250,000 rials');
    expect(html).toContain('One million two hundred fifty thousand rials');
    expect(html).toContain('SANDBOX');

    const paid = await fetch(url, { method: 'POST' });
    expect(paid.status).toBe(200);
    expect(await paid.text()).toContain('Payment received');
    const again = await fetch(url, { method: 'POST' });
    expect(again.status).toBe(409);
    expect(await again.text()).toContain('already been paid');

    const next = await call('balance-en', '+15005550001');
    expect(said(next)).toContain('You have no outstanding balance.');
  }, 60_000);

  it('refuses a tampered link with a clear page, not a server error', async () => {
    const res = await fetch(`${stack().baseUrl}/pay/AAAAAAAAAAAAAAAA.zzzz.AAAAAAAAAAAAAAAAAAAAAA`);
    expect(res.status).toBe(404);
    const html = await res.text();
    expect(html).toContain('This payment link is not valid.');
    expect(html).toContain('این لینک پرداخت معتبر نیست.');
  });

  it('serves the outbox only for the call asked about', async () => {
    const res = await fetch(`${stack().baseUrl}/dev/outbox?callSid=CAnosuchcall0000000000000000000000`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ messages: [] });
  });
});

describe('payment link for one invoice (Persian)', () => {
  it('re-prompts for someone else’s invoice, links the caller’s own, and the ledger falls by its amount', async () => {
    const t = await call('pay-fa', '09121111111', ['09121111111', '2001', '1002']);
    expect(played(t)).toEqual(expect.arrayContaining(['prompt-enterItemNumber.wav', 'prompt-itemNotFound.wav', 'prompt-linkSent.wav']));
    expect(played(t).filter((clip) => clip === 'prompt-linkSent.wav')).toHaveLength(1);
    const url = linkIn(t);
    // 750,000 rials = 75,000 tomans, Persian digits; one link + text in two UCS-2 segments at most.
    expect(t.sms[0]?.body).toContain('۷۵٬۰۰۰ تومان');
    expect(t.sms[0]?.segments).toBeLessThanOrEqual(2);

    const html = await (await fetch(url)).text();
    expect(html).toContain('dir="rtl"');
    expect(html).toContain('هفتاد و پنج هزار تومان');
    expect(html).toContain('فاکتور INV-1002');
    expect((await fetch(url, { method: 'POST' })).status).toBe(200);

    const { Item } = await stack().documentClient.send(
      new GetCommand({ TableName: stack().config.tables.ledger, Key: { pk: 'CUST#c-1001', sk: 'ITEM#invoice#INV-1002' } }),
    );
    expect(Item?.status).toBe('paid');
    // 1,250,000 − 750,000 = 500,000 rials
    const next = await call('balance-fa', '09121111111');
    expect(played(next)[0]).toBe('prompt-intro.wav');
    expect(played(next)).toHaveLength(2); // the balance sentence is one joined recording
    expect(heard(next)).toBe('به سامانه اعلام مانده حساب خوش آمدید. مانده حساب شما پانصد هزار ریال بدهکار است.');
  }, 60_000);
});
