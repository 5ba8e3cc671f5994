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
    if (e.twilio.params.Digits === '666') throw new Error('boom');
    return twiml('<Response/>');
  });

const invoke = (e: TwilioEvent) => handler(e, {} as Context);

describe('Twilio webhook middleware', () => {
  beforeEach(() => seen.splice(0));

  it('passes a correctly signed request through with its parameters', async () => {
    const body = 'CallSid=CA1&From=%2B15005550001&Digits=12%23';
    const res = await invoke(
      event('/voice/bal/mobile', body, sign('/voice/bal/mobile', { CallSid: 'CA1', From: '+15005550001', Digits: '12#' }, 't=3'), 't=3'),
    );
    expect(res).toEqual({ statusCode: 200, headers: { 'Content-Type': 'text/xml; charset=utf-8' }, body: '<Response/>' });
    expect(seen).toEqual([{ CallSid: 'CA1', From: '+15005550001', Digits: '12#' }]);
  });

  it('accepts base64-encoded bodies as API Gateway may deliver them', async () => {
    const res = await invoke(event('/status', 'CallSid=CA2&CallStatus=completed', sign('/status', { CallSid: 'CA2', CallStatus: 'completed' }), '', true));
    expect(res.statusCode).toBe(200);
  });

  it('refuses a parameter Twilio never repeats when it comes twice, even correctly signed', async () => {
    const res = await invoke(
      event('/voice/x', 'From=%2B15005550001&From=%2B15009999999&CallSid=CA3', sign('/voice/x', { From: ['+15005550001', '+15009999999'], CallSid: 'CA3' })),
    );
    expect(res.statusCode).toBe(403);
    expect(seen).toEqual([]);
  });

  it('refuses fields named like Object.prototype members (valueOf, constructor, __proto__) as unknown names, without tripping over them', async () => {
    for (const name of ['valueOf', 'constructor', '__proto__', 'hasOwnProperty']) {
      const fields: [string, string][] = [
        ['CallSid', 'CA6'],
        [name, 'x'],
      ];
      // fromEntries makes __proto__ an own property, as the middleware's parameters have it.
      const res = await invoke(event('/voice/bal', new URLSearchParams(fields).toString(), sign('/voice/bal', Object.fromEntries(fields))));
      expect(res.statusCode).toBe(403);
    }
    expect(seen).toEqual([]);
  });

  it.each([
    ['a missing signature', (body: string) => event('/voice/bal', body, undefined)],
    [
      'a signature made with another token',
      (body: string) => event('/voice/bal', body, getExpectedTwilioSignature('other', `${BASE}/voice/bal`, { CallSid: 'CA4' })),
    ],
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
    expect(
      (await fromSecret(event('/voice/bal', 'CallSid=CA9', getExpectedTwilioSignature('other', `${BASE}/voice/bal`, { CallSid: 'CA9' })), {} as Context))
        .statusCode,
    ).toBe(403);
    // No signature at all is refused without reading the secret.
    const before = reads;
    expect((await fromSecret(event('/voice/bal', 'CallSid=CA9', undefined), {} as Context)).statusCode).toBe(403);
    expect(reads).toBe(before);
  });

  it('turns an unexpected error into fallback TwiML with HTTP 200', async () => {
    const res = await invoke(event('/voice/bal', 'CallSid=CA7&Digits=666', sign('/voice/bal', { CallSid: 'CA7', Digits: '666' })));
    expect(res).toEqual({ statusCode: 200, headers: { 'Content-Type': 'text/xml; charset=utf-8' }, body: '<Response><Say>sorry</Say></Response>' });
  });

  describe("only Twilio's parameters", () => {
    /** A signed request for exactly these pairs, in this order. */
    const signed = (path: string, pairs: [string, string][], query = '') =>
      event(path, new URLSearchParams(pairs).toString(), sign(path, Object.fromEntries(pairs), query), query);

    // What Twilio sends to a Voice URL for a call from a phone (a real request's names, made-up values).
    const ENTRY: [string, string][] = [
      ['AccountSid', `AC${'1'.repeat(32)}`],
      ['ApiVersion', '2010-04-01'],
      ['CallSid', `CA${'2'.repeat(32)}`],
      ['CallStatus', 'ringing'],
      ['CallToken', '%7B%22parentCallInfoToken%22%3A%22x%22%7D'],
      ['Called', '+15550001000'],
      ['CalledCity', 'SAN FRANCISCO'],
      ['CalledCountry', 'US'],
      ['CalledState', 'CA'],
      ['CalledZip', '94105'],
      ['Caller', '+15005550001'],
      ['CallerCity', ''],
      ['CallerCountry', 'US'],
      ['CallerName', 'TOM SMITH'],
      ['CallerState', 'NY'],
      ['CallerZip', ''],
      ['Direction', 'inbound'],
      ['From', '+15005550001'],
      ['FromCity', ''],
      ['FromCountry', 'US'],
      ['FromState', 'NY'],
      ['FromZip', ''],
      ['StirVerstat', 'TN-Validation-Passed-A'],
      ['To', '+15550001000'],
      ['ToCity', 'SAN FRANCISCO'],
      ['ToCountry', 'US'],
      ['ToState', 'CA'],
      ['ToZip', '94105'],
    ];

    it('passes every parameter of a real entry request, a gather answer, a status callback and a <Pay> result', async () => {
      const requests: [string, [string, string][]][] = [
        ['/voice/bal', ENTRY],
        ['/voice/bal/mobile', [...ENTRY, ['Digits', '09125550001'], ['FinishedOnKey', '#'], ['msg', 'Gather End']]],
        ['/voice/bal/speech', [...ENTRY, ['SpeechResult', 'Tomorrow please'], ['Confidence', '0.92']]],
        [
          '/status',
          [
            ...ENTRY.filter(([k]) => k !== 'CallStatus'),
            ['CallStatus', 'completed'],
            ['CallDuration', '42'],
            ['Duration', '1'],
            ['Timestamp', 'Tue, 24 Nov 2026 10:00:00 +0000'],
            ['CallbackSource', 'call-progress-events'],
            ['SequenceNumber', '3'],
            ['SipResponseCode', '200'],
          ],
        ],
        [
          '/voice/bal/pay',
          [
            ...ENTRY,
            ['Result', 'success'],
            ['PaymentConfirmationCode', 'ch_1'],
            ['PaymentCardNumber', 'xxxx-xxxxxx-x4001'],
            ['PaymentCardType', 'visa'],
            ['ExpirationDate', '1228'],
            ['PaymentToken', 'tok_1'],
            ['ProfileId', 'cus_1'],
            ['PaymentMethod', 'credit-card'],
            ['PaymentError', ''],
            ['ConnectorError', ''],
            ['PayErrorCode', ''],
          ],
        ],
        [
          '/voice/bal/pay-status',
          [
            ['AccountSid', `AC${'1'.repeat(32)}`],
            ['CallSid', `CA${'2'.repeat(32)}`],
            ['For', 'payment-card-number'],
            ['ErrorType', 'input-timeout'],
            ['Attempt', '2'],
            ['Capture', 'payment-card-number'],
            ['PartialResult', 'true'],
            ['Required', 'payment-card-number,expiration-date'],
          ],
        ],
        [
          '/voice/bal',
          [
            ...ENTRY,
            ['SipHeader_X-Account', '42'],
            ['ForwardedFrom', '+15550002000'],
            ['ParentCallSid', `CA${'3'.repeat(32)}`],
            ['CalledVia', '+15550003000'],
            ['AddOns', '{"status":"successful","results":{}}'],
          ],
        ],
      ];
      for (const [path, pairs] of requests) expect([path, (await invoke(signed(path, pairs))).statusCode]).toEqual([path, 200]);
      expect(seen).toHaveLength(requests.length);
    });

    it.each([
      // Twilio signs name+value with no separator: these carry the original, valid signature.
      [
        'digits moved into the name (Digits0=9125550001)',
        [
          ['CallSid', 'CA10'],
          ['Digits0', '9125550001'],
        ],
        { CallSid: 'CA10', Digits: '09125550001' },
      ],
      [
        'every = removed',
        [
          ['CallSidCA11', ''],
          ['From+15005550001', ''],
          ['To+15550001000', ''],
        ],
        { CallSid: 'CA11', From: '+15005550001', To: '+15550001000' },
      ],
      [
        'the next parameter folded into a value',
        [
          ['CallSid', 'CA12'],
          ['Called', '+15550001000CalledCitySAN FRANCISCO'],
          ['CalledState', 'CA'],
        ],
        { CallSid: 'CA12', Called: '+15550001000', CalledCity: 'SAN FRANCISCO', CalledState: 'CA' },
      ],
      [
        'Direction folded into Digits',
        [
          ['CallSid', 'CA13'],
          ['Digits', '09125550001Directioninbound'],
          ['From', '+15005550001'],
        ],
        { CallSid: 'CA13', Digits: '09125550001', Direction: 'inbound', From: '+15005550001' },
      ],
    ] as [string, [string, string][], Record<string, string>][])('refuses a signed request reshaped with %s', async (_label, reshaped, original) => {
      const signature = sign('/voice/bal/mobile', original);
      // The reshaped body still verifies: this is the attack, not a bad signature.
      expect(getExpectedTwilioSignature(TOKEN, `${BASE}/voice/bal/mobile`, Object.fromEntries(reshaped))).toBe(signature);
      const res = await invoke(event('/voice/bal/mobile', new URLSearchParams(reshaped).toString(), signature));
      expect(res.statusCode).toBe(403);
      expect(seen).toEqual([]);
    });

    it('refuses any name Twilio does not send, however well signed', async () => {
      for (const name of ['CustomerId', 'customer', 'digits', 'Digits ', '', 'SipHeader_Y-Account', 'Pad']) {
        const res = await invoke(
          signed('/voice/bal', [
            ['CallSid', 'CA14'],
            [name, '1'],
          ]),
        );
        expect([name, res.statusCode]).toEqual([name, 403]);
      }
      expect(seen).toEqual([]);
    });
  });
});
