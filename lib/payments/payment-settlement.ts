/**
 * Settling a payment a provider took, exactly once per payment record id, whatever the
 * duplicate, late or concurrent confirmations (Stripe webhooks, Zarinpal callbacks, the
 * sandbox's own charge).
 *
 * One customer's payments settle one at a time (a short lease in the payments table), so
 * re-reading what is owed and recording the payment cannot interleave with another payment
 * of the same debt. Under the lease:
 *   1. a record with this id exists → the decision was made before: only its remaining
 *      writes are repeated (each is idempotent) and nothing else happens;
 *   2. the decision: the payment settles the debt only if its amount is the checkout's, its
 *      link was not used by another payment, and the debt is still owed in full (the ledger
 *      or the item's open status, read again now); otherwise it is "refund or credit needed";
 *   3. a settling payment takes its link (open → used, conditional), the record is stored
 *      (conditional on the id: the decision is kept before anything depends on it), then the
 *      ledger gets one onlinePayment item keyed by the record id and the link is marked settled;
 *   4. a refund-needed payment is recorded, never posted to the ledger, and flagged on the
 *      call the link came from and in the log, for an operator to refund or credit.
 * A crash between any two writes is finished by the next delivery of the same payment.
 */
import { randomUUID } from 'node:crypto';
import type { CallPaymentFlags } from '../call-log/call-log';
import type { LedgerAdmin } from '../ledger/ledger-admin';
import { isCurrencyCode, type CurrencyCode } from '../domain/money';
import type { AppLogger } from '../observability/logger';
import type { OutstandingDebts } from './outstanding-debts';
import { checkoutRecordId, type PaymentRecord, type PaymentRecordLookup, type PaymentRecords } from './payment-records';
import type { Checkout, LinkPayments, PaymentLinkRecord, PaymentStore } from './payment-store';

export interface SettlementDeps {
  readonly store: PaymentStore & LinkPayments;
  readonly records: PaymentRecords & PaymentRecordLookup;
  readonly ledger: Pick<LedgerAdmin, 'recordOnlinePayment'>;
  readonly debts: OutstandingDebts;
  readonly callLog?: CallPaymentFlags;
  readonly logger: AppLogger;
  readonly clock?: () => Date;
  /** How long one settlement may hold a customer's lease (a crashed holder blocks others this long at most). */
  readonly leaseMs?: number;
  /** How long a settlement waits for another one of the same customer to finish. */
  readonly leaseWaitMs?: number;
}

/** A payment to settle: what the provider took, and for which checkout of which link. */
export interface TakenPayment {
  readonly id: string;
  readonly provider: 'sandbox' | 'stripe' | 'zarinpal';
  readonly linkId: string;
  readonly customerId: string;
  /** What the provider took (minor units of `currency`). */
  readonly amount: number;
  readonly currency: string;
  /** What the checkout was for: a payment of another amount or currency never settles. */
  readonly expected: { readonly amount: number; readonly currency: CurrencyCode };
  readonly reference: string;
  readonly maskedCard?: string;
  /** Recorded as refund-needed whatever is owed (e.g. `unknown-checkout`). */
  readonly refuse?: string;
}

export interface Settlement {
  readonly record: PaymentRecord;
  /** The record existed already: this was a repeated or late confirmation. */
  readonly duplicate: boolean;
  readonly link?: PaymentLinkRecord;
}

/** Another settlement of the same customer held on longer than we could wait: try again (a provider retries). */
export class SettlementBusyError extends Error {
  override readonly name = 'SettlementBusyError';
}

const now = (deps: Pick<SettlementDeps, 'clock'>) => (deps.clock ?? (() => new Date()))();

/** Runs `work` while holding the customer's lease; SettlementBusyError when it cannot be had in time. */
export async function underCustomerLease<T>(deps: SettlementDeps, customerId: string, work: () => Promise<T>): Promise<T> {
  const key = `settle#${customerId}`;
  const owner = randomUUID();
  const deadline = Date.now() + (deps.leaseWaitMs ?? 4000);
  for (let wait = 25; !(await deps.store.acquireLease(key, owner, now(deps), deps.leaseMs ?? 20_000)); wait = Math.min(wait * 2, 400)) {
    if (Date.now() + wait > deadline) throw new SettlementBusyError(`another payment of customer ${customerId} is being settled`);
    await new Promise((resolve) => setTimeout(resolve, wait));
  }
  try {
    return await work();
  } finally {
    await deps.store
      .releaseLease(key, owner)
      .catch((error: unknown) => deps.logger.warn('settlement lease not released; it runs out by itself', { error: error as Error }));
  }
}

/** Why a payment taken for `link` cannot settle it now, or undefined when it can (read under the customer's lease). */
export async function refusalReason(
  deps: SettlementDeps,
  payment: Pick<TakenPayment, 'id' | 'amount' | 'currency' | 'expected' | 'refuse'>,
  link: PaymentLinkRecord | undefined,
): Promise<string | undefined> {
  if (payment.refuse) return payment.refuse;
  if (payment.amount !== payment.expected.amount || payment.currency !== payment.expected.currency) return 'amount-mismatch';
  if (!link) return 'unknown-link';
  if (link.status === 'used' && link.paidBy !== payment.id) return 'link-paid';
  const debt = await deps.debts.debtFor(link.claims);
  if (debt.status === 'settled') return 'debt-settled';
  if (debt.amount < payment.amount) return 'exceeds-owed';
  return undefined;
}

