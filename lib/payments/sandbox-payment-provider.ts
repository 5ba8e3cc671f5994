import { createHash } from 'node:crypto';
import type { CurrencyCode } from '../domain/money';
import type { CheckoutRequest, CheckoutStart, PaymentProvider } from './payment-provider';

/** The embedded test provider: takes no money and reports every payment as taken at once. */
export class SandboxPaymentProvider implements PaymentProvider {
  readonly name = 'sandbox';
  readonly sandbox = true;
  readonly checkoutOrigins: readonly string[] = [];

  accepts(_currency: CurrencyCode, amount: number): boolean {
    return amount > 0;
  }

  async start(request: CheckoutRequest): Promise<CheckoutStart> {
    return { status: 'paid', reference: sandboxReference(request.linkId, request.amount) };
  }
}

/** Deterministic per link and amount, so a settled link always shows the same reference. */
export function sandboxReference(linkId: string, amount: number): string {
  return `SBX-${createHash('sha256').update(`sandbox\n${linkId}\n${amount}`).digest('hex').slice(0, 12).toUpperCase()}`;
}
