/**
 * Port: every payment a provider confirmed (or finally refused), one record per provider
 * payment, for settling exactly once and for the panel's Payments page (adapter:
 * dynamo-payment-records.ts). Written by the payment-link settlement (sandbox, Stripe,
 * Zarinpal) and by in-call card payments (Twilio <Pay>).
 *
 * A record is written once, when what happens to the payment is decided: `paid` (it settled
 * a debt in the ledger), `refund-needed` (the provider took money for a debt that was already
 * settled, or for the wrong amount: it is kept here, never posted, until an operator refunds
 * or credits it and marks it handled) or `failed` (the provider finally did not take it).
 * `refundReason` says why for both of the last two.
 */
import type { CurrencyCode } from '../domain/money';
import type { Checkout } from './payment-store';

export interface PaymentRecord {
  /** Provider-scoped, unique: 'stripe:<session id>', 'zarinpal:<authority>', 'sandbox:<link id>', 'twilio-pay:<PaymentConfirmationCode>'. */
  readonly id: string;
  readonly provider: 'sandbox' | 'stripe' | 'zarinpal' | 'twilio-pay';
  readonly status: 'paid' | 'refund-needed' | 'failed';
  /** Minor units of `currency`. */
  readonly amount: number;
  readonly currency: CurrencyCode;
  readonly customerId: string;
  /** The provider's reference (payment intent, RefID, confirmation code). */
  readonly reference: string;
  readonly linkId?: string;
  readonly callSid?: string;
  readonly moduleCode?: string;
  /** Only as the provider gives it, masked. */
  readonly maskedCard?: string;
  readonly refundReason?: string;
  /** ISO. */
  readonly createdAt: string;
  /** An operator marked a refund-needed payment as handled. */
  readonly handledAt?: string;
}

export interface PaymentRecords {
  /** Stores once per id; false when a record with this id already exists (nothing changes). */
  record(payment: PaymentRecord): Promise<boolean>;
  list(query: {
    fromDay: string;
    toDay: string;
    status?: PaymentRecord['status'];
    limit: number;
    cursor?: string;
  }): Promise<{ payments: PaymentRecord[]; nextCursor?: string }>;
  markHandled(id: string, at: string): Promise<boolean>;
}

/** One record by its id (the settlement re-reads a decision; the panel's "mark handled" shows what it changes). */
export interface PaymentRecordLookup {
  get(id: string): Promise<PaymentRecord | undefined>;
}

export const PAYMENT_STATUSES: readonly PaymentRecord['status'][] = ['paid', 'refund-needed', 'failed'];

/** The record id of a payment taken through a provider's checkout (a Stripe session, a Zarinpal authority). */
export const checkoutRecordId = (provider: Checkout['provider'], checkoutId: string): string => `${provider}:${checkoutId}`;
