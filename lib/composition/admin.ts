/** Wiring of the admin API: edits configuration directly (no cache), reads the ledger and call log. */
import type { AdminDeps } from '../admin/admin-deps';
import { DynamoLedgerWriter } from '../ledger/dynamo-ledger-writer';
import { DynamoLedgerDirectory } from '../ledger/dynamo-ledger-directory';
import { promptRecordingService } from '../speech/prompt-recordings';
import { DynamoCallLog } from '../call-log/dynamo-call-log';
import { DynamoModuleStore } from '../config/dynamo-module-store';
import { DynamoAuditTrail } from '../audit/dynamo-audit-trail';
import { DynamoAttemptLimiter } from '../auth/dynamo-attempt-limiter';
import { DynamoPaymentRecords } from '../payments/dynamo-payment-records';
import { config, dynamo, logger } from './core';
import { crms, ledger, lookupSources } from './crms';
import { MissingSecretError } from '../secrets/product-secrets';
import { productSecrets } from './secrets';
import { outbox } from './sms';
import { audioStore, speech } from './speech';
import { importJobs } from './imports';

const persianSynthesizer = config.speech.persianTts === 'none' ? undefined : config.speech.persianTts;

export { config, logger };

/** Wrong admin keys per source address, counted in the attempts table like wrong telephone passwords. */
export const adminWrongKeys = {
  limiter: new DynamoAttemptLimiter(dynamo, config.tables.attempts, config.adminLockout),
  lockSeconds: config.adminLockout.lockSeconds,
};
/** The bearer key (ADMIN_API_KEY locally, the SSM SecureString admin-api-key deployed); a missing one answers 503. */
export const adminApiKey = (): Promise<string> => productSecrets.get('admin-api-key');
/**
 * The next key during a rotation (ADMIN_API_KEY_NEXT / admin-api-key-next); none outside a
 * rotation, or where this function is not given one (not in its SECRET_NAMES).
 */
export const adminApiKeyNext = async (): Promise<string | undefined> => {
  try {
    return await productSecrets.get('admin-api-key-next');
  } catch (error) {
    if (error instanceof MissingSecretError && (error.problem === 'not-set' || error.problem === 'not-granted')) return undefined;
    throw error;
  }
};

// Uncached: an edit must never be based on (and overwrite) a stale copy of a module.
const modules = new DynamoModuleStore(dynamo, config.tables.config);

export const adminDeps: AdminDeps = {
  modules,
  // Stored sources are checked first so an unknown name is "not found", not "CRM down".
  crmFor: async (source) => (source === ledger.source || (await lookupSources.getSource(source)) ? crms.forSource(source) : undefined),
  lookupSourceNames: async () => [ledger.source, ...(await lookupSources.listSources()).map((s) => s.name).filter((name) => name !== ledger.source)],
  lookupSourceStore: lookupSources,
  // Lookup-source admin routes: "test connection" and where source passwords live.
  testLookupSource: (name) => crms.testConnection(name),
  crmHostPolicy: config.crm.hostPolicy,
  // Lookup-source passwords are secrets crm/<name> like the others: same store, same stage prefix.
  secretsFrom: config.secrets.from === 'ssm' ? { kind: 'ssm', ssmPrefix: config.secrets.ssmPrefix } : { kind: 'env' },
  ledger: {
    directory: new DynamoLedgerDirectory(dynamo, config.tables.ledger, config.ledgerCurrency),
    writer: new DynamoLedgerWriter(dynamo, config.tables.ledger, config.defaultCountryCode, { ledgerCurrency: config.ledgerCurrency }),
    currency: config.ledgerCurrency,
  },
  callLog: new DynamoCallLog(dynamo, config.tables.callLog),
  payments: new DynamoPaymentRecords(dynamo, config.tables.paymentRecords),
  audit: new DynamoAuditTrail(dynamo, config.tables.audit, config.auditRetentionDays),
  speech,
  ...(persianSynthesizer ? { persianSynthesizer } : {}),
  ...(importJobs ? { imports: importJobs } : {}),
  recordings: promptRecordingService({
    modules,
    audio: audioStore,
    speech: { persianSynthesizer: persianSynthesizer !== undefined },
    finish: config.speech.finish,
  }),
  publicBaseUrl: config.publicBaseUrl,
  audioBaseUrl: config.audioBaseUrl,
  logger,
  // The embedded outbox is where SMS land unless Twilio sends them; the panel lists it.
  ...(config.sms.provider === 'twilio'
    ? {}
    : {
        outbox: {
          list: async ({ limit }) => ({
            messages: (await outbox.latest({ limit })).map(({ id, to, body, createdAt, callSid }) => ({
              id,
              to,
              body,
              createdAt,
              ...(callSid ? { callSid } : {}),
            })),
          }),
        },
      }),
};
