/**
 * Every voice step answers by its deadline (8 s, or less when the Lambda has less left), even
 * when the CRM, Polly and S3 are all slow: the caller hears the apology and reaches the module's
 * error destination, the session records `step-deadline` (so the call log says why), and the
 * slow requests are abandoned. The real voice handler in deployed mode against slow local
 * servers speaking the CRM's, Polly's, S3's and SSM's protocols.
 */
import { join } from 'node:path';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { loadSeed } from '../../infra/local/load-seed';
import { parseLookupSource } from '../../lib/config/lookup-source-schema';
import { parseModule } from '../../lib/config/module-schema';
import { DynamoModuleStore } from '../../lib/config/dynamo-module-store';
import { DynamoLookupSourceStore } from '../../lib/crm/dynamo-lookup-source-store';
import { loadDeployedFunction, restoreAllDeployedFunctions, signedTwilioPost, type LoadedFunction } from '../support/deployed-function';
import { lambdaContext } from '../support/lambda-context';
import { startFakeAlovoip, type FakeAlovoip } from '../support/fake-alovoip';
import { startFakePolly, startFakeS3 } from '../support/fake-aws-audio';
import { startFakeSsm, type FakeSsm } from '../support/fake-ssm';
import { startFaultProxy, type FaultProxy } from '../support/dynamo-fault-proxy';
import { startTestDynamo, type TestDynamo } from '../support/local-dynamo';

const TOKEN = 'deadline-test-token';
const BUCKET = 'deadline-audio';
let db: TestDynamo;
let proxy: FaultProxy;
let ssm: FakeSsm;
let crm: FakeAlovoip;
let polly: Awaited<ReturnType<typeof startFakePolly>>;
let s3: Awaited<ReturnType<typeof startFakeS3>>;
let env: Record<string, string>;
/** How long the CRM takes to answer each lookup: just inside its own 4 s timeout. */
let crmDelayMs = 3900;

const identity = JSON.stringify({
  Id: 'slow-1',
  CrmObjectTypeIndex: 24,
  CreateDate: '2024-01-01T00:00:00',
  ModifyDate: '2024-01-02T00:00:00',
  CustomerNumber: '9001',
  NickName: 'Slow',
  PhoneContacts: [{ Id: 'x', IsDefault: true, IsDeleted: false, PhoneNumber: '+15005550001', PhoneType: 'Mobile' }],
});

beforeAll(async () => {
  db = await startTestDynamo();
  await loadSeed(join(__dirname, '..', '..', 'infra', 'seed', 'demo.json'), db.doc, { tables: db.tables, defaultCountryCode: '98' });
  proxy = await startFaultProxy(db.endpoint);
  ssm = await startFakeSsm({ '/balance-ivr/prod/twilio-auth-token': TOKEN });
  crm = await startFakeAlovoip();
  crm.routes.set('/GetIdentityByPhoneNumber', () => ({ body: identity, delayMs: crmDelayMs }));
  crm.routes.set('/GetCustomerBalance', () => ({ body: '{"balance":150000}', delayMs: crmDelayMs }));
  polly = await startFakePolly();
  s3 = await startFakeS3(BUCKET);
  // Longer than their clients' own timeouts (Polly 3 s, S3 1.5 s); short, so the fakes' timers end soon after.
  polly.delayMs = 8000;
  s3.delayMs = 8000;
  const source = parseLookupSource({ name: 'slow-crm', type: 'http', host: crm.url, auth: 'none' });
  const module = parseModule({
    code: 'slow-en',
    name: 'Slow CRM',
    language: 'en',
    currency: { unit: 'rial' },
    lookupSource: 'slow-crm',
    nextDestination: 'sales',
    errorDestination: 'support',
  });
  if (!source.ok || !module.ok) throw new Error('bad fixture');
  await new DynamoLookupSourceStore(db.doc, db.tables.config).putSource(source.value);
  await new DynamoModuleStore(db.doc, db.tables.config).putModule(module.value);
  env = {
    DYNAMODB_ENDPOINT: proxy.endpoint,
    TABLE_PREFIX: db.tables.sessions.replace(/-sessions$/, ''),
    SSM_ENDPOINT: ssm.endpoint,
    SECRET_NAMES: 'twilio-auth-token',
    // The slow CRM is a local server on loopback over http: allowed explicitly for this stage.
    CRM_ALLOW_HTTP: 'true',
    CRM_ALLOWED_CIDRS: '127.0.0.0/8',
    SMS_PROVIDER: 'outbox',
    TTS_MODE: 'polly',
    AUDIO_BUCKET: BUCKET,
    S3_ENDPOINT: s3.endpoint,
    POLLY_ENDPOINT: polly.endpoint,
    AUDIO_BASE_URL: 'https://audio.example.test',
    CONFIG_CACHE_SECONDS: '0',
    LOG_LEVEL: 'CRITICAL',
  };
}, 60_000);

