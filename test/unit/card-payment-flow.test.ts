/**
 * Card payment inside the call, in the pure balance flow: the offer after the announcement,
 * the <Pay> for the exact amount, and what every Result of Twilio's <Pay> action leads to.
 */
import { decideBalance, payPrompts, type BalanceFlowContext, type BalanceLookups } from '../../lib/flow/balance-flow';
import type { FlowInput } from '../../lib/flow/module-visit';
import type { PayAction } from '../../lib/flow/actions';
import type { Session } from '../../lib/domain/session';
import type { CardSettlement, PayReport } from '../../lib/domain/card-payment';
import type { BalanceModuleInput } from '../../lib/config/module-schema';
import { CALL_SID, contextFor, entryInput, moduleFixture } from '../support/flow-fixtures';

const CUSTOMER = { id: 'c-9', name: 'Noah' };
const CARD = { enabled: true, connector: 'Stripe_Test' };

function cardModule(extra: Partial<BalanceModuleInput> = {}): BalanceFlowContext {
  return contextFor(moduleFixture({ currency: 'USD', financialAccount: 'acc-usd', cardPayment: CARD, maxAttempts: 2, ...extra }));
}

/** One step, answering the flow's lookups and side effects like the handler does; records what it asked for. */
function step(ctx: BalanceFlowContext, session: Session | undefined, input: FlowInput, answers: BalanceLookups = {}) {
  let lookups: BalanceLookups = {};
  const asked: Array<{ kind: string; [k: string]: unknown }> = [];
  for (;;) {
    const decision = decideBalance(ctx, session, input, lookups);
    if (decision.kind === 'respond') return { ...decision, asked };
    asked.push(decision.need);
    const need = decision.need;
    if (need.kind === 'identify-by-phone') lookups = { ...lookups, identity: answers.identity ?? { status: 'found', customer: CUSTOMER } };
    else if (need.kind === 'balance') lookups = { ...lookups, balance: answers.balance ?? { status: 'ok', owed: 4820, credit: 0 } };
    else if (need.kind === 'find-item') lookups = { ...lookups, item: answers.item ?? { status: 'not-found' } };
    else if (need.kind === 'payment-link') lookups = { ...lookups, paymentLink: answers.paymentLink ?? { status: 'sent', deliveredByCrm: false } };
    else lookups = { ...lookups, settlement: answers.settlement ?? { status: 'settled' } };
  }
}

const press = (s: Session, at: 'pay-offer' | 'item' | 'confirm', digits: string): FlowInput => ({
  step: at,
  callSid: CALL_SID,
  from: s.from,
  to: s.to,
  digits,
});
const payReport = (s: Session, report: PayReport): FlowInput => ({ step: 'pay', callSid: CALL_SID, from: s.from, to: s.to, pay: report });
const SUCCESS: PayReport = { result: 'success', confirmationCode: 'ch_3PaidByCard', maskedCard: '****4242', cardType: 'visa' };

/** Entry (announcement and offer), then 2: the session waiting for the <Pay> action. */
function atPay(ctx: BalanceFlowContext, answers: BalanceLookups = {}) {
  const offered = step(ctx, undefined, entryInput('+15005550007'), answers).session;
  const paying = step(ctx, offered, press(offered, 'pay-offer', '2'), answers);
  return paying;
}

