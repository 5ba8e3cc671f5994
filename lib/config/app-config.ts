import { InvalidCidrError, LOCAL_HOST_POLICY, parseCidr, type CrmHostPolicy } from '../domain/crm-host-policy';

/**
 * Configuration, read once from the environment at cold start. Nothing else in the
 * product reads process.env. Local runs (serverless-offline, tests, scripts) get
 * documented development defaults; a deployed Lambda without a required value fails
 * fast at init instead of answering calls with a wrong secret.
 */
import { CURRENCY_CODES, isCurrencyCode, type CurrencyCode } from '../domain/money';

export class ConfigurationError extends Error {
  override readonly name = 'ConfigurationError';
}

export interface AppConfig {
  readonly isLocal: boolean;
  readonly stage: string;
  readonly publicBaseUrl: string;
  readonly audioBaseUrl: string;
  /** Empty when the token comes from the secret `twilioAuthTokenSecret` names. */
  readonly twilioAuthToken: string;
  /** Name of the secret holding the auth token (SSM when deployed), used when TWILIO_AUTH_TOKEN is not set. */
  readonly twilioAuthTokenSecret: string | undefined;
  /**
   * Bearer key for the admin API. Only the admin function is given one when deployed, so
   * the others see undefined; the admin handler refuses to start without it.
   */
  readonly adminApiKey: string | undefined;
  /**
   * The next admin key during a rotation (ADMIN_API_KEY_NEXT): both are accepted until the old
   * one is retired, so rotating never locks the panel out. Undefined outside a rotation.
   */
  readonly adminApiKeyNext: string | undefined;
  /** Wrong admin keys per source address before that address gets 429 for `lockSeconds`. */
  readonly adminLockout: { readonly maxFailures: number; readonly windowSeconds: number; readonly lockSeconds: number };
  /** How long the audit trail of admin changes is kept (DynamoDB TTL). */
  readonly auditRetentionDays: number;
  readonly dynamoDbEndpoint: string | undefined;
  readonly region: string;
  readonly tables: {
    readonly sessions: string;
    readonly config: string;
    readonly ledger: string;
    readonly callLog: string;
    readonly payments: string;
    readonly attempts: string;
    readonly audit: string;
  };
  /** Customer club: wrong telephone passwords per customer number and per calling number. */
  readonly passwordLockout: { readonly maxFailures: number; readonly windowSeconds: number; readonly lockSeconds: number };
  readonly sessionTtlSeconds: number;
  readonly configCacheSeconds: number;
  readonly defaultLanguage: 'fa' | 'en';
  readonly defaultCountryCode: string;
  /** The built-in ledger's currency (LEDGER_CURRENCY, ISO 4217): of money accounts and items that name none. */
  readonly ledgerCurrency: CurrencyCode;
  readonly logLevel: string;
  /** CloudWatch namespace of the embedded-metric-format metrics. */
  readonly metricsNamespace: string;
  /** POWERTOOLS_METRICS_DISABLED=true turns EMF output off (tests, scripts). */
  readonly metricsEnabled: boolean;
  readonly payments: PaymentConfig;
  readonly sms: SmsConfig;
  readonly crm: {
    /** Deadline of one CRM call, retry included (CRM_TIMEOUT_MS). */
    readonly timeoutMs: number;
    readonly breakerFailures: number;
    readonly breakerOpenSeconds: number;
    /** Where lookup-source passwords come from: env (CRM_SECRET_<NAME>) or SSM Parameter Store. */
    readonly secretsFrom: 'env' | 'ssm';
    readonly ssmPrefix: string;
    readonly secretCacheSeconds: number;
    /** The CRM_SECRET_* (and SECRET_*) variables, for the env resolver only; never logged. */
    readonly envSecrets: Readonly<Record<string, string>>;
    /** Which hosts and addresses a lookup source may reach (crm-host-policy.ts). */
    readonly hostPolicy: CrmHostPolicy;
  };
  readonly speech: SpeechConfig;
  readonly imports: ImportConfig;
}

/** Bulk import jobs: the queue to the worker, and how much one worker message does. */
export interface ImportConfig {
  /** IMPORT_QUEUE_URL: the SQS queue the worker listens on (set by serverless.yml); unset locally, where the worker runs in-process. */
  readonly queueUrl: string | undefined;
  /** IMPORT_CHUNK_SECONDS: how long one worker message writes before queueing the rest (well inside the worker's timeout). */
  readonly chunkSeconds: number;
  /** IMPORT_PASSWORD_CONCURRENCY: telephone passwords hashed at once by the worker (scrypt: ~0.2 s of a core and 32 MiB each). */
  readonly passwordConcurrency: number;
}

