/**
 * The balance call flow as a pure state machine.
 *
 *   decideBalance(context, session, input, lookups) → need a lookup | respond(actions, session, effects)
 *
 * The handler (lib/voice/balance-lookups.ts) loops: when the flow needs a CRM answer it
 * performs that one lookup and asks again with the answer in `lookups`. Answers are kept in
 * the session, so each is fetched once per call. Nothing here does I/O, reads the clock or
 * builds TwiML. The customer club (club-flow.ts) has the same shape.
 *
 * Steps:   entry ─┬─(anonymous)──────────────→ mobile ─→ announce
 *                 ├─ identify by caller ─┬─(force mobile)→ mobile ─→ announce
 *                 │                      └──────────────────────────→ announce
 *                 └─ handed-over customer (from another module's session)
 *          announce ─ owed ─┬─(card payment on)→ pay-offer ─ "2" ─┬─(ask item)→ item ─┐
 *                           │                      │                └──────────────────┴→ pay (<Pay>)
 *                           │                      └ other / silence ─┐
 *                           ├←────────────────────────────────────────┘
 *                           ├─(send link, ask item)→ item ─┐
 *                           ├─(send link)──────────────────┴→ payment link (once per call)
 *                           │                                   ─┬─(confirm)→ confirm ─ "1" → next / other → error
 *                           └────────────────────────────────────┴────────────────────→ next
 *                   no debt / in credit → error destination
 *          pay ─ success → settle once per confirmation code → "your payment of … was received" → next
 *              ─ declined, input timeout, Twilio error → said why, offered again (attempts) → error
 *              ─ too many failed attempts, validation error → said why → error
 *              ─ star → "cancelled" → on as if the offer was declined;  hung up → done
 * Every failure (CRM, exhausted input) ends at the error destination with a prompt.
 */
import type { BalanceModule } from '../config/module-schema';
import type { BalanceResult } from '../domain/balance';
import type { ItemQuery, ItemResult } from '../domain/billable-item';
import {
  isInputTimeout,
  reportMatchesCharge,
  type CardCharge,
  type CardPaid,
  type CardPaymentToSettle,
  type CardSettlement,
  type PayReport,
} from '../domain/card-payment';
import type { Customer, IdentityResult } from '../domain/customer';
import type { PaymentLinkOutcome, PaymentLinkRequest } from '../domain/payment-link';
import { parseMobile } from '../domain/phone';
import type { Session } from '../domain/session';
import type { SpeechItem } from '../domain/speech-item';
import { decimalString, isCurrencyCode, type CurrencyCode } from '../domain/money';
import type { Effect, PayPrompt } from './actions';
import { ask, continueAt, enterModule, handOn, lookupFailed, p, respond, retry, type FlowInput, type Respond, type VisitContext } from './module-visit';

export type BalanceFlowContext = VisitContext<BalanceModule>;

/** CRM answers (and the payment link's outcome) the flow has asked for during this step. */
export interface BalanceLookups {
  readonly identity?: IdentityResult;
  readonly balance?: BalanceResult;
  readonly item?: ItemResult;
  readonly paymentLink?: PaymentLinkOutcome;
  readonly settlement?: CardSettlement;
}

export type BalanceNeed =
  | { readonly kind: 'identify-by-phone'; readonly phone: string }
  | { readonly kind: 'balance'; readonly customer: Customer; readonly currency: CurrencyCode }
  | { readonly kind: 'find-item'; readonly customer: Customer; readonly query: ItemQuery }
  /** A side effect, not a lookup: the handler performs it at most once per call. */
  | { readonly kind: 'payment-link'; readonly request: PaymentLinkRequest; readonly caller: string }
  /** A side effect too: records a successful card payment, at most once per confirmation code. */
  | { readonly kind: 'settle-card-payment'; readonly payment: CardPaymentToSettle };

export type BalanceDecision = { readonly kind: 'need'; readonly need: BalanceNeed } | Respond;

