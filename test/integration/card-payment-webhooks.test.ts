/**
 * The <Pay> action and status callback webhooks through the real voice handler (middy, the
 * signature check, the parameter allowlist, the composition) against dynalite: signed like every
 * webhook, keyed to the stored session and its turn, so replays, twins, forged sessions and
 * forged amounts settle nothing twice and nothing that was not charged; and no card number or
 * security code in anything stored or logged.
 */
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { DynamoLedgerWriter } from '../../lib/ledger/dynamo-ledger-writer';
import { LedgerCrm } from '../../lib/ledger/ledger-crm';
import type { Session } from '../../lib/domain/session';
import { captureOutput } from '../support/capture-output';
import { startInProcessStack, storedCallLog, type InProcessStack } from '../support/in-process-stack';

let stack: InProcessStack;
/** The handlers log at DEBUG here (the card-data test reads every line); other tests keep their lines out of the output. */
const quiet = (run: () => Promise<void>) => () => captureOutput(run).then(() => undefined);
let writer: DynamoLedgerWriter;
let crm: LedgerCrm;
let n = 0;

beforeAll(async () => {
  stack = await startInProcessStack({ env: { LOG_LEVEL: 'DEBUG', CONFIG_CACHE_SECONDS: '0' } });
  writer = new DynamoLedgerWriter(stack.db.doc, stack.tables.ledger);
  crm = new LedgerCrm(stack.db.doc, stack.tables.ledger);
}, 60_000);

afterAll(async () => {
  await stack?.stop();
});

interface Caller {
  readonly customerId: string;
  readonly phone: string;
  readonly callSid: string;
}

/** A customer of their own, owing $48.20, and a fresh CallSid. */
async function newCaller(): Promise<Caller> {
  n += 1;
  const customerId = `c-pay-${n}`;
  const phone = `+1500556${String(n).padStart(4, '0')}`;
  await writer.putCustomers([{ id: customerId, phones: [phone] }]);
  await writer.putItems([
    { customerId, type: 'invoice', number: `INV-P${n}`, fields: { FinalValue: 4820 }, moneyAccount: 'acc-usd', currency: 'USD', status: 'open' },
  ]);
  return { customerId, phone, callSid: `CApay${String(n).padStart(30, '0')}` };
}

const base = (c: Caller) => ({
  CallSid: c.callSid,
  From: c.phone,
  To: '+15005550006',
  AccountSid: 'AC00000000000000000000000000000000',
  CallStatus: 'in-progress',
  Direction: 'inbound',
});

const attribute = (twiml: string, tag: string, name: string) => new RegExp(`<${tag}\\b[^>]*\\b${name}="([^"]*)"`).exec(twiml)?.[1]?.replace(/&amp;/g, '&');

/** Entry, then 2 at the offer: the <Pay> document and its action URL. */
async function toPay(c: Caller, code = 'pay-card-en'): Promise<{ twiml: string; action: URL }> {
  const entry = await stack.post(`/voice/${code}`, base(c));
  const offer = new URL(attribute(String(entry.body), 'Gather', 'action') as string);
  const answer = await stack.post(offer.pathname, { ...base(c), Digits: '2' }, { query: offer.search.slice(1) });
  const twiml = String(answer.body);
  expect(twiml).toContain('<Pay ');
  return { twiml, action: new URL(attribute(twiml, 'Pay', 'action') as string) };
}

const SUCCESS = (code: string) => ({
  Result: 'success',
  PaymentConfirmationCode: code,
  PaymentCardNumber: 'xxxx-xxxx-xxxx-4242',
  PaymentCardType: 'visa',
  ExpirationDate: '1230',
  SecurityCode: '***',
  PaymentCardPostalCode: '94107',
  PaymentMethod: 'credit-card',
});

const postPay = (c: Caller, action: URL, params: Record<string, string>, options: { signature?: string } = {}) =>
  stack.post(action.pathname, { ...base(c), ...params }, { query: action.search.slice(1), ...options });

const cardItems = async (customerId: string) => (await crm.items(customerId)).filter((i) => i.type === 'onlinePayment');
const owed = async (customerId: string) => {
  const b = await crm.balance({ id: customerId }, 'USD');
  return b.status === 'ok' ? b.owed : undefined;
};
const session = async (callSid: string) =>
  (await stack.db.doc.send(new ScanCommand({ TableName: stack.tables.sessions }))).Items?.find((i) => i.callSid === callSid) as Session | undefined;

