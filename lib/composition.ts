/**
 * Wiring: every adapter is built here once per container, from configuration read once.
 * Handlers import what they need; tests build their own wiring with other adapters.
 */
import type { AdminDeps } from './admin/admin-deps';
import { loadConfig } from './config/app-config';
import type { BalanceModule } from './config/module-schema';
import { createAudioStore, createSpeechSynthesizer } from './clients/audio';
import { createDocumentClient } from './clients/dynamodb';
import { SSMClient } from '@aws-sdk/client-ssm';
import { NamedCrmResolver } from './crm/crm-resolver';
import { buildRemoteCrm } from './crm/remote-crm';
import { LedgerCrm, LedgerWriter } from './crm/ledger/ledger-crm';
import { LedgerDirectory } from './crm/ledger/ledger-directory';
import { createLogger } from './observability/logger';
import { PaymentLinkDelivery } from './payments/payment-link-delivery';
import { PaymentLinkIssuer } from './payments/payment-link-issuer';
import type { PaymentPageDeps } from './payments/payment-page';
import { SandboxPaymentProvider } from './payments/sandbox-payment-provider';
import type { SmsSender } from './ports';
import { OutboxSmsSender } from './sms/outbox-sms-sender';
import { MeteredSmsSender } from './sms/metered-sms-sender';
import { TwilioSmsSender } from './sms/twilio-sms-sender';
import { MeteredCrmResolver } from './crm/metered-crm';
import { EmfMetrics, noMetrics, type MetricsRecorder } from './observability/metrics';
import { CatalogueSpeech } from './speech/catalogue-speech';
import { promptRecordingService } from './speech/prompt-recordings';
import { EnvSecretResolver } from './secrets/env-secret-resolver';
import { CachedSecretResolver, SsmSecretResolver } from './secrets/ssm-secret-resolver';
import { DynamoAttemptLimiter } from './store/dynamo-attempt-limiter';
import { SynthesizedAudioCache } from './speech/synthesized-audio-cache';
import { DynamoCallLog } from './store/dynamo-call-log';
import { DynamoLookupSourceStore } from './store/dynamo-lookup-source-store';
import { CachedModuleStore, DynamoModuleStore } from './store/dynamo-module-store';
import { DynamoPaymentStore } from './store/dynamo-payment-store';
import { DynamoSessionStore } from './store/dynamo-session-store';
import { renderApologyAndHangup } from './twiml/render-twiml';
import type { StatusDeps } from './voice/status-callback';
import type { VoiceDeps } from './voice/voice-step';

export const config = loadConfig();
export const logger = createLogger(config.logLevel);
export const metrics: MetricsRecorder = config.metricsEnabled ? new EmfMetrics({ namespace: config.metricsNamespace, service: 'balance-ivr' }) : noMetrics;
export const dynamo = createDocumentClient({ endpoint: config.dynamoDbEndpoint, region: config.region });

const sessions = new DynamoSessionStore(dynamo, config.tables.sessions);
const modules = new CachedModuleStore(new DynamoModuleStore(dynamo, config.tables.config), config.configCacheSeconds * 1000);
const payments = new DynamoPaymentStore(dynamo, config.tables.payments);
const linkSecret = config.payments.linkSecret;
const linkIssuer = linkSecret ? new PaymentLinkIssuer({ store: payments, secret: linkSecret, ttlHours: config.payments.linkTtlHours, publicBaseUrl: config.publicBaseUrl }) : undefined;
const ledger = new LedgerCrm(dynamo, config.tables.ledger, config.defaultCountryCode, linkIssuer);
export const outbox = new OutboxSmsSender(dynamo, config.tables.payments);
const sms: SmsSender = new MeteredSmsSender(config.sms.provider === 'twilio' ? new TwilioSmsSender(config.sms.twilio) : outbox, metrics);
export const lookupSources = new DynamoLookupSourceStore(dynamo, config.tables.config);
const secrets =
  config.crm.secretsFrom === 'ssm'
    ? new CachedSecretResolver(new SsmSecretResolver(new SSMClient({ region: config.region }), config.crm.ssmPrefix), config.crm.secretCacheSeconds * 1000)
    : new EnvSecretResolver(config.crm.envSecrets);
