/**
 * Runs the balance flow for one webhook step, performing the lookups it asks for: identity,
 * balance and item through the module's CRM, and the payment link (guarded to once per call
 * inside PaymentLinkDelivery, so concurrent twins of a request cannot send two) and the
 * settlement of a card payment taken in the call (once per confirmation code, guarded in the
 * ledger, so twins and replays cannot record two).
 * The customer club's twin is club-lookups.ts.
 *
 * A CRM that can say who is calling and what they owe in one request (the built-in ledger:
 * `identifyWithBalance`) is asked that way, and the balance comes with the identity; the entry
 * step may even start that request before the session is read (startCallerLookup), so the two
 * reads overlap. Other CRMs are asked identifyByPhone, then balance, as before.
 */
import type { Crm, CrmResolver } from '../crm/crm';
import { failureReason } from '../crm/crm-errors';
import type { BalanceModule } from '../config/module-schema';
import { isCurrencyCode } from '../domain/money';
import type { BalanceResult } from '../domain/balance';
import type { ItemResult } from '../domain/billable-item';
import type { IdentityResult } from '../domain/customer';
import type { Session } from '../domain/session';
import { decideBalance, type BalanceFlowContext, type BalanceLookups, type BalanceNeed } from '../flow/balance-flow';
import type { FlowInput, Respond } from '../flow/module-visit';
import type { AppLogger } from '../observability/logger';
import type { PaymentLinkDelivery } from '../payments/payment-link-delivery';
import { settleCardPayment, type CardPaymentDeps } from '../payments/card-payment-settlement';
import type { CardPaymentToSettle, CardSettlement } from '../domain/card-payment';
import { lookupInModuleCrm } from './module-crm-lookup';
import { runWithLookups } from './run-with-lookups';

export interface BalanceLookupDeps {
  readonly crms: CrmResolver;
  /** Sends a call's payment link exactly once; without it links are reported as not sent. */
  readonly paymentLinks?: PaymentLinkDelivery | undefined;
  /** Settles card payments taken in the call; without it a success is reported as not recorded. */
  readonly cardPayments?: CardPaymentDeps | undefined;
  readonly logger: AppLogger;
}

const MAX_LOOKUPS = 5;

/**
 * The caller's identity and balance asked for ahead of the flow (entry step): started beside
 * the session read, used when the flow asks to identify this same number. `undefined` when the
 * CRM has no one-request answer: then nothing was sent, and the flow's lookups go as usual.
 */
export interface EarlyCallerLookup {
  readonly phone: string;
  readonly answer: Promise<BalanceLookups | undefined>;
}

export function startCallerLookup(deps: BalanceLookupDeps, module: BalanceModule, phone: string): EarlyCallerLookup {
  const answer = lookupInModuleCrm<BalanceLookups | undefined>(
    deps,
    module,
    'identify-with-balance',
    (crm) => identifyWithBalance(crm, phone, module),
    (failed) => ({ identity: failed }),
  );
  return { phone, answer };
}

export function runBalanceFlow(
  deps: BalanceLookupDeps,
  ctx: BalanceFlowContext,
  previous: Session | undefined,
  input: FlowInput,
  early?: EarlyCallerLookup,
): Promise<Respond> {
  return runWithLookups<BalanceLookups, BalanceNeed>({
    decide: (lookups) => decideBalance(ctx, previous, input, lookups),
    lookup: (need) => balanceLookup(deps, ctx, need, early),
    maxLookups: MAX_LOOKUPS,
    flowName: 'balance flow',
  });
}

/** Identity and balance in one request, when the CRM has that; undefined when it does not (nothing was sent). */
async function identifyWithBalance(crm: Crm, phone: string, module: BalanceModule): Promise<BalanceLookups | undefined> {
  const currency = module.currency?.code;
  if (!crm.identifyWithBalance || !isCurrencyCode(currency)) return undefined;
  const answer = await crm.identifyWithBalance(phone, currency);
  if (answer.status === 'unsupported') return undefined;
  if (answer.status !== 'found') return { identity: answer };
  const { balance, ...identity } = answer;
  // The balance is this customer's in the module's currency: the flow announces it without asking again.
  return { identity, ...(balance ? { balance } : {}) };
}

/** One CRM lookup, or the payment link. A thrown error becomes a 'failed' answer the flow handles. */
async function balanceLookup(
  deps: BalanceLookupDeps,
  ctx: BalanceFlowContext,
  need: BalanceNeed,
  early: EarlyCallerLookup | undefined,
): Promise<BalanceLookups> {
  if (need.kind === 'settle-card-payment') return { settlement: await settle(deps, need.payment) };
  if (need.kind === 'identify-by-phone' && early?.phone === need.phone) {
    const answered = await early.answer;
    if (answered) return answered;
  }
  // The early lookup already learnt the CRM has no one-request answer: do not ask it twice.
  const tryFastPath = !(need.kind === 'identify-by-phone' && early?.phone === need.phone);
  return lookupInModuleCrm(
    deps,
    ctx.module,
    need.kind,
    async (crm): Promise<BalanceLookups> => {
      switch (need.kind) {
        case 'identify-by-phone':
          return (tryFastPath ? await identifyWithBalance(crm, need.phone, ctx.module) : undefined) ?? { identity: await crm.identifyByPhone(need.phone) };
        case 'balance':
          return { balance: await crm.balance(need.customer, need.currency) };
        case 'find-item':
          return { item: await crm.findItem(need.customer, need.query) };
        case 'payment-link':
          if (!deps.paymentLinks) return { paymentLink: { status: 'not-sent', reason: 'payment-links-not-configured' } };
          return { paymentLink: await deps.paymentLinks.deliver(crm, need.request, need.caller) };
      }
    },
    (failed): BalanceLookups => {
      switch (need.kind) {
        case 'identify-by-phone':
          return { identity: failed satisfies IdentityResult };
        case 'balance':
          return { balance: failed satisfies BalanceResult };
        case 'find-item':
          return { item: failed satisfies ItemResult };
        case 'payment-link':
          return { paymentLink: { status: 'not-sent', reason: `link-failed:${failed.source}:${failed.reason}` } };
      }
    },
  );
}

/** The card was charged whatever happens here: a failure is an answer (the caller is still told), never a throw. */
async function settle(deps: BalanceLookupDeps, payment: CardPaymentToSettle): Promise<CardSettlement> {
  if (!deps.cardPayments) return { status: 'failed', reason: 'card-payments-not-configured' };
  try {
    return await settleCardPayment(deps.cardPayments, payment);
  } catch (error) {
    deps.logger.error('card payment taken but not recorded; record it by hand', {
      confirmationCode: payment.confirmationCode,
      amount: payment.charge.amount,
      currency: payment.charge.currency,
      customerId: payment.customerId,
      error: error as Error,
    });
    return { status: 'failed', reason: failureReason(error) };
  }
}
