/**
 * Wiring of the pay function: the payment page, the providers' confirmations (Stripe's
 * webhook, Zarinpal's return), the ledger writer, the payment records and the call log's
 * refund flags. Providers are built only when configured (PAYMENT_PROVIDER and
 * PAYMENT_PROVIDER_BY_MODULE); their keys are secrets read on first use.
 */
import type { PaymentProviderName } from '../config/app-config';
import { DynamoCallLog } from '../call-log/dynamo-call-log';
import { DynamoLedgerWriter } from '../ledger/dynamo-ledger-writer';
import { LedgerCrm } from '../ledger/ledger-crm';
import { LedgerOutstandingDebts } from '../ledger/ledger-outstanding-debts';
import { DynamoLinkPayments } from '../payments/dynamo-link-payments';
import { DynamoPaymentRecords } from '../payments/dynamo-payment-records';
import { chooseProvider, type PaymentPageDeps } from '../payments/payment-page';
import type { PaymentProvider } from '../payments/payment-provider';
import type { PaymentReturnDeps } from '../payments/payment-return';
import type { WebhookDeps } from '../payments/payment-webhook';
import { SandboxPaymentProvider } from '../payments/sandbox-payment-provider';
import { StripeCheckout } from '../payments/stripe-checkout';
import { ZarinpalGateway } from '../payments/zarinpal-gateway';
import { config, dynamo, logger } from './core';
import { linkSecret } from './payments';
import { secrets } from './secrets';

export { config, logger };

const wanted = new Set<PaymentProviderName>([...config.payments.providers, ...Object.values(config.payments.providerByModule)]);
const stripe = wanted.has('stripe') ? new StripeCheckout({ ...config.payments.stripe, secrets }) : undefined;
const zarinpal = wanted.has('zarinpal') ? new ZarinpalGateway({ ...config.payments.zarinpal, secrets, callbackUrl: `${config.publicBaseUrl}/pay/zarinpal/callback` }) : undefined;
const built: Partial<Record<PaymentProviderName, PaymentProvider>> = { sandbox: wanted.has('sandbox') ? new SandboxPaymentProvider() : undefined, stripe, zarinpal };
const provider = (name: PaymentProviderName) => built[name] as PaymentProvider;

export const paymentRecords = new DynamoPaymentRecords(dynamo, config.tables.paymentRecords);

const settlement = {
  store: new DynamoLinkPayments(dynamo, config.tables.payments),
  records: paymentRecords,
  ledger: new DynamoLedgerWriter(dynamo, config.tables.ledger, config.defaultCountryCode),
  debts: new LedgerOutstandingDebts(new LedgerCrm(dynamo, config.tables.ledger, config.defaultCountryCode, undefined, config.ledgerCurrency)),
  callLog: new DynamoCallLog(dynamo, config.tables.callLog),
  logger,
};

export const paymentPageDeps: PaymentPageDeps = {
  ...settlement,
  providerFor: chooseProvider(
    config.payments.providers.map(provider),
    Object.fromEntries(Object.entries(config.payments.providerByModule).map(([code, name]) => [code, provider(name)])),
  ),
  secret: linkSecret,
  businessName: config.payments.businessName,
  publicBaseUrl: config.publicBaseUrl,
};

/** Stripe's webhook; undefined when Stripe is not configured (the route then answers 404). */
export const stripeWebhookDeps: WebhookDeps | undefined = stripe ? { ...settlement, notifications: stripe } : undefined;

/** Zarinpal's return; undefined when Zarinpal is not configured. */
export const zarinpalReturnDeps: PaymentReturnDeps | undefined = zarinpal ? { ...paymentPageDeps, verification: zarinpal } : undefined;
