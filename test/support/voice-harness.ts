/** In-process voice steps against dynalite: the real voice-step code with real DynamoDB adapters. */
import { LedgerCrm } from '../../lib/ledger/ledger-crm';
import { DynamoLedgerWriter } from '../../lib/ledger/dynamo-ledger-writer';
import { NamedCrmResolver } from '../../lib/crm/crm-resolver';
import type { BalanceModule, Destination } from '../../lib/config/module-schema';
import type { Crm } from '../../lib/crm/crm';
import type { SessionStore } from '../../lib/voice/session-store';
import { CatalogueSpeech } from '../../lib/speech/catalogue-speech';
import { DynamoCallLog } from '../../lib/call-log/dynamo-call-log';
import { DynamoModuleStore } from '../../lib/config/dynamo-module-store';
import { DynamoSessionStore } from '../../lib/voice/dynamo-session-store';
import type { StatusDeps } from '../../lib/voice/status-callback';
import type { VoiceDeps } from '../../lib/voice/voice-step';
import type { TestDynamo } from './local-dynamo';

export const silentLogger = { info() {}, warn() {}, error() {}, debug() {}, appendKeys() {}, resetKeys() {} };

/** Counts calls per CRM method, so tests can assert "one lookup per call". */
export function countingCrm(inner: Crm): Crm & { calls: Record<string, number> } {
  const calls: Record<string, number> = {};
  return new Proxy(inner as Crm & { calls: Record<string, number> }, {
    get(target, prop, receiver) {
      if (prop === 'calls') return calls;
      const value = Reflect.get(target, prop, receiver);
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        calls[String(prop)] = (calls[String(prop)] ?? 0) + 1;
        return (value as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  });
}

export function voiceHarness(db: TestDynamo, options: { crm?: Crm; sessions?: SessionStore } = {}) {
  const modules = new DynamoModuleStore(db.doc, db.tables.config);
  const ledger = new LedgerCrm(db.doc, db.tables.ledger);
  const crm = countingCrm(options.crm ?? ledger);
  const sessions = options.sessions ?? new DynamoSessionStore(db.doc, db.tables.sessions);
  const deps: VoiceDeps = {
    modules,
    sessions,
    crms: new NamedCrmResolver(new Map([['ledger', crm]])),
    speech: new CatalogueSpeech({ audioBaseUrl: 'https://ivr.example.com/audio' }),
    logger: silentLogger,
    publicBaseUrl: 'https://ivr.example.com',
    sessionTtlSeconds: 3600,
    defaultLanguage: 'en',
  };
  const status: StatusDeps = { sessions, callLog: new DynamoCallLog(db.doc, db.tables.callLog), logger: silentLogger };
  return {
    deps,
    status,
    crm,
    modules,
    ledger: new DynamoLedgerWriter(db.doc, db.tables.ledger),
    async configure(module: BalanceModule, destinations: Destination[]) {
      for (const d of destinations) await modules.putDestination(d);
      await modules.putModule(module);
    },
  };
}