/** Payment links, the payment page and the abuse limits. */
export interface PaymentConfig {
  /** Undefined when deployed without PAYMENT_LINK_SECRET: links are then reported as not sent, never signed with a known key. */
  readonly linkSecret: string | undefined;
  readonly linkTtlHours: number;
  readonly dailyLimitPerMobile: number;
  readonly dailyLimitPerCaller: number;
  /** Shown on the payment page and in the SMS. */
  readonly businessName: string;
}

/** The Twilio account SMS are sent from (the TwilioSmsSender's options are these plus test seams). */
export interface TwilioSmsAccount {
  readonly apiBaseUrl: string;
  readonly accountSid: string;
  /** Basic auth user: an API key SID, or the account SID with the auth token. */
  readonly username: string;
  readonly password: string;
  readonly from?: string;
  readonly messagingServiceSid?: string;
}

/** 'outbox' keeps messages in DynamoDB (embedded default); 'twilio' sends through the Messages API. */
export interface SmsConfig {
  readonly provider: 'outbox' | 'twilio';
  readonly twilio: TwilioSmsAccount;
}

/** How prompts are voiced and where audio (cached TTS, uploads) is stored. */
export interface SpeechConfig {
  /** polly: synthesize with Amazon Polly and cache the audio; say: Twilio <Say> with a Polly voice. */
  readonly ttsMode: 'polly' | 'say';
  readonly pollyVoice: string;
  readonly pollyEngine: 'standard' | 'neural' | 'long-form' | 'generative';
  readonly pollySampleRate: string;
  readonly pollyEndpoint: string | undefined;
  /** S3 bucket holding clips/, tts/ and uploads/; unset = a local folder (`audioDir`). */
  readonly audioBucket: string | undefined;
  readonly s3Endpoint: string | undefined;
  readonly audioDir: string;
  /** The clip packs (`<lang>/<key>.wav`) when there is no bucket; deployed they are read from `clips/` in the bucket. */
  readonly clipsDir: string;
  /** The Persian synthesizer: Azure AI Speech, a local espeak-ng process, or none (clips and recordings only). */
  readonly persianTts: 'azure' | 'espeak' | 'none';
  readonly azure: AzureSpeechConfig;
  readonly espeak: { readonly command: string; readonly voice: string; readonly timeoutMs: number };
  /** Loudness target (active speech RMS dBFS), pause between joined pieces and edge fades. */
  readonly finish: { readonly targetDb: number; readonly pauseMs: number; readonly fadeMs: number };
}

/** Azure AI Speech text to speech (REST); the key is the secret `keySecret` names. */
export interface AzureSpeechConfig {
  /** `https://<region>.tts.speech.microsoft.com`, or AZURE_SPEECH_ENDPOINT (tests). */
  readonly endpoint: string;
  readonly voice: string;
  readonly keySecret: string;
  /** SSML prosody rate, e.g. `-5%`. */
  readonly rate: string;
  readonly timeoutMs: number;
}

export const LOCAL_DEFAULTS = {
  port: 3000,
  twilioAuthToken: 'local-dev-auth-token',
  adminApiKey: 'local-admin-key',
  stage: 'local',
  paymentLinkSecret: 'local-dev-payment-link-secret',
} as const;

type Env = Record<string, string | undefined>;

function intFrom(env: Env, name: string, fallback: number, min: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min) throw new ConfigurationError(`${name} must be an integer >= ${min}, got "${raw}"`);
  return n;
}

function required(env: Env, name: string, isLocal: boolean, localDefault: string): string {
  const value = env[name];
  if (value) return value;
  if (isLocal) return localDefault;
  throw new ConfigurationError(`${name} environment variable is not set`);
}

function adminKey(env: Env, isLocal: boolean, name: 'ADMIN_API_KEY' | 'ADMIN_API_KEY_NEXT' = 'ADMIN_API_KEY'): string | undefined {
  const value = env[name];
  if (!value) return isLocal && name === 'ADMIN_API_KEY' ? LOCAL_DEFAULTS.adminApiKey : undefined;
  // A deployed panel is on the internet: a short key is guessable.
  if (!isLocal && value.length < 16) throw new ConfigurationError(`${name} must be at least 16 characters`);
  return value;
}

function ledgerCurrencyFrom(env: Env): CurrencyCode {
  const code = (env.LEDGER_CURRENCY ?? 'IRR').trim().toUpperCase();
  if (!isCurrencyCode(code)) throw new ConfigurationError(`LEDGER_CURRENCY must be one of ${CURRENCY_CODES.join(', ')}, got "${env.LEDGER_CURRENCY}"`);
  return code;
}

