/**
 * Deployed, every secret is an SSM SecureString of the stage, read at run time by the function
 * that needs it (the real handlers against a local server speaking SSM's protocol). A secret
 * that is missing or blank never runs as an empty string: webhooks answer their fallback
 * TwiML, the admin API a 503 naming the secret, the payment page "unavailable"; one clear
 * error is logged, and the value is never.
 */
import { join } from 'node:path';
import { loadSeed } from '../../infra/local/load-seed';
import { captureOutput } from '../support/capture-output';
import { apiEvent, loadDeployedFunction, restoreAllDeployedFunctions, signedTwilioPost } from '../support/deployed-function';
import { lambdaContext } from '../support/lambda-context';
import { startFakeSsm, type FakeSsm } from '../support/fake-ssm';
import { startTestDynamo, type TestDynamo } from '../support/local-dynamo';

const TOKEN = 'ssm-held-auth-token';
let db: TestDynamo;
let ssm: FakeSsm;
let env: Record<string, string>;

beforeAll(async () => {
  db = await startTestDynamo();
  await loadSeed(join(__dirname, '..', '..', 'infra', 'seed', 'demo.json'), db.doc, { tables: db.tables, defaultCountryCode: '98' });
  ssm = await startFakeSsm({ '/balance-ivr/prod/twilio-auth-token': TOKEN, '/balance-ivr/prod/payment-link-secret': '   ' });
  env = {
    DYNAMODB_ENDPOINT: db.endpoint,
    TABLE_PREFIX: db.tables.sessions.replace(/-sessions$/, ''),
    SSM_ENDPOINT: ssm.endpoint,
    SMS_PROVIDER: 'outbox',
    PAYMENT_PROVIDER: 'sandbox',
  };
}, 60_000);

afterAll(async () => {
  restoreAllDeployedFunctions();
  await ssm?.stop();
  await db?.stop();
});

const entry = (callSid: string) => ({ CallSid: callSid, From: '+15005550001', To: '+15550001000', AccountSid: 'AC1' });
const voiceEvent = (token: string, callSid: string) => signedTwilioPost('/voice/balance-en', entry(callSid), token, { pathParameters: { code: 'balance-en' } });

