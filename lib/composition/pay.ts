/** Wiring of the payment page: payment links, the ledger writer and the payment provider. */
import { ConfigurationError } from '../config/app-config';
import { DynamoLedgerWriter } from '../ledger/dynamo-ledger-writer';
import type { PaymentPageDeps } from '../payments/payment-page';
import type { PaymentProvider } from '../payments/payment-provider';
import { SandboxPaymentProvider } from '../payments/sandbox-payment-provider';
import { MissingSecretError } from '../secrets/product-secrets';
import { config, dynamo, logger } from './core';
import { paymentLinkSecret, payments } from './payments';

export { config, logger };

/**
 * The gateway. Outside `npm start` it must be chosen: the sandbox takes no money and marks the
 * debt paid, so a deployed stage runs it only with PAYMENT_PROVIDER=sandbox (and every page says so).
 */
function paymentProvider(): PaymentProvider {
  if (config.payments.provider === 'sandbox') return new SandboxPaymentProvider();
  throw new ConfigurationError('PAYMENT_PROVIDER is not set: this stage has no payment gateway; set PAYMENT_PROVIDER=sandbox to run the test provider that takes no money');
}

const base: Omit<PaymentPageDeps, 'secret'> = {
  store: payments,
  ledger: new DynamoLedgerWriter(dynamo, config.tables.ledger, config.defaultCountryCode),
  provider: paymentProvider(),
  businessName: config.payments.businessName,
  publicBaseUrl: config.publicBaseUrl,
  logger,
};

/** The page's dependencies with the link key; without the key every page says payment is unavailable. */
export async function paymentPageDeps(): Promise<PaymentPageDeps> {
  try {
    return { ...base, secret: await paymentLinkSecret() };
  } catch (error) {
    if (!(error instanceof MissingSecretError)) throw error;
    logger.error('payment pages are unavailable: the payment-link secret cannot be read', { error });
    return { ...base, secret: undefined };
  }
}
