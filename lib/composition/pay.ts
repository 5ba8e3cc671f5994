/** Wiring of the payment page: payment links, the ledger writer and the payment provider. */
import { DynamoLedgerWriter } from '../ledger/dynamo-ledger-writer';
import type { PaymentPageDeps } from '../payments/payment-page';
import { SandboxPaymentProvider } from '../payments/sandbox-payment-provider';
import { config, dynamo, logger } from './core';
import { linkSecret, payments } from './payments';

export { config, logger };

export const paymentPageDeps: PaymentPageDeps = {
  store: payments,
  ledger: new DynamoLedgerWriter(dynamo, config.tables.ledger, config.defaultCountryCode, { ledgerCurrency: config.ledgerCurrency }),
  provider: new SandboxPaymentProvider(),
  secret: linkSecret,
  businessName: config.payments.businessName,
  publicBaseUrl: config.publicBaseUrl,
  logger,
};
