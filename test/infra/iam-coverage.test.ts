/**
 * Every function's role in the packaged production template covers exactly what its code
 * calls. Each function's real handler runs (deployed mode, with the environment the template
 * gives it) through the calls, pages and admin requests that reach every AWS command it
 * can send, against local servers speaking DynamoDB's (dynalite), S3's, Polly's and SSM's
 * protocols. An AWS SDK middleware (lib/aws/sdk-client-setup.ts) records each command; each
 * maps to its IAM action and resource, and the test asserts that
 *   - the function's own role allows every one of them, on that very resource, and
 *   - every action × resource the role grants was needed by some command (nothing unused),
 * apart from what the Lambda service itself sends for the function (logs, X-Ray).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { createTables, localDynamoClient } from '../../infra/local/create-tables';
import { startDynalite, type RunningDynalite } from '../../infra/local/dynalite-server';
import { loadSeed } from '../../infra/local/load-seed';
import { observeAwsCommands, type SentCommand } from '../../lib/aws/sdk-client-setup';
import { loadConfig } from '../../lib/config/app-config';
import { PROFILE_SK } from '../../lib/ledger/dynamo-customer-summaries';
import { placeCall } from '../../tools/simulator/call-simulator';
import { wavFile } from '../support/audio-files';
import {
  apiEvent,
  DEPLOYED_BASE_ENV,
  loadDeployedFunction,
  restoreAllDeployedFunctions,
  signedTwilioPost,
  webhookFetch,
  type Handler,
} from '../support/deployed-function';
import { lambdaContext } from '../support/lambda-context';
import { startFakeAlovoip, type FakeAlovoip } from '../support/fake-alovoip';
import { FAKE_STRIPE_KEY, FAKE_WEBHOOK_SECRET, signStripePayload, startFakeStripe, type FakeStripe } from '../support/fake-stripe';
import { FAKE_MERCHANT_ID, startFakeZarinpal, type FakeZarinpal } from '../support/fake-zarinpal';
import { startFakePolly, startFakeS3 } from '../support/fake-aws-audio';
import { FAKE_AZURE_KEY, startFakeAzureSpeech, type FakeAzureSpeech } from '../support/fake-azure-speech';
import { startFakeSqs, type FakeSqs } from '../support/fake-sqs';
import { startFakeSsm, type FakeSsm } from '../support/fake-ssm';
import { startFakeTwilioMessages, type FakeTwilioMessages } from '../support/fake-twilio-messages';
import { allows, permissionsFor, roleStatements, statementMatches, type Account, type Permission } from '../support/iam-policy';
import { packageStage, PROD_PARAMS, type CfnTemplate, type PackagedStage } from '../support/packaged-template';

const FUNCTIONS = ['voice', 'status', 'fallback', 'pay', 'admin', 'panel', 'importWorker'] as const;
type FunctionName = (typeof FUNCTIONS)[number];
const ROLE: Record<FunctionName, string> = {
  voice: 'VoiceRole',
  status: 'StatusRole',
  fallback: 'FallbackRole',
  pay: 'PayRole',
  admin: 'AdminRole',
  panel: 'PanelRole',
  importWorker: 'ImportWorkerRole',
};
const BUCKET = 'balance-ivr-prod-audiobucket-test';
const ACCOUNT: Account = { partition: 'aws', region: 'us-east-1', accountId: '000000000000', physical: { AudioBucket: BUCKET } };
const ADMIN_KEY = 'iam-coverage-admin-key-0123456789';
const TOKEN = 'iam-coverage-auth-token';
const CRM_PASSWORD = 'crm-password-in-ssm';
/**
 * Sent by the Lambda service on the function's behalf (its logs, its traces; for a function
 * its queue triggers, receiving and deleting the messages), never by its code.
 */
const RUNTIME_ACTIONS = /^(logs:|xray:|sqs:(ReceiveMessage|DeleteMessage|GetQueueAttributes)$)/;
const IMPORT_QUEUE = 'balance-ivr-prod-imports';

