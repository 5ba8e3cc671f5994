/** Port: the gateway that takes the money for a payment link (adapter: sandbox-payment-provider.ts). */
import type { CurrencyCode } from '../domain/money';

/** A payment the payment page asks a provider to take: `amount` in the minor unit of `currency` (rials, cents). */
export interface PaymentCharge {
  readonly linkId: string;
  readonly amount: number;
  readonly currency: CurrencyCode;
  readonly customerId: string;
  readonly description: string;
}

export type PaymentChargeResult =
  | { readonly status: 'paid'; readonly reference: string }
  | { readonly status: 'declined' | 'failed'; readonly reason: string };

/**
 * Takes the money for a payment link. The embedded SandboxPaymentProvider settles at once;
 * a real gateway implements the same port (see README "Payment providers").
 */
export interface PaymentProvider {
  readonly name: string;
  /** True for test providers: the page says so in large letters. */
  readonly sandbox: boolean;
  charge(charge: PaymentCharge): Promise<PaymentChargeResult>;
}
