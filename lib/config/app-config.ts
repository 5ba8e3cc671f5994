import { InvalidCidrError, LOCAL_HOST_POLICY, parseCidr, type CrmHostPolicy } from '../domain/crm-host-policy';

/**
 * Configuration, read once from the environment at cold start. Nothing else in the
 * product reads process.env. Local runs (serverless-offline, tests, scripts) get
 * documented development defaults; a deployed Lambda without a required value fails
 * fast at init instead of answering calls with a wrong secret.
 */
import { CURRENCY_CODES, isCurrencyCode, type CurrencyCode } from '../domain/money';
import { isProductSecretName, PRODUCT_SECRETS, type ProductSecretName } from '../secrets/secret-names';

export class ConfigurationError extends Error {
  override readonly name = 'ConfigurationError';
}

export interface AppConfig {
  readonly isLocal: boolean;
  readonly stage: string;
  readonly publicBaseUrl: string;
  readonly audioBaseUrl: string;
  /**
   * Locally: the Twilio auth token (TWILIO_AUTH_TOKEN or the development default). Deployed it is
   * an SSM SecureString read at run time (`secrets`), so this is undefined.
   */
  readonly twilioAuthToken: string | undefined;
  /** Locally: the admin API's bearer key (ADMIN_API_KEY or the development default); deployed: undefined, read from SSM. */
  readonly adminApiKey: string | undefined;
  /** Where the product's own secrets come from; see lib/secrets/secret-names.ts. */
  readonly secrets: SecretsConfig;
  /** Wrong admin keys per source address before that address gets 429 for `lockSeconds`. */
  readonly adminLockout: { readonly maxFailures: number; readonly windowSeconds: number; readonly lockSeconds: number };
  /** How long the audit trail of admin changes is kept (DynamoDB TTL). */
  readonly auditRetentionDays: number;
  readonly dynamoDbEndpoint: string | undefined;
  /** Per DynamoDB request (1 s deployed; dynalite on a shared CPU gets 5 s locally). */
  readonly dynamoDbRequestTimeoutMs: number;
  /** A voice step answers within this many milliseconds (never later than the Lambda's remaining time allows). */
  readonly stepDeadlineMs: number;
  /** How long the call log keeps a call (DynamoDB TTL on `expiresAt`). */
  readonly callLogRetentionDays: number;
  readonly region: string;
  readonly tables: {
    readonly sessions: string;
    readonly config: string;
    readonly ledger: string;
    readonly callLog: string;
    readonly payments: string;
    /** Payments providers confirmed (PaymentRecords): one item per payment, listed by day. */
    readonly paymentRecords: string;
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
    /** The CRM_SECRET_* variables, for the env resolver only (it reads crm/<name> passwords only); never logged. */
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
  /** SQS_ENDPOINT: another SQS endpoint (tests' local SQS server). */
  readonly sqsEndpoint: string | undefined;
}

/** The product's own secrets (lib/secrets/secret-names.ts): SSM SecureStrings when deployed, environment variables locally. */
export interface SecretsConfig {
  readonly from: 'env' | 'ssm';
  /** `/balance-ivr/<stage>/` (SECRETS_SSM_PREFIX overrides). */
  readonly ssmPrefix: string;
  /** SSM endpoint override (tests point it at a local server). */
  readonly ssmEndpoint: string | undefined;
  readonly cacheSeconds: number;
  /** SECRET_NAMES: the product secrets this function reads (its role may read no others); undefined = all (local runs). */
  readonly readable: readonly string[] | undefined;
  /** With from=env: each secret's value from its variable (or the local default); never logged. */
  readonly envValues: Readonly<Record<string, string>>;
}

/** Payment links, the payment page and the abuse limits. */
export interface PaymentConfig {
  readonly linkTtlHours: number;
  readonly dailyLimitPerMobile: number;
  readonly dailyLimitPerCaller: number;
  /** Shown on the payment page and in the SMS. */
  readonly businessName: string;
  /**
   * PAYMENT_PROVIDER: the gateways that take payment-link payments, in order of preference;
   * each link goes to the first that accepts its currency (Stripe takes no IRR, Zarinpal only
   * IRR). `npm start` uses the sandbox (it takes no money) without asking; anywhere else the list
   * must be given, or the payment function refuses to start, so a deployed page never marks a
   * debt paid by accident (the sandbox only when named, and then every page says so).
   */
  readonly providers: readonly PaymentProviderName[];
  /** PAYMENT_PROVIDER_BY_MODULE: a module's own gateway (`pay-fa=zarinpal,pay-en=stripe`), before the list above. */
  readonly providerByModule: Readonly<Record<string, PaymentProviderName>>;
  readonly stripe: StripeConfig;
  readonly zarinpal: ZarinpalConfig;
}

export const PAYMENT_PROVIDER_NAMES = ['sandbox', 'stripe', 'zarinpal'] as const;
export type PaymentProviderName = (typeof PAYMENT_PROVIDER_NAMES)[number];

/** Stripe Checkout: keys are the secrets `stripe-secret-key` and `stripe-webhook-secret`. */
export interface StripeConfig {
  /** `https://api.stripe.com` (tests: a local server speaking Stripe's protocol). */
  readonly apiBaseUrl: string;
  /** Where Stripe's hosted page lives: the payment page's form may send the customer there. */
  readonly checkoutOrigin: string;
  /** How old a webhook's signed timestamp may be (Stripe's default 300 s; 0 turns the check off). */
  readonly webhookToleranceSeconds: number;
  readonly timeoutMs: number;
  /** How long a Checkout Session can be paid (Stripe: 30 min to 24 h). */
  readonly sessionMinutes: number;
}

/** Zarinpal REST v4: the merchant id is the secret `zarinpal-merchant-id`. */
export interface ZarinpalConfig {
  /** `https://payment.zarinpal.com` (production) or `https://sandbox.zarinpal.com`; request, verify and StartPay live under it. */
  readonly apiBaseUrl: string;
  /** What Zarinpal is sent: rials (IRR) or tomans (IRT). */
  readonly currency: 'IRR' | 'IRT';
  readonly timeoutMs: number;
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

/** The Twilio account SMS are sent from, without the password (a secret, read at run time). */
export type TwilioSmsSettings = Omit<TwilioSmsAccount, 'password'> & {
  /** The secret holding the basic-auth password: the API key secret with an API key SID, else the auth token. */
  readonly passwordSecret: 'twilio-api-key-secret' | 'twilio-auth-token';
};

/**
 * 'outbox' keeps messages in DynamoDB (nothing is sent); 'twilio' sends through the Messages API.
 * Only `npm start` gets the outbox without asking; anywhere else undefined until SMS_PROVIDER
 * is set, and the voice function refuses to start (callers must never hear "sent" for an SMS
 * that stayed in a table).
 */
export interface SmsConfig {
  readonly provider: 'outbox' | 'twilio' | undefined;
  readonly twilio: TwilioSmsSettings;
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

/** Azure AI Speech text to speech (REST); the key is the product secret `azure-speech-key`. */
export interface AzureSpeechConfig {
  /** `https://<region>.tts.speech.microsoft.com`, or AZURE_SPEECH_ENDPOINT (tests). */
  readonly endpoint: string;
  readonly voice: string;
  /** SSML prosody rate, e.g. `-5%`. */
  readonly rate: string;
  readonly timeoutMs: number;
  /** Failures in a row after which synthesis pauses for `breakerOpenSeconds` (callers hear the clips). */
  readonly breakerFailures: number;
  readonly breakerOpenSeconds: number;
}

export const LOCAL_DEFAULTS = {
  port: 3000,
  twilioAuthToken: 'local-dev-auth-token',
  adminApiKey: 'local-admin-key',
  stage: 'local',
  paymentLinkSecret: 'local-dev-payment-link-secret',
} as const;

/** Local development values of the product's secrets where one makes sense (lib/secrets/secret-names.ts). */
const LOCAL_SECRET_DEFAULTS: Partial<Record<ProductSecretName, string>> = {
  'twilio-auth-token': LOCAL_DEFAULTS.twilioAuthToken,
  'admin-api-key': LOCAL_DEFAULTS.adminApiKey,
  'payment-link-secret': LOCAL_DEFAULTS.paymentLinkSecret,
};

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

function oneOf<T extends string>(env: Env, name: string, allowed: readonly T[]): T | undefined {
  const value = env[name];
  if (!value) return undefined;
  if (!(allowed as readonly string[]).includes(value)) throw new ConfigurationError(`${name} must be ${allowed.join(' or ')}, got "${value}"`);
  return value as T;
}

/**
 * Deployed (SECRETS_FROM=ssm, the default in Lambda) no secret is read from the environment,
 * even if one is set there. Locally each comes from its variable or its development default.
 */
function secretsConfig(env: Env, isLocal: boolean, stage: string): SecretsConfig {
  const from = oneOf(env, 'SECRETS_FROM', ['env', 'ssm'] as const) ?? oneOf(env, 'CRM_SECRETS_FROM', ['env', 'ssm'] as const) ?? (isLocal ? 'env' : 'ssm');
  const envValues: Record<string, string> = {};
  if (from === 'env') {
    for (const [name, { env: variable }] of Object.entries(PRODUCT_SECRETS) as [ProductSecretName, { env: string }][]) {
      const value = env[variable] || (isLocal ? LOCAL_SECRET_DEFAULTS[name] : undefined);
      if (value) envValues[name] = value;
    }
  }
  const names = (env.SECRET_NAMES ?? '')
    .split(',')
    .map((n) => n.trim())
    .filter(Boolean);
  const unknown = names.filter((n) => !isProductSecretName(n));
  if (unknown.length > 0) throw new ConfigurationError(`SECRET_NAMES lists unknown secrets: ${unknown.join(', ')}`);
  return {
    from,
    ssmPrefix: env.SECRETS_SSM_PREFIX || `/balance-ivr/${stage}/`,
    ssmEndpoint: env.SSM_ENDPOINT || undefined,
    cacheSeconds: intFrom(env, 'SECRET_CACHE_SECONDS', intFrom(env, 'CRM_SECRET_CACHE_SECONDS', 300, 0), 0),
    // Deployed functions list what they read; a local run (or a Lambda without the list) may read any.
    readable: env.SECRET_NAMES !== undefined && (names.length > 0 || !isLocal) ? names : undefined,
    envValues,
  };
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
  const allowedCidrs =
    raw === undefined || raw === ''
      ? local
        ? LOCAL_HOST_POLICY.allowedCidrs
        : []
      : raw
          .split(',')
          .map((c) => c.trim())
          .filter((c) => c !== '' && c !== 'none');
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
  // Only `npm start` (stage local, outside Lambda) gets the sandbox payments and the SMS outbox without asking.
  const devDefaults = isLocal && stage === LOCAL_DEFAULTS.stage;
  const port = intFrom(env, 'PORT', LOCAL_DEFAULTS.port, 1);
  const publicBaseUrl = required(env, 'PUBLIC_BASE_URL', isLocal, `http://localhost:${port}`).replace(/\/+$/, '');
  const prefix = env.TABLE_PREFIX ?? `balance-ivr-${stage}`;
  const language = env.DEFAULT_LANGUAGE ?? 'fa';
  const secrets = secretsConfig(env, isLocal, stage);
  const envSecrets: Record<string, string> = {};
  for (const [name, value] of Object.entries(env)) if (name.startsWith('CRM_SECRET_') && value !== undefined) envSecrets[name] = value;
  const region = env.AWS_REGION ?? 'us-east-1';
  const speech = speechConfig(env, isLocal);
  if (speech.audioBucket && !speech.s3Endpoint && !env.AUDIO_BASE_URL && !isLocal) {
    // The bucket is private (Block Public Access): Twilio fetches audio through CloudFront.
    throw new ConfigurationError(
      'AUDIO_BASE_URL environment variable is not set (the audio bucket is private; serverless.yml sets it to the CloudFront distribution)',
    );
  }
  const bucketUrl = speech.audioBucket && !speech.s3Endpoint ? `https://${speech.audioBucket}.s3.${region}.amazonaws.com` : undefined;
  if (language !== 'fa' && language !== 'en') throw new ConfigurationError(`DEFAULT_LANGUAGE must be fa or en, got "${language}"`);
  return {
    isLocal,
    stage,
    publicBaseUrl,
    audioBaseUrl: (env.AUDIO_BASE_URL || bucketUrl || `${publicBaseUrl}/audio`).replace(/\/+$/, ''),
    twilioAuthToken: secrets.envValues['twilio-auth-token'],
    adminApiKey: secrets.envValues['admin-api-key'],
    secrets,
    adminLockout: {
      maxFailures: intFrom(env, 'ADMIN_MAX_FAILURES', 10, 1),
      windowSeconds: intFrom(env, 'ADMIN_FAILURE_WINDOW_SECONDS', 300, 1),
      lockSeconds: intFrom(env, 'ADMIN_LOCK_SECONDS', 900, 1),
    },
    auditRetentionDays: intFrom(env, 'AUDIT_RETENTION_DAYS', 365, 1),
    dynamoDbEndpoint: env.DYNAMODB_ENDPOINT || undefined,
    dynamoDbRequestTimeoutMs: intFrom(env, 'DYNAMODB_REQUEST_TIMEOUT_MS', isLocal ? 5000 : 1000, 100),
    stepDeadlineMs: intFrom(env, 'STEP_DEADLINE_MS', 8000, 500),
    callLogRetentionDays: intFrom(env, 'CALL_LOG_RETENTION_DAYS', 400, 1),
    region,
    tables: {
      sessions: env.SESSIONS_TABLE ?? `${prefix}-sessions`,
      config: env.CONFIG_TABLE ?? `${prefix}-config`,
      ledger: env.LEDGER_TABLE ?? `${prefix}-ledger`,
      callLog: env.CALL_LOG_TABLE ?? `${prefix}-call-log`,
      payments: env.PAYMENTS_TABLE ?? `${prefix}-payments`,
      paymentRecords: env.PAYMENT_RECORDS_TABLE ?? `${prefix}-payment-records`,
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
      linkTtlHours: intFrom(env, 'PAYMENT_LINK_TTL_HOURS', 72, 1),
      dailyLimitPerMobile: intFrom(env, 'PAYMENT_LINK_DAILY_LIMIT_PER_MOBILE', 3, 1),
      dailyLimitPerCaller: intFrom(env, 'PAYMENT_LINK_DAILY_LIMIT_PER_CALLER', 5, 1),
      businessName: (env.BUSINESS_NAME ?? '').trim() || 'Balance IVR',
      ...paymentProviders(env, devDefaults),
    },
    sms: smsConfig(env, devDefaults, secrets),
    crm: {
      timeoutMs: intFrom(env, 'CRM_TIMEOUT_MS', 4000, 100),
      breakerFailures: intFrom(env, 'CRM_BREAKER_FAILURES', 5, 1),
      breakerOpenSeconds: intFrom(env, 'CRM_BREAKER_OPEN_SECONDS', 30, 1),
      envSecrets,
      hostPolicy: crmHostPolicy(env, stage),
    },
    speech,
    imports: {
      queueUrl: env.IMPORT_QUEUE_URL || undefined,
      chunkSeconds: intFrom(env, 'IMPORT_CHUNK_SECONDS', 20, 1),
      passwordConcurrency: intFrom(env, 'IMPORT_PASSWORD_CONCURRENCY', 2, 1),
      sqsEndpoint: env.SQS_ENDPOINT || undefined,
    },
  };
}

const POLLY_ENGINES = ['standard', 'neural', 'long-form', 'generative'] as const;

function speechConfig(env: Env, isLocal: boolean): SpeechConfig {
  const audioBucket = env.AUDIO_BUCKET || undefined;
  // Locally there is no Polly: English prompts use <Say> unless TTS_MODE=polly is asked for.
  // Deployed, Polly needs the bucket to cache into; without one (not our serverless.yml) <Say>.
  const ttsMode = oneOf(env, 'TTS_MODE', ['polly', 'say'] as const) ?? (isLocal || !audioBucket ? 'say' : 'polly');
  const engine = env.POLLY_ENGINE || 'neural';
  if (!(POLLY_ENGINES as readonly string[]).includes(engine))
    throw new ConfigurationError(`POLLY_ENGINE must be one of ${POLLY_ENGINES.join(', ')}, got "${engine}"`);
  const sampleRate = env.POLLY_SAMPLE_RATE || '22050';
  if (!['8000', '16000', '22050', '24000'].includes(sampleRate))
    throw new ConfigurationError(`POLLY_SAMPLE_RATE must be 8000, 16000, 22050 or 24000, got "${sampleRate}"`);
  if (ttsMode === 'polly' && !audioBucket && !isLocal) throw new ConfigurationError('AUDIO_BUCKET environment variable is not set (needed by TTS_MODE=polly)');
  const region = env.AZURE_SPEECH_REGION || '';
  const azureEndpoint = (env.AZURE_SPEECH_ENDPOINT || (region ? `https://${region}.tts.speech.microsoft.com` : '')).replace(/\/+$/, '');
  const persianTts = env.PERSIAN_TTS || (azureEndpoint ? 'azure' : 'none');
  if (persianTts !== 'azure' && persianTts !== 'espeak' && persianTts !== 'none')
    throw new ConfigurationError(`PERSIAN_TTS must be azure, espeak or none, got "${persianTts}"`);
  if (persianTts === 'azure' && !azureEndpoint) throw new ConfigurationError('PERSIAN_TTS=azure needs AZURE_SPEECH_REGION (or AZURE_SPEECH_ENDPOINT)');
  const rate = env.AZURE_SPEECH_RATE || '-5%';
  if (!/^([+-]?\d{1,3}%|\d(\.\d+)?|x-slow|slow|medium|fast|x-fast|default)$/.test(rate))
    throw new ConfigurationError(`AZURE_SPEECH_RATE must be a percentage, a multiplier or a named rate, got "${rate}"`);
  const targetDb = Number(env.SPEECH_LOUDNESS_DBFS || '-20');
  if (!Number.isFinite(targetDb) || targetDb < -40 || targetDb > -6)
    throw new ConfigurationError(`SPEECH_LOUDNESS_DBFS must be between -40 and -6, got "${env.SPEECH_LOUDNESS_DBFS}"`);
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
      rate,
      timeoutMs: intFrom(env, 'AZURE_SPEECH_TIMEOUT_MS', 3000, 100),
      breakerFailures: intFrom(env, 'AZURE_SPEECH_BREAKER_FAILURES', 3, 1),
      breakerOpenSeconds: intFrom(env, 'AZURE_SPEECH_BREAKER_OPEN_SECONDS', 30, 1),
    },
    espeak: { command: env.ESPEAK_COMMAND || 'espeak-ng', voice: env.ESPEAK_VOICE || 'fa+klatt4', timeoutMs: intFrom(env, 'ESPEAK_TIMEOUT_MS', 5000, 100) },
    finish: { targetDb, pauseMs: intFrom(env, 'SPEECH_JOIN_PAUSE_MS', 40, 0), fadeMs: intFrom(env, 'SPEECH_FADE_MS', 4, 0) },
  };
}

function providerName(value: string, variable: string): PaymentProviderName {
  const name = value.trim().toLowerCase();
  if (!(PAYMENT_PROVIDER_NAMES as readonly string[]).includes(name))
    throw new ConfigurationError(`${variable}: payment providers are ${PAYMENT_PROVIDER_NAMES.join(', ')}, got "${value.trim()}"`);
  return name as PaymentProviderName;
}

function baseUrlFrom(env: Env, name: string, fallback: string): string {
  const value = (env[name] || fallback).replace(/\/+$/, '');
  if (!/^https?:\/\/[^/\s]+/.test(value)) throw new ConfigurationError(`${name} must be an http(s) URL, got "${value}"`);
  return value;
}

/**
 * Which gateways take payment-link payments. For npm start the sandbox unless told otherwise; on a
 * deployed stage none unless PAYMENT_PROVIDER names them (so the sandbox only when asked for).
 */
function paymentProviders(env: Env, devDefaults: boolean): Pick<PaymentConfig, 'providers' | 'providerByModule' | 'stripe' | 'zarinpal'> {
  const raw = env.PAYMENT_PROVIDER || (devDefaults ? 'sandbox' : '');
  const providers = [
    ...new Set(
      raw
        .split(',')
        .filter((p) => p.trim() !== '')
        .map((p) => providerName(p, 'PAYMENT_PROVIDER')),
    ),
  ];
  const providerByModule: Record<string, PaymentProviderName> = {};
  for (const pair of (env.PAYMENT_PROVIDER_BY_MODULE ?? '').split(',').filter((p) => p.trim() !== '')) {
    const [code, name, extra] = pair.split('=').map((p) => p.trim());
    if (!code || !name || extra !== undefined)
      throw new ConfigurationError(`PAYMENT_PROVIDER_BY_MODULE must be code=provider pairs separated by commas, got "${pair}"`);
    providerByModule[code] = providerName(name, 'PAYMENT_PROVIDER_BY_MODULE');
  }
  const zarinpalCurrency = (env.ZARINPAL_CURRENCY || 'IRR').toUpperCase();
  if (zarinpalCurrency !== 'IRR' && zarinpalCurrency !== 'IRT')
    throw new ConfigurationError(`ZARINPAL_CURRENCY must be IRR or IRT, got "${env.ZARINPAL_CURRENCY}"`);
  const sessionMinutes = intFrom(env, 'STRIPE_SESSION_MINUTES', 60, 30);
  // Sessions expire at most 24 h after creation; the key's 10-minute window is added on top.
  if (sessionMinutes > 23 * 60) throw new ConfigurationError('STRIPE_SESSION_MINUTES must be at most 1380 (Stripe keeps a session open 24 h at most)');
  return {
    providers,
    providerByModule,
    stripe: {
      apiBaseUrl: baseUrlFrom(env, 'STRIPE_API_BASE_URL', 'https://api.stripe.com'),
      checkoutOrigin: new URL(baseUrlFrom(env, 'STRIPE_CHECKOUT_ORIGIN', 'https://checkout.stripe.com')).origin,
      webhookToleranceSeconds: intFrom(env, 'STRIPE_WEBHOOK_TOLERANCE_SECONDS', 300, 0),
      timeoutMs: intFrom(env, 'STRIPE_TIMEOUT_MS', 6000, 100),
      sessionMinutes,
    },
    zarinpal: {
      apiBaseUrl: baseUrlFrom(env, 'ZARINPAL_API_BASE_URL', 'https://payment.zarinpal.com'),
      currency: zarinpalCurrency,
      timeoutMs: intFrom(env, 'ZARINPAL_TIMEOUT_MS', 6000, 100),
    },
  };
}

function smsConfig(env: Env, devDefaults: boolean, secrets: SecretsConfig): SmsConfig {
  const provider = oneOf(env, 'SMS_PROVIDER', ['outbox', 'twilio'] as const) ?? (devDefaults ? 'outbox' : undefined);
  const accountSid = env.TWILIO_ACCOUNT_SID ?? '';
  const apiKeySid = env.TWILIO_API_KEY_SID ?? '';
  const passwordSecret = apiKeySid ? 'twilio-api-key-secret' : 'twilio-auth-token';
  const twilio: TwilioSmsSettings = {
    apiBaseUrl: (env.TWILIO_API_BASE_URL || 'https://api.twilio.com').replace(/\/+$/, ''),
    accountSid,
    username: apiKeySid || accountSid,
    passwordSecret,
    ...(env.TWILIO_SMS_FROM ? { from: env.TWILIO_SMS_FROM } : {}),
    ...(env.TWILIO_MESSAGING_SERVICE_SID ? { messagingServiceSid: env.TWILIO_MESSAGING_SERVICE_SID } : {}),
  };
  // Checked even locally: a half-configured SMS provider would fail every call's link silently.
  // Deployed, the password is an SSM secret read when the first SMS is sent.
  const passwordKnown = secrets.from === 'ssm' || Boolean(secrets.envValues[passwordSecret]);
  if (provider === 'twilio' && (!accountSid || !passwordKnown || !(twilio.from || twilio.messagingServiceSid))) {
    throw new ConfigurationError(
      'SMS_PROVIDER=twilio needs TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN or TWILIO_API_KEY_SID/SECRET, and TWILIO_SMS_FROM or TWILIO_MESSAGING_SERVICE_SID',
    );
  }
  return { provider, twilio };
}