function booleanFrom(env: Env, name: string, fallback: boolean): boolean {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (raw === 'true' || raw === 'false') return raw === 'true';
  throw new ConfigurationError(`${name} must be true or false, got "${raw}"`);
}

/**
 * CRM_ALLOW_HTTP and CRM_ALLOWED_CIDRS per stage; stage `local` allows http and loopback (the
 * fake CRMs on 127.0.0.1) unless told otherwise, every other stage https to public addresses.
 */
function crmHostPolicy(env: Env, stage: string): CrmHostPolicy {
  const local = stage === LOCAL_DEFAULTS.stage;
  const raw = env.CRM_ALLOWED_CIDRS;
  const allowedCidrs = raw === undefined || raw === '' ? (local ? LOCAL_HOST_POLICY.allowedCidrs : []) : raw.split(',').map((c) => c.trim()).filter((c) => c !== '' && c !== 'none');
  for (const cidr of allowedCidrs) {
    try {
      parseCidr(cidr);
    } catch (error) {
      if (error instanceof InvalidCidrError) throw new ConfigurationError(`CRM_ALLOWED_CIDRS: ${error.message}`, { cause: error });
      throw error;
    }
  }
  return { allowHttp: booleanFrom(env, 'CRM_ALLOW_HTTP', local), allowedCidrs };
}

