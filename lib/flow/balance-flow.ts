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
 *          announce ─ owed ─┬─(send link, ask item)→ item ─┐
 *                           ├─(send link)──────────────────┴→ payment link (once per call)
 *                           │                                   ─┬─(confirm)→ confirm ─ "1" → next / other → error
 *                           └────────────────────────────────────┴────────────────────→ next
 *                   no debt / in credit → error destination
 * Every failure (CRM, exhausted input) ends at the error destination with a prompt.
 */
import type { BalanceModule } from '../config/module-schema';
import type { BalanceResult } from '../domain/balance';
import type { ItemQuery, ItemResult } from '../domain/billable-item';
import type { Customer, IdentityResult } from '../domain/customer';
import type { PaymentLinkOutcome, PaymentLinkRequest } from '../domain/payment-link';
import { parseMobile } from '../domain/phone';
import type { Session } from '../domain/session';
import type { SpeechItem } from '../domain/speech-item';
import { isCurrencyCode, type CurrencyCode } from '../domain/money';
import { ask, continueAt, enterModule, handOn, lookupFailed, p, retry, type FlowInput, type Respond, type VisitContext } from './module-visit';

export type BalanceFlowContext = VisitContext<BalanceModule>;

/** CRM answers (and the payment link's outcome) the flow has asked for during this step. */
export interface BalanceLookups {
  readonly identity?: IdentityResult;
  readonly balance?: BalanceResult;
  readonly item?: ItemResult;
  readonly paymentLink?: PaymentLinkOutcome;
}

export type BalanceNeed =
  | { readonly kind: 'identify-by-phone'; readonly phone: string }
  | { readonly kind: 'balance'; readonly customer: Customer; readonly currency: CurrencyCode }
  | { readonly kind: 'find-item'; readonly customer: Customer; readonly query: ItemQuery }
  /** A side effect, not a lookup: the handler performs it at most once per call. */
  | { readonly kind: 'payment-link'; readonly request: PaymentLinkRequest; readonly caller: string };

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
    if (known?.status === 'ok' && isCurrencyCode(module.currency?.code)) session = { ...session, balance: { owed: known.owed, credit: known.credit, currency: module.currency.code } };
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
  if (ctx.module.sendPaymentLink && ctx.module.askItemNumber && !session.paymentLink) return ask(ctx, { ...session, attempts: 0 }, 'item', [...told, p('enterItemNumber')]);
  if (ctx.module.sendPaymentLink) return paymentLink(ctx, session, lookups, told, { amount: balance.owed, items: [] });
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
      need: { kind: 'find-item', customer, query: { type: module.invoiceType, number, searchField: module.invoiceSearchField, valueField: module.invoiceValueField, currency: module.currency.code } },
    };
  }
  if (result.status === 'failed') return lookupFailed(ctx, session, result);
  if (result.status === 'not-found') return retryItem(ctx, session, 'item-not-found');
  if (result.item.paid) return retryItem(ctx, session, 'item-paid');
  const item = { number: result.item.number, amount: result.item.amount };
  return paymentLink(ctx, { ...session, item }, lookups, [], { amount: item.amount, items: [item.number], ...(result.item.moneyAccount ? { moneyAccount: result.item.moneyAccount } : {}) });
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
      currency: module.currency,
    };
    return { kind: 'need', need: { kind: 'payment-link', request, caller: session.from } };
  }
  const said = outcome.status === 'sent' ? p('linkSent') : outcome.status === 'limit-reached' ? p('linkLimitReached') : p('linkNotSent');
  const reason = outcome.status === 'sent' ? undefined : outcome.status === 'limit-reached' ? `payment-link-limit:${outcome.limit}` : `payment-link-not-sent:${outcome.reason}`;
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