describe('card payment in the call: the offer', () => {
  it('offers "press 2 to pay now by card" after the announcement, the announcement said before the gather', () => {
    const r = step(cardModule(), undefined, entryInput('+15005550007'));
    expect(r.actions).toEqual([
      { kind: 'say', items: [{ prompt: 'intro' }, { prompt: 'yourBalanceIs' }, { amount: 4820, currency: { code: 'USD' } }, { prompt: 'owed' }] },
      {
        kind: 'gather',
        action: 'https://ivr.example.com/voice/bal/pay-offer?t=1',
        items: [{ prompt: 'payOffer' }],
        timeoutSeconds: 6,
        finishOnKey: '#',
        numDigits: 1,
      },
      { kind: 'redirect', url: 'https://ivr.example.com/voice/bal/pay-offer?t=1' },
    ]);
    expect(r.session).toMatchObject({ step: 'pay-offer', attempts: 0, balance: { owed: 4820, currency: 'USD' } });
  });

  it('makes no offer to a caller with no debt (told so, error destination as always)', () => {
    const r = step(cardModule(), undefined, entryInput(), { balance: { status: 'ok', owed: 0, credit: 0 } });
    expect(r.session).toMatchObject({ outcome: 'no-debt', step: 'done' });
    expect(r.actions.some((a) => a.kind === 'gather')).toBe(false);
  });

  it('makes no offer on a module stored in IRR with card payment on (the schema refuses it; the flow does not trust it)', () => {
    const irr = { ...moduleFixture(), cardPayment: { ...CARD, paymentMethod: 'credit-card' as const, postalCode: true, securityCode: true, maxAttempts: 2 } };
    const r = step(contextFor(irr), undefined, entryInput(), { balance: { status: 'ok', owed: 1_250_000, credit: 0 } });
    expect(r.session).toMatchObject({ outcome: 'next', step: 'done' });
  });

  it('goes on as without the offer when the caller presses another key or stays silent', () => {
    const ctx = cardModule();
    const offered = step(ctx, undefined, entryInput()).session;
    for (const digits of ['1', '', '*']) {
      const r = step(ctx, offered, press(offered, 'pay-offer', digits));
      expect(r.actions).toEqual([{ kind: 'dial', target: '+982191000000' }]);
      expect(r.session).toMatchObject({ outcome: 'next', destination: 'next', step: 'done' });
    }
  });

  it('goes on to the payment link when the caller declines and the module also sends links', () => {
    const ctx = cardModule({ forceMobileEntry: true, sendPaymentLink: true });
    const atMobile = step(ctx, undefined, entryInput()).session;
    const offered = step(ctx, atMobile, { step: 'mobile', callSid: CALL_SID, from: atMobile.from, to: atMobile.to, digits: '09125550007' }).session;
    expect(offered.step).toBe('pay-offer');
    const r = step(ctx, offered, press(offered, 'pay-offer', '9'));
    expect(r.asked.map((n) => n.kind)).toEqual(['payment-link']);
    expect(r.actions[0]).toEqual({ kind: 'say', items: [{ prompt: 'linkSent' }] });
  });
});

