import { decideBalance, type BalanceFlowContext, type BalanceLookups } from '../../lib/flow/balance-flow';
import { failureResponse, type FlowInput } from '../../lib/flow/module-visit';
import type { Session } from '../../lib/domain/session';
import type { BalanceResult } from '../../lib/domain/balance';
import type { IdentityResult } from '../../lib/domain/customer';
import { CALL_SID, contextFor, entryInput, moduleFixture } from '../support/flow-fixtures';

const FOUND: IdentityResult = { status: 'found', customer: { id: 'c-1', name: 'Sara' } };
const OWES = (owed: number): BalanceResult => ({ status: 'ok', owed, credit: 0 });

/** Runs one step, answering the flow's lookups from the given answers, like the handler does. */
function step(ctx: BalanceFlowContext, session: Session | undefined, input: FlowInput, answers: BalanceLookups = {}) {
  let lookups: BalanceLookups = {};
  const asked: string[] = [];
  for (;;) {
    const decision = decideBalance(ctx, session, input, lookups);
    if (decision.kind === 'respond') return { ...decision, asked };
    asked.push(decision.need.kind);
    if (decision.need.kind === 'identify-by-phone') lookups = { ...lookups, identity: answers.identity ?? { status: 'not-found' } };
    else lookups = { ...lookups, balance: answers.balance ?? OWES(0) };
  }
}

const gatherInput = (s: Session, step: 'mobile' | 'confirm', digits: string): FlowInput => ({ step, callSid: CALL_SID, from: s.from, to: s.to, digits });