describe('the <Pay> action webhook', () => {
  it(
    'settles a success: the caller hears the amount in words and goes on; the call log says paid-in-call with the masked card',
    quiet(async () => {
      const c = await newCaller();
      const { action } = await toPay(c);
      expect(action.pathname).toBe('/voice/pay-card-en/pay');
      const answer = await postPay(c, action, SUCCESS(`ch_ok_${n}`));
      expect(answer.statusCode).toBe(200);
      expect(String(answer.body)).toContain('Your payment of forty-eight dollars and twenty cents was received. Thank you.');
      expect(String(answer.body)).toContain('<Dial><Number>+982191000000</Number></Dial>');
      expect(await owed(c.customerId)).toBe(0);
      expect(await cardItems(c.customerId)).toEqual([
        expect.objectContaining({ number: `TP-ch_ok_${n}`, fields: expect.objectContaining({ FinalValue: 4820, Card: '****4242' }) }),
      ]);
      const status = await stack.post('/status', { ...base(c), CallStatus: 'completed', CallDuration: '95' });
      expect(status.statusCode).toBe(200);
      expect(await storedCallLog(stack, c.callSid)).toMatchObject({
        outcome: 'paid-in-call',
        destination: 'sales',
        paid: { amount: 4820, currency: 'USD', confirmationCode: `ch_ok_${n}`, maskedCard: '****4242' },
      });
    }),
  );

  it(
    'refuses a bad or missing signature with 403: nothing settled, the session still waits for the <Pay>',
    quiet(async () => {
      const c = await newCaller();
      const { action } = await toPay(c);
      expect((await postPay(c, action, SUCCESS(`ch_forged_${n}`), { signature: 'AAAAAAAAAAAAAAAAAAAAAAAAAAA=' })).statusCode).toBe(403);
      expect((await postPay(c, action, SUCCESS(`ch_forged_${n}`), { signature: '' })).statusCode).toBe(403);
      expect(await cardItems(c.customerId)).toEqual([]);
      expect(await session(c.callSid)).toMatchObject({ step: 'pay', turn: 2 });
    }),
  );

  it(
    'refuses a parameter Twilio does not send for <Pay> (the allowlist), before anything is read',
    quiet(async () => {
      const c = await newCaller();
      const { action } = await toPay(c);
      expect((await postPay(c, action, { ...SUCCESS(`ch_extra_${n}`), Amount: '0.01' })).statusCode).toBe(403);
      expect(await cardItems(c.customerId)).toEqual([]);
    }),
  );

  it(
    'settles once when Twilio delivers the same success 5 times in a row: every answer the same',
    quiet(async () => {
      const c = await newCaller();
      const { action } = await toPay(c);
      const answers: string[] = [];
      for (let i = 0; i < 5; i += 1) answers.push(String((await postPay(c, action, SUCCESS(`ch_seq_${n}`))).body));
      expect(new Set(answers).size).toBe(1);
      expect(answers[0]).toContain('was received');
      expect(await cardItems(c.customerId)).toHaveLength(1);
      expect(await owed(c.customerId)).toBe(0);
    }),
  );

  it(
    'settles once when the same success arrives 5 times at once: one answer, one item',
    quiet(async () => {
      const c = await newCaller();
      const { action } = await toPay(c);
      const answers = await Promise.all(Array.from({ length: 5 }, () => postPay(c, action, SUCCESS(`ch_par_${n}`))));
      expect(answers.map((a) => a.statusCode)).toEqual([200, 200, 200, 200, 200]);
      expect(new Set(answers.map((a) => String(a.body))).size).toBe(1);
      expect(String(answers[0]?.body)).toContain('was received');
      expect(await cardItems(c.customerId)).toHaveLength(1);
      expect(await owed(c.customerId)).toBe(0);
      expect(await session(c.callSid)).toMatchObject({ step: 'done', outcome: 'paid-in-call', turn: 3 });
    }),
  );

  it(
    'settles nothing for a success on a call with no session (a forged or lost one): apology',
    quiet(async () => {
      const c = await newCaller();
      const action = new URL(`${stack.baseUrl}/voice/pay-card-en/pay?t=2`);
      const answer = await postPay(c, action, SUCCESS(`ch_nosession_${n}`));
      expect(answer.statusCode).toBe(200);
      expect(String(answer.body)).toContain('Sorry, we cannot complete your request right now.');
      expect(await cardItems(c.customerId)).toEqual([]);
      expect(await owed(c.customerId)).toBe(4820);
    }),
  );

  it(
    'settles nothing for a success on a call that is not in a <Pay>, or for another turn than the session’s',
    quiet(async () => {
      const c = await newCaller();
      const entry = await stack.post('/voice/pay-card-en', base(c));
      // At the offer (turn 1): a <Pay> action for turn 1 or 2 is not the session's; the last answer is replayed.
      for (const t of ['1', '2']) {
        const answer = await postPay(c, new URL(`${stack.baseUrl}/voice/pay-card-en/pay?t=${t}`), SUCCESS(`ch_early_${n}`));
        expect(String(answer.body)).toBe(String(entry.body));
      }
      const { action } = await toPay(c);
      const stale = await postPay(c, new URL(`${stack.baseUrl}/voice/pay-card-en/pay?t=7`), SUCCESS(`ch_stale_${n}`));
      expect(String(stale.body)).toContain('<Pay ');
      expect(await cardItems(c.customerId)).toEqual([]);
      expect(await session(c.callSid)).toMatchObject({ step: 'pay', turn: Number(action.searchParams.get('t')) });
    }),
  );

  it(
    'refuses a success that names another amount or currency than the session’s: nothing settled',
    quiet(async () => {
      const forgeries: Array<Record<string, string>> = [{ ChargeAmount: '0.01' }, { ChargeAmount: '48.20', Currency: 'eur' }];
      for (const forged of forgeries) {
        const c = await newCaller();
        const { action } = await toPay(c);
        const answer = await postPay(c, action, { ...SUCCESS(`ch_amount_${n}`), ...forged });
        expect(String(answer.body)).toContain('Sorry, we cannot complete your request right now.');
        expect(await cardItems(c.customerId)).toEqual([]);
        expect(await owed(c.customerId)).toBe(4820);
        expect(await session(c.callSid)).toMatchObject({ outcome: 'error', reason: 'pay-amount-mismatch' });
      }
    }),
  );

  it(
    'refuses a confirmation code already settled for another call: the second customer is not credited',
    quiet(async () => {
      const first = await newCaller();
      const firstPay = await toPay(first);
      await postPay(first, firstPay.action, SUCCESS('ch_reused'));
      const second = await newCaller();
      const { action } = await toPay(second);
      const answer = await postPay(second, action, SUCCESS('ch_reused'));
      expect(String(answer.body)).toContain('Sorry, we cannot complete your request right now.');
      expect(await owed(second.customerId)).toBe(4820);
      expect(await cardItems(second.customerId)).toEqual([]);
      expect(await session(second.callSid)).toMatchObject({ outcome: 'error', reason: 'pay-confirmation-reused' });
    }),
  );

  it(
    'offers again after a decline, charging the same amount through a new turn',
    quiet(async () => {
      const c = await newCaller();
      const { action } = await toPay(c);
      const declined = String(
        (
          await postPay(c, action, {
            Result: 'payment-connector-error',
            PaymentError: 'card is declined',
            ConnectorError: 'card_declined',
            PaymentMethod: 'credit-card',
          })
        ).body,
      );
      expect(declined).toContain('Sorry, your card was not charged.');
      const offer = new URL(attribute(declined, 'Gather', 'action') as string);
      const again = String((await stack.post(offer.pathname, { ...base(c), Digits: '2' }, { query: offer.search.slice(1) })).body);
      expect(attribute(again, 'Pay', 'chargeAmount')).toBe('48.20');
      expect(attribute(again, 'Pay', 'action')).toBe(`${stack.baseUrl}/voice/pay-card-en/pay?t=4`);
    }),
  );
});

