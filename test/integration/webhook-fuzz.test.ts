/**
 * Bad input, property-based (fast-check), through the real voice handler (middy, signature
 * check, composition, dynalite): arbitrary Digits, From, CallSid, missing fields, raw
 * non-UTF-8 bodies, Persian and Arabic-Indic digits. Never a crash or a 5xx; the caller
 * always gets valid TwiML that re-prompts or hands them on. Any tampering with URL,
 * parameters or header is a 403 and stores nothing: so are names Twilio does not send,
 * repeated names, and signed requests reshaped across a name/value boundary (the signature
 * joins them with no separator, so those keep a valid signature).
 */
import { randomBytes } from 'node:crypto';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import fc from 'fast-check';
import { getExpectedTwilioSignature } from 'twilio/lib/webhooks/webhooks';
import { parseForm } from '../../lib/http/twilio-webhook';
import { TWILIO_VOICE_PARAMETERS, twilioParameterRefusal } from '../../lib/http/twilio-parameters';
import type { WebhookResult } from '../../lib/http/twilio-webhook';
import { parseTwiml } from '../../tools/simulator/twiml-parser';
import { startInProcessStack, webhookEvent, type InProcessStack } from '../support/in-process-stack';
import { lambdaContext } from '../support/lambda-context';

let stack: InProcessStack;

beforeAll(async () => {
  stack = await startInProcessStack({ env: { LOG_LEVEL: 'CRITICAL' } });
}, 60_000);

afterAll(async () => {
  await stack?.stop();
});

// A fixed seed keeps CI repeatable; FAST_CHECK_SEED explores other inputs locally.
const SEED = Number(process.env.FAST_CHECK_SEED ?? 20261127);
const RUNS = { numRuns: 40, seed: SEED };
const TO = '+15550001000';
const PERSIAN = '۰۱۲۳۴۵۶۷۸۹';
const ARABIC_INDIC = '٠١٢٣٤٥٦٧٨٩';

type Params = Record<string, string | string[]>;

