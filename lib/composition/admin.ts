/** Wiring of the admin API: edits configuration directly (no cache), reads the ledger and call log. */
import type { AdminDeps } from '../admin/admin-deps';
import type { BalanceModule } from '../config/module-schema';
import { DynamoLedgerWriter } from '../ledger/dynamo-ledger-writer';
import { DynamoLedgerDirectory } from '../ledger/dynamo-ledger-directory';
import { promptRecordingService } from '../speech/prompt-recordings';
import { DynamoCallLog } from '../call-log/dynamo-call-log';
import { DynamoModuleStore } from '../config/dynamo-module-store';
import { config, dynamo, logger } from './core';
import { crms, ledger, lookupSources } from './crms';
import { productSecrets } from './secrets';
import { outbox } from './sms';
import { audioStore, speech } from './speech';

export { config, logger };

/** The bearer key (ADMIN_API_KEY locally, the SSM SecureString admin-api-key deployed); a missing one answers 503. */
export const adminApiKey = (): Promise<string> => productSecrets.get('admin-api-key');

// Uncached: an edit must never be based on (and overwrite) a stale copy of a module.
const modules = new DynamoModuleStore(dynamo, config.tables.config);

export const adminDeps: AdminDeps = {
  modules,
  // Stored sources are checked first so an unknown name is "not found", not "CRM down".
  crmFor: async (source) => (source === ledger.source || (await lookupSources.getSource(source)) ? crms.forModule({ lookupSource: source } as BalanceModule) : undefined),
  lookupSourceNames: async () => [ledger.source, ...(await lookupSources.listSources()).map((s) => s.name).filter((name) => name !== ledger.source)],
  lookupSourceStore: lookupSources,
  // Lookup-source admin routes: "test connection" and where source passwords live.
  testLookupSource: (name) => crms.testConnection(name),
  secretsFrom: config.crm.secretsFrom === 'ssm' ? { kind: 'ssm', ssmPrefix: config.crm.ssmPrefix } : { kind: 'env' },
  ledger: {
    directory: new DynamoLedgerDirectory(dynamo, config.tables.ledger),
    writer: new DynamoLedgerWriter(dynamo, config.tables.ledger, config.defaultCountryCode),
  },
  callLog: new DynamoCallLog(dynamo, config.tables.callLog),
  speech,
  recordings: promptRecordingService({ modules, audio: audioStore }),
  publicBaseUrl: config.publicBaseUrl,
  audioBaseUrl: config.audioBaseUrl,
  logger,
  // The embedded outbox is where SMS land unless Twilio sends them; the panel lists it.
  ...(config.sms.provider === 'twilio'
    ? {}
    : {
        outbox: {
          list: async ({ limit }) => ({
            messages: (await outbox.latest({ limit })).map(({ id, to, body, createdAt, callSid }) => ({ id, to, body, createdAt, ...(callSid ? { callSid } : {}) })),
          }),
        },
      }),
};
