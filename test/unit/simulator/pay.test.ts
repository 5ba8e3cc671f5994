/** The simulator at a <Pay>: reads it, plays its prompts, posts its status callbacks, then the Result as Twilio does. */
import { parseArgs } from '../../../scripts/call';
import { formatEvent } from '../../../tools/simulator/format-transcript';
import { payActionParams, payAnswerer, payStatusParams } from '../../../tools/simulator/pay-answerer';
import type { TranscriptEvent } from '../../../tools/simulator/transcript';
import { parseTwiml } from '../../../tools/simulator/twiml-parser';
import { executeVerbs, type DocumentOutcome } from '../../../tools/simulator/verb-executor';

const BASE = 'http://127.0.0.1:3000';
const DOCUMENT_URL = `${BASE}/voice/pay-card-en/pay-offer?t=1`;

const PAY = `<Pay input="dtmf" action="${BASE}/voice/pay-card-en/pay?t=2" statusCallback="/voice/pay-card-en/pay-status" paymentConnector="Stripe_Test" chargeAmount="48.20" currency="usd" postalCode="false" securityCode="true" maxAttempts="2">
  <Prompt for="payment-card-number"><Say voice="Polly.Joanna">Card number, please.</Say></Prompt>
  <Prompt for="payment-card-number" errorType="timeout"><Say>Nothing heard. Card number, please.</Say></Prompt>
  <Prompt for="payment-card-number" errorType="invalid-card-number invalid-card-type"><Play>https://cdn.example.com/invalid.wav</Play></Prompt>
  <Prompt for="expiration-date"><Say>Expiry, please.</Say></Prompt>
  <Prompt for="security-code"><Say>Security code, please.</Say></Prompt>
  <Prompt for="payment-processing"><Say>One moment.</Say></Prompt>
</Pay>`;

async function run(
  answer: Parameters<typeof payActionParams>[0],
): Promise<{ outcome: DocumentOutcome; events: TranscriptEvent[]; status: Array<{ url: string; params: Record<string, string> }> }> {
  const events: TranscriptEvent[] = [];
  const status: Array<{ url: string; params: Record<string, string> }> = [];
  const outcome = await executeVerbs(parseTwiml(`<Response>${PAY}</Response>`), DOCUMENT_URL, {
    baseUrl: BASE,
    emit: (e) => events.push(e),
    answerGather: async () => null,
    transcribePlay: async (url) => `text of ${url}`,
    answerPay: async () => answer,
    postPayStatus: async (url, params) => {
      status.push({ url, params });
      return 200;
    },
    confirmationCode: () => 'ch_unit_1',
  });
  return { outcome, events, status };
}

describe('reading a <Pay>', () => {
  it('keeps its attributes and every <Prompt> with its step, error types and verbs', () => {
    const [pay] = parseTwiml(`<Response>${PAY}</Response>`);
    expect(pay).toMatchObject({
      verb: 'Pay',
      paymentConnector: 'Stripe_Test',
      chargeAmount: '48.20',
      currency: 'usd',
      postalCode: 'false',
      securityCode: 'true',
      maxAttempts: 2,
    });
    expect(pay?.verb === 'Pay' && pay.prompts.map((p) => [p.for, p.errorType])).toEqual([
      ['payment-card-number', []],
      ['payment-card-number', ['timeout']],
      ['payment-card-number', ['invalid-card-number', 'invalid-card-type']],
      ['expiration-date', []],
      ['security-code', []],
      ['payment-processing', []],
    ]);
  });
});