let stage: PackagedStage;
let template: CfnTemplate;
let dynalite: RunningDynalite;
let ssm: FakeSsm;
let crm: FakeAlovoip;
let azure: FakeAzureSpeech;
let stripe: FakeStripe;
let zarinpal: FakeZarinpal;
let twilio: FakeTwilioMessages;
let polly: Awaited<ReturnType<typeof startFakePolly>>;
let s3: Awaited<ReturnType<typeof startFakeS3>>;
let sqs: FakeSqs;
let stopObserving: () => void = () => undefined;
const sent: Record<FunctionName, SentCommand[]> = { voice: [], status: [], fallback: [], pay: [], admin: [], panel: [], importWorker: [] };
let running: FunctionName | undefined;

/** The function's environment exactly as the template sets it, with this test's endpoints. */
function environmentOf(fn: FunctionName, overrides: Record<string, string> = {}): Record<string, string> {
  const logical = `${fn.charAt(0).toUpperCase()}${fn.slice(1)}LambdaFunction`;
  const variables = (template.Resources[logical]?.Properties?.Environment as { Variables: Record<string, unknown> }).Variables;
  const substitutes: Record<string, string> = {
    PUBLIC_BASE_URL: DEPLOYED_BASE_ENV.PUBLIC_BASE_URL,
    AUDIO_BUCKET: BUCKET,
    AUDIO_BASE_URL: 'https://audio.example.test',
    IMPORT_QUEUE_URL: sqs.queueUrl(IMPORT_QUEUE),
  };
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(variables)) {
    if (typeof value === 'string') env[name] = value;
    else if (substitutes[name]) env[name] = substitutes[name];
    else throw new Error(`${fn}: ${name} is a CloudFormation expression this test has no value for`);
  }
  return {
    ...env,
    DYNAMODB_ENDPOINT: dynalite.endpoint,
    S3_ENDPOINT: s3.endpoint,
    POLLY_ENDPOINT: polly.endpoint,
    SSM_ENDPOINT: ssm.endpoint,
    SQS_ENDPOINT: sqs.endpoint,
    TWILIO_API_BASE_URL: twilio.url,
    // Persian text spoken by the neural voice: what the azure-speech-key grant is for.
    PERSIAN_TTS: 'azure',
    AZURE_SPEECH_ENDPOINT: azure.endpoint,
    // The test's fake CRM listens on loopback over http: allowed here explicitly, as a stage
    // reaching a private CRM would be (the template leaves both off).
    CRM_ALLOW_HTTP: 'true',
    CRM_ALLOWED_CIDRS: '127.0.0.0/8',
    LOG_LEVEL: 'CRITICAL',
    POWERTOOLS_METRICS_DISABLED: 'true',
    ...overrides,
  };
}

/** The deployed-mode handler of a function, whose AWS commands are recorded as that function's. */
function load(fn: FunctionName, overrides: Record<string, string> = {}): Handler {
  const { handler } = loadDeployedFunction(fn, environmentOf(fn, overrides));
  return async (event, context) => {
    // Requests run one after the other here (a status callback after the step that ended the call).
    const outer = running;
    running = fn;
    try {
      return await handler(event, context);
    } finally {
      running = outer;
    }
  };
}

