/**
 * Port: payment links and the guards around sending them (adapter: dynamo-payment-store.ts).
 * Every state change is conditional, so retries and concurrent twins cannot double anything.
 */
import type { PaymentLinkOutcome } from '../domain/payment-link';
import type { PaymentLinkClaims } from '../domain/payment-token';

export interface PaymentLinkRecord {
  readonly claims: PaymentLinkClaims;
  readonly status: 'open' | 'used';
  readonly createdAt: string;
  readonly callSid?: string;
  readonly paidAt?: string;
  readonly reference?: string;
  /** Set once the ledger holds the payment; a used link without it is settled again on retry. */
  readonly settledAt?: string;
}

export type OnceClaim = { readonly claimed: true } | { readonly claimed: false; readonly outcome?: PaymentLinkOutcome };

export type DailyLimitKind = 'mobile' | 'caller';

export interface PaymentStore {
  /** Stores a new open link; an existing link with the same id (a retry) is left as it is. */
  putLink(record: PaymentLinkRecord): Promise<PaymentLinkRecord>;
  getLink(id: string): Promise<PaymentLinkRecord | undefined>;
  /** open → used. False when the link was not open (paid already, or a concurrent twin won). */
  markUsed(id: string, reference: string, paidAt: string): Promise<boolean>;
  /** used → open again, only for the attempt that marked it (the provider then failed). */
  reopen(id: string, reference: string): Promise<boolean>;
  /** Records that the ledger holds the payment, with the provider's reference. */
  markSettled(id: string, settledAt: string, reference: string): Promise<void>;
  /** The first caller for `key` gets claimed:true; every later one sees the stored outcome, if any yet. */
  claimOnce(key: string, now: Date, ttlSeconds: number): Promise<OnceClaim>;
  onceOutcome(key: string): Promise<{ outcome?: PaymentLinkOutcome }>;
  completeOnce(key: string, outcome: PaymentLinkOutcome): Promise<void>;
  /** Counts one more for (kind, number, day) unless the count already reached `limit`. */
  countDaily(kind: DailyLimitKind, number: string, day: string, limit: number, expiresAt: number): Promise<boolean>;
  uncountDaily(kind: DailyLimitKind, number: string, day: string): Promise<void>;
}