/** Signs exactly what the handler will parse, as Twilio signs what it sends. */
function signedEvent(path: string, pairs: [string, string][], query = '', token = stack.authToken) {
  const form = new URLSearchParams();
  for (const [k, v] of pairs) form.append(k, v);
  const body = form.toString();
  const parsed = parseForm(body);
  const params: Params = Object.fromEntries(Object.entries(parsed).map(([k, v]) => [k, v.length === 1 ? (v[0] as string) : v]));
  const url = `${stack.baseUrl}${path}${query ? `?${query}` : ''}`;
  const signature = getExpectedTwilioSignature(token, url, params);
  return {
    event: webhookEvent(path, body, { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': signature }, query),
    params,
    signature,
    body,
  };
}

const invoke = (event: ReturnType<typeof webhookEvent>) => stack.voice(event, lambdaContext('voice'));

/** 200, parseable TwiML, and the caller is re-prompted or handed on — never left in silence. */
function expectCallerServed(res: WebhookResult): void {
  expect(res.statusCode).toBe(200);
  const verbs = parseTwiml(res.body ?? '');
  expect(verbs.length).toBeGreaterThan(0);
  const last = verbs[verbs.length - 1]?.verb;
  expect(['Gather', 'Redirect', 'Dial', 'Hangup']).toContain(last);
}

const digitString = (alphabet: string, max = 16) => fc.array(fc.constantFrom(...alphabet.split('')), { maxLength: max }).map((a) => a.join(''));
const anyDigits = fc.oneof(
  digitString('0123456789#*'),
  digitString(PERSIAN),
  digitString(ARABIC_INDIC),
  fc.constantFrom('09124444444', '۰۹۱۲۴۴۴۴۴۴۴', '٠٩١٢٤٤٤٤٤٤٤', '+989124444444', '00989124444444', ''),
  fc.string({ maxLength: 64 }),
  fc.string({ unit: 'binary', maxLength: 64 }),
);
const anyPhone = fc.oneof(
  fc.constantFrom('+15005550001', '09121111111', '+15009999999', 'anonymous', ''),
  digitString('+0123456789 -', 20),
  fc.string({ maxLength: 40 }),
);
const validSid = fc.stringMatching(/^[0-9a-f]{32}$/).map((hex) => `CA${hex}`);
const anySid = fc.oneof(validSid, fc.string({ maxLength: 80 }), fc.constant(''));
const anyCode = fc.oneof(
  fc.constantFrom('balance-en', 'balance-fa', 'balance-anon', 'balance-fa-mobile', 'no-such-module'),
  fc.stringMatching(/^[A-Za-z0-9_-]{1,20}$/),
);

async function atMobileGather(callSid: string): Promise<{ path: string; query: string }> {
  const { event } = signedEvent('/voice/balance-anon', [
    ['CallSid', callSid],
    ['From', '+15009999999'],
    ['To', TO],
  ]);
  const res = await invoke(event);
  const gather = parseTwiml(res.body ?? '').find((v) => v.verb === 'Gather') as { action: string } | undefined;
  if (!gather) throw new Error(`no gather in ${res.body}`);
  const url = new URL(gather.action);
  return { path: url.pathname, query: url.search.slice(1) };
}

async function storedSession(callSid: string) {
  const { Item } = await stack.db.doc.send(new GetCommand({ TableName: stack.tables.sessions, Key: { callSid: callSid || 'none' }, ConsistentRead: true }));
  return Item;
}

describe('arbitrary webhook bodies', () => {
  it('answers every signed entry request with valid TwiML that re-prompts or hands the caller on', async () => {
    await fc.assert(
      fc.asyncProperty(anyCode, anySid, anyPhone, anyDigits, async (code, callSid, from, digits) => {
        const { event } = signedEvent(`/voice/${encodeURIComponent(code)}`, [
          ['CallSid', callSid],
          ['From', from],
          ['To', TO],
          ['Digits', digits],
        ]);
        expectCallerServed(await invoke(event));
      }),
      RUNS,
    );
  });

  it('re-prompts or hands on for any Digits typed at the mobile gather, whatever the script', async () => {
    await fc.assert(
      fc.asyncProperty(validSid, anyDigits, async (callSid, digits) => {
        const step = await atMobileGather(callSid);
        const { event } = signedEvent(
          step.path,
          [
            ['CallSid', callSid],
            ['From', '+15009999999'],
            ['To', TO],
            ['Digits', digits],
          ],
          step.query,
        );
        const res = await invoke(event);
        expectCallerServed(res);
        const session = await storedSession(callSid);
        expect(session?.turn).toBe(2);
      }),
      RUNS,
    );
  });

  it.each([
    ['Persian', '۰۹۱۲۴۴۴۴۴۴۴'],
    ['Arabic-Indic', '٠٩١٢٤٤٤٤٤٤٤'],
  ])('identifies a caller who types the mobile in %s digits', async (_script, digits) => {
    const callSid = `CA${Buffer.from(digits).toString('hex').slice(0, 32)}`;
    const step = await atMobileGather(callSid);
    const { event } = signedEvent(
      step.path,
      [
        ['CallSid', callSid],
        ['From', '+15009999999'],
        ['To', TO],
        ['Digits', digits],
      ],
      step.query,
    );
    expectCallerServed(await invoke(event));
    expect(await storedSession(callSid)).toMatchObject({ outcome: 'next', mobile: '+989124444444', identifiedBy: 'mobile' });
  });

  it('serves the caller whatever Twilio fields are missing', async () => {
    const value = fc.oneof(anyPhone, anySid, anyDigits);
    await fc.assert(
      fc.asyncProperty(
        anyCode,
        fc.subarray(['CallSid', 'From', 'To', 'Digits', 'CallStatus', 'AccountSid', 'Direction', 'ApiVersion']),
        fc.array(value, { minLength: 8, maxLength: 8 }),
        async (code, keys, values) => {
          const { event } = signedEvent(
            `/voice/${encodeURIComponent(code)}`,
            keys.map((k, i) => [k, values[i] as string]),
          );
          expectCallerServed(await invoke(event));
        },
      ),
      RUNS,
    );
  });

  it('refuses with 403, storing nothing, any correctly signed body with a name Twilio does not send or a repeated name', async () => {
    const unknownName = fc.string({ maxLength: 12 }).filter((k) => !TWILIO_VOICE_PARAMETERS.has(k) && !/^SipHeader_X-/.test(k));
    const value = fc.oneof(anyPhone, anySid, anyDigits);
    await fc.assert(
      fc.asyncProperty(
        fc.boolean(),
        unknownName,
        fc.constantFrom('CallSid', 'From', 'To', 'Digits', 'CallStatus'),
        value,
        value,
        async (repeat, extra, twice, v1, v2) => {
          const callSid = `CA${randomBytes(16).toString('hex')}`;
          const pairs: [string, string][] = [['CallSid', callSid], ['From', '+15005550001'], ['To', TO], repeat ? [twice, v1] : [extra, v1]];
          if (repeat) pairs.push([twice, v2]);
          const { event } = signedEvent('/voice/balance-en', pairs);
          expect((await invoke(event)).statusCode).toBe(403);
          expect(await storedSession(callSid)).toBeUndefined();
        },
      ),
      RUNS,
    );
  });

  it('never answers a 5xx for raw bodies that are not UTF-8 or not a form at all: 403 unless every name is one Twilio sends', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 512 }), fc.boolean(), async (bytes, base64) => {
        const raw = Buffer.from(bytes);
        const decoded = raw.toString('utf8');
        const parsed = parseForm(decoded);
        const params: Params = Object.fromEntries(Object.entries(parsed).map(([k, v]) => [k, v.length === 1 ? (v[0] as string) : v]));
        const signature = getExpectedTwilioSignature(stack.authToken, `${stack.baseUrl}/voice/balance-en`, params);
        const event = webhookEvent('/voice/balance-en', base64 ? raw.toString('base64') : decoded, { 'x-twilio-signature': signature }, '', base64);
        const res = await invoke(event);
        if (twilioParameterRefusal(parsed)) expect(res.statusCode).toBe(403);
        else expectCallerServed(res);
      }),
      RUNS,
    );
  });

  it('serves the caller for an empty or base64-encoded body made only of Twilio names', async () => {
    for (const [body, base64] of [
      ['', false],
      ['CallSid=CA0123456789abcdef0123456789abcd01&From=%2B15005550001&To=%2B15550001000', true],
    ] as [string, boolean][]) {
      const params: Params = Object.fromEntries(new URLSearchParams(body));
      const signature = getExpectedTwilioSignature(stack.authToken, `${stack.baseUrl}/voice/balance-en`, params);
      expectCallerServed(
        await invoke(webhookEvent('/voice/balance-en', base64 ? Buffer.from(body).toString('base64') : body, { 'x-twilio-signature': signature }, '', base64)),
      );
    }
  });

  it('refuses an oversized body with 413, not a 5xx, and still serves a large signed one', async () => {
    const huge = signedEvent('/voice/balance-en', [
      ['CallSid', 'CA0123456789abcdef0123456789abcdef'],
      ['Digits', '9'.repeat(70_000)],
    ]);
    expect((await invoke(huge.event)).statusCode).toBe(413);
    const large = signedEvent('/voice/balance-en', [
      ['CallSid', 'CA0123456789abcdef0123456789abcdee'],
      ['From', '+15005550001'],
      ['To', TO],
      ['Digits', '۹'.repeat(5_000)],
    ]);
    expectCallerServed(await invoke(large.event));
  });
});

