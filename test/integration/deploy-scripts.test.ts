/**
 * The deploy tooling's own logic: `npm run secret` against a local server speaking SSM's
 * protocol (names, SecureString, refusals), and what `npm run deploy` prints for Twilio.
 */
import { checkValue, listSecrets, missingSecrets, parameterName, SecretCommandError, setSecret, ssmClient } from '../../scripts/secret';
import { twilioSetup } from '../../scripts/deploy';
import { startFakeSsm, type FakeSsm } from '../support/fake-ssm';

let ssm: FakeSsm;
const options = { stage: 'prod', region: 'us-east-1' };

beforeAll(async () => {
  ssm = await startFakeSsm();
  process.env.AWS_ACCESS_KEY_ID ??= 'test';
  process.env.AWS_SECRET_ACCESS_KEY ??= 'test';
});

afterAll(async () => {
  await ssm?.stop();
});

describe('npm run secret', () => {
  it('stores a secret as a SecureString under the stage’s path, overwriting the previous value', async () => {
    const client = ssmClient(options, ssm.endpoint);
    expect(await setSecret(client, options, 'twilio-auth-token', 'first-token\n')).toEqual({ parameter: '/balance-ivr/prod/twilio-auth-token', version: 1 });
    expect(await setSecret(client, options, 'twilio-auth-token', 'second-token')).toEqual({ parameter: '/balance-ivr/prod/twilio-auth-token', version: 2 });
    expect(ssm.parameters.get('/balance-ivr/prod/twilio-auth-token')).toEqual({ value: 'second-token', type: 'SecureString', version: 2 });
    await setSecret(client, options, 'crm/pg-main', 'crm-password');
    expect(ssm.parameters.get('/balance-ivr/prod/crm/pg-main')?.type).toBe('SecureString');
    client.destroy();
  });

  it('lists names and versions without values, and says which required secrets are missing', async () => {
    const client = ssmClient(options, ssm.endpoint);
    expect((await listSecrets(client, options)).map((s) => [s.name, s.version])).toEqual([
      ['crm/pg-main', 1],
      ['twilio-auth-token', 2],
    ]);
    expect(await missingSecrets(client, options)).toEqual(['payment-link-secret', 'admin-api-key']);
    expect(await missingSecrets(client, { ...options, stage: 'other' })).toEqual(['twilio-auth-token', 'payment-link-secret', 'admin-api-key']);
    client.destroy();
  });

  it('refuses unknown names, names that leave their path, blank values and a short admin key', () => {
    expect(() => parameterName('prod', 'twilio-token')).toThrow(SecretCommandError);
    expect(() => parameterName('prod', 'crm/../admin-api-key')).toThrow(/unknown secret/);
    expect(() => parameterName('prod', 'crm/a/b')).toThrow(/unknown secret/);
    expect(parameterName('prod', 'crm/pg-main')).toBe('/balance-ivr/prod/crm/pg-main');
    expect(() => checkValue('payment-link-secret', '  \n')).toThrow(new SecretCommandError('the value for payment-link-secret is empty'));
    expect(() => checkValue('admin-api-key', 'short-key')).toThrow(new SecretCommandError('admin-api-key must be at least 16 characters'));
    expect(checkValue('admin-api-key', 'a-long-enough-admin-key\n')).toBe('a-long-enough-admin-key');
  });
});

describe('what npm run deploy prints for Twilio', () => {
  it('gives every module its webhook, fallback and status URLs and the twilio CLI command', () => {
    const text = twilioSetup(
      { stage: 'prod', publicBaseUrl: 'https://abc123.execute-api.eu-central-1.amazonaws.com/', audioBaseUrl: 'https://d1.cloudfront.net' },
      [
        { code: 'club-fa', name: 'Customer club', enabled: true, kind: 'club' },
        { code: 'balance-en', name: 'Balance', enabled: false },
      ],
    );
    expect(text).toContain('Public base URL:  https://abc123.execute-api.eu-central-1.amazonaws.com\n');
    expect(text.indexOf('balance-en')).toBeLessThan(text.indexOf('club-fa'));
    expect(text).toContain(
      '  club-fa  Customer club [customer club]\n    A call comes in (webhook, POST):  https://abc123.execute-api.eu-central-1.amazonaws.com/voice/club-fa\n    Primary handler fails (POST):     https://abc123.execute-api.eu-central-1.amazonaws.com/fallback/club-fa',
    );
    expect(text).toContain(
      'twilio phone-numbers:update <+E.164 number> \\\n      --voice-url https://abc123.execute-api.eu-central-1.amazonaws.com/voice/club-fa --voice-method POST \\\n      --voice-fallback-url https://abc123.execute-api.eu-central-1.amazonaws.com/fallback/club-fa --voice-fallback-method POST \\\n      --status-callback https://abc123.execute-api.eu-central-1.amazonaws.com/status --status-callback-method POST',
    );
    expect(text).toContain('balance-en  Balance (disabled)');
  });

  it('shows the URL pattern when the stage has no module yet', () => {
    expect(twilioSetup({ stage: 'prod', publicBaseUrl: 'https://ivr.example.com' }, [])).toContain('--voice-url https://ivr.example.com/voice/<module-code>');
  });
});