/** Settles (or flags) a taken payment exactly once. Call it under the customer's lease (underCustomerLease). */
export async function settleUnderLease(deps: SettlementDeps, payment: TakenPayment): Promise<Settlement> {
  const existing = await deps.records.get(payment.id);
  const link = await deps.store.getLink(payment.linkId);
  if (existing) {
    await finish(deps, existing, link);
    return { record: existing, duplicate: true, ...(link ? { link } : {}) };
  }
  const at = now(deps).toISOString();
  let reason = await refusalReason(deps, payment, link);
  if (reason === undefined && !(await deps.store.claimLink(payment.linkId, payment.id, at))) reason = 'link-paid';
  const currency = isCurrencyCode(payment.currency) ? payment.currency : payment.expected.currency;
  const record = paymentRecord({ ...payment, currency }, link, reason === undefined ? 'paid' : 'refund-needed', reason, at);
  if (!(await deps.records.record(record))) {
    // Decided meanwhile by a holder whose lease ran out: that decision stands.
    const stored = (await deps.records.get(payment.id)) as PaymentRecord;
    await finish(deps, stored, link);
    return { record: stored, duplicate: true, ...(link ? { link } : {}) };
  }
  if (record.status === 'refund-needed') {
    deps.logger.error('payment taken for a debt that cannot take it: refund or credit needed', {
      paymentId: record.id,
      provider: record.provider,
      reason: record.refundReason,
      amount: record.amount,
      currency: payment.currency,
      linkId: record.linkId,
      ...(record.callSid ? { callSid: record.callSid } : {}),
    });
  } else {
    deps.logger.info('payment settled', {
      paymentId: record.id,
      provider: record.provider,
      amount: record.amount,
      currency: record.currency,
      linkId: record.linkId,
    });
  }
  await finish(deps, record, link);
  return { record, duplicate: false, ...(link ? { link } : {}) };
}

/** Records a payment the provider finally did not take (once per id; a later duplicate changes nothing). */
export async function recordFailure(
  deps: SettlementDeps,
  payment: Omit<TakenPayment, 'expected' | 'refuse' | 'currency'> & { readonly currency: CurrencyCode; readonly reason: string },
  link: PaymentLinkRecord | undefined,
): Promise<PaymentRecord> {
  const record = paymentRecord(payment, link, 'failed', payment.reason, now(deps).toISOString());
  if (await deps.records.record(record)) return record;
  return (await deps.records.get(payment.id)) ?? record;
}

/** The record of what was decided about a payment; `refundReason` says why when it is not `paid`. */
function paymentRecord(
  payment: Omit<TakenPayment, 'expected' | 'refuse' | 'currency'> & { readonly currency: CurrencyCode },
  link: PaymentLinkRecord | undefined,
  status: PaymentRecord['status'],
  refundReason: string | undefined,
  createdAt: string,
): PaymentRecord {
  return {
    id: payment.id,
    provider: payment.provider,
    status,
    amount: payment.amount,
    currency: payment.currency,
    customerId: payment.customerId,
    reference: payment.reference,
    linkId: payment.linkId,
    ...(link?.callSid ? { callSid: link.callSid } : {}),
    ...(link?.moduleCode ? { moduleCode: link.moduleCode } : {}),
    ...(payment.maskedCard ? { maskedCard: payment.maskedCard } : {}),
    ...(refundReason !== undefined ? { refundReason } : {}),
    createdAt,
  };
}

/** A payment of exactly what a checkout was for: what the return page verifies, or a failure the provider reports. */
export function paymentFromCheckout(checkout: Checkout) {
  return {
    id: checkoutRecordId(checkout.provider, checkout.checkoutId),
    provider: checkout.provider,
    linkId: checkout.linkId,
    customerId: checkout.customerId,
    amount: checkout.amount,
    currency: checkout.currency,
    expected: { amount: checkout.amount, currency: checkout.currency },
  };
}

/** The writes that follow a decision; each is idempotent, so a repeated confirmation completes what a crash left. */
async function finish(deps: SettlementDeps, record: PaymentRecord, link: PaymentLinkRecord | undefined): Promise<void> {
  if (record.status === 'paid' && link) {
    await deps.store.claimLink(link.claims.id, record.id, record.createdAt);
    await deps.ledger.recordOnlinePayment({
      paymentId: record.id,
      customerId: record.customerId,
      amount: record.amount,
      currency: record.currency,
      reference: record.reference,
      paidAt: record.createdAt,
      items: link.claims.items,
      invoiceType: link.claims.invoiceType,
      ...(link.claims.moneyAccount ? { moneyAccount: link.claims.moneyAccount } : {}),
      linkId: link.claims.id,
    });
    await deps.store.markSettled(link.claims.id, record.createdAt, record.reference);
  }
  if (record.status === 'refund-needed' && record.callSid && deps.callLog) await deps.callLog.flagRefundNeeded(record.callSid, record.id);
}