describe('signature tampering', () => {
  type Tamper = (
    req: { path: string; query: string; pairs: [string, string][]; signature: string },
    extra: string,
  ) => { path: string; query: string; pairs: [string, string][]; headers: Record<string, string> };
  const header = (signature: string) => ({ 'x-twilio-signature': signature });
  const TAMPERS: Record<string, Tamper> = {
    'changes the module in the path': (r, x) => ({ ...r, path: `${r.path}x${x.replace(/[^A-Za-z0-9]/g, '') || 'y'}`, headers: header(r.signature) }),
    'changes the step in the path': (r) => ({ ...r, path: `${r.path}/confirm`, headers: header(r.signature) }),
    'adds a query string': (r, x) => ({ ...r, query: `t=${encodeURIComponent(x)}1`, headers: header(r.signature) }),
    'changes a parameter value': (r, x) => ({ ...r, pairs: r.pairs.map(([k, v]) => (k === 'From' ? [k, `${v}${x}1`] : [k, v])), headers: header(r.signature) }),
    'changes the CallSid': (r) => ({
      ...r,
      pairs: r.pairs.map(([k, v]) => (k === 'CallSid' ? [k, `${v.slice(0, -1)}${v.endsWith('0') ? '1' : '0'}`] : [k, v])),
      headers: header(r.signature),
    }),
    'adds a parameter': (r, x) => ({ ...r, pairs: [...r.pairs, ['Digits', `${x}1`]], headers: header(r.signature) }),
    'removes a parameter': (r) => ({ ...r, pairs: r.pairs.filter(([k]) => k !== 'To'), headers: header(r.signature) }),
    // A repeat with the same value is the same signed content under Twilio's algorithm (values
    // of a repeated name are de-duplicated), and changes nothing; a different value must fail.
    'repeats a parameter with another value': (r) => ({
      ...r,
      pairs: [...r.pairs, ['From', r.pairs.some(([k, v]) => k === 'From' && v === '+15005550001') ? '+15009999999' : '+15005550001']],
      headers: header(r.signature),
    }),
    'alters the signature': (r) => ({ ...r, headers: header(`${r.signature.slice(0, -2)}${r.signature.endsWith('AA') ? 'AB' : 'AA'}`) }),
    'drops the signature header': (r) => ({ ...r, headers: {} }),
    'signs with another auth token': (r) => ({
      ...r,
      headers: header(getExpectedTwilioSignature('another-token', `${stack.baseUrl}${r.path}`, Object.fromEntries(r.pairs))),
    }),
  };

  it('rejects every tampered request with 403 and stores nothing', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('+15005550001', '+15009999999'),
        fc.constantFrom(...Object.keys(TAMPERS)),
        fc.string({ maxLength: 8 }),
        async (from, name, extra) => {
          // A CallSid no other test used, so "stores nothing" cannot see another test's session.
          const callSid = `CA${randomBytes(16).toString('hex')}`;
          const pairs: [string, string][] = [
            ['CallSid', callSid],
            ['From', from],
            ['To', TO],
          ];
          const { signature } = signedEvent('/voice/balance-en', pairs);
          const tampered = (TAMPERS[name] as Tamper)({ path: '/voice/balance-en', query: '', pairs, signature }, extra);
          const form = new URLSearchParams();
          for (const [k, v] of tampered.pairs) form.append(k, v);
          const res = await invoke(webhookEvent(tampered.path, form.toString(), tampered.headers, tampered.query));
          expect(res.statusCode).toBe(403);
          expect(await storedSession(callSid)).toBeUndefined();
        },
      ),
      { numRuns: 60, seed: SEED },
    );
  });
});

