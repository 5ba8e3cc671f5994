/**
 * Wiring of the pay function: the payment page, the providers' confirmations (Stripe's
 * webhook, Zarinpal's return), the ledger writer, the payment records and the call log's
 * refund flags. Providers are built only when configured (PAYMENT_PROVIDER and
 * PAYMENT_PROVIDER_BY_MODULE); their keys are product secrets read on first use.
 */
import { DynamoCallLog } from '../call-log/dynamo-call-log';
import { ConfigurationError, type PaymentProviderName } from '../config/app-config';
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
import { MissingSecretError } from '../secrets/product-secrets';
import { isProductSecretName } from '../secrets/secret-names';
import { SecretNotFoundError, type SecretResolver } from '../secrets/secret-resolver';
import { config, dynamo, logger } from './core';
import { paymentLinkSecret } from './payments';
import { productSecrets } from './secrets';

export { config, logger };

const wanted = new Set<PaymentProviderName>([...config.payments.providers, ...Object.values(config.payments.providerByModule)]);
// Outside `npm start` the gateway must be chosen: the sandbox takes no money and marks the debt
// paid, so a deployed stage runs it only with PAYMENT_PROVIDER=sandbox (and every page says so).
if (wanted.size === 0) {
  throw new ConfigurationError(
    'PAYMENT_PROVIDER is not set: this stage has no payment gateway; name one (stripe, zarinpal), or set PAYMENT_PROVIDER=sandbox to run the test provider that takes no money',
  );
}

/** The providers' keys (stripe-secret-key, stripe-webhook-secret, zarinpal-merchant-id): product secrets, this function's own. */
const providerSecrets: SecretResolver = {
  resolve: (name) => (isProductSecretName(name) ? productSecrets.get(name) : Promise.reject(new SecretNotFoundError(`${name} is not a product secret`))),
};

const stripe = wanted.has('stripe') ? new StripeCheckout({ ...config.payments.stripe, secrets: providerSecrets }) : undefined;
const zarinpal = wanted.has('zarinpal')
  ? new ZarinpalGateway({ ...config.payments.zarinpal, secrets: providerSecrets, callbackUrl: `${config.publicBaseUrl}/pay/zarinpal/callback` })
  : undefined;
const built: Partial<Record<PaymentProviderName, PaymentProvider>> = {
  sandbox: wanted.has('sandbox') ? new SandboxPaymentProvider() : undefined,
  stripe,
  zarinpal,
};
const provider = (name: PaymentProviderName) => built[name] as PaymentProvider;

export const paymentRecords = new DynamoPaymentRecords(dynamo, config.tables.paymentRecords);

/** The stage runs the sandbox: every page says so. */
export const sandbox = wanted.has('sandbox');

const settlement = {
  store: new DynamoLinkPayments(dynamo, config.tables.payments),
  records: paymentRecords,
  ledger: new DynamoLedgerWriter(dynamo, config.tables.ledger, config.defaultCountryCode, { ledgerCurrency: config.ledgerCurrency }),
  debts: new LedgerOutstandingDebts(new LedgerCrm(dynamo, config.tables.ledger, config.defaultCountryCode, undefined, config.ledgerCurrency)),
  callLog: new DynamoCallLog(dynamo, config.tables.callLog),
  logger,
};

const pageBase: Omit<PaymentPageDeps, 'secret'> = {
  ...settlement,
  providerFor: chooseProvider(
    config.payments.providers.map(provider),
    Object.fromEntries(Object.entries(config.payments.providerByModule).map(([code, name]) => [code, provider(name)])),
  ),
  businessName: config.payments.businessName,
  publicBaseUrl: config.publicBaseUrl,
  sandbox,
};

/** The page's dependencies with the link key; without the key every page says payment is unavailable. */
export async function paymentPageDeps(): Promise<PaymentPageDeps> {
  try {
    return { ...pageBase, secret: await paymentLinkSecret() };
  } catch (error) {
    if (!(error instanceof MissingSecretError)) throw error;
    logger.error('payment pages are unavailable: the payment-link secret cannot be read', { error });
    return { ...pageBase, secret: undefined };
  }
}

/** Stripe's webhook; undefined when Stripe is not configured (the route then answers 404). */
export const stripeWebhookDeps: WebhookDeps | undefined = stripe ? { ...settlement, notifications: stripe } : undefined;

/** Zarinpal's return; undefined when Zarinpal is not configured. */
export async function zarinpalReturnDeps(): Promise<PaymentReturnDeps | undefined> {
  return zarinpal ? { ...(await paymentPageDeps()), verification: zarinpal } : undefined;
}