describe('secrets read from SSM at run time', () => {
  it('checks signatures with the token the stage parameter holds, reading it once per container', async () => {
    const voice = loadDeployedFunction('voice', { ...env, SECRET_NAMES: 'twilio-auth-token,twilio-api-key-secret,payment-link-secret' });
    const before = ssm.requests.length;
    const first = await voice.handler(voiceEvent(TOKEN, 'CA00000000000000000000000000000001'), lambdaContext('voice'));
    expect(first.statusCode).toBe(200);
    expect(first.body).toContain('one million two hundred fifty thousand rials');
    const second = await voice.handler(voiceEvent(TOKEN, 'CA00000000000000000000000000000002'), lambdaContext('voice'));
    expect(second.body).toContain('<Dial');
    expect((await voice.handler(voiceEvent('another-token', 'CA00000000000000000000000000000003'), lambdaContext('voice'))).statusCode).toBe(403);
    expect(ssm.requests.slice(before)).toEqual([{ operation: 'GetParameter', name: '/balance-ivr/prod/twilio-auth-token', withDecryption: true }]);
  });

  it('answers the fallback TwiML when the token parameter is blank, logging one error that names it and not its value', async () => {
    ssm.parameters.set('/balance-ivr/prod/twilio-auth-token', { value: ' ', type: 'SecureString', version: 2 });
    try {
      const voice = loadDeployedFunction('voice', { ...env, SECRET_NAMES: 'twilio-auth-token', LOG_LEVEL: 'INFO' });
      const { result, lines } = await captureOutput(() => voice.handler(voiceEvent(' ', 'CA00000000000000000000000000000004'), lambdaContext('voice')));
      expect(result.statusCode).toBe(200);
      expect(result.body).toMatch(/^<\?xml version="1.0" encoding="UTF-8"\?><Response><Play>[^<]*apology[^<]*<\/Play><Hangup\/><\/Response>$/);
      const errors = lines
        .filter((l) => l.startsWith('{'))
        .map((l) => JSON.parse(l) as Record<string, unknown>)
        .filter((l) => l.level === 'ERROR');
      expect(errors).toHaveLength(1);
      // A blank parameter is no value: reported as not set, by name; the value is nowhere.
      expect(errors[0]).toMatchObject({
        function_name: 'voice',
        function_request_id: expect.any(String),
        cold_start: expect.any(Boolean),
        error: { name: 'MissingSecretError', message: 'secret twilio-auth-token is not set' },
      });
      expect(lines.join('\n')).not.toContain(TOKEN);
    } finally {
      ssm.parameters.set('/balance-ivr/prod/twilio-auth-token', { value: TOKEN, type: 'SecureString', version: 3 });
    }
  });

  it('answers the admin API with a 503 naming a missing admin key, in the operator’s language', async () => {
    const admin = loadDeployedFunction('admin', { ...env, SECRET_NAMES: 'admin-api-key' });
    const request = (lang: string) =>
      apiEvent({ method: 'GET', path: '/admin/api/modules', query: `lang=${lang}`, headers: { authorization: 'Bearer anything-at-all-here' } });
    const { result, lines } = await captureOutput(() => admin.handler(request('en'), lambdaContext('admin')));
    expect(result.statusCode).toBe(503);
    expect(JSON.parse(result.body ?? '{}')).toMatchObject({
      error: 'secret_missing',
      secret: 'admin-api-key',
      problem: 'not-set',
      message: expect.stringContaining('npm run secret -- set'),
    });
    expect(lines.filter((l) => l.includes('"level":"ERROR"'))).toHaveLength(1);
    const fa = await admin.handler(request('fa'), lambdaContext('admin'));
    expect(JSON.parse(fa.body ?? '{}').message).toContain('رمز');

    ssm.parameters.set('/balance-ivr/prod/admin-api-key', { value: 'too-short', type: 'SecureString', version: 1 });
    const shortKey = loadDeployedFunction('admin', { ...env, SECRET_NAMES: 'admin-api-key' });
    expect(JSON.parse((await shortKey.handler(request('en'), lambdaContext('admin'))).body ?? '{}')).toMatchObject({
      error: 'secret_missing',
      problem: 'too-short',
    });

    ssm.parameters.set('/balance-ivr/prod/admin-api-key', { value: 'a-proper-admin-key-of-length', type: 'SecureString', version: 2 });
    const good = loadDeployedFunction('admin', { ...env, SECRET_NAMES: 'admin-api-key' });
    const ok = await good.handler(
      apiEvent({ method: 'GET', path: '/admin/api/modules', headers: { authorization: 'Bearer a-proper-admin-key-of-length' } }),
      lambdaContext('admin'),
    );
    expect(ok.statusCode).toBe(200);
    expect((await good.handler(request('en'), lambdaContext('admin'))).statusCode).toBe(401);
  });

  it('shows the payment page as unavailable, not signed with an empty key, while the link secret is blank', async () => {
    const pay = loadDeployedFunction('pay', { ...env, SECRET_NAMES: 'payment-link-secret' });
    const page = await pay.handler(apiEvent({ method: 'GET', path: '/pay/abc.123.sig', pathParameters: { token: 'abc.123.sig' } }), lambdaContext('pay'));
    expect(page.statusCode).toBe(503);
    expect(page.body).toContain('SANDBOX / TEST');
  });

  it('never lets a function read a secret its SECRET_NAMES does not list, even one the store holds', async () => {
    // The status callback lists only the auth token: the payment-link key is not its to read.
    const status = loadDeployedFunction('status', { ...env, SECRET_NAMES: 'payment-link-secret' });
    const before = ssm.requests.length;
    const reply = await status.handler(
      signedTwilioPost('/status', { CallSid: 'CA00000000000000000000000000000009', CallStatus: 'completed' }, TOKEN),
      lambdaContext('status'),
    );
    expect(reply.statusCode).toBe(200);
    expect(reply.body).toBe('<?xml version="1.0" encoding="UTF-8"?><Response/>');
    expect(ssm.requests.slice(before)).toEqual([]);
  });
});
