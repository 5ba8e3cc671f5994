/**
 * Exactly once, against the real voice and pay handlers in-process with dynalite: the same
 * signed request delivered again and again, one after the other and all at once, creates one
 * link and one SMS; paying the same link many times at once records one payment.
 */
import { join } from 'node:path';
import { GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { getExpectedTwilioSignature } from 'twilio/lib/webhooks/webhooks';
import { loadSeed } from '../../infra/local/load-seed';
import { startTestDynamo, type TestDynamo } from '../support/local-dynamo';

const BASE = 'https://ivr.example.test';
const TOKEN = 'integration-auth-token';
type Handler = (event: APIGatewayProxyEventV2, context: Context) => Promise<APIGatewayProxyStructuredResultV2>;

let dynamo: TestDynamo;
let voice: Handler;
let pay: Handler;
let outbox: { latest(o: { callSid?: string; limit?: number }): Promise<{ body: string; to: string }[]> };

beforeAll(async () => {
  dynamo = await startTestDynamo();
  await loadSeed(join(__dirname, '..', '..', 'infra', 'seed', 'demo.json'), dynamo.doc, { tables: dynamo.tables, defaultCountryCode: '98' });
  Object.assign(process.env, {
    PUBLIC_BASE_URL: BASE,
    TWILIO_AUTH_TOKEN: TOKEN,
    DYNAMODB_ENDPOINT: dynamo.endpoint,
    AWS_ACCESS_KEY_ID: 'local',
    AWS_SECRET_ACCESS_KEY: 'local',
    SESSIONS_TABLE: dynamo.tables.sessions,
    CONFIG_TABLE: dynamo.tables.config,
    LEDGER_TABLE: dynamo.tables.ledger,
    CALL_LOG_TABLE: dynamo.tables.callLog,
    PAYMENTS_TABLE: dynamo.tables.payments,
    PAYMENT_RECORDS_TABLE: dynamo.tables.paymentRecords,
    CONFIG_CACHE_SECONDS: '0',
    LOG_LEVEL: 'ERROR',
    PAYMENT_LINK_DAILY_LIMIT_PER_MOBILE: '2',
  });
  /* eslint-disable @typescript-eslint/no-require-imports */
  voice = require('../../functions/voice').handler;
  pay = require('../../functions/pay').handler;
  outbox = require('../../lib/composition/sms').outbox;
}, 60_000);

afterAll(async () => {
  await dynamo?.stop();
});

const context = {} as Context;

function voiceEvent(path: string, query: string, params: Record<string, string>): APIGatewayProxyEventV2 {
  const url = `${BASE}${path}${query ? `?${query}` : ''}`;
  return {
    version: '2.0',
    routeKey: 'POST',
    rawPath: path,
    rawQueryString: query,
    headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': getExpectedTwilioSignature(TOKEN, url, params) },
    queryStringParameters: query ? Object.fromEntries(new URLSearchParams(query)) : undefined,
    pathParameters: Object.fromEntries(Object.entries({ code: path.split('/')[2], step: path.split('/')[3] }).filter(([, v]) => v)) as Record<string, string>,
    body: new URLSearchParams(params).toString(),
    isBase64Encoded: false,
    requestContext: { http: { method: 'POST', path } },
  } as unknown as APIGatewayProxyEventV2;
}

function payEvent(method: 'GET' | 'POST', token: string): APIGatewayProxyEventV2 {
  return {
    rawPath: `/pay/${token}`,
    rawQueryString: '',
    headers: {},
    pathParameters: { token },
    requestContext: { http: { method, path: `/pay/${token}` } },
  } as unknown as APIGatewayProxyEventV2;
}

let callNo = 0;
async function callAtMobileStep(code: string, from: string) {
  callNo += 1;
  const callSid = `CA${String(callNo).padStart(32, '0')}`;
  const params = { CallSid: callSid, From: from, To: '+15550001000', AccountSid: 'ACtest' };
  const entry = await voice(voiceEvent(`/voice/${code}`, '', params), context);
  expect(entry.body).toContain(`/voice/${code}/mobile?t=1`);
  return { callSid, params };
}

async function mobileCounter(mobile: string) {
  const day = new Date().toISOString().slice(0, 10);
  const { Item } = await dynamo.doc.send(new GetCommand({ TableName: dynamo.tables.payments, Key: { pk: `LIMIT#${mobile}`, sk: `DAY#${day}` } }));
  return Item?.mobileLinks;
}

describe('a payment link step delivered more than once', () => {
  it('sends one SMS and creates one link for 6 concurrent and 3 sequential deliveries', async () => {
    const { callSid, params } = await callAtMobileStep('pay-en', '+15005550001');
    const answer = () => voice(voiceEvent('/voice/pay-en/mobile', 't=1', { ...params, Digits: '09125550001' }), context);
    const concurrent = await Promise.all(Array.from({ length: 6 }, answer));
    const sequential = [await answer(), await answer(), await answer()];
    const bodies = [...concurrent, ...sequential].map((r) => r.body);
    for (const r of [...concurrent, ...sequential]) expect(r.statusCode).toBe(200);
    expect(new Set(bodies).size).toBe(1);
    expect(bodies[0]).toContain('A payment link has been sent to your mobile by text message.');
    expect(await outbox.latest({ callSid })).toHaveLength(1);
    expect(await mobileCounter('+989125550001')).toBe(1);
    const links = await dynamo.doc.send(
      new QueryCommand({
        TableName: dynamo.tables.payments,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': `ONCE#${callSid}#payment-link` },
      }),
    );
    expect(links.Items?.[0]).toMatchObject({ state: 'done', outcome: { status: 'sent' } });
  });

  it('tells the caller the daily limit is reached, sends nothing, and still hands the call on', async () => {
    // The limit is 2 per mobile per day here; the test above used one.
    const second = await callAtMobileStep('pay-en', '+15005550001');
    const ok = await voice(voiceEvent('/voice/pay-en/mobile', 't=1', { ...second.params, Digits: '09125550001' }), context);
    expect(ok.body).toContain('A payment link has been sent');
    const third = await callAtMobileStep('pay-en', '+15005550001');
    const limited = await voice(voiceEvent('/voice/pay-en/mobile', 't=1', { ...third.params, Digits: '09125550001' }), context);
    expect(limited.body).toContain('You have reached today’s limit of payment links, so no new link was sent.');
    expect(limited.body).toContain('<Dial><Number>+982191000000</Number></Dial>');
    expect(await outbox.latest({ callSid: third.callSid })).toHaveLength(0);
    const { Item } = await dynamo.doc.send(new GetCommand({ TableName: dynamo.tables.sessions, Key: { callSid: third.callSid } }));
    expect(Item?.reason).toBe('payment-link-limit:mobile');
  });
});

describe('paying one link many times at once', () => {
  it('records one online payment and lowers the balance once', async () => {
    const [message] = await outbox.latest({ limit: 1 });
    const token = /\/pay\/(\S+)/.exec(message?.body ?? '')?.[1] as string;
    expect(token).toBeDefined();
    const results = await Promise.all(Array.from({ length: 5 }, () => pay(payEvent('POST', token), context)));
    expect(results.map((r) => r.statusCode).sort()).toEqual([200, 409, 409, 409, 409]);
    const items = await dynamo.doc.send(
      new QueryCommand({
        TableName: dynamo.tables.ledger,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :sk)',
        ExpressionAttributeValues: { ':pk': 'CUST#c-2001', ':sk': 'ITEM#onlinePayment#' },
      }),
    );
    expect(items.Items).toHaveLength(1);
    expect(items.Items?.[0]?.fields.FinalValue).toBe(1_250_000);
    const again = await pay(payEvent('GET', token), context);
    expect(again.statusCode).toBe(200);
    expect(again.body).toContain('Payment received');
  });

  it('refuses a token with one character changed', async () => {
    const [message] = await outbox.latest({ limit: 1 });
    const token = /\/pay\/(\S+)/.exec(message?.body ?? '')?.[1] as string;
    const last = token.slice(-1);
    const tampered = `${token.slice(0, -1)}${last === 'A' ? 'B' : 'A'}`;
    const res = await pay(payEvent('POST', tampered), context);
    expect(res.statusCode).toBe(404);
    expect(res.body).toContain('This payment link is not valid.');
  });
});
