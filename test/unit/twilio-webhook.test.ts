import middy from '@middy/core';
import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';
import { getExpectedTwilioSignature } from 'twilio/lib/webhooks/webhooks';
import { twiml, twilioWebhook, type TwilioEvent, type WebhookResult } from '../../lib/http/twilio-webhook';
import { silentLogger } from '../support/voice-harness';

const TOKEN = 'test-token';
const BASE = 'https://ivr.example.com';

function event(path: string, body: string, signature: string | undefined, query = '', base64 = false): TwilioEvent {
  return {
    rawPath: path,
    rawQueryString: query,
    body: base64 ? Buffer.from(body).toString('base64') : body,
    isBase64Encoded: base64,
    headers: signature === undefined ? {} : { 'x-twilio-signature': signature },
  } as unknown as APIGatewayProxyEventV2 as TwilioEvent;
}

function sign(path: string, params: Record<string, string | string[]>, query = '') {
  return getExpectedTwilioSignature(TOKEN, `${BASE}${path}${query ? `?${query}` : ''}`, params);
}

const seen: Record<string, string>[] = [];
const handler = middy<TwilioEvent, WebhookResult>()
  .use(twilioWebhook({ authToken: TOKEN, publicBaseUrl: BASE, logger: silentLogger, fallbackTwiml: async () => '<Response><Say>sorry</Say></Response>' }))
  .handler(async (e) => {
    seen.push(e.twilio.params);
    if (e.twilio.params.Boom) throw new Error('boom');
    return twiml('<Response/>');
  });

const invoke = (e: TwilioEvent) => handler(e, {} as Context);

describe('Twilio webhook middleware', () => {
  beforeEach(() => seen.splice(0));

  it('passes a correctly signed request through with its parameters', async () => {
    const body = 'CallSid=CA1&From=%2B15005550001&Digits=12%23';
    const res = await invoke(event('/voice/bal/mobile', body, sign('/voice/bal/mobile', { CallSid: 'CA1', From: '+15005550001', Digits: '12#' }, 't=3'), 't=3'));
    expect(res).toEqual({ statusCode: 200, headers: { 'Content-Type': 'text/xml; charset=utf-8' }, body: '<Response/>' });
    expect(seen).toEqual([{ CallSid: 'CA1', From: '+15005550001', Digits: '12#' }]);
  });

  it('accepts base64-encoded bodies as API Gateway may deliver them', async () => {
    const res = await invoke(event('/status', 'CallSid=CA2&CallStatus=completed', sign('/status', { CallSid: 'CA2', CallStatus: 'completed' }), '', true));
    expect(res.statusCode).toBe(200);
  });

  it('checks repeated parameters as Twilio signs them', async () => {
    const res = await invoke(event('/voice/x', 'A=1&A=2&CallSid=CA3', sign('/voice/x', { A: ['1', '2'], CallSid: 'CA3' })));
    expect(res.statusCode).toBe(200);
  });

  it('treats fields named like Object.prototype members (valueOf, constructor, __proto__) as ordinary fields', async () => {
    const fields: [string, string][] = [['CallSid', 'CA6'], ['valueOf', ''], ['constructor', 'x'], ['__proto__', 'y'], ['hasOwnProperty', '1']];
    const body = new URLSearchParams(fields).toString();
    // fromEntries makes __proto__ an own property, as the middleware's parameters have it.
    const signed = Object.fromEntries(fields);
    const res = await invoke(event('/voice/bal', body, sign('/voice/bal', signed)));
    expect(res.statusCode).toBe(200);
    expect(seen).toHaveLength(1);
    expect(Object.entries(seen[0] ?? {}).sort()).toEqual(Object.entries(signed).sort());
  });

  it.each([
    ['a missing signature', (body: string) => event('/voice/bal', body, undefined)],
    ['a signature made with another token', (body: string) => event('/voice/bal', body, getExpectedTwilioSignature('other', `${BASE}/voice/bal`, { CallSid: 'CA4' }))],
    ['a tampered parameter', () => event('/voice/bal', 'CallSid=CA5', sign('/voice/bal', { CallSid: 'CA4' }))],
    ['a tampered path', (body: string) => event('/voice/other', body, sign('/voice/bal', { CallSid: 'CA4' }))],
    ['a tampered query', (body: string) => event('/voice/bal', body, sign('/voice/bal', { CallSid: 'CA4' }, 't=1'), 't=2')],
  ])('answers 403 and never runs the handler for %s', async (_label, make) => {
    const res = await invoke(make('CallSid=CA4'));
    expect(res.statusCode).toBe(403);
    expect(seen).toEqual([]);
  });

  it('refuses oversized bodies before parsing', async () => {
    const res = await invoke(event('/voice/bal', `CallSid=CA6&Pad=${'x'.repeat(70_000)}`, 'sig'));
    expect(res.statusCode).toBe(413);
  });

  it('reads the auth token from a secret once and checks signatures with it; a failed read answers the fallback, never a 5xx', async () => {
    let reads = 0;
    let available = false;
    const fromSecret = middy<TwilioEvent, WebhookResult>()
      .use(
        twilioWebhook({
          authToken: async () => {
            reads += 1;
            if (!available) throw new Error('ParameterNotFound');
            return TOKEN;
          },
          publicBaseUrl: BASE,
          logger: silentLogger,
          fallbackTwiml: async () => '<Response><Say>sorry</Say></Response>',
        }),
      )
      .handler(async () => twiml('<Response/>'));
    const signed = () => event('/voice/bal', 'CallSid=CA8', sign('/voice/bal', { CallSid: 'CA8' }));
    expect(await fromSecret(signed(), {} as Context)).toMatchObject({ statusCode: 200, body: '<Response><Say>sorry</Say></Response>' });
    available = true;
    expect(await fromSecret(signed(), {} as Context)).toMatchObject({ statusCode: 200, body: '<Response/>' });
    expect((await fromSecret(event('/voice/bal', 'CallSid=CA9', getExpectedTwilioSignature('other', `${BASE}/voice/bal`, { CallSid: 'CA9' })), {} as Context)).statusCode).toBe(403);
    // No signature at all is refused without reading the secret.
    const before = reads;
    expect((await fromSecret(event('/voice/bal', 'CallSid=CA9', undefined), {} as Context)).statusCode).toBe(403);
    expect(reads).toBe(before);
  });

  it('turns an unexpected error into fallback TwiML with HTTP 200', async () => {
    const res = await invoke(event('/voice/bal', 'CallSid=CA7&Boom=1', sign('/voice/bal', { CallSid: 'CA7', Boom: '1' })));
    expect(res).toEqual({ statusCode: 200, headers: { 'Content-Type': 'text/xml; charset=utf-8' }, body: '<Response><Say>sorry</Say></Response>' });
  });
});