beforeAll(async () => {
  stage = await packageStage({ stage: 'prod', region: 'us-east-1', params: PROD_PARAMS });
  template = stage.template;
  dynalite = await startDynalite();
  const client = localDynamoClient(dynalite.endpoint);
  const tables = loadConfig({ TABLE_PREFIX: 'balance-ivr-prod' }).tables;
  await createTables(client, tables);
  await loadSeed(
    join(__dirname, '..', '..', 'infra', 'seed', 'demo.json'),
    DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } }),
    { tables, defaultCountryCode: '98' },
  );
  client.destroy();
  ssm = await startFakeSsm({
    '/balance-ivr/prod/twilio-auth-token': TOKEN,
    '/balance-ivr/prod/twilio-api-key-secret': 'api-key-secret-in-ssm',
    '/balance-ivr/prod/payment-link-secret': 'payment-link-secret-in-ssm',
    '/balance-ivr/prod/admin-api-key': ADMIN_KEY,
    '/balance-ivr/prod/crm/acme-crm': CRM_PASSWORD,
    '/balance-ivr/prod/azure-speech-key': FAKE_AZURE_KEY,
    '/balance-ivr/prod/stripe-secret-key': FAKE_STRIPE_KEY,
    '/balance-ivr/prod/stripe-webhook-secret': FAKE_WEBHOOK_SECRET,
    '/balance-ivr/prod/zarinpal-merchant-id': FAKE_MERCHANT_ID,
  });
  azure = await startFakeAzureSpeech();
  stripe = await startFakeStripe();
  zarinpal = await startFakeZarinpal();
  crm = await startFakeAlovoip();
  crm.routes.set('/GetIdentityByPhoneNumber', () => ({
    body: JSON.stringify({
      Id: 'acme-1',
      CrmObjectTypeIndex: 24,
      CreateDate: '2024-01-01T00:00:00',
      ModifyDate: '2024-01-01T00:00:00',
      CustomerNumber: '7001',
      NickName: 'Acme',
      PhoneContacts: [],
    }),
  }));
  crm.routes.set('/GetCustomerBalance', () => ({ body: '{"balance":42000}' }));
  crm.routes.set('/GetMoneyAccounts', () => ({ body: '{"moneyAccounts":[{"key":"a1","name":"Main"}]}' }));
  crm.routes.set('/GetBillableObjectTypes', () => ({ body: 'null' }));
  twilio = await startFakeTwilioMessages();
  polly = await startFakePolly();
  s3 = await startFakeS3(BUCKET);
  sqs = await startFakeSqs();
  // As the deploy publishes it (infra/serverless-publish-audio.js): the Persian clip pack, which
  // voice steps join sentences from.
  const clips = join(__dirname, '..', '..', 'infra', 'audio', 'clips', 'fa');
  for (const file of readdirSync(clips))
    s3.objects.set(`clips/fa/${file}`, {
      body: readFileSync(join(clips, file)),
      contentType: file.endsWith('.json') ? 'application/json' : 'audio/wav',
      cacheControl: undefined,
    });
  stopObserving = observeAwsCommands((command) => {
    if (running) sent[running].push(command);
  });
}, 180_000);

afterAll(async () => {
  stopObserving();
  restoreAllDeployedFunctions();
  await Promise.all([ssm, crm, twilio, polly, s3, sqs, azure, stripe, zarinpal].map((server) => server?.stop()));
  await dynalite?.close();
  await stage?.remove();
});

/**
 * An operator's change to a customer whose summary refresh never finished (the writer died):
 * the next payment's refresh brings the index rows up to it, removing the one that no longer applies.
 */
async function changeProfileWithoutRefresh(customerId: string, changes: Record<string, unknown>): Promise<void> {
  const doc = DynamoDBDocumentClient.from(localDynamoClient(dynalite.endpoint));
  const table = loadConfig({ TABLE_PREFIX: 'balance-ivr-prod' }).tables.ledger;
  const { Item } = await doc.send(new GetCommand({ TableName: table, Key: { pk: `CUST#${customerId}`, sk: PROFILE_SK } }));
  if (!Item) throw new Error(`no profile for ${customerId}`);
  await doc.send(new PutCommand({ TableName: table, Item: { ...Item, ...changes } }));
  doc.destroy();
}

const call = (voice: Handler, status: Handler, code: string, from: string, digits?: string[], options: { twinsAt?: string; pay?: 'success' } = {}) => {
  const fetchImpl = webhookFetch({ voice, status });
  // Twilio delivering one request twice at once: the twin waits for the first one's outcome.
  const twins: typeof fetchImpl = async (input, init) => {
    if (!options.twinsAt || !new URL(input).pathname.endsWith(`/${options.twinsAt}`)) return fetchImpl(input, init);
    const [first] = await Promise.all([fetchImpl(input, init), fetchImpl(input, init)]);
    return first;
  };
  return placeCall({
    baseUrl: DEPLOYED_BASE_ENV.PUBLIC_BASE_URL,
    code,
    from,
    authToken: TOKEN,
    fetchImpl: twins,
    ...(digits ? { digits } : {}),
    ...(options.pay ? { pay: [options.pay] } : {}),
  });
};

