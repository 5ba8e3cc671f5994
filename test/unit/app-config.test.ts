import { ConfigurationError, loadConfig } from '../../lib/config/app-config';

describe('configuration', () => {
  it('uses documented local defaults outside Lambda', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({ isLocal: true, publicBaseUrl: 'http://localhost:3000', twilioAuthToken: 'local-dev-auth-token', stage: 'local' });
    expect(config.tables.sessions).toBe('balance-ivr-local-sessions');
    expect(loadConfig({ PORT: '4010' }).publicBaseUrl).toBe('http://localhost:4010');
  });

  it('fails fast in a deployed Lambda when the auth token or public URL is missing', () => {
    const lambda = { AWS_LAMBDA_FUNCTION_NAME: 'balance-ivr-prod-voice', PUBLIC_BASE_URL: 'https://ivr.example.com' };
    expect(() => loadConfig(lambda)).toThrow(new ConfigurationError('TWILIO_AUTH_TOKEN environment variable is not set'));
    expect(() => loadConfig({ AWS_LAMBDA_FUNCTION_NAME: 'f', TWILIO_AUTH_TOKEN: 't' })).toThrow(/PUBLIC_BASE_URL/);
    expect(loadConfig({ ...lambda, TWILIO_AUTH_TOKEN: 'secret' })).toMatchObject({ isLocal: false, twilioAuthToken: 'secret' });
  });

  it('never signs payment links with the local default key when deployed', () => {
    expect(loadConfig({}).payments.linkSecret).toBe('local-dev-payment-link-secret');
    const deployed = { AWS_LAMBDA_FUNCTION_NAME: 'f', PUBLIC_BASE_URL: 'https://ivr.example.com', TWILIO_AUTH_TOKEN: 't' };
    expect(loadConfig(deployed).payments.linkSecret).toBeUndefined();
    expect(loadConfig({ ...deployed, PAYMENT_LINK_SECRET: 's3cret' }).payments.linkSecret).toBe('s3cret');
    expect(() => loadConfig({ SMS_PROVIDER: 'twilio' })).toThrow(/TWILIO_ACCOUNT_SID/);
  });

  it('lets a deployed function read the Twilio auth token from a named secret instead of the environment', () => {
    const lambda = { AWS_LAMBDA_FUNCTION_NAME: 'balance-ivr-prod-voice', PUBLIC_BASE_URL: 'https://ivr.example.com' };
    expect(loadConfig({ ...lambda, TWILIO_AUTH_TOKEN_SECRET: 'twilio-auth-token' })).toMatchObject({ twilioAuthToken: '', twilioAuthTokenSecret: 'twilio-auth-token' });
    // An explicit token wins over the secret.
    expect(loadConfig({ ...lambda, TWILIO_AUTH_TOKEN: 'secret', TWILIO_AUTH_TOKEN_SECRET: 'twilio-auth-token' })).toMatchObject({ twilioAuthToken: 'secret', twilioAuthTokenSecret: undefined });
  });

  it('refuses malformed numbers and languages', () => {
    expect(() => loadConfig({ SESSION_TTL_SECONDS: 'soon' })).toThrow(/SESSION_TTL_SECONDS/);
    expect(() => loadConfig({ DEFAULT_LANGUAGE: 'de' })).toThrow(/DEFAULT_LANGUAGE/);
  });

  it('keeps the ledger in IRR unless LEDGER_CURRENCY names another ISO 4217 currency, refusing an unknown one at start', () => {
    expect(loadConfig({}).ledgerCurrency).toBe('IRR');
    expect(loadConfig({ LEDGER_CURRENCY: 'usd' }).ledgerCurrency).toBe('USD');
    expect(() => loadConfig({ LEDGER_CURRENCY: 'dollars' })).toThrow(ConfigurationError);
  });

  it('strips a trailing slash from the public base URL so signed URLs match', () => {
    expect(loadConfig({ PUBLIC_BASE_URL: 'https://ivr.example.com/' }).publicBaseUrl).toBe('https://ivr.example.com');
  });
});