export function loadConfig(env: Env = process.env): AppConfig {
  // serverless-offline sets IS_OFFLINE; plain Node (tests, scripts) has no Lambda function name.
  const isLocal = env.IS_OFFLINE === 'true' || !env.AWS_LAMBDA_FUNCTION_NAME;
  const stage = env.STAGE ?? LOCAL_DEFAULTS.stage;
  const port = intFrom(env, 'PORT', LOCAL_DEFAULTS.port, 1);
  const publicBaseUrl = required(env, 'PUBLIC_BASE_URL', isLocal, `http://localhost:${port}`).replace(/\/+$/, '');
  const prefix = env.TABLE_PREFIX ?? `balance-ivr-${stage}`;
  const language = env.DEFAULT_LANGUAGE ?? 'fa';
  const secretsFrom = env.CRM_SECRETS_FROM || (isLocal ? 'env' : 'ssm');
  if (secretsFrom !== 'env' && secretsFrom !== 'ssm') throw new ConfigurationError(`CRM_SECRETS_FROM must be env or ssm, got "${secretsFrom}"`);
  const envSecrets: Record<string, string> = {};
  for (const [name, value] of Object.entries(env)) if ((name.startsWith('CRM_SECRET_') || name.startsWith('SECRET_')) && value !== undefined) envSecrets[name] = value;
  const region = env.AWS_REGION ?? 'us-east-1';
  const twilioAuthTokenSecret = env.TWILIO_AUTH_TOKEN ? undefined : env.TWILIO_AUTH_TOKEN_SECRET || undefined;
  const twilioAuthToken = twilioAuthTokenSecret ? '' : required(env, 'TWILIO_AUTH_TOKEN', isLocal, LOCAL_DEFAULTS.twilioAuthToken);
  const speech = speechConfig(env, isLocal);
  // Deployed audio is served straight from the bucket (public-read prefixes, see README).
  const bucketUrl = speech.audioBucket && !speech.s3Endpoint ? `https://${speech.audioBucket}.s3.${region}.amazonaws.com` : undefined;
  if (language !== 'fa' && language !== 'en') throw new ConfigurationError(`DEFAULT_LANGUAGE must be fa or en, got "${language}"`);
  return {
    isLocal,
    stage,
    publicBaseUrl,
    audioBaseUrl: (env.AUDIO_BASE_URL || bucketUrl || `${publicBaseUrl}/audio`).replace(/\/+$/, ''),
    twilioAuthToken,
    twilioAuthTokenSecret,
    adminApiKey: adminKey(env, isLocal),
    adminApiKeyNext: adminKey(env, isLocal, 'ADMIN_API_KEY_NEXT'),
    adminLockout: {
      maxFailures: intFrom(env, 'ADMIN_MAX_FAILURES', 10, 1),
      windowSeconds: intFrom(env, 'ADMIN_FAILURE_WINDOW_SECONDS', 300, 1),
      lockSeconds: intFrom(env, 'ADMIN_LOCK_SECONDS', 900, 1),
    },
    auditRetentionDays: intFrom(env, 'AUDIT_RETENTION_DAYS', 365, 1),
    dynamoDbEndpoint: env.DYNAMODB_ENDPOINT || undefined,
    region,
    tables: {
      sessions: env.SESSIONS_TABLE ?? `${prefix}-sessions`,
      config: env.CONFIG_TABLE ?? `${prefix}-config`,
      ledger: env.LEDGER_TABLE ?? `${prefix}-ledger`,
      callLog: env.CALL_LOG_TABLE ?? `${prefix}-call-log`,
      payments: env.PAYMENTS_TABLE ?? `${prefix}-payments`,
      attempts: env.ATTEMPTS_TABLE ?? `${prefix}-attempts`,
      audit: env.AUDIT_TABLE ?? `${prefix}-audit`,
    },
    passwordLockout: {
      maxFailures: intFrom(env, 'PASSWORD_MAX_FAILURES', 5, 1),
      windowSeconds: intFrom(env, 'PASSWORD_FAILURE_WINDOW_SECONDS', 900, 1),
      lockSeconds: intFrom(env, 'PASSWORD_LOCK_SECONDS', 900, 1),
    },
    sessionTtlSeconds: intFrom(env, 'SESSION_TTL_SECONDS', 86_400, 60),
    configCacheSeconds: intFrom(env, 'CONFIG_CACHE_SECONDS', 15, 0),
    defaultLanguage: language,
    defaultCountryCode: env.DEFAULT_COUNTRY_CODE ?? '98',
    ledgerCurrency: ledgerCurrencyFrom(env),
    logLevel: env.LOG_LEVEL ?? 'INFO',
    metricsNamespace: env.METRICS_NAMESPACE || 'BalanceIvr',
    metricsEnabled: env.POWERTOOLS_METRICS_DISABLED !== 'true',
    payments: {
      linkSecret: env.PAYMENT_LINK_SECRET || (isLocal ? LOCAL_DEFAULTS.paymentLinkSecret : undefined),
      linkTtlHours: intFrom(env, 'PAYMENT_LINK_TTL_HOURS', 72, 1),
      dailyLimitPerMobile: intFrom(env, 'PAYMENT_LINK_DAILY_LIMIT_PER_MOBILE', 3, 1),
      dailyLimitPerCaller: intFrom(env, 'PAYMENT_LINK_DAILY_LIMIT_PER_CALLER', 5, 1),
      businessName: (env.BUSINESS_NAME ?? '').trim() || 'Balance IVR',
    },
    sms: smsConfig(env),
    crm: {
      timeoutMs: intFrom(env, 'CRM_TIMEOUT_MS', 4000, 100),
      breakerFailures: intFrom(env, 'CRM_BREAKER_FAILURES', 5, 1),
      breakerOpenSeconds: intFrom(env, 'CRM_BREAKER_OPEN_SECONDS', 30, 1),
      secretsFrom,
      ssmPrefix: env.CRM_SSM_PREFIX || `/balance-ivr/${stage}/`,
      secretCacheSeconds: intFrom(env, 'CRM_SECRET_CACHE_SECONDS', 300, 0),
      envSecrets,
      hostPolicy: crmHostPolicy(env, stage),
    },
    speech,
    imports: {
      queueUrl: env.IMPORT_QUEUE_URL || undefined,
      chunkSeconds: intFrom(env, 'IMPORT_CHUNK_SECONDS', 20, 1),
      passwordConcurrency: intFrom(env, 'IMPORT_PASSWORD_CONCURRENCY', 2, 1),
    },
  };
}

const POLLY_ENGINES = ['standard', 'neural', 'long-form', 'generative'] as const;