const adminRequest = (
  admin: Handler,
  method: string,
  path: string,
  options: { body?: unknown; raw?: { data: Uint8Array; type: string }; query?: string } = {},
) =>
  admin(
    apiEvent({
      method,
      path: `/admin/api${path}`,
      ...(options.query ? { query: options.query } : {}),
      headers: {
        authorization: `Bearer ${ADMIN_KEY}`,
        ...(options.body !== undefined ? { 'content-type': 'application/json' } : {}),
        ...(options.raw ? { 'content-type': options.raw.type } : {}),
      },
      ...(options.body !== undefined ? { body: JSON.stringify(options.body) } : {}),
      ...(options.raw ? { body: Buffer.from(options.raw.data).toString('base64'), isBase64Encoded: true } : {}),
    }),
    lambdaContext('admin'),
  );

/** Drives every function through what reaches each AWS command it can send. */
async function exercise(): Promise<void> {
  const voice = load('voice');
  // The same role serves both ways of authenticating SMS: with an API key, its secret.
  const voiceWithApiKey = load('voice', { TWILIO_API_KEY_SID: 'SK00000000000000000000000000000001' });
  const status = load('status');
  const fallback = load('fallback');
  const pay = load('pay');
  const admin = load('admin');
  // And both SMS providers: with the outbox, the panel lists it.
  const adminWithOutbox = load('admin', { SMS_PROVIDER: 'outbox' });
  const panel = load('panel');

  // The admin first: the lookup source and the module on it that calls will use.
  {
    const ok = async (method: string, path: string, options?: Parameters<typeof adminRequest>[3]) => {
      const reply = await adminRequest(admin, method, path, options);
      if ((reply.statusCode ?? 500) >= 300) throw new Error(`${method} ${path} answered ${reply.statusCode}: ${reply.body}`);
      return JSON.parse(reply.body ?? '{}') as Record<string, unknown>;
    };
    await ok('GET', '/meta');
    await ok('GET', '/openapi.json');
    await ok('POST', '/lookup-sources', {
      body: { name: 'acme-crm', type: 'http', host: crm.url, auth: 'basic', username: 'ivr', passwordSecret: 'acme-crm' },
    });
    await ok('GET', '/lookup-sources');
    await ok('GET', '/lookup-sources/acme-crm');
    await ok('PUT', '/lookup-sources/acme-crm', {
      body: { name: 'acme-crm', type: 'http', host: crm.url, auth: 'basic', username: 'ivr', passwordSecret: 'acme-crm' },
    });
    expect(await ok('POST', '/lookup-sources/acme-crm/test')).toMatchObject({ ok: true });
    await ok('GET', '/lookup-sources/acme-crm/money-accounts');
    await ok('GET', '/lookup-sources/acme-crm/item-types');
    await ok('POST', '/lookup-sources', { body: { name: 'spare', type: 'http', host: crm.url, auth: 'none' } });
    await ok('DELETE', '/lookup-sources/spare');
    await ok('GET', '/destinations');
    await ok('POST', '/destinations', { body: { code: 'iam-desk', name: 'Desk', type: 'dial', target: '+15005550099' } });
    await ok('GET', '/destinations/iam-desk');
    await ok('PUT', '/destinations/iam-desk', { body: { code: 'iam-desk', name: 'Desk 2', type: 'dial', target: '+15005550098' } });
    await ok('POST', '/modules', {
      body: { code: 'acme-en', name: 'Acme', language: 'en', lookupSource: 'acme-crm', nextDestination: 'sales', errorDestination: 'iam-desk' },
    });
    await ok('GET', '/modules');
    await ok('GET', '/modules/acme-en');
    await ok('PUT', '/modules/acme-en', {
      body: { code: 'acme-en', name: 'Acme CRM', language: 'en', lookupSource: 'acme-crm', nextDestination: 'sales', errorDestination: 'iam-desk' },
    });
    await ok('POST', '/modules/acme-en/disable');
    await ok('POST', '/modules/acme-en/enable');
    await ok('POST', '/modules', { body: { code: 'iam-spare', name: 'Spare', language: 'en', nextDestination: 'sales', errorDestination: 'goodbye' } });
    await ok('DELETE', '/modules/iam-spare');
    await ok('POST', '/prompts/preview', { body: { language: 'en', prompt: 'intro', override: { text: 'Hello from the IAM test.' } } });
    await ok('PUT', '/modules/balance-en/prompts/intro/recording', { raw: { data: wavFile(1), type: 'audio/wav' } });
    await ok('DELETE', '/modules/balance-en/prompts/intro/recording');
    await ok('GET', '/ledger/customers');
    await ok('GET', '/ledger/customers/c-1001');
    await ok('GET', '/ledger/money-accounts');
    await ok('POST', '/ledger/import', {
      body: {
        customers: [{ id: 'c-9001', phones: ['+15005550090'] }],
        items: [{ customerId: 'c-9001', type: 'invoice', number: 'I-9001', fields: { FinalValue: 1000 } }],
      },
      query: 'dryRun=1',
    });
    await ok('POST', '/ledger/import', {
      body: {
        customers: [{ id: 'c-9001', phones: ['+15005550090'] }],
        items: [{ customerId: 'c-9001', type: 'invoice', number: 'I-9001', fields: { FinalValue: 1000 } }],
      },
    });
    await ok('POST', '/ledger/import/customers.csv', {
      raw: { data: Buffer.from('id,customerNumber,name,phones,mobile\nc-9002,9002,Nine,+15005550091,\n'), type: 'text/csv' },
    });
    // The same customer again with another number: its old phone row is removed.
    await ok('POST', '/ledger/import/customers.csv', {
      raw: { data: Buffer.from('id,customerNumber,name,phones,mobile\nc-9002,9002,Nine,+15005550092,\n'), type: 'text/csv' },
    });
    await ok('POST', '/ledger/import/items.csv', {
      raw: { data: Buffer.from('customerId,type,number,FinalValue,moneyAccount,status\nc-9002,invoice,I-9002,2000,,\n'), type: 'text/csv' },
    });
    await ok('GET', '/outbox');
    await ok('GET', '/audit');
    // Listing and search read summaries and index rows by key.
    await ok('GET', '/ledger/customers', { query: 'q=Ali' });
    await ok('GET', '/ledger/customers', { query: 'q=09121111111' });
    // A refused write takes its audit entry back; a wrong key is counted against the address.
    expect(
      (await adminRequest(admin, 'POST', '/destinations', { body: { code: 'iam-desk', name: 'Desk', type: 'dial', target: '+15005550099' } })).statusCode,
    ).toBe(409);
    expect(
      (
        await admin(
          apiEvent({ method: 'GET', path: '/admin/api/modules', headers: { authorization: 'Bearer a-wrong-key-0123456789' } }),
          lambdaContext('admin'),
        )
      ).statusCode,
    ).toBe(401);
    // Persian prompt text an operator typed, spoken by the neural voice.
    await ok('POST', '/speech/preview', { body: { language: 'fa', voice: 'neural', unit: 'rial', prompts: { intro: { text: 'سلام از آزمون دسترسی‌ها' } } } });
    // And in the recorded clips: the sentence joined from the pack into joined/.
    await ok('POST', '/speech/preview', { body: { language: 'fa', voice: 'clips', unit: 'toman', prompts: {} } });
    // A Persian module on the neural voice, for the calls below.
    await ok('POST', '/modules', {
      body: { code: 'iam-fa-neural', name: 'Neural', language: 'fa', voice: 'neural', nextDestination: 'sales', errorDestination: 'goodbye' },
    });
  }

  {
    expect((await call(voice, status, 'balance-en', '+15005550001')).handedOn).toEqual({ kind: 'dial', target: '+982191000000' });
    await call(voice, status, 'balance-fa', '+989121111111');
    await call(voice, status, 'iam-fa-neural', '+989121111111');
    // A card payment in the call (Twilio <Pay>): settled in the ledger by the voice function, which
    // refreshes the customer's summary (here also finishing a refresh an operator's change left undone).
    await changeProfileWithoutRefresh('c-5002', { customerNumber: '5002-B' });
    expect((await call(voice, status, 'pay-card-en', '+15005550007', ['2'], { pay: 'success' })).handedOn).toBeDefined();
    // One invoice by number: the invoice is marked paid too.
    expect((await call(voice, status, 'pay-card-fa', '+14165550003', ['2', '5301'], { pay: 'success' })).handedOn).toBeDefined();
    await call(voice, status, 'acme-en', '+15005550077');
    await call(voice, status, 'club-en-password', '+15009999999', ['2001', '2468']);
    await call(voice, status, 'club-en-password', '+15009999998', ['2001', '1111', '1111', '1111']);
    // A link in dollars, for Stripe below.
    await call(voice, status, 'pay-usd', '+15005550005', ['09125550005']);
    const paid = await call(voice, status, 'pay-en', '+15005550001', ['09125550001'], { twinsAt: 'mobile' });
    expect(paid.sms).toHaveLength(0); // sent through Twilio's API, not the outbox
    await call(voiceWithApiKey, status, 'pay-fa', '+989121111111', ['09121111111', '1002']);
    // Another invoice's link in rials, for Zarinpal below (to its own mobile).
    await call(voice, status, 'pay-fa', '+989121111111', ['09120001111', '1001']);
  }

  // Links the real gateways take (below); the others are paid with the sandbox.
  const gatewayMobiles = new Set(['+989125550005', '+989120001111']);
  {
    // Real gateways: each link goes to the one that takes its currency (dollars to Stripe, rials
    // to Zarinpal), and Stripe's webhook is checked with its signing secret.
    const gateways = load('pay', {
      PAYMENT_PROVIDER: 'stripe,zarinpal',
      STRIPE_API_BASE_URL: stripe.url,
      STRIPE_CHECKOUT_ORIGIN: stripe.url,
      ZARINPAL_API_BASE_URL: zarinpal.url,
    });
    const links = twilio.requests.filter((sms) => gatewayMobiles.has(sms.form.To ?? ''));
    expect(links).toHaveLength(2);
    for (const sms of links) {
      const token = /\/pay\/(\S+)/.exec(sms.form.Body ?? '')?.[1] as string;
      const started = await gateways(apiEvent({ method: 'POST', path: `/pay/${token}`, pathParameters: { token } }), lambdaContext('pay'));
      expect(started.statusCode).toBe(303);
    }
    expect(stripe.sessions.size + zarinpal.payments.size).toBe(2);
    // Stripe confirms the dollar checkout for another amount than asked: recorded, never posted,
    // and flagged on the call that sent the link.
    const [sessionId] = [...stripe.sessions.keys()];
    const event = stripe.complete(sessionId as string, { amountTotal: 1 });
    const webhook = (signature: string) =>
      gateways(apiEvent({ method: 'POST', path: '/pay/stripe/webhook', headers: { 'stripe-signature': signature }, body: event.body }), lambdaContext('pay'));
    expect((await webhook(signStripePayload(FAKE_WEBHOOK_SECRET, event.body, Math.floor(Date.now() / 1000)))).statusCode).toBe(200);
    const flagged = JSON.parse((await adminRequest(admin, 'GET', '/payments', { query: 'status=refund-needed' })).body ?? '{}').payments as { id: string }[];
    expect(flagged).toHaveLength(1);
    expect((await adminRequest(admin, 'POST', `/payments/${encodeURIComponent(flagged[0]?.id ?? '')}/handled`)).statusCode).toBe(200);
  }

  {
    // Bulk import jobs: the admin function stores the parts and queues the job; the worker
    // (invoked with each queued message, as SQS's event source would) validates, writes in
    // chunks and removes the file. A customer with a telephone password; then a refused file
    // (nothing written, its Activity entry taken back); then a cancelled one.
    const worker = load('importWorker');
    const ok = async (method: string, path: string, options?: Parameters<typeof adminRequest>[3]) => {
      const reply = await adminRequest(admin, method, path, options);
      if ((reply.statusCode ?? 500) >= 300) throw new Error(`${method} ${path} answered ${reply.statusCode}: ${reply.body}`);
      return JSON.parse(reply.body ?? '{}') as { job: { id: string; state: string; written: number } };
    };
    const deliver = async () => {
      for (let messages = sqs.take(); messages.length > 0; messages = sqs.take()) {
        for (const m of messages) {
          expect(m.queue).toBe(IMPORT_QUEUE);
          await worker({ Records: [{ messageId: m.messageId, body: m.body }] } as never, lambdaContext('importWorker'));
        }
      }
    };
    const job = async (kind: string, csv: string) => {
      const { job: created } = await ok('POST', '/ledger/imports', { body: { kind, parts: 1, fileName: `${kind}.csv` } });
      await ok('PUT', `/ledger/imports/${created.id}/parts/0`, { raw: { data: Buffer.from(csv), type: 'text/csv' } });
      return created.id;
    };
    // c-9001 (imported above) moves to another number: the worker removes its old phone row.
    const done = await job('customers', 'id,customerNumber,name,phones,mobile,phonePassword\nc-9101,9101,Bulk,+15005550191,,2468\nc-9001,,,+15005550093,,\n');
    await ok('POST', `/ledger/imports/${done}/start`);
    await deliver();
    expect((await ok('GET', `/ledger/imports/${done}`)).job.state).toBe('done');
    const refused = await job('items', 'customerId,type,number,FinalValue,moneyAccount,status\nc-9101,invoice,B-1,abc,,\n');
    await ok('POST', `/ledger/imports/${refused}/start`);
    await deliver();
    expect((await ok('GET', `/ledger/imports/${refused}`)).job.state).toBe('rejected');
    const cancelled = await job('items', 'customerId,type,number,FinalValue,moneyAccount,status\nc-9101,invoice,B-2,1000,,\n');
    await ok('POST', `/ledger/imports/${cancelled}/cancel`);
    expect(sqs.take()).toEqual([]);
    // Cancelled part-way: 30 customers with passwords are written in batches of 25 (scrypt, one at a time: over 2 s),
    // the worker's one-second chunk ends after the first, and the job is cancelled before the
    // next chunk runs; its Activity entry stays, marked failed.
    const slowWorker = load('importWorker', { IMPORT_CHUNK_SECONDS: '1', IMPORT_PASSWORD_CONCURRENCY: '1' });
    const many = Array.from({ length: 30 }, (_, i) => `c-92${String(i).padStart(2, '0')},,,+155500592${String(i).padStart(2, '0')},,1357`);
    const partWay = await job('customers', `id,customerNumber,name,phones,mobile,phonePassword\n${many.join('\n')}\n`);
    await ok('POST', `/ledger/imports/${partWay}/start`);
    const run = async (m: { messageId: string; body: string }) =>
      slowWorker({ Records: [{ messageId: m.messageId, body: m.body }] } as never, lambdaContext('importWorker'));
    for (const m of sqs.take()) await run(m); // validation, which queues the first chunk
    for (const m of sqs.take()) await run(m); // the first chunk, which queues the next
    const written = (await ok('GET', `/ledger/imports/${partWay}`)).job;
    expect(written).toMatchObject({ state: 'writing', written: 25 });
    await ok('POST', `/ledger/imports/${partWay}/cancel`);
    for (const m of sqs.take()) await run(m);
    expect((await ok('GET', `/ledger/imports/${partWay}`)).job.state).toBe('cancelled');
    await ok('GET', '/ledger/imports');
  }

  {
    const reply = await status(
      signedTwilioPost('/status', { CallSid: 'CA00000000000000000000000000000AAA', CallStatus: 'completed' }, TOKEN),
      lambdaContext('status'),
    );
    expect(reply.statusCode).toBe(200);
  }

  {
    const reply = await fallback(
      signedTwilioPost(
        '/fallback/balance-en',
        { CallSid: 'CA00000000000000000000000000000FBB', From: '+15005550001', To: '+1555', ErrorCode: '11200' },
        TOKEN,
        { pathParameters: { code: 'balance-en' } },
      ),
      lambdaContext('fallback'),
    );
    expect(reply.body).toContain('<Dial>');
  }

  {
    // The sandbox pays the other links; the payment's summary refresh finishes an operator's change too.
    await changeProfileWithoutRefresh('c-2001', { customerNumber: '2001-B' });
    expect(twilio.requests.length).toBeGreaterThanOrEqual(2);
    for (const sms of twilio.requests.filter((m) => !gatewayMobiles.has(m.form.To ?? ''))) {
      const token = /\/pay\/(\S+)/.exec(sms.form.Body ?? '')?.[1] as string;
      const page = (method: string) => pay(apiEvent({ method, path: `/pay/${token}`, pathParameters: { token } }), lambdaContext('pay'));
      expect((await page('GET')).statusCode).toBe(200);
      expect((await page('POST')).statusCode).toBe(200);
      expect((await page('GET')).statusCode).toBe(200);
    }
  }

  {
    // The call log (both indexes, list and chart) once calls have ended, and the outbox.
    for (const query of ['', 'module=balance-en']) {
      expect((await adminRequest(admin, 'GET', '/calls', { query })).statusCode).toBe(200);
      expect((await adminRequest(admin, 'GET', '/calls/outcomes-per-day', { query })).statusCode).toBe(200);
    }
    expect(JSON.parse((await adminRequest(adminWithOutbox, 'GET', '/outbox')).body ?? '{}')).toMatchObject({ available: true });
    await adminRequest(admin, 'DELETE', '/destinations/iam-desk');
  }

  {
    const page = await panel(apiEvent({ method: 'GET', path: '/admin' }), lambdaContext('panel'));
    expect(page.statusCode).toBe(200);
  }
}