describe('the <Pay> status callback webhook', () => {
  it('answers 200 with an empty document and logs the step, signed like every webhook; settles and stores nothing', async () => {
    const c = await newCaller();
    await toPay(c);
    const before = await session(c.callSid);
    const params = {
      AccountSid: 'AC00000000000000000000000000000000',
      CallSid: c.callSid,
      For: 'expiration-date',
      Attempt: '1',
      PaymentCardNumber: 'xxxx-xxxx-xxxx-4242',
      PaymentCardType: 'visa',
      PaymentMethod: 'credit-card',
    };
    const { result, lines } = await captureOutput(() => stack.post('/voice/pay-card-en/pay-status', params));
    expect(result.statusCode).toBe(200);
    expect(String(result.body)).toBe('<?xml version="1.0" encoding="UTF-8"?><Response/>');
    const logged = lines.map((l) => JSON.parse(l) as Record<string, unknown>).find((l) => l.message === 'card payment in progress');
    expect(logged).toMatchObject({ for: 'expiration-date', attempt: '1', cardType: 'visa', card: '****4242', moduleCode: 'pay-card-en' });
    expect(await session(c.callSid)).toEqual(before);
    expect((await stack.post('/voice/pay-card-en/pay-status', params, { signature: 'AAAAAAAAAAAAAAAAAAAAAAAAAAA=' })).statusCode).toBe(403);
  });
});

