/**
 * Port: the product's own signed payment links, for CRMs that have none (the built-in ledger).
 * Use case: payment-link-issuer.ts.
 */
import type { PaymentLinkRequest } from '../domain/payment-link';

export interface OwnPaymentLinks {
  /** Creates (or, for a retry of the same call, finds) the link; its id is the reference. */
  issue(request: PaymentLinkRequest): Promise<{ readonly id: string; readonly url: string }>;
}