describe('card payment in the call: the <Pay>', () => {
  it('charges the exact amount owed as a decimal string, in the module currency, with every prompt and both URLs', () => {
    const r = atPay(cardModule());
    const pay = r.actions[0] as PayAction;
    expect(r.actions).toHaveLength(1);
    expect(pay).toMatchObject({
      kind: 'pay',
      action: 'https://ivr.example.com/voice/bal/pay?t=2',
      statusCallback: 'https://ivr.example.com/voice/bal/pay-status',
      connector: 'Stripe_Test',
      chargeAmount: '48.20',
      currency: 'usd',
      paymentMethod: 'credit-card',
      postalCode: true,
      securityCode: true,
      maxAttempts: 2,
      timeoutSeconds: 6,
      description: 'account balance',
      language: 'en-US',
    });
    expect(pay.prompts).toEqual(payPrompts({ postalCode: true, securityCode: true }));
    expect(r.session).toMatchObject({
      step: 'pay',
      turn: 2,
      card: { chosen: true, charge: { amount: 4820, currency: 'USD', items: [], moneyAccount: 'acc-usd' } },
    });
  });

  it('keeps cents exact for amounts a float would round (0.07, 1,000,000.01 and a yen amount without decimals)', () => {
    expect((atPay(cardModule(), { balance: { status: 'ok', owed: 7, credit: 0 } }).actions[0] as PayAction).chargeAmount).toBe('0.07');
    expect((atPay(cardModule(), { balance: { status: 'ok', owed: 100_000_001, credit: 0 } }).actions[0] as PayAction).chargeAmount).toBe('1000000.01');
    const yen = atPay(cardModule({ currency: 'JPY', financialAccount: undefined }), { balance: { status: 'ok', owed: 1500, credit: 0 } })
      .actions[0] as PayAction;
    expect(yen).toMatchObject({ chargeAmount: '1500', currency: 'jpy' });
  });

  it('covers every card step and every error Twilio reports at it, and leaves out the steps the module does not ask', () => {
    const all = payPrompts({ postalCode: true, securityCode: true });
    expect(all.map((p) => [p.for, (p.errorType ?? []).join(' ')])).toEqual([
      ['payment-card-number', ''],
      ['payment-card-number', 'timeout'],
      ['payment-card-number', 'invalid-card-number invalid-card-type'],
      ['expiration-date', ''],
      ['expiration-date', 'timeout'],
      ['expiration-date', 'invalid-date'],
      ['security-code', ''],
      ['security-code', 'timeout'],
      ['security-code', 'invalid-security-code'],
      ['postal-code', ''],
      ['postal-code', 'timeout'],
      ['payment-processing', ''],
    ]);
    expect(all[2]?.items).toEqual([{ prompt: 'payInvalidCard' }, { prompt: 'payEnterCardNumber' }]);
    expect(all[1]?.items).toEqual([{ prompt: 'payNoInput' }, { prompt: 'payEnterCardNumber' }]);
    const cardOnly = payPrompts({ postalCode: false, securityCode: false }).map((p) => p.for);
    expect(cardOnly).not.toContain('security-code');
    expect(cardOnly).not.toContain('postal-code');
    expect(payPrompts({ postalCode: false, securityCode: true }).map((p) => p.for)).toContain('security-code');
  });

  it('gives a Persian module no Twilio language: every prompt is its own recording', () => {
    const r = atPay(cardModule({ language: 'fa', currency: 'CAD', financialAccount: undefined }));
    expect(r.actions[0]).not.toHaveProperty('language');
    expect(r.actions[0]).toMatchObject({ currency: 'cad', chargeAmount: '48.20' });
  });

  it('asks for the item number first for an item payment, and charges that item only', () => {
    const ctx = cardModule({ askItemNumber: true, invoiceSearchField: 'Serial' });
    const offered = step(ctx, undefined, entryInput()).session;
    const asking = step(ctx, offered, press(offered, 'pay-offer', '2'));
    expect(asking.actions[0]).toMatchObject({ kind: 'gather', action: 'https://ivr.example.com/voice/bal/item?t=2', items: [{ prompt: 'enterItemNumber' }] });
    const found = { status: 'found' as const, item: { type: 'invoice' as const, number: 'INV-5002', amount: 2000, paid: false, moneyAccount: 'acc-usd-2' } };
    const r = step(ctx, asking.session, press(asking.session, 'item', '5002#'), { item: found });
    expect(r.asked).toEqual([
      { kind: 'find-item', customer: CUSTOMER, query: { type: 'invoice', number: '5002', searchField: 'Serial', valueField: 'FinalValue', currency: 'USD' } },
    ]);
    expect(r.actions[0]).toMatchObject({ kind: 'pay', chargeAmount: '20.00', description: 'invoice INV-5002' });
    expect(r.session.card?.charge).toEqual({ amount: 2000, currency: 'USD', items: ['INV-5002'], moneyAccount: 'acc-usd-2' });
  });
});

