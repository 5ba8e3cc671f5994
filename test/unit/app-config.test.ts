import { ConfigurationError, loadConfig } from '../../lib/config/app-config';

describe('configuration', () => {
  it('uses documented local defaults outside Lambda', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({ isLocal: true, publicBaseUrl: 'http://localhost:3000', twilioAuthToken: 'local-dev-auth-token', stage: 'local' });
    expect(config.tables.sessions).toBe('balance-ivr-local-sessions');
    expect(loadConfig({ PORT: '4010' }).publicBaseUrl).toBe('http://localhost:4010');
  });

  it('fails fast in a deployed Lambda when the public URL is missing', () => {
    expect(() => loadConfig({ AWS_LAMBDA_FUNCTION_NAME: 'f' })).toThrow(new ConfigurationError('PUBLIC_BASE_URL environment variable is not set'));
    expect(loadConfig({ AWS_LAMBDA_FUNCTION_NAME: 'f', PUBLIC_BASE_URL: 'https://ivr.example.com' }).isLocal).toBe(false);
  });

  it('reads no secret from a deployed function’s environment: they are SSM parameters of the stage', () => {
    const deployed = {
      AWS_LAMBDA_FUNCTION_NAME: 'f',
      PUBLIC_BASE_URL: 'https://ivr.example.com',
      STAGE: 'prod',
      TWILIO_AUTH_TOKEN: 't',
      PAYMENT_LINK_SECRET: 's3cret',
      ADMIN_API_KEY: 'a-long-enough-admin-key',
    };
    const config = loadConfig(deployed);
    expect(config.secrets).toMatchObject({ from: 'ssm', ssmPrefix: '/balance-ivr/prod/', envValues: {} });
    expect(config).toMatchObject({ twilioAuthToken: undefined, adminApiKey: undefined });
    expect(config.secrets.envValues['payment-link-secret']).toBeUndefined();
    // A lookup source's password is the secret crm/<name> under the stage's prefix.
    expect(config.secrets.ssmPrefix).toBe('/balance-ivr/prod/');
  });

  it('uses the local development secrets only outside Lambda, and the variables when they are set', () => {
    expect(loadConfig({}).secrets.envValues['payment-link-secret']).toBe('local-dev-payment-link-secret');
    expect(loadConfig({}).secrets).toMatchObject({
      from: 'env',
      readable: undefined,
      envValues: { 'twilio-auth-token': 'local-dev-auth-token', 'admin-api-key': 'local-admin-key' },
    });
    expect(loadConfig({ TWILIO_AUTH_TOKEN: 'mine', TWILIO_API_KEY_SECRET: 'k' }).secrets.envValues).toMatchObject({
      'twilio-auth-token': 'mine',
      'twilio-api-key-secret': 'k',
    });
    // Deployed with SECRETS_FROM=env there are no development defaults.
    expect(loadConfig({ AWS_LAMBDA_FUNCTION_NAME: 'f', PUBLIC_BASE_URL: 'https://x', SECRETS_FROM: 'env' }).secrets.envValues).toEqual({});
    expect(() => loadConfig({ SMS_PROVIDER: 'twilio' })).toThrow(/TWILIO_ACCOUNT_SID/);
  });

  it('knows which secrets a deployed function may read (SECRET_NAMES) and refuses unknown names', () => {
    const lambda = { AWS_LAMBDA_FUNCTION_NAME: 'f', PUBLIC_BASE_URL: 'https://x' };
    expect(loadConfig({ ...lambda, SECRET_NAMES: 'twilio-auth-token, payment-link-secret' }).secrets.readable).toEqual([
      'twilio-auth-token',
      'payment-link-secret',
    ]);
    expect(loadConfig({ ...lambda, SECRET_NAMES: '' }).secrets.readable).toEqual([]);
    expect(() => loadConfig({ ...lambda, SECRET_NAMES: 'twilio-auth-token,crm/pg' })).toThrow(/SECRET_NAMES lists unknown secrets: crm\/pg/);
  });

  it('sends SMS with the API key secret when an API key is configured, else with the auth token, read from SSM when deployed', () => {
    const lambda = {
      AWS_LAMBDA_FUNCTION_NAME: 'f',
      PUBLIC_BASE_URL: 'https://x',
      SMS_PROVIDER: 'twilio',
      TWILIO_ACCOUNT_SID: 'AC1',
      TWILIO_SMS_FROM: '+15005550006',
    };
    expect(loadConfig(lambda).sms.twilio).toMatchObject({ username: 'AC1', passwordSecret: 'twilio-auth-token' });
    expect(loadConfig({ ...lambda, TWILIO_API_KEY_SID: 'SK1' }).sms.twilio).toMatchObject({ username: 'SK1', passwordSecret: 'twilio-api-key-secret' });
    expect(loadConfig({ ...lambda, TWILIO_API_KEY_SID: 'SK1' }).sms.twilio).not.toHaveProperty('password');
  });

  it('gives the sandbox payments and the SMS outbox only to npm start; every other stage must choose', () => {
    expect(loadConfig({})).toMatchObject({ payments: { providers: ['sandbox'] }, sms: { provider: 'outbox' } });
    const deployed = { AWS_LAMBDA_FUNCTION_NAME: 'f', PUBLIC_BASE_URL: 'https://x', STAGE: 'prod' };
    expect(loadConfig(deployed)).toMatchObject({ payments: { providers: [] }, sms: { provider: undefined } });
    // A deployed stage named "local" is still deployed; a local run of another stage still asks.
    expect(loadConfig({ ...deployed, STAGE: 'local' }).payments.providers).toEqual([]);
    expect(loadConfig({ STAGE: 'dev' }).payments.providers).toEqual([]);
    expect(loadConfig({ STAGE: 'dev' }).sms.provider).toBeUndefined();
    expect(loadConfig({ ...deployed, PAYMENT_PROVIDER: 'sandbox', SMS_PROVIDER: 'outbox' })).toMatchObject({
      payments: { providers: ['sandbox'] },
      sms: { provider: 'outbox' },
    });
    expect(loadConfig({ ...deployed, PAYMENT_PROVIDER: 'stripe,zarinpal' }).payments.providers).toEqual(['stripe', 'zarinpal']);
    expect(() => loadConfig({ PAYMENT_PROVIDER: 'paypal' })).toThrow(/payment providers are sandbox, stripe, zarinpal/);
  });

  it('keeps the call log 400 days unless told otherwise, and answers a step within 8 s', () => {
    expect(loadConfig({})).toMatchObject({ callLogRetentionDays: 400, stepDeadlineMs: 8000, dynamoDbRequestTimeoutMs: 5000 });
    expect(loadConfig({ AWS_LAMBDA_FUNCTION_NAME: 'f', PUBLIC_BASE_URL: 'https://x' }).dynamoDbRequestTimeoutMs).toBe(1000);
    expect(loadConfig({ CALL_LOG_RETENTION_DAYS: '30' }).callLogRetentionDays).toBe(30);
    expect(() => loadConfig({ CALL_LOG_RETENTION_DAYS: '0' })).toThrow(/CALL_LOG_RETENTION_DAYS/);
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

  it('reads the next admin key only during a rotation: locally ADMIN_API_KEY_NEXT, deployed the SSM secret admin-api-key-next', () => {
    expect(loadConfig({}).secrets.envValues).toMatchObject({ 'admin-api-key': 'local-admin-key' });
    expect(loadConfig({}).secrets.envValues['admin-api-key-next']).toBeUndefined();
    expect(loadConfig({ ADMIN_API_KEY_NEXT: 'b'.repeat(16) }).secrets.envValues['admin-api-key-next']).toBe('b'.repeat(16));
    // Deployed, no key is read from the environment (the minimum length is checked when the secret is read).
    expect(loadConfig({ ...deployed, ADMIN_API_KEY: 'a'.repeat(16), ADMIN_API_KEY_NEXT: 'b'.repeat(16) }).secrets.envValues).toEqual({});
  });

  it('limits wrong admin keys and keeps the audit trail for a configurable time', () => {
    expect(loadConfig({})).toMatchObject({ adminLockout: { maxFailures: 10, windowSeconds: 300, lockSeconds: 900 }, auditRetentionDays: 365 });
    expect(loadConfig({ ADMIN_MAX_FAILURES: '3', ADMIN_FAILURE_WINDOW_SECONDS: '60', ADMIN_LOCK_SECONDS: '3600', AUDIT_RETENTION_DAYS: '90' })).toMatchObject({
      adminLockout: { maxFailures: 3, windowSeconds: 60, lockSeconds: 3600 },
      auditRetentionDays: 90,
    });
    expect(() => loadConfig({ ADMIN_MAX_FAILURES: '0' })).toThrow(/ADMIN_MAX_FAILURES/);
    expect(loadConfig({}).tables.audit).toBe('balance-ivr-local-audit');
  });

  it('gives the env secret resolver CRM passwords (CRM_SECRET_*) only, nothing else (not SECRET_*)', () => {
    expect(loadConfig({ CRM_SECRET_PG: 'p', SECRET_TWILIO_AUTH_TOKEN: 't', ADMIN_API_KEY: 'k', OTHER: 'o' }).crm.envSecrets).toEqual({
      CRM_SECRET_PG: 'p',
    });
  });
});

describe('speech configuration', () => {
  const lambda = { AWS_LAMBDA_FUNCTION_NAME: 'balance-ivr-prod-voice', PUBLIC_BASE_URL: 'https://ivr.example.com', AWS_REGION: 'eu-central-1' };

  it('uses <Say> locally and serves audio from the local stack', () => {
    const config = loadConfig({});
    expect(config.speech).toMatchObject({ ttsMode: 'say', audioBucket: undefined, audioDir: '.data/audio', pollyVoice: 'Joanna', pollyEngine: 'neural' });
    expect(config.audioBaseUrl).toBe('http://localhost:3000/audio');
  });

  it('uses Polly deployed with a bucket, and serves audio through the CDN in front of the private bucket', () => {
    const config = loadConfig({ ...lambda, AUDIO_BUCKET: 'ivr-audio-1', AUDIO_BASE_URL: 'https://d111.cloudfront.net/' });
    expect(config.speech.ttsMode).toBe('polly');
    expect(config.audioBaseUrl).toBe('https://d111.cloudfront.net');
    // The bucket is private: its own URL would answer Twilio 403.
    expect(() => loadConfig({ ...lambda, AUDIO_BUCKET: 'ivr-audio-1' })).toThrow(/AUDIO_BASE_URL/);
  });

  it('refuses Polly without a bucket in Lambda, and unknown modes or engines', () => {
    expect(() => loadConfig({ ...lambda, TTS_MODE: 'polly' })).toThrow(
      new ConfigurationError('AUDIO_BUCKET environment variable is not set (needed by TTS_MODE=polly)'),
    );
    expect(loadConfig(lambda).speech.ttsMode).toBe('say');
    expect(() => loadConfig({ TTS_MODE: 'azure' })).toThrow(/TTS_MODE/);
    expect(() => loadConfig({ POLLY_ENGINE: 'turbo' })).toThrow(/POLLY_ENGINE/);
    expect(() => loadConfig({ POLLY_SAMPLE_RATE: '44100' })).toThrow(/POLLY_SAMPLE_RATE/);
  });
});