export function decideBalance(ctx: BalanceFlowContext, previous: Session | undefined, input: FlowInput, lookups: BalanceLookups): BalanceDecision {
  const session = input.step === 'entry' ? enterModule(ctx, previous, input) : continueAt(ctx, previous, input);
  if ('kind' in session) return session;
  switch (input.step) {
    case 'entry':
      return afterEntry(ctx, session, lookups);
    case 'mobile':
      return afterMobile(ctx, session, input.digits, lookups);
    case 'item':
      return afterItem(ctx, session, input.digits, lookups);
    case 'confirm':
      return afterConfirm(ctx, session, input.digits);
    case 'pay-offer':
      return afterPayOffer(ctx, session, input.digits, lookups);
    case 'pay':
      return afterPay(ctx, session, input.pay, lookups);
    default:
      // Another module kind's step: continueAt already refused it (the session is not at it).
      return handOn(ctx, session, 'error', [p('apology')], 'error', 'session-lost');
  }
}

function afterEntry(ctx: BalanceFlowContext, session: Session, lookups: BalanceLookups): BalanceDecision {
  const { module } = ctx;
  const intro = [p('intro')];
  if (module.anonymousMode && !session.customer) return askMobile(ctx, session, intro);
  if (!session.customer) {
    const identity = lookups.identity;
    if (!identity) return { kind: 'need', need: { kind: 'identify-by-phone', phone: session.from } };
    if (identity.status === 'failed') return lookupFailed(ctx, session, identity);
    if (identity.status === 'not-found') return handOn(ctx, session, 'error', [...intro, p('notIdentified')], 'error', 'not-identified');
    session = { ...session, customer: identity.customer, identifiedBy: 'caller' };
    // A CRM that answered the balance with the identity: keep it, so a later step need not ask.
    const known = lookups.balance;
    if (known?.status === 'ok' && isCurrencyCode(module.currency?.code))
      session = { ...session, balance: { owed: known.owed, credit: known.credit, currency: module.currency.code } };
  }
  if (module.forceMobileEntry) return askMobile(ctx, session, intro);
  return announce(ctx, session, lookups, intro);
}

function askMobile(ctx: BalanceFlowContext, session: Session, before: SpeechItem[]): Respond {
  return ask(ctx, { ...session, attempts: 0 }, 'mobile', [...before, p('enterMobile')]);
}

function afterMobile(ctx: BalanceFlowContext, session: Session, digits: string | undefined, lookups: BalanceLookups): BalanceDecision {
  const parsed = parseMobile(digits);
  if (!parsed.ok) return retryMobile(ctx, session, 'invalidMobile', `mobile-${parsed.reason}`);
  session = { ...session, mobile: parsed.e164 };
  if (!session.customer) {
    // Anonymous mode: the typed mobile identifies the customer.
    const identity = lookups.identity;
    if (!identity) return { kind: 'need', need: { kind: 'identify-by-phone', phone: parsed.e164 } };
    if (identity.status === 'failed') return lookupFailed(ctx, session, identity);
    if (identity.status === 'not-found') return retryMobile(ctx, session, 'mobileNotFound', 'mobile-not-found');
    session = { ...session, customer: identity.customer, identifiedBy: 'mobile' };
  }
  return announce(ctx, session, lookups, []);
}

function retryMobile(ctx: BalanceFlowContext, session: Session, problem: 'invalidMobile' | 'mobileNotFound', reason: string): Respond {
  return retry(ctx, session, reason, (again) => ask(ctx, again, 'mobile', [p(problem), p('enterMobile')]), [p(problem), p('limitReached')]);
}

