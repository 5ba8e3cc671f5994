/**
 * Creates the product's own payment links for the built-in ledger (signed, expiring, stored
 * open), each replacing the customer's older links for the same purpose.
 */
import type { PaymentLinkRequest } from '../domain/payment-link';
import type { OwnPaymentLinks } from './payment-links';
import type { PaymentStore } from './payment-store';
import { linkIdFor, linkPurpose, signLinkToken, type PaymentLinkClaims } from '../domain/payment-token';

export interface PaymentLinkIssuerOptions {
  readonly store: PaymentStore;
  readonly secret: string;
  readonly ttlHours: number;
  readonly publicBaseUrl: string;
  readonly clock?: () => Date;
}

export class PaymentLinkIssuer implements OwnPaymentLinks {
  constructor(private readonly options: PaymentLinkIssuerOptions) {}

  async issue(request: PaymentLinkRequest): Promise<{ readonly id: string; readonly url: string }> {
    const { store, secret, ttlHours, publicBaseUrl } = this.options;
    const now = (this.options.clock ?? (() => new Date()))();
    const claims: PaymentLinkClaims = {
      id: linkIdFor(secret, request.callSid),
      customerId: request.customer.id,
      ...(request.customer.name ? { customerName: request.customer.name } : {}),
      amount: request.amount,
      items: [...request.items],
      invoiceType: request.invoiceType,
      ...(request.moneyAccount ? { moneyAccount: request.moneyAccount } : {}),
      language: request.language,
      currency: request.currency,
      expiresAt: Math.floor(now.getTime() / 1000) + ttlHours * 3600,
    };
    // A retry for the same call finds the link already stored and gets the same URL back.
    const stored = await store.putLink({
      claims,
      status: 'open',
      createdAt: now.toISOString(),
      callSid: request.callSid,
      ...(request.moduleCode ? { moduleCode: request.moduleCode } : {}),
    });
    // The customer's older open links for the same debt now answer "replaced": one debt, one link to pay it.
    await store.setCurrentLink(stored.claims.customerId, linkPurpose(stored.claims), stored.claims.id, stored.createdAt);
    return { id: stored.claims.id, url: `${publicBaseUrl}/pay/${signLinkToken(secret, stored.claims)}` };
  }
}
