/**
 * Card payment inside the call, end to end through serverless-offline with the demo data: the
 * simulator answers each <Pay> as Twilio posts to its action (and sends its signed status
 * callbacks), the ledger is settled, the call log says paid-in-call, and the next call hears
 * what is left.
 */
import { placeCall, type Transcript } from '../../tools/simulator/call-simulator';
import type { PayAnswer } from '../../tools/simulator/pay-answerer';
import { formatTranscript } from '../../tools/simulator/format-transcript';
import { heard, said } from '../support/call-transcripts';
import { AUTH_TOKEN, stackCalls, useTestStack } from '../support/local-stack';

const stack = useTestStack();
const { call, callLog } = stackCalls(stack);

const payCall = (code: string, from: string, digits: string[], pay: PayAnswer[]): Promise<Transcript> =>
  placeCall({ baseUrl: stack().baseUrl, code, from, authToken: AUTH_TOKEN, digits, pay });

const adminGet = async (path: string): Promise<{ customer: Record<string, unknown> & { items: Array<Record<string, unknown>> } }> =>
  (await fetch(`${stack().baseUrl}/admin/api${path}`, { headers: { authorization: 'Bearer local-admin-key' } })).json() as never;

const payEvents = (t: Transcript) => t.events.filter((e): e is Extract<Transcript['events'][number], { type: 'pay' }> => e.type === 'pay');

describe('card payment in the call (English, US dollars)', () => {
  it('a declined card is offered again; the second card pays $48.20 once, the call log says paid-in-call, and the next call hears no debt', async () => {
    expect((await adminGet('/ledger/customers/c-5002')).customer).toMatchObject({ owed: 4820, currency: 'USD' });
    const first = await payCall('pay-card-en', '+15005550007', ['2', '2'], ['decline', 'success']);
    expect(said(first)).toContain('Your account balance is forty-eight dollars and twenty cents due for payment.');
    expect(said(first)).toContain('Sorry, your card was not charged.');
    expect(said(first)).toContain('Your payment of forty-eight dollars and twenty cents was received. Thank you.');
    expect(first.handedOn).toEqual({ kind: 'dial', target: '+982191000000' });
    const pays = payEvents(first);
    expect(pays.map((p) => [p.chargeAmount, p.currency, p.connector, p.answered, p.result])).toEqual([
      ['48.20', 'usd', 'Stripe_Test', 'decline', 'payment-connector-error'],
      ['48.20', 'usd', 'Stripe_Test', 'success', 'success'],
    ]);
    // The signed status callbacks reached the stack (one per card step) and were answered.
    expect(pays[1]?.statusCallbacks).toEqual([200, 200, 200, 200, 200]);
    expect(formatTranscript(first)).toContain('💳 pay 48.20 USD via Stripe_Test (card number, expiry, security code, postal code) → success: Result=success');

    const logged = await callLog(first.callSid);
    expect(logged).toMatchObject({
      outcome: 'paid-in-call',
      destination: 'sales',
      owed: 4820,
      currency: 'USD',
      paid: { amount: 4820, currency: 'USD', maskedCard: '****4242' },
    });
    const code = (logged?.paid as { confirmationCode: string }).confirmationCode;
    expect(code).toMatch(/^ch_sim_[0-9a-f]{24}$/);

    const customer = (await adminGet('/ledger/customers/c-5002')).customer;
    expect(customer).toMatchObject({ owed: 0, credit: 0 });
    expect(customer.items.filter((i) => i.type === 'onlinePayment')).toEqual([
      expect.objectContaining({
        number: `TP-${code}`,
        currency: 'USD',
        moneyAccount: 'acc-usd',
        fields: expect.objectContaining({ FinalValue: 4820, Reference: code, Card: '****4242' }),
      }),
    ]);

    const again = await call('pay-card-en', '+15005550007');
    expect(said(again)).toContain('You have no outstanding balance.');
    expect(payEvents(again)).toEqual([]);
    expect(await callLog(again.callSid)).toMatchObject({ outcome: 'no-debt' });
  }, 90_000);
});

describe('card payment in the call (Persian, Canadian dollars, one invoice)', () => {
  it('pays invoice 5301 by card with Persian recorded prompts; the invoice is paid and the next call hears the rest', async () => {
    const first = await payCall('pay-card-fa', '+14165550003', ['2', '5301'], ['success']);
    expect(heard(first)).toContain('مانده حساب شما صد و بیست و پنج دلار کانادا و چهل سنت بدهکار است.');
    expect(heard(first)).toContain('پرداخت شما به مبلغ هشتاد و پنج دلار کانادا و چهل سنت با موفقیت انجام شد. سپاسگزاریم.');
    // Every prompt heard inside the <Pay> is a recording (Twilio's own prompts speak no Persian).
    const inPay = first.events.filter((e) => (e.type === 'play' || e.type === 'say') && e.inPay);
    expect(inPay.map((e) => e.type)).toEqual(['play', 'play', 'play', 'play']);
    expect(heard({ ...first, events: inPay })).toContain('لطفاً شماره کارت خود را وارد کرده');
    expect(payEvents(first).map((p) => [p.chargeAmount, p.currency, p.postalCode])).toEqual([['85.40', 'cad', false]]);
    expect(await callLog(first.callSid)).toMatchObject({ outcome: 'paid-in-call', paid: { amount: 8540, currency: 'CAD' } });

    const customer = (await adminGet('/ledger/customers/c-5003')).customer;
    expect(customer).toMatchObject({ owed: 4000, currency: 'CAD' });
    expect(customer.items.find((i) => i.number === 'INV-5301')).toMatchObject({ status: 'paid' });
    expect(customer.items.find((i) => i.number === 'INV-5302')).toMatchObject({ status: 'open' });

    const next = await call('pay-card-fa', '+14165550003');
    expect(heard(next)).toContain('مانده حساب شما چهل دلار کانادا بدهکار است.');
  }, 90_000);

  it('a caller who hangs up during the <Pay> pays nothing and is logged as abandoned', async () => {
    const t = await payCall('pay-card-fa', '+14165550003', ['2', '5302'], ['hangup']);
    expect(t.handedOn).toEqual({ kind: 'hangup' });
    expect(await callLog(t.callSid)).toMatchObject({ outcome: 'abandoned', reason: 'pay-caller-hung-up' });
    expect((await adminGet('/ledger/customers/c-5003')).customer).toMatchObject({ owed: 4000 });
  }, 60_000);
});
