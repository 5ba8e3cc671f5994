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
  /**
   * PAYMENT_PROVIDER: the gateways that take payment-link payments, in order of preference;
   * each link goes to the first that accepts its currency (Stripe takes no IRR, Zarinpal only
   * IRR). Empty on a deployed stage unless set: the page then says payment is unavailable,
   * never a sandbox by default.
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
      linkSecret: env.PAYMENT_LINK_SECRET || (isLocal ? LOCAL_DEFAULTS.paymentLinkSecret : undefined),
      linkTtlHours: intFrom(env, 'PAYMENT_LINK_TTL_HOURS', 72, 1),
      dailyLimitPerMobile: intFrom(env, 'PAYMENT_LINK_DAILY_LIMIT_PER_MOBILE', 3, 1),
      dailyLimitPerCaller: intFrom(env, 'PAYMENT_LINK_DAILY_LIMIT_PER_CALLER', 5, 1),
      businessName: (env.BUSINESS_NAME ?? '').trim() || 'Balance IVR',
      ...paymentProviders(env, isLocal),
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

function providerName(value: string, variable: string): PaymentProviderName {
  const name = value.trim().toLowerCase();
  if (!(PAYMENT_PROVIDER_NAMES as readonly string[]).includes(name)) throw new ConfigurationError(`${variable}: payment providers are ${PAYMENT_PROVIDER_NAMES.join(', ')}, got "${value.trim()}"`);
  return name as PaymentProviderName;
}

function baseUrlFrom(env: Env, name: string, fallback: string): string {
  const value = (env[name] || fallback).replace(/\/+$/, '');
  if (!/^https?:\/\/[^/\s]+/.test(value)) throw new ConfigurationError(`${name} must be an http(s) URL, got "${value}"`);
  return value;
}

/**
 * Which gateways take payment-link payments. Locally the sandbox unless told otherwise; on a
 * deployed stage none unless PAYMENT_PROVIDER names them (so the sandbox only when asked for).
 */
function paymentProviders(env: Env, isLocal: boolean): Pick<PaymentConfig, 'providers' | 'providerByModule' | 'stripe' | 'zarinpal'> {
  const raw = env.PAYMENT_PROVIDER || (isLocal ? 'sandbox' : '');
  const providers = [...new Set(raw.split(',').filter((p) => p.trim() !== '').map((p) => providerName(p, 'PAYMENT_PROVIDER')))];
  const providerByModule: Record<string, PaymentProviderName> = {};
  for (const pair of (env.PAYMENT_PROVIDER_BY_MODULE ?? '').split(',').filter((p) => p.trim() !== '')) {
    const [code, name, extra] = pair.split('=').map((p) => p.trim());
    if (!code || !name || extra !== undefined) throw new ConfigurationError(`PAYMENT_PROVIDER_BY_MODULE must be code=provider pairs separated by commas, got "${pair}"`);
    providerByModule[code] = providerName(name, 'PAYMENT_PROVIDER_BY_MODULE');
  }
  const zarinpalCurrency = (env.ZARINPAL_CURRENCY || 'IRR').toUpperCase();
  if (zarinpalCurrency !== 'IRR' && zarinpalCurrency !== 'IRT') throw new ConfigurationError(`ZARINPAL_CURRENCY must be IRR or IRT, got "${env.ZARINPAL_CURRENCY}"`);
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