describe('balance flow: identified caller', () => {
  it('asks the CRM who is calling, then for the balance, announces the debt and hands on to the next destination', () => {
    const ctx = contextFor(moduleFixture());
    const r = step(ctx, undefined, entryInput(), { identity: FOUND, balance: OWES(1_250_000) });
    expect(r.asked).toEqual(['identify-by-phone', 'balance']);
    expect(r.actions).toEqual([
      {
        kind: 'say',
        items: [{ prompt: 'intro' }, { prompt: 'yourBalanceIs' }, { amount: 1_250_000, currency: { code: 'IRR', unit: 'rial' } }, { prompt: 'owed' }],
      },
      { kind: 'dial', target: '+982191000000' },
    ]);
    expect(r.session).toMatchObject({
      step: 'done',
      outcome: 'next',
      destination: 'next',
      customer: FOUND.customer,
      identifiedBy: 'caller',
      balance: { owed: 1_250_000, credit: 0 },
    });
  });

  it('asks the CRM with the caller number from the webhook', () => {
    const ctx = contextFor(moduleFixture());
    const d = decideBalance(ctx, undefined, entryInput('+989121111111'), {});
    expect(d).toEqual({ kind: 'need', need: { kind: 'identify-by-phone', phone: '+989121111111' } });
  });

  it('hands speech the exact rials and the module’s toman unit (money.ts rounds, once, for every surface)', () => {
    const ctx = contextFor(moduleFixture({ currency: { code: 'IRR', unit: 'toman' } }));
    const r = step(ctx, undefined, entryInput(), { identity: FOUND, balance: OWES(12_345) });
    expect(r.actions[0]).toEqual({
      kind: 'say',
      items: [{ prompt: 'intro' }, { prompt: 'yourBalanceIs' }, { amount: 12_345, currency: { code: 'IRR', unit: 'toman' } }, { prompt: 'owed' }],
    });
  });

  it('treats a debt below half a toman as owed: announced (in rials by speech), then the next destination', () => {
    const ctx = contextFor(moduleFixture({ currency: { code: 'IRR', unit: 'toman' } }));
    const r = step(ctx, undefined, entryInput(), { identity: FOUND, balance: OWES(4) });
    expect(r.actions[0]).toEqual({
      kind: 'say',
      items: [{ prompt: 'intro' }, { prompt: 'yourBalanceIs' }, { amount: 4, currency: { code: 'IRR', unit: 'toman' } }, { prompt: 'owed' }],
    });
    expect(r.session).toMatchObject({ outcome: 'next', balance: { owed: 4, credit: 0, currency: 'IRR' } });
  });

  it('asks the CRM for the balance in the module’s currency', () => {
    const ctx = contextFor(moduleFixture({ language: 'en', currency: 'USD' }));
    expect(decideBalance(ctx, undefined, entryInput(), { identity: FOUND })).toEqual({
      kind: 'need',
      need: { kind: 'balance', customer: FOUND.customer, currency: 'USD' },
    });
  });

  it('announces nothing for a module stored with a currency it cannot read, and goes to the error destination', () => {
    const broken = { ...moduleFixture(), currency: { unit: 'rial', divisor: 10_000 } } as unknown as Parameters<typeof contextFor>[0];
    const r = step(contextFor(broken), undefined, entryInput(), { identity: FOUND, balance: OWES(1) });
    expect(r.session).toMatchObject({ outcome: 'error', reason: 'module-currency-unreadable' });
  });

  it('routes to the error destination when the caller has no debt', () => {
    const r = step(contextFor(moduleFixture()), undefined, entryInput(), { identity: FOUND, balance: OWES(0) });
    expect(r.actions).toEqual([
      { kind: 'say', items: [{ prompt: 'intro' }, { prompt: 'noDebt' }] },
      { kind: 'say', items: [{ prompt: 'goodbye' }] },
      { kind: 'hangup' },
    ]);
    expect(r.session.outcome).toBe('no-debt');
  });

  it('tells a caller in credit how much and routes to the error destination', () => {
    const r = step(contextFor(moduleFixture()), undefined, entryInput(), { identity: FOUND, balance: { status: 'ok', owed: 0, credit: 700_000 } });
    expect(r.actions[0]).toEqual({
      kind: 'say',
      items: [{ prompt: 'intro' }, { prompt: 'yourBalanceIs' }, { amount: 700_000, currency: { code: 'IRR', unit: 'rial' } }, { prompt: 'inCredit' }],
    });
    expect(r.session).toMatchObject({ outcome: 'no-debt', destination: 'err' });
  });

  it('routes an unknown caller to the error destination when not in anonymous mode', () => {
    const r = step(contextFor(moduleFixture()), undefined, entryInput(), { identity: { status: 'not-found' } });
    expect(r.asked).toEqual(['identify-by-phone']);
    expect(r.actions[0]).toEqual({ kind: 'say', items: [{ prompt: 'intro' }, { prompt: 'notIdentified' }] });
    expect(r.session).toMatchObject({ outcome: 'error', reason: 'not-identified', step: 'done' });
  });

  it('apologises and routes to the error destination when the CRM identity lookup fails', () => {
    const r = step(contextFor(moduleFixture()), undefined, entryInput(), { identity: { status: 'failed', source: 'ledger', reason: 'timeout' } });
    expect(r.actions[0]).toEqual({ kind: 'say', items: [{ prompt: 'apology' }] });
    expect(r.session).toMatchObject({ outcome: 'error', reason: 'crm-failed:ledger:timeout' });
  });

  it('apologises and routes to the error destination when the balance lookup fails (never announces zero)', () => {
    const r = step(contextFor(moduleFixture()), undefined, entryInput(), { identity: FOUND, balance: { status: 'failed', source: 'ledger', reason: 'down' } });
    expect(r.actions[0]).toEqual({ kind: 'say', items: [{ prompt: 'intro' }, { prompt: 'apology' }] });
    expect(r.session.balance).toBeUndefined();
    expect(r.session.outcome).toBe('error');
  });

  it('hands an identified caller to a module destination with the identity inside the session', () => {
    const ctx = contextFor(moduleFixture(), { next: { type: 'module', code: 'next', moduleCode: 'pay' }, error: { type: 'hangup', code: 'err' } });
    const r = step(ctx, undefined, entryInput(), { identity: FOUND, balance: OWES(10) });
    expect(r.actions[1]).toEqual({ kind: 'redirect', url: 'https://ivr.example.com/voice/pay' });
    expect(r.session.handover).toEqual({ to: 'pay', fromModule: 'bal', customer: FOUND.customer });
  });

  it('redirects to an external TwiML URL destination', () => {
    const ctx = contextFor(moduleFixture(), {
      next: { type: 'redirect', code: 'next', url: 'https://example.com/twiml' },
      error: { type: 'hangup', code: 'err' },
    });
    const r = step(ctx, undefined, entryInput(), { identity: FOUND, balance: OWES(10) });
    expect(r.actions[1]).toEqual({ kind: 'redirect', url: 'https://example.com/twiml' });
  });

  it('apologises and hangs up when the destination no longer exists', () => {
    const ctx = contextFor(moduleFixture(), {});
    const r = step(ctx, undefined, entryInput(), { identity: FOUND, balance: OWES(10) });
    expect(r.actions.slice(-2)).toEqual([{ kind: 'say', items: [{ prompt: 'apology' }] }, { kind: 'hangup' }]);
    expect(r.session).toMatchObject({ outcome: 'error', reason: 'destination-missing:next' });
  });
});

