/** The pure flow's payment-link path: what is paid, what the caller hears, where the call goes. */
import { decideBalance, type BalanceFlowContext, type BalanceLookups } from '../../lib/flow/balance-flow';
import type { Session } from '../../lib/domain/session';
import { parseBalanceModule, type BalanceModule } from '../../lib/config/module-schema';

function module(extra: Record<string, unknown>): BalanceModule {
  const parsed = parseBalanceModule({
    code: 'pay',
    name: 'Pay',
    language: 'en',
    forceMobileEntry: true,
    sendPaymentLink: true,
    financialAccount: 'acc-main',
    nextDestination: 'next',
    errorDestination: 'err',
    ...extra,
  });
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));
  return parsed.value;
}

const ctx = (m: BalanceModule): BalanceFlowContext => ({
  module: m,
  destinations: { next: { type: 'dial', code: 'next', target: '+15550000001' }, error: { type: 'hangup', code: 'err' } },
  moduleUrl: (c) => `https://x/voice/${c}`,
  stepUrl: (s, t) => `https://x/voice/pay/${s}?t=${t}`,
  now: new Date('2026-01-01T00:00:00Z'),
  sessionTtlSeconds: 3600,
});

const atMobile: Session = {
  callSid: 'CA1',
  moduleCode: 'pay',
  from: '+15005550001',
  to: '+1555',
  step: 'mobile',
  turn: 1,
  attempts: 0,
  startedAt: '',
  updatedAt: '',
  customer: { id: 'c-1', name: 'Ann' },
  trail: [],
  expiresAt: 0,
};
const owes: BalanceLookups = { balance: { status: 'ok', owed: 500_000, credit: 0 } };

describe('the payment link in the flow', () => {
  it('asks for the account balance link on the typed mobile, with the module’s account and currency', () => {
    const d = decideBalance(
      ctx(module({ currency: { code: 'IRR', unit: 'toman' } })),
      atMobile,
      { step: 'mobile', callSid: 'CA1', from: '+15005550001', to: '+1555', digits: '09121111111' },
      owes,
    );
    expect(d).toEqual({
      kind: 'need',
      need: {
        kind: 'payment-link',
        caller: '+15005550001',
        request: expect.objectContaining({
          amount: 500_000,
          mobile: '+989121111111',
          items: [],
          moneyAccount: 'acc-main',
          invoiceType: 'invoice',
          language: 'en',
          callSid: 'CA1',
          currency: { code: 'IRR', unit: 'toman' },
        }),
      },
    });
  });

  it.each([
    [{ status: 'sent', deliveredByCrm: false }, 'linkSent', undefined],
    [{ status: 'not-sent', reason: 'sms-failed:twilio:invalid-number' }, 'linkNotSent', 'payment-link-not-sent:sms-failed:twilio:invalid-number'],
    [{ status: 'limit-reached', limit: 'caller' }, 'linkLimitReached', 'payment-link-limit:caller'],
  ] as const)('after %j the caller hears %s and goes to the next destination', (paymentLink, prompt, reason) => {
    const d = decideBalance(
      ctx(module({})),
      atMobile,
      { step: 'mobile', callSid: 'CA1', from: '+15005550001', to: '+1555', digits: '09121111111' },
      { ...owes, paymentLink },
    );
    expect(d.kind).toBe('respond');
    if (d.kind !== 'respond') return;
    expect(d.actions[0]).toMatchObject({ kind: 'say', items: expect.arrayContaining([{ prompt }]) });
    expect(d.actions[1]).toEqual({ kind: 'dial', target: '+15550000001' });
    expect(d.session).toMatchObject({ outcome: 'next', paymentLink });
    expect(d.session.reason).toBe(reason);
  });

  describe('with an item number', () => {
    const m = module({ askItemNumber: true, invoiceSearchField: 'Serial' });
    const atItem: Session = { ...atMobile, step: 'item', turn: 2, mobile: '+989121111111', balance: { owed: 500_000, credit: 0 } };
    const input = (digits: string) => ({ step: 'item' as const, callSid: 'CA1', from: '+15005550001', to: '+1555', digits });

    it('gathers the item number after the announcement', () => {
      const d = decideBalance(ctx(m), atMobile, { step: 'mobile', callSid: 'CA1', from: '+15005550001', to: '+1555', digits: '09121111111' }, owes);
      expect(d.kind === 'respond' && d.actions[0]).toMatchObject({
        kind: 'gather',
        action: 'https://x/voice/pay/item?t=2',
        items: expect.arrayContaining([{ prompt: 'enterItemNumber' }]),
      });
      expect(d.kind === 'respond' && d.session.step).toBe('item');
    });

    it('looks the item up among this customer’s items by the module’s fields', () => {
      expect(decideBalance(ctx(m), atItem, input('1002#'), {})).toEqual({
        kind: 'need',
        need: {
          kind: 'find-item',
          customer: atMobile.customer,
          query: { type: 'invoice', number: '1002', searchField: 'Serial', valueField: 'FinalValue', currency: 'IRR' },
        },
      });
    });

    it('asks for a link for the item’s amount and its money account', () => {
      const d = decideBalance(ctx(m), atItem, input('1002'), {
        item: { status: 'found', item: { type: 'invoice', number: 'INV-1002', amount: 75_000, paid: false, moneyAccount: 'acc-item' } },
      });
      expect(d).toMatchObject({ kind: 'need', need: { kind: 'payment-link', request: { amount: 75_000, items: ['INV-1002'], moneyAccount: 'acc-item' } } });
    });

    it.each([
      ['not found', { status: 'not-found' }],
      ['already paid', { status: 'found', item: { type: 'invoice', number: 'INV-1', amount: 5, paid: true } }],
    ] as const)('re-prompts an item that is %s, then gives up at the error destination', (_why, item) => {
      const retry = decideBalance(ctx(m), atItem, input('9'), { item });
      expect(retry.kind === 'respond' && retry.actions[0]).toMatchObject({
        kind: 'gather',
        items: [{ prompt: 'itemNotFound' }, { prompt: 'enterItemNumber' }],
      });
      const last = decideBalance(ctx(m), { ...atItem, attempts: 2 }, input('9'), { item });
      expect(last.kind === 'respond' && last.session).toMatchObject({ outcome: 'error', destination: 'err' });
      expect(last.kind === 'respond' && last.actions.at(-1)).toEqual({ kind: 'hangup' });
    });
  });
});