describe('admin access configuration', () => {
  const deployed = { AWS_LAMBDA_FUNCTION_NAME: 'admin', PUBLIC_BASE_URL: 'https://ivr.example.com', TWILIO_AUTH_TOKEN: 't' };

  it('reads the current and the next admin key; the next one only during a rotation', () => {
    expect(loadConfig({})).toMatchObject({ adminApiKey: 'local-admin-key', adminApiKeyNext: undefined });
    expect(loadConfig({ ...deployed, ADMIN_API_KEY: 'a'.repeat(16), ADMIN_API_KEY_NEXT: 'b'.repeat(16) })).toMatchObject({ adminApiKey: 'a'.repeat(16), adminApiKeyNext: 'b'.repeat(16) });
    expect(() => loadConfig({ ...deployed, ADMIN_API_KEY: 'a'.repeat(16), ADMIN_API_KEY_NEXT: 'short' })).toThrow(new ConfigurationError('ADMIN_API_KEY_NEXT must be at least 16 characters'));
  });

  it('limits wrong admin keys and keeps the audit trail for a configurable time', () => {
    expect(loadConfig({})).toMatchObject({ adminLockout: { maxFailures: 10, windowSeconds: 300, lockSeconds: 900 }, auditRetentionDays: 365 });
    expect(loadConfig({ ADMIN_MAX_FAILURES: '3', ADMIN_FAILURE_WINDOW_SECONDS: '60', ADMIN_LOCK_SECONDS: '3600', AUDIT_RETENTION_DAYS: '90' })).toMatchObject({ adminLockout: { maxFailures: 3, windowSeconds: 60, lockSeconds: 3600 }, auditRetentionDays: 90 });
    expect(() => loadConfig({ ADMIN_MAX_FAILURES: '0' })).toThrow(/ADMIN_MAX_FAILURES/);
    expect(loadConfig({}).tables.audit).toBe('balance-ivr-local-audit');
  });

  it('gives the env secret resolver CRM passwords (CRM_SECRET_*) and other secrets (SECRET_*), nothing else', () => {
    expect(loadConfig({ CRM_SECRET_PG: 'p', SECRET_TWILIO_AUTH_TOKEN: 't', ADMIN_API_KEY: 'k', OTHER: 'o' }).crm.envSecrets).toEqual({ CRM_SECRET_PG: 'p', SECRET_TWILIO_AUTH_TOKEN: 't' });
  });
});

describe('speech configuration', () => {
  const lambda = { AWS_LAMBDA_FUNCTION_NAME: 'balance-ivr-prod-voice', PUBLIC_BASE_URL: 'https://ivr.example.com', TWILIO_AUTH_TOKEN: 't', AWS_REGION: 'eu-central-1' };

  it('uses <Say> locally and serves audio from the local stack', () => {
    const config = loadConfig({});
    expect(config.speech).toMatchObject({ ttsMode: 'say', audioBucket: undefined, audioDir: '.data/audio', pollyVoice: 'Joanna', pollyEngine: 'neural' });
    expect(config.audioBaseUrl).toBe('http://localhost:3000/audio');
  });

  it('uses Polly deployed with a bucket, and serves audio straight from the bucket', () => {
    const config = loadConfig({ ...lambda, AUDIO_BUCKET: 'ivr-audio-1' });
    expect(config.speech.ttsMode).toBe('polly');
    expect(config.audioBaseUrl).toBe('https://ivr-audio-1.s3.eu-central-1.amazonaws.com');
    expect(loadConfig({ ...lambda, AUDIO_BUCKET: 'ivr-audio-1', AUDIO_BASE_URL: 'https://cdn.example.com/a/' }).audioBaseUrl).toBe('https://cdn.example.com/a');
  });

  it('refuses Polly without a bucket in Lambda, and unknown modes or engines', () => {
    expect(() => loadConfig({ ...lambda, TTS_MODE: 'polly' })).toThrow(new ConfigurationError('AUDIO_BUCKET environment variable is not set (needed by TTS_MODE=polly)'));
    expect(loadConfig(lambda).speech.ttsMode).toBe('say');
    expect(() => loadConfig({ TTS_MODE: 'azure' })).toThrow(/TTS_MODE/);
    expect(() => loadConfig({ POLLY_ENGINE: 'turbo' })).toThrow(/POLLY_ENGINE/);
    expect(() => loadConfig({ POLLY_SAMPLE_RATE: '44100' })).toThrow(/POLLY_SAMPLE_RATE/);
  });
});
