/**
 * POST /fallback/{code}: the URL Twilio requests when the number's voice webhook fails
 * (error, timeout, function down). It answers what a failed step answers — the module's
 * apology and its error destination — signed like every webhook, within its own deadline,
 * and the call log then says `twilio-fallback:<ErrorCode>`. The real fallback and status
 * handlers in deployed mode against dynalite and a local SSM.
 */
import { join } from 'node:path';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { loadSeed } from '../../infra/local/load-seed';
import { loadDeployedFunction, restoreAllDeployedFunctions, signedTwilioPost, type LoadedFunction } from '../support/deployed-function';
import { lambdaContext } from '../support/lambda-context';
import { startFaultProxy, type FaultProxy } from '../support/dynamo-fault-proxy';
import { startFakeSsm, type FakeSsm } from '../support/fake-ssm';
import { startTestDynamo, type TestDynamo } from '../support/local-dynamo';

const TOKEN = 'fallback-test-token';
let db: TestDynamo;
let proxy: FaultProxy;
let ssm: FakeSsm;
let fallback: LoadedFunction;
let status: LoadedFunction;

beforeAll(async () => {
  db = await startTestDynamo();
  await loadSeed(join(__dirname, '..', '..', 'infra', 'seed', 'demo.json'), db.doc, { tables: db.tables, defaultCountryCode: '98' });
  proxy = await startFaultProxy(db.endpoint);
  ssm = await startFakeSsm({ '/balance-ivr/prod/twilio-auth-token': TOKEN });
  const env = {
    DYNAMODB_ENDPOINT: proxy.endpoint,
    TABLE_PREFIX: db.tables.sessions.replace(/-sessions$/, ''),
    SSM_ENDPOINT: ssm.endpoint,
    SECRET_NAMES: 'twilio-auth-token',
    AUDIO_BASE_URL: 'https://audio.example.test',
    CONFIG_CACHE_SECONDS: '0',
    LOG_LEVEL: 'CRITICAL',
  };
  fallback = loadDeployedFunction('fallback', env);
  status = loadDeployedFunction('status', env);
}, 60_000);

afterEach(() => proxy.setRule(undefined));

afterAll(async () => {
  restoreAllDeployedFunctions();
  await ssm?.stop();
  await proxy?.close();
  await db?.stop();
});

const params = (callSid: string, extra: Record<string, string> = {}) => ({
  CallSid: callSid,
  From: '+15005550001',
  To: '+15550001000',
  ErrorCode: '11205',
  ErrorUrl: 'https://ivr.example.test/voice/balance-en',
  ...extra,
});
const post = (code: string, callSid: string, token = TOKEN) =>
  fallback.handler(signedTwilioPost(`/fallback/${code}`, params(callSid), token, { pathParameters: { code } }), lambdaContext('fallback', 6000));
const XML = '<?xml version="1.0" encoding="UTF-8"?>';

describe('the fallback webhook', () => {
  it("answers an English module's apology (by <Say>) and hands the caller to its error destination", async () => {
    const reply = await post('balance-en', 'CA000000000000000000000000000FB001');
    expect(reply.statusCode).toBe(200);
    expect(reply.headers?.['Content-Type']).toBe('text/xml; charset=utf-8');
    expect(reply.body).toBe(
      `${XML}<Response><Say voice="Polly.Joanna" language="en-US">Sorry, we cannot complete your request right now.</Say><Dial><Sip>sip:support@pbx.example.com</Sip></Dial></Response>`,
    );
  });

  it('plays a Persian module’s apology clip and its goodbye, and the call log says why', async () => {
    const reply = await post('balance-fa', 'CA000000000000000000000000000FB002');
    expect(reply.body).toBe(
      `${XML}<Response><Play>https://audio.example.test/clips/fa/prompt-apology.wav</Play><Play>https://audio.example.test/clips/fa/prompt-goodbye.wav</Play><Hangup/></Response>`,
    );
    const ended = await status.handler(
      signedTwilioPost('/status', { CallSid: 'CA000000000000000000000000000FB002', CallStatus: 'completed', CallDuration: '9' }, TOKEN),
      lambdaContext('status'),
    );
    expect(ended.statusCode).toBe(200);
    const { Item } = await db.doc.send(new GetCommand({ TableName: db.tables.callLog, Key: { callSid: 'CA000000000000000000000000000FB002' } }));
    expect(Item).toMatchObject({
      moduleCode: 'balance-fa',
      outcome: 'error',
      reason: 'twilio-fallback:11205',
      destination: 'goodbye',
      expiresAt: expect.any(Number),
    });
    // Kept 400 days after the call ended.
    expect((Item?.expiresAt as number) - Date.parse(Item?.endedAt as string) / 1000).toBeCloseTo(400 * 86_400, -1);
  });

  it('apologises and hangs up for a module it does not know', async () => {
    const reply = await post('no-such-module', 'CA000000000000000000000000000FB003');
    expect(reply.body).toBe(`${XML}<Response><Play>https://audio.example.test/clips/fa/prompt-apology.wav</Play><Hangup/></Response>`);
  });

  it('refuses an unsigned or wrongly signed request with 403, like every webhook', async () => {
    const reply = await post('balance-en', 'CA000000000000000000000000000FB004', 'not-the-token');
    expect(reply.statusCode).toBe(403);
    expect(reply.body).toBe('Forbidden');
  });

  it('still apologises, within its 4 s deadline, when DynamoDB does not answer', async () => {
    proxy.setRule(() => ({ kind: 'delay', ms: 6000 }));
    const started = Date.now();
    const reply = await post('balance-en', 'CA000000000000000000000000000FB005');
    expect(Date.now() - started).toBeLessThan(4000);
    expect(reply.statusCode).toBe(200);
    expect(reply.body).toBe(`${XML}<Response><Play>https://audio.example.test/clips/fa/prompt-apology.wav</Play><Hangup/></Response>`);
  }, 15_000);
});
