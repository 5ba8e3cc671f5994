/**
 * A deployed stage is safe by default: the payment function refuses to start with the
 * sandbox unless PAYMENT_PROVIDER=sandbox is chosen (and then every page says so), the voice
 * function refuses to start until the SMS provider is chosen, and Twilio SMS work with the
 * auth token from SSM when no API key is configured (the combination that used to stop
 * every function at start). Real handlers, dynalite, local SSM and Twilio Messages servers.
 */
import { join } from 'node:path';
import { loadSeed } from '../../infra/local/load-seed';
import { ConfigurationError } from '../../lib/config/app-config';
import { DynamoPaymentStore } from '../../lib/payments/dynamo-payment-store';
import { PaymentLinkIssuer } from '../../lib/payments/payment-link-issuer';
import { placeCall } from '../../tools/simulator/call-simulator';
import { said } from '../support/call-transcripts';
import { DEPLOYED_BASE_ENV, apiEvent, loadDeployedFunction, restoreAllDeployedFunctions, webhookFetch } from '../support/deployed-function';
import { lambdaContext } from '../support/lambda-context';
import { startFakeSsm, type FakeSsm } from '../support/fake-ssm';
import { startFakeTwilioMessages, type FakeTwilioMessages } from '../support/fake-twilio-messages';
import { startTestDynamo, type TestDynamo } from '../support/local-dynamo';

const TOKEN = 'the-auth-token-in-ssm';
const LINK_SECRET = 'the-payment-link-secret-in-ssm';
let db: TestDynamo;
let ssm: FakeSsm;
let twilio: FakeTwilioMessages;
let env: Record<string, string>;

beforeAll(async () => {
  db = await startTestDynamo();
  await loadSeed(join(__dirname, '..', '..', 'infra', 'seed', 'demo.json'), db.doc, { tables: db.tables, defaultCountryCode: '98' });
  ssm = await startFakeSsm({ '/balance-ivr/prod/twilio-auth-token': TOKEN, '/balance-ivr/prod/payment-link-secret': LINK_SECRET });
  twilio = await startFakeTwilioMessages();
  env = { DYNAMODB_ENDPOINT: db.endpoint, TABLE_PREFIX: db.tables.sessions.replace(/-sessions$/, ''), SSM_ENDPOINT: ssm.endpoint };
}, 60_000);

afterAll(async () => {
  restoreAllDeployedFunctions();
  await twilio?.stop();
  await ssm?.stop();
  await db?.stop();
});

describe('a deployed stage that has not chosen', () => {
  it('refuses to start the voice function until the SMS provider is chosen: no silent outbox', () => {
    // (The handler's own module registry has its own ConfigurationError class: compared by name and message.)
    expect(() => loadDeployedFunction('voice', { ...env, SECRET_NAMES: 'twilio-auth-token' })).toThrow(
      expect.objectContaining({
        name: ConfigurationError.name,
        message: 'SMS_PROVIDER is not set: choose twilio (send SMS) or outbox (keep messages in DynamoDB, send nothing) for this stage',
      }),
    );
  });

  it('refuses to start the payment function with the sandbox unless PAYMENT_PROVIDER=sandbox is set', () => {
    expect(() => loadDeployedFunction('pay', { ...env, SECRET_NAMES: 'payment-link-secret' })).toThrow(/PAYMENT_PROVIDER is not set/);
  });
});

describe('PAYMENT_PROVIDER=sandbox chosen explicitly', () => {
  it('says SANDBOX on every page: the payment page, the receipt and the problem pages', async () => {
    const pay = loadDeployedFunction('pay', { ...env, SECRET_NAMES: 'payment-link-secret', PAYMENT_PROVIDER: 'sandbox' });
    const issuer = new PaymentLinkIssuer({
      store: new DynamoPaymentStore(db.doc, db.tables.payments),
      secret: LINK_SECRET,
      ttlHours: 1,
      publicBaseUrl: DEPLOYED_BASE_ENV.PUBLIC_BASE_URL,
    });
    const link = await issuer.issue({
      callSid: 'CA00000000000000000000000000000077',
      customer: { id: 'c-2001', name: 'John Smith' },
      amount: 1_250_000,
      items: [],
      invoiceType: 'invoice',
      language: 'en',
      currency: { code: 'IRR', unit: 'rial' },
    } as never);
    const token = link.url.split('/pay/')[1] as string;
    const page = (method: string, t: string) => pay.handler(apiEvent({ method, path: `/pay/${t}`, pathParameters: { token: t } }), lambdaContext('pay'));
    const shown = await page('GET', token);
    const paid = await page('POST', token);
    const again = await page('POST', token);
    const invalid = await page('GET', 'not-a-token');
    expect([shown.statusCode, paid.statusCode, again.statusCode, invalid.statusCode]).toEqual([200, 200, 409, 404]);
    for (const reply of [shown, paid, again, invalid]) expect(reply.body).toContain('SANDBOX / TEST — no real money is taken.');
  });
});

describe('Twilio SMS without an API key', () => {
  it('starts, and sends the payment link with the account SID and the auth token read from SSM', async () => {
    const sms = {
      SMS_PROVIDER: 'twilio',
      TWILIO_ACCOUNT_SID: 'AC00000000000000000000000000000001',
      TWILIO_SMS_FROM: '+15005550006',
      TWILIO_API_BASE_URL: twilio.url,
    };
    const voice = loadDeployedFunction('voice', { ...env, ...sms, SECRET_NAMES: 'twilio-auth-token,twilio-api-key-secret,payment-link-secret' });
    // c-1001 owes 1,250,000 (c-2001's debt was paid on the sandbox page above).
    const t = await placeCall({
      baseUrl: DEPLOYED_BASE_ENV.PUBLIC_BASE_URL,
      code: 'pay-en',
      from: '+989121111111',
      authToken: TOKEN,
      digits: ['09125550001'],
      fetchImpl: webhookFetch({ voice: voice.handler }),
      statusCallback: false,
    });
    expect(said(t)).toContain('A payment link has been sent to your mobile by text message.');
    expect(twilio.requests).toHaveLength(1);
    expect(twilio.requests[0]?.authorization).toBe(`Basic ${Buffer.from(`AC00000000000000000000000000000001:${TOKEN}`).toString('base64')}`);
    expect(twilio.requests[0]?.form.Body).toContain(`${DEPLOYED_BASE_ENV.PUBLIC_BASE_URL}/pay/`);
  });
});