// One resolver per container: adapters, their keep-alive connections and circuit breakers live as long as it.
const crms = new NamedCrmResolver(new Map([[ledger.source, ledger]]), {
  store: lookupSources,
  secrets,
  build: (source, password) => buildRemoteCrm(source, password, { timeoutMs: config.crm.timeoutMs, defaultCountryCode: config.defaultCountryCode }),
  resilience: {
    timeoutMs: config.crm.timeoutMs,
    failureThreshold: config.crm.breakerFailures,
    openMs: config.crm.breakerOpenSeconds * 1000,
    onFailure: (source, operation, reason) => logger.warn('CRM call failed', { lookupSource: source, operation, reason }),
  },
  definitionTtlMs: config.configCacheSeconds * 1000,
});
const callLog = new DynamoCallLog(dynamo, config.tables.callLog);
/** Cached TTS audio and uploaded recordings: S3 when AUDIO_BUCKET is set, else a local folder. */
export const audioStore = createAudioStore(config);
const tts =
  config.speech.ttsMode === 'polly'
    ? new SynthesizedAudioCache(createSpeechSynthesizer(config), audioStore, {
        voice: config.speech.pollyVoice,
        engine: config.speech.pollyEngine,
        format: 'mp3',
        sampleRate: config.speech.pollySampleRate,
      })
    : undefined;
const speech = new CatalogueSpeech({ audioBaseUrl: config.audioBaseUrl, englishVoice: `Polly.${config.speech.pollyVoice}`, logger, ...(tts ? { tts } : {}) });

export const voiceDeps: VoiceDeps = {
  modules,
  sessions,
  crms: new MeteredCrmResolver(crms, metrics),
  metrics,
  attempts: new DynamoAttemptLimiter(dynamo, config.tables.attempts, config.passwordLockout),
  speech,
  paymentLinks: new PaymentLinkDelivery({
    store: payments,
    sms,
    logger,
    businessName: config.payments.businessName,
    dailyLimitPerMobile: config.payments.dailyLimitPerMobile,
    dailyLimitPerCaller: config.payments.dailyLimitPerCaller,
  }),
  logger,
  publicBaseUrl: config.publicBaseUrl,
  sessionTtlSeconds: config.sessionTtlSeconds,
  defaultLanguage: config.defaultLanguage,
};

export const statusDeps: StatusDeps = { sessions, callLog, logger };

/** The admin API edits configuration directly (no cache) and reads the ledger and call log. */
export const adminDeps: AdminDeps = {
  modules: new DynamoModuleStore(dynamo, config.tables.config),
  // Stored sources are checked first so an unknown name is "not found", not "CRM down".
  crmFor: async (source) => (source === ledger.source || (await lookupSources.getSource(source)) ? crms.forModule({ lookupSource: source } as BalanceModule) : undefined),
  lookupSourceNames: async () => [ledger.source, ...(await lookupSources.listSources()).map((s) => s.name).filter((name) => name !== ledger.source)],
  lookupSourceStore: lookupSources,
  ledger: {
    directory: new LedgerDirectory(dynamo, config.tables.ledger),
    writer: new LedgerWriter(dynamo, config.tables.ledger, config.defaultCountryCode),
  },
  callLog,
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

export const paymentPageDeps: PaymentPageDeps = {
  store: payments,
  ledger: new LedgerWriter(dynamo, config.tables.ledger, config.defaultCountryCode),
  provider: new SandboxPaymentProvider(),
  secret: linkSecret,
  businessName: config.payments.businessName,
  publicBaseUrl: config.publicBaseUrl,
  logger,
};

/** The apology every voice webhook falls back to when something unexpected fails. */
export async function fallbackTwiml(): Promise<string> {
  return renderApologyAndHangup(await speech.render([{ prompt: 'apology' }], { language: config.defaultLanguage, prompts: {} }));
}