describe('card data', () => {
  // A card number and security code as they would look were Twilio ever to send them unmasked.
  const PAN = '4000056655665556';
  const CVC = '9713';
  const EXPIRY = '0931';
  const TOKEN = 'tok_1PanLeakCheck';

  /** Every string and number inside a stored item or a log line, however deep. */
  function values(node: unknown, out: string[] = []): string[] {
    if (typeof node === 'string' || typeof node === 'number') out.push(String(node));
    else if (Array.isArray(node)) for (const v of node) values(v, out);
    else if (node && typeof node === 'object') for (const v of Object.values(node)) values(v, out);
    return out;
  }

  async function everythingStored(): Promise<Array<{ table: string; item: Record<string, unknown> }>> {
    const all: Array<{ table: string; item: Record<string, unknown> }> = [];
    for (const table of Object.values(stack.tables)) {
      let start: Record<string, unknown> | undefined;
      do {
        const page = await stack.db.doc.send(new ScanCommand({ TableName: table, ...(start ? { ExclusiveStartKey: start } : {}) }));
        for (const item of page.Items ?? []) all.push({ table, item });
        start = page.LastEvaluatedKey;
      } while (start);
    }
    return all;
  }

  it('reaches no request we store or log: no card number, security code, expiry or token in any table or log line', async () => {
    const c = await newCaller();
    const { lines } = await captureOutput(async () => {
      const { action } = await toPay(c);
      const cardParams = {
        PaymentCardNumber: PAN,
        SecurityCode: CVC,
        ExpirationDate: EXPIRY,
        PaymentToken: TOKEN,
        PaymentCardType: 'visa',
        PaymentCardPostalCode: '94107',
        PaymentMethod: 'credit-card',
      };
      for (const step of ['payment-card-number', 'expiration-date', 'security-code']) {
        expect(
          (
            await stack.post('/voice/pay-card-en/pay-status', {
              AccountSid: 'AC00000000000000000000000000000000',
              CallSid: c.callSid,
              For: step,
              Attempt: '1',
              ...cardParams,
            })
          ).statusCode,
        ).toBe(200);
      }
      const declined = String((await postPay(c, action, { Result: 'payment-connector-error', PaymentError: 'card is declined', ...cardParams })).body);
      const offer = new URL(attribute(declined, 'Gather', 'action') as string);
      const again = String((await stack.post(offer.pathname, { ...base(c), Digits: '2' }, { query: offer.search.slice(1) })).body);
      const paid = await postPay(c, new URL(attribute(again, 'Pay', 'action') as string), {
        Result: 'success',
        PaymentConfirmationCode: `ch_leak_${n}`,
        ...cardParams,
      });
      expect(String(paid.body)).toContain('was received');
      await stack.post('/status', { ...base(c), CallStatus: 'completed', CallDuration: '120' });
    });

    // The payment went through and its card was seen, masked, both in the ledger and in the logs.
    expect(await cardItems(c.customerId)).toEqual([expect.objectContaining({ fields: expect.objectContaining({ Card: '****5556' }) })]);
    expect(lines.some((l) => l.includes('****5556'))).toBe(true);
    expect(await storedCallLog(stack, c.callSid)).toMatchObject({ paid: { maskedCard: '****5556' } });

    const leaks = (text: string) => text.includes(PAN.slice(0, 12)) || text.includes(PAN.slice(4)) || text.includes(TOKEN);
    const stored = await everythingStored();
    expect(stored.length).toBeGreaterThan(20);
    for (const { table, item } of stored) {
      const all = values(item);
      expect({ table, leaked: all.filter(leaks) }).toEqual({ table, leaked: [] });
      expect({ table, securityCode: all.filter((v) => v === CVC || v === EXPIRY) }).toEqual({ table, securityCode: [] });
    }
    expect(lines.length).toBeGreaterThan(5);
    for (const line of lines) {
      expect(leaks(line)).toBe(false);
      const all = values(JSON.parse(line));
      expect(all.filter((v) => v === CVC || v === EXPIRY)).toEqual([]);
    }
  });
});