function announce(ctx: BalanceFlowContext, session: Session, lookups: BalanceLookups, before: SpeechItem[]): BalanceDecision {
  const customer = session.customer;
  if (!customer) return handOn(ctx, session, 'error', [...before, p('apology')], 'error', 'not-identified');
  // A module stored with a currency that cannot be read (an old custom divisor) announces nothing rather than guess.
  if (!isCurrencyCode(ctx.module.currency?.code)) return handOn(ctx, session, 'error', [...before, p('apology')], 'error', 'module-currency-unreadable');
  let balance = session.balance;
  if (!balance) {
    const result = lookups.balance;
    if (!result) return { kind: 'need', need: { kind: 'balance', customer, currency: ctx.module.currency.code } };
    if (result.status === 'failed') return lookupFailed(ctx, session, result, before);
    balance = { owed: result.owed, credit: result.credit, currency: ctx.module.currency.code };
    session = { ...session, balance };
  }
  // Amounts stay exact minor units (rials, cents) here: owed or not is decided on them, never on
  // a rounded figure; how they are said (rials or tomans, dollars and cents) is money.ts's call.
  const { currency } = ctx.module;
  if (balance.owed <= 0) {
    const said = balance.credit > 0 ? [p('yourBalanceIs'), { amount: balance.credit, currency }, p('inCredit')] : [p('noDebt')];
    // As the seed says: a caller with no debt goes to the error destination.
    return handOn(ctx, session, 'error', [...before, ...said], 'no-debt');
  }
  const told: SpeechItem[] = [...before, p('yourBalanceIs'), { amount: balance.owed, currency }, p('owed')];
  if (offersCardPayment(ctx)) return offerCard(ctx, { ...session, attempts: 0 }, told);
  return afterAnnouncement(ctx, session, lookups, told, balance.owed);
}

/** What follows the announcement without (or after declining) card payment: the item, the link, the next destination. */
function afterAnnouncement(ctx: BalanceFlowContext, session: Session, lookups: BalanceLookups, told: SpeechItem[], owed: number): BalanceDecision {
  if (ctx.module.sendPaymentLink && ctx.module.askItemNumber && !session.paymentLink)
    return ask(ctx, { ...session, attempts: 0 }, 'item', [...told, p('enterItemNumber')]);
  if (ctx.module.sendPaymentLink) return paymentLink(ctx, session, lookups, told, { amount: owed, items: [] });
  return goOn(ctx, session, told);
}

