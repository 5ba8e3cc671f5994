/** Payment links (voice, pay): their table, and the issuer signing them with the payment-link secret. */
import type { OwnPaymentLinks } from '../payments/payment-links';
import { PaymentLinkIssuer } from '../payments/payment-link-issuer';
import { DynamoPaymentStore } from '../payments/dynamo-payment-store';
import { config, dynamo } from './core';
import { productSecrets } from './secrets';

export const payments = new DynamoPaymentStore(dynamo, config.tables.payments);

/** The link signing key, read when first needed (an SSM SecureString when deployed); rejects with MissingSecretError. */
export const paymentLinkSecret = (): Promise<string> => productSecrets.get('payment-link-secret');

/**
 * The built-in ledger's own links. The key is read when a link is issued, so a function that
 * never issues one (the admin) never reads it; without it the link is reported as not sent.
 */
export const linkIssuer: OwnPaymentLinks = {
  async issue(request) {
    const secret = await paymentLinkSecret();
    return new PaymentLinkIssuer({ store: payments, secret, ttlHours: config.payments.linkTtlHours, publicBaseUrl: config.publicBaseUrl }).issue(request);
  },
};
