/**
 * Ports: the gateways that take the money for a payment link. Adapters:
 * sandbox-payment-provider.ts (local and tests: settles at once), stripe-checkout.ts (Stripe
 * Checkout: hosted page, settled by a signed webhook), zarinpal-gateway.ts (Zarinpal REST v4:
 * StartPay, settled by a verify call when the customer comes back).
 *
 * The payment page asks a provider to `start` a payment; only what the provider itself
 * confirms afterwards (PaymentNotifications, PaymentVerification) settles anything.
 */
import type { Language } from '../config/module-constants';
import type { CurrencyCode } from '../domain/money';
import type { Checkout } from './payment-store';

export type ProviderName = 'sandbox' | 'stripe' | 'zarinpal';

/** What the payment page asks a provider for: `amount` (minor units of `currency`) for one link. */
export interface CheckoutRequest {
  readonly linkId: string;
  readonly amount: number;
  readonly currency: CurrencyCode;
  readonly customerId: string;
  readonly items: readonly string[];
  /** What the customer sees at the provider: "Invoice INV-1002", "Account balance". */
  readonly description: string;
  readonly language: Language;
  /** The link's own page: where the customer comes back to (Stripe's success and cancel pages). */
  readonly returnUrl: string;
  readonly now: Date;
  /** Starts of this link that failed before: a provider with idempotency keys asks anew after a failure. */
  readonly attempt: number;
}

export type CheckoutStart =
  /** The money was taken at once (the sandbox). */
  | { readonly status: 'paid'; readonly reference: string }
  /** Send the customer to `url`; the provider confirms later. `sent`: what the provider was asked for when in other units (Zarinpal tomans). */
  | { readonly status: 'redirect'; readonly checkoutId: string; readonly url: string; readonly payableUntil: number; readonly sent?: Checkout['sent'] }
  /** Nothing was started; `transient` when trying again later may work (timeout, 5xx). */
  | { readonly status: 'failed'; readonly reason: string; readonly transient: boolean };

export interface PaymentProvider {
  readonly name: ProviderName;
  /** True for test providers: the page says so in large letters. */
  readonly sandbox: boolean;
  /** Origins the payment page may send the customer to (its Content-Security-Policy form-action). */
  readonly checkoutOrigins: readonly string[];
  /** Whether it can take exactly this amount in this currency (Stripe takes no IRR; Zarinpal only IRR). */
  accepts(currency: CurrencyCode, amount: number): boolean;
  start(request: CheckoutRequest): Promise<CheckoutStart>;
}

/** A payment a provider says it took. Amount and currency are the provider's own, checked against the checkout. */
export interface ProviderPayment {
  readonly provider: Exclude<ProviderName, 'sandbox'>;
  readonly checkoutId: string;
  readonly amount: number;
  /** Upper-case ISO code as the provider wrote it (not trusted to be one this product knows). */
  readonly currency: string;
  readonly reference: string;
  readonly maskedCard?: string;
  /** The link the provider's metadata names (used only when the checkout itself is unknown). */
  readonly linkId?: string;
}

/** What a provider's notification said, once its signature was checked. */
export type Notification =
  /** Not from the provider, or not readable: nothing happens (4xx with the reason). */
  | { readonly kind: 'refused'; readonly reason: 'missing-signature' | 'bad-signature' | 'stale-timestamp' | 'malformed-event' }
  /** A real event this product does not act on (2xx, so it is not sent again). */
  | { readonly kind: 'ignored'; readonly reason: string; readonly eventId?: string }
  | { readonly kind: 'paid'; readonly payment: ProviderPayment; readonly eventId: string }
  /** The provider finally did not take the money (a delayed payment method failed). */
  | { readonly kind: 'failed'; readonly provider: ProviderPayment['provider']; readonly checkoutId: string; readonly reason: string; readonly eventId: string };

/** Providers that notify the product server to server (Stripe's webhook). */
export interface PaymentNotifications {
  /** Checks the signature on the raw body exactly as received; throws only when the check itself cannot run (the secret unreadable). */
  read(rawBody: string, signature: string | undefined, now: Date): Promise<Notification>;
}

export type Verification =
  | { readonly status: 'paid'; readonly reference: string; readonly maskedCard?: string; readonly alreadyVerified: boolean }
  /** Not taken. `final`: it never will be for this checkout (cancelled, amount mismatch); otherwise a configuration problem to fix. */
  | { readonly status: 'not-paid'; readonly reason: string; readonly final: boolean }
  /** The provider could not answer now (timeout, 5xx, too many requests): ask again later. */
  | { readonly status: 'unavailable'; readonly reason: string };

/** Providers whose payments the product confirms itself when the customer comes back (Zarinpal's verify). */
export interface PaymentVerification {
  /** Confirms the checkout for the amount in our own records, never one from the customer's browser. Idempotent at the provider. */
  verify(checkout: Checkout): Promise<Verification>;
}
