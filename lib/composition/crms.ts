/** CRM lookups (voice, admin): the built-in ledger and the stored lookup sources' adapters. */
import { NamedCrmResolver } from '../crm/crm-resolver';
import { LedgerCrm } from '../ledger/ledger-crm';
import { buildRemoteCrm } from '../crm/remote-crm';
import { crmTransport } from '../crm/crm-http';
import { DynamoLookupSourceStore } from '../crm/dynamo-lookup-source-store';
import { currentRemainingMs } from '../aws/deadline-scope';
import { config, dynamo, logger, metrics } from './core';
import { linkIssuer } from './payments';
import { secrets } from './secrets';

export const ledger = new LedgerCrm(dynamo, config.tables.ledger, config.defaultCountryCode, linkIssuer, config.ledgerCurrency);
export const lookupSources = new DynamoLookupSourceStore(dynamo, config.tables.config);
// Every CRM connection goes through the stage's host policy; one transport keeps the connections alive.
const transport = crmTransport(config.crm.hostPolicy);
// One resolver per container: adapters, their keep-alive connections and circuit breakers live as long as it.
export const crms = new NamedCrmResolver(new Map([[ledger.source, ledger]]), {
  store: lookupSources,
  secrets,
  build: (source, password) => buildRemoteCrm(source, password, { timeoutMs: config.crm.timeoutMs, defaultCountryCode: config.defaultCountryCode, transport }),
  resilience: {
    timeoutMs: config.crm.timeoutMs,
    failureThreshold: config.crm.breakerFailures,
    openMs: config.crm.breakerOpenSeconds * 1000,
    // A voice step's deadline bounds every lookup it makes (the admin has none).
    remainingMs: () => currentRemainingMs(),
    onFailure: (source, operation, reason) => {
      logger.warn('CRM call failed', { lookupSource: source, operation, reason });
      if (reason === 'circuit-open') metrics.add('CrmCircuitOpen', 'Count', 1, { source });
    },
  },
  definitionTtlMs: config.configCacheSeconds * 1000,
});