describe('balance flow: handed-over customer', () => {
  it('uses the customer handed over by the previous module without a CRM identity lookup', () => {
    const ctx = contextFor(moduleFixture());
    const previous = {
      ...step(contextFor(moduleFixture({ code: 'club' })), undefined, entryInput(), { identity: FOUND, balance: OWES(10) }).session,
      handover: { to: 'bal', fromModule: 'club', customer: FOUND.customer },
    };
    const r = step(ctx, previous, entryInput(), { balance: OWES(500) });
    expect(r.asked).toEqual(['balance']);
    expect(r.session).toMatchObject({ identifiedBy: 'handover', moduleCode: 'bal', turn: previous.turn + 1 });
  });

  it('ignores a handover addressed to another module', () => {
    const ctx = contextFor(moduleFixture());
    const previous = {
      ...step(contextFor(moduleFixture({ code: 'club' })), undefined, entryInput(), { identity: FOUND, balance: OWES(10) }).session,
      handover: { to: 'other', fromModule: 'club', customer: FOUND.customer },
    };
    const r = step(ctx, previous, entryInput(), { identity: { status: 'not-found' } });
    expect(r.asked).toEqual(['identify-by-phone']);
    expect(r.session.outcome).toBe('error');
  });
});

describe('balance flow: mobile entry', () => {
  const ctx = contextFor(moduleFixture({ forceMobileEntry: true, maxAttempts: 3, gatherTimeoutSeconds: 7 }));

  it('gathers the mobile number with # to finish, the timeout and actionOnEmptyResult semantics', () => {
    const r = step(ctx, undefined, entryInput(), { identity: FOUND });
    expect(r.actions).toEqual([
      {
        kind: 'gather',
        action: 'https://ivr.example.com/voice/bal/mobile?t=1',
        items: [{ prompt: 'intro' }, { prompt: 'enterMobile' }],
        timeoutSeconds: 7,
        finishOnKey: '#',
      },
      { kind: 'redirect', url: 'https://ivr.example.com/voice/bal/mobile?t=1' },
    ]);
    expect(r.session).toMatchObject({ step: 'mobile', attempts: 0, turn: 1 });
  });

  it('accepts a valid mobile in any common form, stores it normalised and announces', () => {
    const first = step(ctx, undefined, entryInput(), { identity: FOUND }).session;
    const r = step(ctx, first, gatherInput(first, 'mobile', '۰۹۱۲۱۲۳۴۵۶۷'), { balance: OWES(100) });
    expect(r.session).toMatchObject({ mobile: '+989121234567', outcome: 'next', turn: 2 });
  });

  it('re-prompts invalid or empty input and gives up at the error destination after max attempts', () => {
    let s = step(ctx, undefined, entryInput(), { identity: FOUND }).session;
    const first = step(ctx, s, gatherInput(s, 'mobile', '12345'));
    expect(first.actions[0]).toMatchObject({
      kind: 'gather',
      items: [{ prompt: 'invalidMobile' }, { prompt: 'enterMobile' }],
      action: 'https://ivr.example.com/voice/bal/mobile?t=2',
    });
    expect(first.session).toMatchObject({ attempts: 1, step: 'mobile' });
    s = first.session;
    const second = step(ctx, s, gatherInput(s, 'mobile', ''));
    expect(second.session.attempts).toBe(2);
    s = second.session;
    const third = step(ctx, s, gatherInput(s, 'mobile', 'abc'));
    expect(third.actions[0]).toEqual({ kind: 'say', items: [{ prompt: 'invalidMobile' }, { prompt: 'limitReached' }] });
    expect(third.session).toMatchObject({ step: 'done', outcome: 'error', destination: 'err', attempts: 3 });
  });

  it('keeps a balance the CRM answered with the identity, and announces it at the mobile step without asking again', () => {
    // The ledger answers who is calling and what they owe in one read (identifyWithBalance).
    const entry = decideBalance(ctx, undefined, entryInput(), { identity: FOUND, balance: OWES(700) });
    if (entry.kind !== 'respond') throw new Error('expected a response');
    expect(entry.session.balance).toEqual({ owed: 700, credit: 0, currency: 'IRR' });
    const r = step(ctx, entry.session, gatherInput(entry.session, 'mobile', '09121234567'));
    expect(r.asked).toEqual([]);
    expect(r.actions[0]).toMatchObject({ kind: 'say', items: [{ prompt: 'yourBalanceIs' }, { amount: 700 }, { prompt: 'owed' }] });
  });

  it('does not keep a balance that failed with the identity: the mobile step asks for it', () => {
    const entry = decideBalance(ctx, undefined, entryInput(), {
      identity: FOUND,
      balance: { status: 'failed', source: 'ledger', reason: 'unreadable-amount' },
    });
    if (entry.kind !== 'respond') throw new Error('expected a response');
    expect(entry.session.balance).toBeUndefined();
    expect(step(ctx, entry.session, gatherInput(entry.session, 'mobile', '09121234567'), { balance: OWES(5) }).asked).toEqual(['balance']);
  });

  it('treats a gather answer that does not match the session as lost and goes to the error destination', () => {
    const s = step(ctx, undefined, entryInput(), { identity: FOUND }).session;
    const r = step(ctx, s, { ...gatherInput(s, 'confirm', '1') });
    expect(r.actions[0]).toEqual({ kind: 'say', items: [{ prompt: 'apology' }] });
    expect(r.session).toMatchObject({ outcome: 'error', reason: 'session-lost' });
    const none = step(ctx, undefined, gatherInput(s, 'mobile', '09121234567'));
    expect(none.session).toMatchObject({ outcome: 'error', reason: 'session-lost' });
  });
});