describe('answering a <Pay>', () => {
  it('success: plays the first prompt of each step asked, posts one status callback per step, then success with a masked card to the action', async () => {
    const { outcome, events, status } = await run('success');
    expect(events.filter((e) => e.type === 'say').map((e) => [e.type === 'say' && e.text, e.type === 'say' && e.inPay])).toEqual([
      ['Card number, please.', 'payment-card-number'],
      ['Expiry, please.', 'expiration-date'],
      ['Security code, please.', 'security-code'],
      ['One moment.', 'payment-processing'],
    ]);
    expect(status.map((s) => s.params.For)).toEqual(['payment-card-number', 'expiration-date', 'security-code', 'payment-processing']);
    expect(status[0]?.url).toBe(`${BASE}/voice/pay-card-en/pay-status`);
    expect(outcome).toEqual({
      next: {
        url: `${BASE}/voice/pay-card-en/pay?t=2`,
        method: 'POST',
        params: {
          Result: 'success',
          PaymentConfirmationCode: 'ch_unit_1',
          PaymentMethod: 'credit-card',
          PaymentCardNumber: 'xxxx-xxxx-xxxx-4242',
          PaymentCardType: 'visa',
          ExpirationDate: '1230',
          SecurityCode: '***',
        },
      },
    });
    const pay = events.find((e) => e.type === 'pay');
    expect(pay).toMatchObject({
      answered: 'success',
      result: 'success',
      chargeAmount: '48.20',
      currency: 'usd',
      connector: 'Stripe_Test',
      postalCode: false,
      securityCode: true,
      statusCallbacks: [200, 200, 200, 200],
    });
    expect(formatEvent(pay as TranscriptEvent, BASE)).toBe(
      '💳 pay 48.20 USD via Stripe_Test (card number, expiry, security code) → success: Result=success; 4 status callback(s): 200   [action /voice/pay-card-en/pay?t=2]',
    );
  });

  it('timeout: the card number prompt, then its timeout prompt for each further attempt; too-many-failed-attempts with input-timeout', async () => {
    const { outcome, events, status } = await run('timeout');
    expect(events.filter((e) => e.type === 'say').map((e) => e.type === 'say' && e.text)).toEqual([
      'Card number, please.',
      'Nothing heard. Card number, please.',
    ]);
    expect(status.map((s) => [s.params.For, s.params.ErrorType, s.params.Attempt])).toEqual([
      ['payment-card-number', 'input-timeout', '1'],
      ['payment-card-number', 'input-timeout', '2'],
    ]);
    expect(outcome).toMatchObject({ next: { params: { Result: 'too-many-failed-attempts', PaymentError: 'input-timeout' } } });
  });

  it.each([
    ['decline', { Result: 'payment-connector-error', PaymentError: 'card is declined', ConnectorError: 'card_declined' }],
    ['star', { Result: 'caller-interrupted-with-star' }],
    ['hangup', { Result: 'caller-hung-up' }],
    ['validation-error', { Result: 'validation-error', PayErrorCode: '64004' }],
    ['internal-error', { Result: 'internal-error' }],
    ['too-many-attempts', { Result: 'too-many-failed-attempts', PaymentError: 'invalid-card-number' }],
  ] as const)('%s: posts the Result Twilio documents for it', async (answer, expected) => {
    const { outcome } = await run(answer);
    expect(outcome).toMatchObject({ next: { params: expected } });
    const params = (outcome as { next: { params: Record<string, string> } }).next.params;
    expect(params.PaymentConfirmationCode).toBeUndefined();
  });

  it('never makes up a card number: every card it reports is masked, the status callbacks included', () => {
    const question = { action: 'x', postalCode: true, securityCode: true, maxAttempts: 3 };
    for (const answer of ['success', 'decline', 'timeout'] as const) {
      const all = [payActionParams(answer, question, 'ch_x'), ...payStatusParams(answer, question)];
      for (const params of all) {
        expect((params.PaymentCardNumber ?? '').replace(/\D/g, '').length).toBeLessThanOrEqual(4);
        expect(params.SecurityCode ?? '***').toBe('***');
      }
    }
  });

  it('takes the scripted answers in turn, then an input timeout; asks on the terminal when there is no script', async () => {
    const scripted = payAnswerer({ pay: ['decline', 'success'] });
    const q = { action: 'x', postalCode: true, securityCode: true, maxAttempts: 1 };
    expect([await scripted.answer(q), await scripted.answer(q), await scripted.answer(q)]).toEqual(['decline', 'success', 'timeout']);
    const typed = ['nonsense', 'star'];
    const asking = payAnswerer({ ask: async () => typed.shift() ?? '' });
    expect(await asking.answer(q)).toBe('star');
  });
});

describe('npm run call -- --pay', () => {
  it('reads one answer per <Pay>, comma-separated', () => {
    expect(parseArgs(['pay-card-en', '--from', '+15005550007', '--digits', '2,2', '--pay', 'decline,success'])).toMatchObject({
      code: 'pay-card-en',
      digits: ['2', '2'],
      pay: ['decline', 'success'],
    });
  });

  it('refuses an answer it does not know, naming the ones it does', () => {
    expect(() => parseArgs(['pay-card-en', '--from', '+1', '--pay', 'paid'])).toThrow(/"paid" is not one of success, decline/);
  });
});
