/** Wiring of the voice function: only what a call step uses (no admin, no payment page, no zod). */
import { MeteredCrmResolver } from '../crm/metered-crm';
import { PaymentLinkDelivery } from '../payments/payment-link-delivery';
import { DynamoAttemptLimiter } from '../auth/dynamo-attempt-limiter';
import { CachedModuleStore, DynamoModuleStore } from '../config/dynamo-module-store';
import { DynamoSessionStore } from '../voice/dynamo-session-store';
import { DynamoPaymentRecords } from '../payments/dynamo-payment-records';
import { DynamoCardPaymentLedger } from '../ledger/dynamo-card-payment-ledger';
import { DynamoCustomerSummaries } from '../ledger/dynamo-customer-summaries';
import { renderApology } from '../voice/apology';
import type { VoiceDeps } from '../voice/voice-step';
import { runWithDeadline } from '../aws/deadline-scope';
import { config, dynamo, logger, metrics } from './core';
import { crms } from './crms';
import { payments } from './payments';
import { createSmsSender } from './sms';
import { speech } from './speech';

export { config, logger, metrics };

export const voiceDeps: VoiceDeps = {
  modules: new CachedModuleStore(new DynamoModuleStore(dynamo, config.tables.config), config.configCacheSeconds * 1000),
  sessions: new DynamoSessionStore(dynamo, config.tables.sessions),
  crms: new MeteredCrmResolver(crms, metrics),
  metrics,
  attempts: new DynamoAttemptLimiter(dynamo, config.tables.attempts, config.passwordLockout),
  speech,
  paymentLinks: new PaymentLinkDelivery({
    store: payments,
    sms: createSmsSender(),
    logger,
    businessName: config.payments.businessName,
    dailyLimitPerMobile: config.payments.dailyLimitPerMobile,
    dailyLimitPerCaller: config.payments.dailyLimitPerCaller,
  }),
  // Card payments in the call settle in the built-in ledger and appear on the Payments page.
  cardPayments: {
    ledger: new DynamoCardPaymentLedger(
      dynamo,
      config.tables.ledger,
      new DynamoCustomerSummaries(dynamo, config.tables.ledger, config.defaultCountryCode, { ledgerCurrency: config.ledgerCurrency }),
    ),
    records: new DynamoPaymentRecords(dynamo, config.tables.paymentRecords),
    logger,
  },
  logger,
  publicBaseUrl: config.publicBaseUrl,
  sessionTtlSeconds: config.sessionTtlSeconds,
  defaultLanguage: config.defaultLanguage,
  withinDeadline: runWithDeadline,
};

/** The apology every voice webhook falls back to when something unexpected fails. */
export async function fallbackTwiml(): Promise<string> {
  return renderApology(speech, { language: config.defaultLanguage, prompts: {} });
}
