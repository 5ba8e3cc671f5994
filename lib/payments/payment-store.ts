/**
 * Port: payment links and the guards around sending them (adapter: dynamo-payment-store.ts).
 * Every state change is conditional, so retries and concurrent twins cannot double anything.
 */
import type { PaymentLinkOutcome } from '../domain/payment-link';
import type { PaymentLinkClaims } from '../domain/payment-token';
import type { HeldSms } from '../sms/sms-sender';

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

/** Links sent today to `mobile` and asked for today by `caller`, each against its limit. */
export interface LinkLimits {
  readonly mobile: string;
  /** The calling number; absent when the caller is unknown (no per-caller limit then). */
  readonly caller?: string;
  /** UTC day, YYYY-MM-DD. */
  readonly day: string;
  readonly perMobile: number;
  readonly perCaller: number;
  /** When the counters may be forgotten (epoch seconds, DynamoDB TTL). */
  readonly expiresAt: number;
}

export type LimitCount = { readonly counted: true } | { readonly counted: false; readonly limit: DailyLimitKind };

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
  /**
   * Records the outcome for every later delivery; `message`, when given, is the SMS an outbox
   * sender held (SmsSender.hold): stored in the same write, so it is in the outbox exactly when
   * the outcome says it was sent.
   */
  completeOnce(key: string, outcome: PaymentLinkOutcome, message?: HeldSms): Promise<void>;
  /**
   * Counts one more link for the mobile and for the caller unless either already reached its
   * limit today (then neither is counted, and the answer says which). One conditional write
   * when the caller asks for their own number, two otherwise.
   */
  countLinkLimits(limits: LinkLimits): Promise<LimitCount>;
}