describe('balance flow: anonymous mode', () => {
  const ctx = contextFor(moduleFixture({ anonymousMode: true, maxAttempts: 2 }));

  it('does not look up the caller number and asks for a mobile first', () => {
    const r = step(ctx, undefined, entryInput());
    expect(r.asked).toEqual([]);
    expect(r.session.step).toBe('mobile');
  });

  it('identifies the customer by the typed mobile', () => {
    const s = step(ctx, undefined, entryInput()).session;
    const d = decideBalance(ctx, s, gatherInput(s, 'mobile', '09124444444'), {});
    expect(d).toEqual({ kind: 'need', need: { kind: 'identify-by-phone', phone: '+989124444444' } });
    const r = step(ctx, s, gatherInput(s, 'mobile', '09124444444'), { identity: FOUND, balance: OWES(5) });
    expect(r.session).toMatchObject({ identifiedBy: 'mobile', customer: FOUND.customer, outcome: 'next' });
  });

  it('re-prompts when no account has that mobile, then gives up', () => {
    const s = step(ctx, undefined, entryInput()).session;
    const r1 = step(ctx, s, gatherInput(s, 'mobile', '09120000000'), { identity: { status: 'not-found' } });
    expect(r1.actions[0]).toMatchObject({ kind: 'gather', items: [{ prompt: 'mobileNotFound' }, { prompt: 'enterMobile' }] });
    const r2 = step(ctx, r1.session, gatherInput(r1.session, 'mobile', '09120000000'), { identity: { status: 'not-found' } });
    expect(r2.session).toMatchObject({ outcome: 'error', reason: 'mobile-not-found' });
  });
});

describe('balance flow: confirm before next', () => {
  const ctx = contextFor(moduleFixture({ confirmBeforeNext: true }));
  const announced = () => step(ctx, undefined, entryInput(), { identity: FOUND, balance: OWES(1000) });

  it('asks for 1 to continue after the announcement', () => {
    const r = announced();
    expect(r.actions[1]).toMatchObject({
      kind: 'gather',
      numDigits: 1,
      items: [{ prompt: 'confirmContinue' }],
      action: 'https://ivr.example.com/voice/bal/confirm?t=1',
    });
    expect(r.session.step).toBe('confirm');
  });

  it.each([
    ['1', 'next', undefined],
    ['2', 'error', 'declined'],
    ['', 'error', 'no-input'],
  ])('with "%s" goes to the %s destination', (digits, outcome, reason) => {
    const s = announced().session;
    const r = step(ctx, s, gatherInput(s, 'confirm', digits));
    expect(r.session.outcome).toBe(outcome);
    expect(r.session.reason).toBe(reason);
    // The balance is not looked up again after the announcement.
    expect(r.asked).toEqual([]);
  });
});

describe('failure response', () => {
  it('apologises and hands the caller to the error destination', () => {
    const r = failureResponse(contextFor(moduleFixture()), undefined, entryInput(), 'internal-error');
    expect(r.actions).toEqual([{ kind: 'say', items: [{ prompt: 'apology' }] }, { kind: 'say', items: [{ prompt: 'goodbye' }] }, { kind: 'hangup' }]);
    expect(r.session).toMatchObject({ outcome: 'error', reason: 'internal-error' });
  });
});