describe('signed requests reshaped across a name/value boundary', () => {
  /** The same signature as `pairs`: Twilio's string is every name+value joined with no separator. */
  function withSignatureOf(path: string, pairs: [string, string][], query = '') {
    return signedEvent(path, pairs, query).signature;
  }
  const postWith = (path: string, pairs: [string, string][], signature: string, query = '') => {
    const form = new URLSearchParams();
    for (const [k, v] of pairs) form.append(k, v);
    return invoke(webhookEvent(path, form.toString(), { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': signature }, query));
  };

  it('refuses Digits=09125550001 re-sent as Digits0=9125550001, and the genuine request then sends the payment link', async () => {
    const callSid = `CA${randomBytes(16).toString('hex')}`;
    const entry = signedEvent('/voice/pay-en', [
      ['CallSid', callSid],
      ['From', '+15005550001'],
      ['To', TO],
    ]);
    const gather = parseTwiml((await invoke(entry.event)).body ?? '').find((v) => v.verb === 'Gather') as { action: string };
    const step = new URL(gather.action);
    const genuine: [string, string][] = [
      ['CallSid', callSid],
      ['From', '+15005550001'],
      ['To', TO],
      ['Digits', '09125550001'],
    ];
    const signature = withSignatureOf(step.pathname, genuine, step.search.slice(1));
    const reshaped: [string, string][] = [
      ['CallSid', callSid],
      ['From', '+15005550001'],
      ['To', TO],
      ['Digits0', '9125550001'],
    ];
    expect(getExpectedTwilioSignature(stack.authToken, `${stack.baseUrl}${step.pathname}${step.search}`, Object.fromEntries(reshaped))).toBe(signature);
    const before = await storedSession(callSid);

    expect((await postWith(step.pathname, reshaped, signature, step.search.slice(1))).statusCode).toBe(403);
    // Nothing used up: the turn and the session are as the entry step left them.
    expect(await storedSession(callSid)).toEqual(before);

    const answer = await postWith(step.pathname, genuine, signature, step.search.slice(1));
    expectCallerServed(answer);
    expect(await storedSession(callSid)).toMatchObject({ mobile: '+989125550001' });
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { outbox } = require('../../lib/composition/sms') as typeof import('../../lib/composition/sms');
    expect(await outbox.latest({ callSid })).toHaveLength(1);
  });

  it('refuses an entry request with every = removed, storing nothing', async () => {
    const callSid = `CA${randomBytes(16).toString('hex')}`;
    const pairs: [string, string][] = [
      ['CallSid', callSid],
      ['From', '+15005550001'],
      ['To', TO],
    ];
    const signature = withSignatureOf('/voice/balance-en', pairs);
    const squashed = pairs.map(([k, v]) => [`${k}${v}`, ''] as [string, string]);
    expect(getExpectedTwilioSignature(stack.authToken, `${stack.baseUrl}/voice/balance-en`, Object.fromEntries(squashed))).toBe(signature);
    expect((await postWith('/voice/balance-en', squashed, signature)).statusCode).toBe(403);
    expect(await storedSession(callSid)).toBeUndefined();
  });

  it('refuses every move of characters between a name and its value, or folding a parameter into the one before it', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom('balance-en', 'balance-anon'), fc.nat(), fc.nat(), fc.boolean(), async (code, which, chars, fold) => {
        const callSid = `CA${randomBytes(16).toString('hex')}`;
        const pairs: [string, string][] = [
          ['AccountSid', `AC${'0'.repeat(32)}`],
          ['ApiVersion', '2010-04-01'],
          ['CallSid', callSid],
          ['CallStatus', 'ringing'],
          ['Direction', 'inbound'],
          ['From', '+15005550001'],
          ['To', TO],
        ];
        const signature = withSignatureOf(`/voice/${code}`, pairs);
        const i = which % pairs.length;
        let reshaped: [string, string][];
        if (fold && i + 1 < pairs.length) {
          // Pair i swallows pair i+1: name i, value i + name i+1 + value i+1.
          const [[k, v], [k2, v2]] = [pairs[i] as [string, string], pairs[i + 1] as [string, string]];
          reshaped = [...pairs.slice(0, i), [k, `${v}${k2}${v2}`], ...pairs.slice(i + 2)];
        } else {
          // 1..n characters of the value move to the end of the name.
          const [k, v] = pairs[i] as [string, string];
          const n = 1 + (chars % v.length);
          reshaped = pairs.map((p, j) => (j === i ? ([`${k}${v.slice(0, n)}`, v.slice(n)] as [string, string]) : p));
        }
        expect(getExpectedTwilioSignature(stack.authToken, `${stack.baseUrl}/voice/${code}`, Object.fromEntries(reshaped))).toBe(signature);
        expect((await postWith(`/voice/${code}`, reshaped, signature)).statusCode).toBe(403);
        expect(await storedSession(callSid)).toBeUndefined();
      }),
      RUNS,
    );
  });
});
