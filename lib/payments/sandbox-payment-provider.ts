import { createHash } from 'node:crypto';
import type { PaymentCharge, PaymentChargeResult, PaymentProvider } from './payment-provider';

/** The embedded test provider: takes no money and reports every charge as paid at once. */
export class SandboxPaymentProvider implements PaymentProvider {
  readonly name = 'sandbox';
  readonly sandbox = true;

  async charge(charge: PaymentCharge): Promise<PaymentChargeResult> {
    // Deterministic per link, so a settled link always shows the same reference.
    const digest = createHash('sha256').update(`sandbox\n${charge.linkId}\n${charge.amount}`).digest('hex').slice(0, 12).toUpperCase();
    return { status: 'paid', reference: `SBX-${digest}` };
  }
}