describe('card payment in the call: each Result', () => {
  const ctx = cardModule();

  it('success: settles once (the session’s amount and customer), confirms the amount in words, paid-in-call to the next destination', () => {
    const paying = atPay(ctx).session;
    const r = step(ctx, paying, payReport(paying, SUCCESS));
    expect(r.asked).toEqual([
      {
        kind: 'settle-card-payment',
        payment: {
          confirmationCode: 'ch_3PaidByCard',
          customerId: 'c-9',
          callSid: CALL_SID,
          moduleCode: 'bal',
          invoiceType: 'invoice',
          charge: { amount: 4820, currency: 'USD', items: [], moneyAccount: 'acc-usd' },
          maskedCard: '****4242',
        },
      },
    ]);
    expect(r.actions).toEqual([
      { kind: 'say', items: [{ prompt: 'paymentOf' }, { amount: 4820, currency: { code: 'USD' } }, { prompt: 'paymentReceived' }] },
      { kind: 'dial', target: '+982191000000' },
    ]);
    expect(r.session).toMatchObject({
      step: 'done',
      outcome: 'paid-in-call',
      destination: 'next',
      card: { paid: { amount: 4820, currency: 'USD', confirmationCode: 'ch_3PaidByCard', maskedCard: '****4242' } },
    });
    expect(r.session.reason).toBeUndefined();
    expect(r.effects).toEqual([{ kind: 'metric', name: 'CallOutcome', dimensions: { module: 'bal', outcome: 'paid-in-call' } }]);
  });

  it('success already recorded by a twin delivery: the same confirmation, nothing else to do', () => {
    const paying = atPay(ctx).session;
    const r = step(ctx, paying, payReport(paying, SUCCESS), { settlement: { status: 'already-settled' } });
    expect(r.session).toMatchObject({ outcome: 'paid-in-call' });
  });

  it('success whose confirmation code belongs to another call: nothing is confirmed, apology and error destination', () => {
    const paying = atPay(ctx).session;
    const r = step(ctx, paying, payReport(paying, SUCCESS), { settlement: { status: 'conflict' } });
    expect(r.actions[0]).toEqual({ kind: 'say', items: [{ prompt: 'apology' }] });
    expect(r.session).toMatchObject({ outcome: 'error', reason: 'pay-confirmation-reused' });
    expect(r.session.card?.paid).toBeUndefined();
  });

  it('success the ledger could not record: the caller was charged and is told so; the call log says it is not recorded', () => {
    const paying = atPay(ctx).session;
    const failed: CardSettlement = { status: 'failed', reason: 'ProvisionedThroughputExceededException' };
    const r = step(ctx, paying, payReport(paying, SUCCESS), { settlement: failed });
    expect(r.actions[0]).toMatchObject({ kind: 'say', items: [{ prompt: 'paymentOf' }, { amount: 4820 }, { prompt: 'paymentReceived' }] });
    expect(r.session).toMatchObject({ outcome: 'paid-in-call', reason: 'pay-not-recorded:ProvisionedThroughputExceededException' });
  });

  it.each([
    ['another amount', { chargeAmount: '0.01' }],
    ['the same amount in another currency', { chargeAmount: '48.20', currency: 'eur' }],
    ['an amount that is not a number', { chargeAmount: '48.2O' }],
  ])('refuses a success that names %s: nothing settled', (_what, forged) => {
    const paying = atPay(ctx).session;
    const r = step(ctx, paying, payReport(paying, { ...SUCCESS, ...forged }));
    expect(r.asked).toEqual([]);
    expect(r.session).toMatchObject({ outcome: 'error', reason: 'pay-amount-mismatch' });
  });

  it('accepts a success that repeats the session’s own amount and currency', () => {
    const paying = atPay(ctx).session;
    const r = step(ctx, paying, payReport(paying, { ...SUCCESS, chargeAmount: '48.20', currency: 'usd' }));
    expect(r.session.outcome).toBe('paid-in-call');
  });

  it('refuses a success without a confirmation code: nothing to settle once by', () => {
    const paying = atPay(ctx).session;
    const r = step(ctx, paying, payReport(paying, { result: 'success', maskedCard: '****4242' }));
    expect(r.asked).toEqual([]);
    expect(r.session).toMatchObject({ outcome: 'error', reason: 'pay-without-confirmation-code' });
  });

  it('connector error (declined): says so, offers again for the same amount, then the error destination after the attempts', () => {
    let s = atPay(ctx).session;
    const declined = step(ctx, s, payReport(s, { result: 'payment-connector-error', error: 'card is declined', connectorError: 'card_declined' }));
    expect(declined.actions[0]).toEqual({ kind: 'say', items: [{ prompt: 'payDeclined' }] });
    expect(declined.actions[1]).toMatchObject({ kind: 'gather', items: [{ prompt: 'payOffer' }], action: 'https://ivr.example.com/voice/bal/pay-offer?t=3' });
    expect(declined.session).toMatchObject({ step: 'pay-offer', attempts: 1 });
    s = declined.session;
    const again = step(ctx, s, press(s, 'pay-offer', '2'));
    expect(again.actions[0]).toMatchObject({ kind: 'pay', chargeAmount: '48.20', action: 'https://ivr.example.com/voice/bal/pay?t=4' });
    expect(again.asked).toEqual([]);
    s = again.session;
    const last = step(ctx, s, payReport(s, { result: 'payment-connector-error', connectorError: 'card_declined' }));
    expect(last.actions[0]).toEqual({ kind: 'say', items: [{ prompt: 'payDeclined' }, { prompt: 'limitReached' }] });
    expect(last.session).toMatchObject({ outcome: 'error', destination: 'err', reason: 'pay-declined:card_declined', attempts: 2 });
  });

  it('input timeout: "we did not receive any keys" and the offer again', () => {
    const s = atPay(ctx).session;
    const r = step(ctx, s, payReport(s, { result: 'too-many-failed-attempts', error: 'input-timeout' }));
    expect(r.actions[0]).toEqual({ kind: 'say', items: [{ prompt: 'payNoInput' }] });
    expect(r.session).toMatchObject({ step: 'pay-offer', attempts: 1 });
  });

  it('too many failed attempts (wrong numbers): "could not accept your card details", error destination', () => {
    const s = atPay(ctx).session;
    const r = step(ctx, s, payReport(s, { result: 'too-many-failed-attempts', error: 'invalid-card-number' }));
    expect(r.actions[0]).toEqual({ kind: 'say', items: [{ prompt: 'payFailed' }] });
    expect(r.session).toMatchObject({ outcome: 'error', reason: 'pay-too-many-failed-attempts' });
  });

  it('caller interrupted with star: "cancelled", then on as if the offer was declined (next destination)', () => {
    const s = atPay(ctx).session;
    const r = step(ctx, s, payReport(s, { result: 'caller-interrupted-with-star' }));
    expect(r.actions).toEqual([
      { kind: 'say', items: [{ prompt: 'payCancelled' }] },
      { kind: 'dial', target: '+982191000000' },
    ]);
    expect(r.session).toMatchObject({ outcome: 'next', reason: 'pay-cancelled', card: { chosen: false } });
  });

  it('caller interrupted with star on an item payment that also sends links: the link is asked for by item, not a second <Pay>', () => {
    const items = cardModule({ askItemNumber: true, forceMobileEntry: true, sendPaymentLink: true });
    const atMobile = step(items, undefined, entryInput()).session;
    const offered = step(items, atMobile, { step: 'mobile', callSid: CALL_SID, from: atMobile.from, to: atMobile.to, digits: '09125550007' }).session;
    const asking = step(items, offered, press(offered, 'pay-offer', '2')).session;
    const found = { status: 'found' as const, item: { type: 'invoice' as const, number: 'INV-1', amount: 1000, paid: false } };
    const paying = step(items, asking, press(asking, 'item', '1'), { item: found }).session;
    const star = step(items, paying, payReport(paying, { result: 'caller-interrupted-with-star' }));
    expect(star.actions[0]).toMatchObject({ kind: 'gather', items: [{ prompt: 'payCancelled' }, { prompt: 'enterItemNumber' }] });
    const link = step(items, star.session, press(star.session, 'item', '1'), { item: found });
    expect(link.asked.map((n) => n.kind)).toEqual(['find-item', 'payment-link']);
  });

  it('caller hung up: nothing said, the call is over and counted as abandoned', () => {
    const s = atPay(ctx).session;
    const r = step(ctx, s, payReport(s, { result: 'caller-hung-up' }));
    expect(r.actions).toEqual([{ kind: 'hangup' }]);
    expect(r.session).toMatchObject({ step: 'done', outcome: 'abandoned', reason: 'pay-caller-hung-up' });
    expect(r.effects).toEqual([{ kind: 'metric', name: 'CallOutcome', dimensions: { module: 'bal', outcome: 'abandoned' } }]);
  });

  it('validation error (the <Pay> was refused, e.g. an unknown connector): "could not be completed", error destination, no retry', () => {
    const s = atPay(ctx).session;
    const r = step(ctx, s, payReport(s, { result: 'validation-error', errorCode: '64004' }));
    expect(r.actions[0]).toEqual({ kind: 'say', items: [{ prompt: 'payNotCompleted' }] });
    expect(r.session).toMatchObject({ outcome: 'error', reason: 'pay-validation-error:64004' });
  });

  it('Twilio internal error: "could not be completed" and the offer again', () => {
    const s = atPay(ctx).session;
    const r = step(ctx, s, payReport(s, { result: 'internal-error' }));
    expect(r.actions[0]).toEqual({ kind: 'say', items: [{ prompt: 'payNotCompleted' }] });
    expect(r.session).toMatchObject({ step: 'pay-offer', attempts: 1 });
  });

  it('a Result Twilio does not document: apology, error destination, nothing settled', () => {
    const s = atPay(ctx).session;
    const r = step(ctx, s, payReport(s, { result: 'unknown' }));
    expect(r.asked).toEqual([]);
    expect(r.session).toMatchObject({ outcome: 'error', reason: 'pay-unknown-result' });
  });

  it('a <Pay> action for a call that is not in a <Pay> is a lost session: nothing settled', () => {
    const offered = step(ctx, undefined, entryInput()).session;
    const r = step(ctx, offered, payReport(offered, SUCCESS));
    expect(r.asked).toEqual([]);
    expect(r.session).toMatchObject({ outcome: 'error', reason: 'session-lost' });
  });
});