describe('each function’s role in the packaged production template', () => {
  beforeAll(exercise, 180_000);

  it('is its own, for every function, and no function uses the default shared role', () => {
    expect(template.Resources.IamRoleLambdaExecution).toBeUndefined();
    for (const fn of FUNCTIONS) {
      const logical = `${fn.charAt(0).toUpperCase()}${fn.slice(1)}LambdaFunction`;
      expect(template.Resources[logical]?.Properties?.Role).toEqual({ 'Fn::GetAtt': [ROLE[fn], 'Arn'] });
    }
  });

  it.each(FUNCTIONS)('allows every AWS command the %s function sends, on the resource it sends it to', (fn) => {
    const statements = roleStatements(template, ACCOUNT, ROLE[fn]);
    const needed = sent[fn].flatMap((c) => permissionsFor(c, ACCOUNT).map((p) => ({ ...p, command: `${c.client}.${c.command}` })));
    if (fn !== 'panel') expect(needed.length).toBeGreaterThan(0);
    const refused = needed.filter((p) => !allows(statements, p));
    expect(refused).toEqual([]);
  });

  it.each(FUNCTIONS)('grants the %s function nothing its code never sends', (fn) => {
    const needed: Permission[] = sent[fn].flatMap((c) => permissionsFor(c, ACCOUNT));
    const unused: string[] = [];
    for (const statement of roleStatements(template, ACCOUNT, ROLE[fn])) {
      for (const action of statement.actions) {
        if (RUNTIME_ACTIONS.test(action)) continue;
        for (const resource of statement.resources) if (!needed.some((p) => statementMatches(action, resource, p))) unused.push(`${action} on ${resource}`);
      }
    }
    expect(unused).toEqual([]);
  });

  it('reads each secret only in the functions that list it, and CRM passwords only under crm/', () => {
    const parameters = (fn: FunctionName) => [...new Set(sent[fn].filter((c) => c.client === 'SSMClient').map((c) => String(c.input.Name)))].sort();
    expect(parameters('voice')).toEqual([
      '/balance-ivr/prod/azure-speech-key',
      '/balance-ivr/prod/crm/acme-crm',
      '/balance-ivr/prod/payment-link-secret',
      '/balance-ivr/prod/twilio-api-key-secret',
      '/balance-ivr/prod/twilio-auth-token',
    ]);
    expect(parameters('admin')).toEqual([
      '/balance-ivr/prod/admin-api-key',
      '/balance-ivr/prod/admin-api-key-next',
      '/balance-ivr/prod/azure-speech-key',
      '/balance-ivr/prod/crm/acme-crm',
    ]);
    expect(parameters('pay')).toEqual([
      '/balance-ivr/prod/payment-link-secret',
      '/balance-ivr/prod/stripe-secret-key',
      '/balance-ivr/prod/stripe-webhook-secret',
      '/balance-ivr/prod/zarinpal-merchant-id',
    ]);
    expect(parameters('panel')).toEqual([]);
    expect(parameters('importWorker')).toEqual([]);
  });
});