function afterItem(ctx: BalanceFlowContext, session: Session, digits: string | undefined, lookups: BalanceLookups): BalanceDecision {
  const customer = session.customer;
  if (!customer) return handOn(ctx, session, 'error', [p('apology')], 'error', 'not-identified');
  const number = (digits ?? '').replace(/[#*\s]/g, '');
  if (number === '') return retryItem(ctx, session, 'item-no-input');
  const { module } = ctx;
  const result = lookups.item;
  if (!result) {
    return {
      kind: 'need',
      need: {
        kind: 'find-item',
        customer,
        query: {
          type: module.invoiceType,
          number,
          searchField: module.invoiceSearchField,
          valueField: module.invoiceValueField,
          currency: module.currency.code,
        },
      },
    };
  }
  if (result.status === 'failed') return lookupFailed(ctx, session, result);
  if (result.status === 'not-found') return retryItem(ctx, session, 'item-not-found');
  if (result.item.paid) return retryItem(ctx, session, 'item-paid');
  const item = { number: result.item.number, amount: result.item.amount };
  if (session.card?.chosen) {
    const moneyAccount = result.item.moneyAccount ?? module.financialAccount;
    return pay(
      ctx,
      { ...session, item, attempts: 0 },
      { amount: item.amount, currency: module.currency.code, items: [item.number], ...(moneyAccount ? { moneyAccount } : {}) },
    );
  }
  return paymentLink(ctx, { ...session, item }, lookups, [], {
    amount: item.amount,
    items: [item.number],
    ...(result.item.moneyAccount ? { moneyAccount: result.item.moneyAccount } : {}),
  });
}

function retryItem(ctx: BalanceFlowContext, session: Session, reason: string): Respond {
  return retry(ctx, session, reason, (again) => ask(ctx, again, 'item', [p('itemNotFound'), p('enterItemNumber')]), [p('itemNotFound'), p('limitReached')]);
}

/**
 * Asks the handler to create and send the link (once per call), tells the caller what
 * happened, and goes on: a link that could not be sent never stops the call.
 */
function paymentLink(
  ctx: BalanceFlowContext,
  session: Session,
  lookups: BalanceLookups,
  before: SpeechItem[],
  target: { amount: number; items: string[]; moneyAccount?: string },
): BalanceDecision {
  const { module } = ctx;
  let outcome = session.paymentLink ?? lookups.paymentLink;
  if (!outcome && !session.mobile) outcome = { status: 'not-sent', reason: 'no-mobile' };
  if (!outcome) {
    const customer = session.customer as Customer;
    const moneyAccount = target.moneyAccount ?? module.financialAccount;
    const request: PaymentLinkRequest = {
      customer,
      amount: target.amount,
      mobile: session.mobile as string,
      ...(moneyAccount ? { moneyAccount } : {}),
      items: target.items,
      invoiceType: module.invoiceType,
      language: module.language,
      callSid: session.callSid,
      moduleCode: module.code,
      currency: module.currency,
    };
    return { kind: 'need', need: { kind: 'payment-link', request, caller: session.from } };
  }
  const said = outcome.status === 'sent' ? p('linkSent') : outcome.status === 'limit-reached' ? p('linkLimitReached') : p('linkNotSent');
  const reason =
    outcome.status === 'sent'
      ? undefined
      : outcome.status === 'limit-reached'
        ? `payment-link-limit:${outcome.limit}`
        : `payment-link-not-sent:${outcome.reason}`;
  return goOn(ctx, { ...session, paymentLink: outcome, ...(reason ? { reason } : {}) }, [...before, said]);
}

/** After the announcement (and the link): confirm first when the module says so, else the next destination. */
function goOn(ctx: BalanceFlowContext, session: Session, told: SpeechItem[]): Respond {
  if (ctx.module.confirmBeforeNext) return ask(ctx, { ...session, attempts: 0 }, 'confirm', [p('confirmContinue')], { numDigits: 1, saidFirst: told });
  return handOn(ctx, session, 'next', told, 'next', session.reason);
}

function afterConfirm(ctx: BalanceFlowContext, session: Session, digits: string | undefined): Respond {
  const answer = (digits ?? '').replace(/[#*]/g, '');
  if (answer === '1') return handOn(ctx, session, 'next', [], 'next');
  return handOn(ctx, session, 'error', [p('goodbye')], 'error', answer === '' ? 'no-input' : 'declined');
}

// ------------------------------------------------------------------ card payment in the call

/** Card payment is offered only where a connector can take the currency (the schema refuses IRR too). */
function offersCardPayment(ctx: BalanceFlowContext): boolean {
  return ctx.module.cardPayment?.enabled === true && ctx.module.cardPayment.connector !== '' && ctx.module.currency.code !== 'IRR';
}

/** "To pay now by card, press 2", after what was said first (the announcement, or why the last try failed). */
function offerCard(ctx: BalanceFlowContext, session: Session, before: SpeechItem[]): Respond {
  return ask(ctx, session, 'pay-offer', [p('payOffer')], { numDigits: 1, saidFirst: before });
}

function afterPayOffer(ctx: BalanceFlowContext, session: Session, digits: string | undefined, lookups: BalanceLookups): BalanceDecision {
  const { balance, customer } = session;
  if (!balance || !customer || balance.owed <= 0) return handOn(ctx, session, 'error', [p('apology')], 'error', 'session-lost');
  const answer = (digits ?? '').replace(/[#*\s]/g, '');
  // Anything but 2 (or silence): the call goes on as it would have without the offer.
  if (answer !== '2')
    return afterAnnouncement(
      ctx,
      { ...session, attempts: 0, ...(session.card ? { card: { ...session.card, chosen: false } } : {}) },
      lookups,
      [],
      balance.owed,
    );
  const chosen: Session = { ...session, card: { ...session.card, chosen: true } };
  // Another try pays what the first one would have (the same item, the same amount).
  if (session.card?.charge) return pay(ctx, chosen, session.card.charge);
  if (ctx.module.askItemNumber) return ask(ctx, { ...chosen, attempts: 0 }, 'item', [p('enterItemNumber')]);
  const { module } = ctx;
  return pay(ctx, chosen, {
    amount: balance.owed,
    currency: module.currency.code,
    items: [],
    ...(module.financialAccount ? { moneyAccount: module.financialAccount } : {}),
  });
}

/** The <Pay> for the exact amount; its action comes back as the `pay` step at the next turn. */
function pay(ctx: BalanceFlowContext, session: Session, charge: CardCharge): Respond {
  const { module } = ctx;
  const settings = module.cardPayment;
  if (!settings) return handOn(ctx, session, 'error', [p('apology')], 'error', 'card-payment-off');
  const next: Session = { ...session, step: 'pay', card: { ...session.card, chosen: true, charge } };
  return respond(next, [
    {
      kind: 'pay',
      action: ctx.stepUrl('pay', next.turn),
      statusCallback: `${ctx.moduleUrl(module.code)}/pay-status`,
      connector: settings.connector,
      chargeAmount: decimalString(charge.amount, charge.currency),
      currency: charge.currency.toLowerCase(),
      paymentMethod: settings.paymentMethod,
      postalCode: settings.postalCode,
      securityCode: settings.securityCode,
      maxAttempts: settings.maxAttempts,
      timeoutSeconds: module.gatherTimeoutSeconds,
      description: charge.items.length > 0 ? `${module.invoiceType} ${charge.items.join(', ')}` : 'account balance',
      ...(module.language === 'en' ? { language: 'en-US' as const } : {}),
      prompts: payPrompts(settings),
    },
  ]);
}

/**
 * One <Prompt> for every card step and every error Twilio can report at it, so the caller never
 * hears Twilio's built-in (English-only) prompts: a Persian module's are all recordings.
 */
export function payPrompts(settings: { readonly postalCode: boolean; readonly securityCode: boolean }): PayPrompt[] {
  const prompts: PayPrompt[] = [];
  const step = (forStep: PayPrompt['for'], ask: SpeechItem, invalid?: { errorType: NonNullable<PayPrompt['errorType']>; said: SpeechItem }) => {
    prompts.push({ for: forStep, items: [ask] });
    prompts.push({ for: forStep, errorType: ['timeout'], items: [p('payNoInput'), ask] });
    if (invalid) prompts.push({ for: forStep, errorType: invalid.errorType, items: [invalid.said, ask] });
  };
  step('payment-card-number', p('payEnterCardNumber'), { errorType: ['invalid-card-number', 'invalid-card-type'], said: p('payInvalidCard') });
  step('expiration-date', p('payEnterExpiry'), { errorType: ['invalid-date'], said: p('payInvalidExpiry') });
  if (settings.securityCode) step('security-code', p('payEnterSecurityCode'), { errorType: ['invalid-security-code'], said: p('payInvalidSecurityCode') });
  if (settings.postalCode) step('postal-code', p('payEnterPostalCode'));
  prompts.push({ for: 'payment-processing', items: [p('payProcessing')] });
  return prompts;
}

/** Twilio's report on the <Pay>: each Result has its own words and outcome. */
function afterPay(ctx: BalanceFlowContext, session: Session, report: PayReport | undefined, lookups: BalanceLookups): BalanceDecision {
  const charge = session.card?.charge;
  const customer = session.customer;
  if (!charge || !customer || !report) return handOn(ctx, session, 'error', [p('apology')], 'error', 'session-lost');
  const detail = report.connectorError ?? report.errorCode;
  switch (report.result) {
    case 'success':
      return paid(ctx, session, customer, charge, report, lookups);
    case 'payment-connector-error':
      // Declined or refused by the gateway: another card may work.
      return payAgain(ctx, session, 'payDeclined', `pay-declined${detail ? `:${detail}` : ''}`);
    case 'too-many-failed-attempts':
      if (isInputTimeout(report)) return payAgain(ctx, session, 'payNoInput', 'pay-input-timeout');
      // Twilio already asked again at each field; more of the same would not help.
      return handOn(ctx, session, 'error', [p('payFailed')], 'error', 'pay-too-many-failed-attempts');
    case 'caller-interrupted-with-star':
      // The caller chose to stop paying: on as if the offer had been declined.
      return afterAnnouncement(
        ctx,
        { ...session, attempts: 0, reason: 'pay-cancelled', card: { ...session.card, chosen: false } },
        lookups,
        [p('payCancelled')],
        session.balance?.owed ?? charge.amount,
      );
    case 'caller-hung-up':
      return hungUp(ctx, session, 'pay-caller-hung-up');
    case 'validation-error':
      // The <Pay> itself was refused (e.g. a connector name Twilio does not know): trying again cannot help.
      return handOn(ctx, session, 'error', [p('payNotCompleted')], 'error', `pay-validation-error${detail ? `:${detail}` : ''}`);
    case 'internal-error':
      return payAgain(ctx, session, 'payNotCompleted', 'pay-internal-error');
    default:
      return handOn(ctx, session, 'error', [p('apology')], 'error', 'pay-unknown-result');
  }
}

/** Says why the payment did not go through and offers it again while attempts remain, else the error destination. */
function payAgain(ctx: BalanceFlowContext, session: Session, said: 'payDeclined' | 'payNoInput' | 'payNotCompleted', reason: string): Respond {
  return retry(ctx, session, reason, (again) => offerCard(ctx, again, [p(said)]), [p(said), p('limitReached')]);
}

/**
 * Success: settle once per confirmation code (the amount is the session's, never the request's),
 * then the confirmation with the amount in words, and the next destination.
 */
function paid(ctx: BalanceFlowContext, session: Session, customer: Customer, charge: CardCharge, report: PayReport, lookups: BalanceLookups): BalanceDecision {
  // A ChargeAmount or Currency other than the session's was not Twilio's answer to this <Pay>.
  if (!reportMatchesCharge(report, charge)) return handOn(ctx, session, 'error', [p('apology')], 'error', 'pay-amount-mismatch');
  if (!report.confirmationCode) return handOn(ctx, session, 'error', [p('apology')], 'error', 'pay-without-confirmation-code');
  const settlement = lookups.settlement;
  if (!settlement) {
    const payment: CardPaymentToSettle = {
      confirmationCode: report.confirmationCode,
      customerId: customer.id,
      callSid: session.callSid,
      moduleCode: ctx.module.code,
      invoiceType: ctx.module.invoiceType,
      charge,
      ...(report.maskedCard ? { maskedCard: report.maskedCard } : {}),
    };
    return { kind: 'need', need: { kind: 'settle-card-payment', payment } };
  }
  // The confirmation code was recorded for another call: a replay, never a second settlement.
  if (settlement.status === 'conflict') return handOn(ctx, session, 'error', [p('apology')], 'error', 'pay-confirmation-reused');
  const paidNow: CardPaid = {
    amount: charge.amount,
    currency: charge.currency,
    confirmationCode: report.confirmationCode,
    ...(report.maskedCard ? { maskedCard: report.maskedCard } : {}),
  };
  // The card was charged whatever the ledger said: the caller is told so; a failed write is for operators to record.
  const reason = settlement.status === 'failed' ? `pay-not-recorded:${settlement.reason}` : undefined;
  const confirmed: SpeechItem[] = [p('paymentOf'), { amount: charge.amount, currency: ctx.module.currency }, p('paymentReceived')];
  return handOn(ctx, { ...session, card: { ...session.card, paid: paidNow } }, 'next', confirmed, 'paid-in-call', reason);
}

/** The caller hung up during the <Pay>: nothing more to say; the call log counts it as abandoned. */
function hungUp(ctx: BalanceFlowContext, session: Session, reason: string): Respond {
  const effects: Effect[] = [{ kind: 'metric', name: 'CallOutcome', dimensions: { module: ctx.module.code, outcome: 'abandoned' } }];
  return { kind: 'respond', session: { ...session, step: 'done', outcome: 'abandoned', reason }, actions: [{ kind: 'hangup' }], effects };
}