function speechConfig(env: Env, isLocal: boolean): SpeechConfig {
  const audioBucket = env.AUDIO_BUCKET || undefined;
  // Locally there is no Polly: English prompts use <Say> unless TTS_MODE=polly is asked for.
  // Deployed, Polly needs the bucket to cache into; without one (not our serverless.yml) <Say>.
  const ttsMode = env.TTS_MODE || (isLocal || !audioBucket ? 'say' : 'polly');
  if (ttsMode !== 'polly' && ttsMode !== 'say') throw new ConfigurationError(`TTS_MODE must be polly or say, got "${ttsMode}"`);
  const engine = env.POLLY_ENGINE || 'neural';
  if (!(POLLY_ENGINES as readonly string[]).includes(engine)) throw new ConfigurationError(`POLLY_ENGINE must be one of ${POLLY_ENGINES.join(', ')}, got "${engine}"`);
  const sampleRate = env.POLLY_SAMPLE_RATE || '22050';
  if (!['8000', '16000', '22050', '24000'].includes(sampleRate)) throw new ConfigurationError(`POLLY_SAMPLE_RATE must be 8000, 16000, 22050 or 24000, got "${sampleRate}"`);
  if (ttsMode === 'polly' && !audioBucket && !isLocal) throw new ConfigurationError('AUDIO_BUCKET environment variable is not set (needed by TTS_MODE=polly)');
  const region = env.AZURE_SPEECH_REGION || '';
  const azureEndpoint = (env.AZURE_SPEECH_ENDPOINT || (region ? `https://${region}.tts.speech.microsoft.com` : '')).replace(/\/+$/, '');
  const persianTts = env.PERSIAN_TTS || (azureEndpoint ? 'azure' : 'none');
  if (persianTts !== 'azure' && persianTts !== 'espeak' && persianTts !== 'none') throw new ConfigurationError(`PERSIAN_TTS must be azure, espeak or none, got "${persianTts}"`);
  if (persianTts === 'azure' && !azureEndpoint) throw new ConfigurationError('PERSIAN_TTS=azure needs AZURE_SPEECH_REGION (or AZURE_SPEECH_ENDPOINT)');
  const rate = env.AZURE_SPEECH_RATE || '-5%';
  if (!/^([+-]?\d{1,3}%|\d(\.\d+)?|x-slow|slow|medium|fast|x-fast|default)$/.test(rate)) throw new ConfigurationError(`AZURE_SPEECH_RATE must be a percentage, a multiplier or a named rate, got "${rate}"`);
  const targetDb = Number(env.SPEECH_LOUDNESS_DBFS || '-20');
  if (!Number.isFinite(targetDb) || targetDb < -40 || targetDb > -6) throw new ConfigurationError(`SPEECH_LOUDNESS_DBFS must be between -40 and -6, got "${env.SPEECH_LOUDNESS_DBFS}"`);
  return {
    ttsMode,
    pollyVoice: env.POLLY_VOICE || 'Joanna',
    pollyEngine: engine as SpeechConfig['pollyEngine'],
    pollySampleRate: sampleRate,
    pollyEndpoint: env.POLLY_ENDPOINT || undefined,
    audioBucket,
    s3Endpoint: env.S3_ENDPOINT || undefined,
    audioDir: env.AUDIO_DIR || '.data/audio',
    clipsDir: env.CLIPS_DIR || 'infra/audio/clips',
    persianTts,
    azure: {
      endpoint: azureEndpoint,
      voice: env.AZURE_SPEECH_VOICE || 'fa-IR-DilaraNeural',
      keySecret: env.AZURE_SPEECH_KEY_SECRET || 'azure-speech-key',
      rate,
      timeoutMs: intFrom(env, 'AZURE_SPEECH_TIMEOUT_MS', 3000, 100),
    },
    espeak: { command: env.ESPEAK_COMMAND || 'espeak-ng', voice: env.ESPEAK_VOICE || 'fa+klatt4', timeoutMs: intFrom(env, 'ESPEAK_TIMEOUT_MS', 5000, 100) },
    finish: { targetDb, pauseMs: intFrom(env, 'SPEECH_JOIN_PAUSE_MS', 40, 0), fadeMs: intFrom(env, 'SPEECH_FADE_MS', 4, 0) },
  };
}

function smsConfig(env: Env): SmsConfig {
  const provider = env.SMS_PROVIDER || 'outbox';
  if (provider !== 'outbox' && provider !== 'twilio') throw new ConfigurationError(`SMS_PROVIDER must be outbox or twilio, got "${provider}"`);
  const accountSid = env.TWILIO_ACCOUNT_SID ?? '';
  const apiKeySid = env.TWILIO_API_KEY_SID ?? '';
  const twilio = {
    apiBaseUrl: (env.TWILIO_API_BASE_URL || 'https://api.twilio.com').replace(/\/+$/, ''),
    accountSid,
    username: apiKeySid || accountSid,
    password: apiKeySid ? (env.TWILIO_API_KEY_SECRET ?? '') : (env.TWILIO_AUTH_TOKEN ?? ''),
    ...(env.TWILIO_SMS_FROM ? { from: env.TWILIO_SMS_FROM } : {}),
    ...(env.TWILIO_MESSAGING_SERVICE_SID ? { messagingServiceSid: env.TWILIO_MESSAGING_SERVICE_SID } : {}),
  };
  if (provider === 'twilio' && (!accountSid || !twilio.password || !(twilio.from || twilio.messagingServiceSid))) {
    // Checked even locally: a half-configured SMS provider would fail every call's link silently.
    throw new ConfigurationError('SMS_PROVIDER=twilio needs TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN or TWILIO_API_KEY_SID/SECRET, and TWILIO_SMS_FROM or TWILIO_MESSAGING_SERVICE_SID');
  }
  return { provider, twilio };
}
