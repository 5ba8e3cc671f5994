/**
 * Port: payment links and the guards around sending them (adapter: dynamo-payment-store.ts).
 * Every state change is conditional, so retries and concurrent twins cannot double anything.
 */
import type { CurrencyCode } from '../domain/money';
import type { PaymentLinkOutcome } from '../domain/payment-link';
import type { PaymentLinkClaims } from '../domain/payment-token';
import type { HeldSms } from '../sms/sms-sender';

export interface PaymentLinkRecord {
  readonly claims: PaymentLinkClaims;
  /** open until one payment is settled against it (or, for the sandbox, is being taken). */
  readonly status: 'open' | 'used';
  readonly createdAt: string;
  readonly callSid?: string;
  /** The module the link was sent from (not signed: it only chooses the provider and labels the record). */
  readonly moduleCode?: string;
  /** The payment record that used the link (`stripe:cs_…`, `sandbox:<link id>`). */
  readonly paidBy?: string;
  readonly paidAt?: string;
  /** The provider's reference, shown on the receipt. */
  readonly reference?: string;
  /** Set once the ledger holds the payment; a used link without it is settled again on retry. */
  readonly settledAt?: string;
  /** Times a provider failed to start a checkout for this link: a new attempt then asks with a new idempotency key. */
  readonly startFailures?: number;
  /** The latest provider checkout the customer was sent to (a second tab reuses it while it lasts). */
  readonly checkout?: Pick<Checkout, 'provider' | 'checkoutId' | 'url' | 'amount' | 'payableUntil'>;
}

/** Where a customer was sent to pay a link: one Stripe Checkout Session or one Zarinpal authority. */
export interface Checkout {
  readonly provider: 'stripe' | 'zarinpal';
  /** The provider's id: Stripe's session id, Zarinpal's authority. */
  readonly checkoutId: string;
  readonly linkId: string;
  readonly customerId: string;
  /** What this checkout pays, in minor units of `currency` (the link's amount, or less when less is owed). */
  readonly amount: number;
  readonly currency: CurrencyCode;
  /** What the provider was asked for when it counts in other units (Zarinpal in tomans: IRT); verify sends the same. */
  readonly sent?: { readonly amount: number; readonly currency: string };
  readonly url: string;
  readonly createdAt: string;
  /** Epoch seconds after which the customer is sent to a new checkout rather than this one. */
  readonly payableUntil: number;
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
  /**
   * The customer's newest link for one purpose (the account balance in a currency, or given
   * items): issuing a link makes it the current one, and every older open link for the same
   * purpose answers "replaced". A retry of an older call never takes the place back.
   */
  setCurrentLink(customerId: string, purpose: string, linkId: string, createdAt: string): Promise<void>;
  currentLink(customerId: string, purpose: string): Promise<string | undefined>;
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

/**
 * Paying a link (the pay function only; adapter: dynamo-link-payments.ts on the same table):
 * which payment used it, the provider checkouts it was sent to, and the settlement lease.
 */
export interface LinkPayments {
  /**
   * open → used by payment `recordId`; true also when that same payment used it already (a
   * retry). False when another payment used it (paid in another tab, a concurrent twin).
   */
  claimLink(id: string, recordId: string, paidAt: string): Promise<boolean>;
  /** used → open again, only for the payment that used it and only before it settled (the sandbox's charge failed). */
  reopen(id: string, recordId: string): Promise<boolean>;
  /** Records that the ledger holds the payment, with the provider's reference. */
  markSettled(id: string, settledAt: string, reference: string): Promise<void>;
  /** Stores a checkout (keyed by provider and id) and notes it on its link. */
  putCheckout(checkout: Checkout): Promise<void>;
  getCheckout(provider: Checkout['provider'], checkoutId: string): Promise<Checkout | undefined>;
  /** Counts a failed start, so the next one is a new request to the provider (Stripe replays a stored failure for the same idempotency key). */
  countStartFailure(linkId: string): Promise<void>;
  /**
   * A short lease on `key` for `owner` (settling one customer's payments one at a time): true
   * when it was free or its lease ran out. A crashed holder blocks others for `leaseMs` at most.
   */
  acquireLease(key: string, owner: string, now: Date, leaseMs: number): Promise<boolean>;
  releaseLease(key: string, owner: string): Promise<void>;
}
