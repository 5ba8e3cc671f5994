/** Payment links: their table and, when a link secret is configured, the issuer (voice, pay). */
import { PaymentLinkIssuer } from '../payments/payment-link-issuer';
import { DynamoPaymentStore } from '../payments/dynamo-payment-store';
import { config, dynamo } from './core';

export const payments = new DynamoPaymentStore(dynamo, config.tables.payments);
export const linkSecret = config.payments.linkSecret;
export const linkIssuer = linkSecret ? new PaymentLinkIssuer({ store: payments, secret: linkSecret, ttlHours: config.payments.linkTtlHours, publicBaseUrl: config.publicBaseUrl }) : undefined;