afterEach(() => proxy.setRule(undefined));

afterAll(async () => {
  restoreAllDeployedFunctions();
  await Promise.all([crm, polly, s3, ssm].map((server) => server?.stop()));
  await proxy?.close();
  await db?.stop();
});

async function entry(voice: LoadedFunction, callSid: string, lambdaRemainingMs = 10_000) {
  const started = Date.now();
  const reply = await voice.handler(
    signedTwilioPost('/voice/slow-en', { CallSid: callSid, From: '+15005550001', To: '+15550001000' }, TOKEN, { pathParameters: { code: 'slow-en' } }),
    lambdaContext('voice', lambdaRemainingMs),
  );
  return { reply, ms: Date.now() - started };
}

const session = async (callSid: string) => (await db.doc.send(new GetCommand({ TableName: db.tables.sessions, Key: { callSid }, ConsistentRead: true }))).Item;
const APOLOGY_THEN_SUPPORT =
  /<Say voice="Polly\.Joanna" language="en-US">[^<]*[Ss]orry[^<]*<\/Say><Dial[^>]*><Sip>sip:support@pbx\.example\.com<\/Sip><\/Dial>/;

describe('the step deadline', () => {
  it('answers within 8 s when two CRM lookups, Polly and S3 are all slow: apology, error destination, reason recorded', async () => {
    const voice = loadDeployedFunction('voice', env);
    const { reply, ms } = await entry(voice, 'CA0000000000000000000000000000D001');
    expect(reply.statusCode).toBe(200);
    expect(reply.body).toMatch(APOLOGY_THEN_SUPPORT);
    // Without the deadline: 3.9 + 3.9 s of CRM, then the S3 and Polly timeouts (≈ 4.5 s more).
    expect(ms).toBeLessThan(8000);
    expect(await session('CA0000000000000000000000000000D001')).toMatchObject({ outcome: 'error', reason: 'step-deadline', destination: 'support' });
    // The second lookup was cut to what the step had left, not given the CRM's whole 4 s.
    expect(crm.requests.map((r) => r.path.replace(/^.*\//, ''))).toEqual(['GetIdentityByPhoneNumber', 'GetCustomerBalance']);
  }, 20_000);

  it('keeps to a shorter deadline when the Lambda has less time left than the step budget', async () => {
    const voice = loadDeployedFunction('voice', env);
    const { reply, ms } = await entry(voice, 'CA0000000000000000000000000000D002', 3000);
    expect(reply.body).toMatch(APOLOGY_THEN_SUPPORT);
    // 3 s left, 1 s kept to send the answer: the step has 2 s.
    expect(ms).toBeLessThan(2000);
    expect(await session('CA0000000000000000000000000000D002')).toMatchObject({ reason: 'step-deadline' });
  }, 20_000);

  it('answers the apology even when DynamoDB is slow too and the module cannot be read in time', async () => {
    crmDelayMs = 8000;
    proxy.setRule(() => ({ kind: 'delay', ms: 5000 }));
    const voice = loadDeployedFunction('voice', { ...env, STEP_DEADLINE_MS: '2000' });
    const { reply, ms } = await entry(voice, 'CA0000000000000000000000000000D003');
    expect(reply.statusCode).toBe(200);
    // No module known yet: the default language's (Persian) apology clip, then hang up.
    expect(reply.body).toMatch(
      /^<\?xml version="1.0" encoding="UTF-8"\?><Response><Play>https:\/\/audio\.example\.test\/clips\/fa\/prompt-apology\.wav<\/Play><Hangup\/><\/Response>$/,
    );
    expect(ms).toBeLessThan(2000);
  }, 20_000);
});
