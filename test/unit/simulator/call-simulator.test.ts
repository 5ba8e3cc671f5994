import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { validateRequest } from 'twilio/lib/webhooks/webhooks';
import { placeCall, type PlaceCallOptions, type Transcript, type TranscriptEvent } from '../../../tools/simulator/call-simulator';
import { formatTranscript } from '../../../tools/simulator/format-transcript';

const AUTH_TOKEN = 'test-auth-token';

interface Received {
  method: string;
  path: string;
  params: Record<string, string>;
  headers: http.IncomingHttpHeaders;
}

const twiml = (inner: string): string => `<?xml version="1.0" encoding="UTF-8"?><Response>${inner}</Response>`;

/** Scripted TwiML per path; functions get the posted params. */
const routes: Record<string, (p: Record<string, string>) => string> = {
  // Entry: relative action, actionOnEmptyResult.
  '/voice/main': () =>
    twiml(
      '<Gather action="main/account" numDigits="11" timeout="5" actionOnEmptyResult="true">' +
        '<Say voice="Polly.Joanna" language="en-US">Enter your mobile number</Say><Pause length="1"/>' +
        '</Gather>',
    ),
  '/voice/main/account': (p) =>
    p.Digits
      ? twiml(`<Say>Thanks for ${p.Digits}</Say><Redirect method="POST">/voice/other</Redirect>`)
      : twiml('<Say>We did not get your number</Say><Hangup/>'),
  '/voice/other': () =>
    twiml(
      '<Play>/audio/clips/num-1.wav</Play>' +
        '<Gather action="/voice/other/choice" numDigits="1">' +
        '<Play>https://tts.example.com/synth?t=Press%201%20for%20SMS&amp;v=2</Play>' +
        '</Gather>' +
        '<Say>No choice made</Say>' +
        '<Dial><Number>+98215555</Number></Dial>',
    ),
  '/voice/other/choice': (p) => twiml(`<Say>You chose ${p.Digits}</Say><Play>https://cdn.example.com/x/unknown.mp3</Play>`),
  '/voice/loop': () => twiml('<Say>again</Say><Redirect>/voice/loop</Redirect>'),
  '/voice/ext': () => twiml('<Redirect>https://elsewhere.example.com/ivr</Redirect>'),
  '/voice/reject': () => twiml('<Reject reason="busy"/>'),
  '/voice/plaindial': () => twiml('<Dial>+98219999</Dial><Say>never reached</Say>'),
};

let server: http.Server;
let baseUrl: string;
let received: Received[] = [];

function readBody(req: http.IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

beforeAll(async () => {
  server = http.createServer((req, res) => {
    void (async () => {
      const body = await readBody(req);
      const url = new URL(req.url ?? '/', baseUrl);
      const params = Object.fromEntries(new URLSearchParams(body));
      received.push({ method: req.method ?? '', path: url.pathname, params, headers: req.headers });

      if (req.method === 'GET' && url.pathname === '/audio/manifest.json') {
        res.writeHead(200, { 'Content-Type': 'application/json' });
        res.end(JSON.stringify({ clips: { 'num-1': 'یک', 'prompt-fa-intro': 'سلام' } }));
        return;
      }
      if (req.method === 'GET' && url.pathname === '/dev/outbox') {
        const callSid = url.searchParams.get('callSid');
        res.writeHead(200, { 'Content-Type': 'application/json' });
        res.end(
          JSON.stringify({
            messages: [{ to: '+989121234567', body: `Pay here ${callSid}`, segments: 1, createdAt: 'x' }],
          }),
        );
        return;
      }

      // Everything else is a Twilio webhook: verify the signature.
      const signature = req.headers['x-twilio-signature'];
      const fullUrl = `${baseUrl}${req.url ?? ''}`;
      if (typeof signature !== 'string' || !validateRequest(AUTH_TOKEN, signature, fullUrl, params)) {
        res.writeHead(403, { 'Content-Type': 'text/plain' });
        res.end('Forbidden: invalid Twilio signature');
        return;
      }
      if (url.pathname === '/status') {
        res.writeHead(204);
        res.end();
        return;
      }
      if (url.pathname === '/voice/broken') {
        res.writeHead(200, { 'Content-Type': 'text/plain' });
        res.end('this is not xml');
        return;
      }
      const route = routes[url.pathname];
      if (!route) {
        res.writeHead(404, { 'Content-Type': 'text/plain' });
        res.end('not found');
        return;
      }
      res.writeHead(200, { 'Content-Type': 'text/xml' });
      res.end(route(params));
    })();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  baseUrl = `http://127.0.0.1:${port}`;
});

afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

beforeEach(() => {
  received = [];
});

const call = (opts: Partial<PlaceCallOptions> & { code: string }): Promise<Transcript> =>
  placeCall({ baseUrl, from: '+989121234567', authToken: AUTH_TOKEN, ...opts });

const ofType = <K extends TranscriptEvent['type']>(t: Transcript, type: K) =>
  t.events.filter((e): e is Extract<TranscriptEvent, { type: K }> => e.type === type);

const voicePosts = () => received.filter((r) => r.path.startsWith('/voice/'));

describe('placeCall: full flow', () => {
  it('follows gather actions and in-stack redirects, resolves Play transcripts and stops at Dial', async () => {
    const t = await call({ code: 'main', digits: ['09121234567'] });

    expect(t.events.filter((e) => e.type !== 'request')).toEqual([
      { type: 'say', text: 'Enter your mobile number', voice: 'Polly.Joanna', language: 'en-US', inGather: true },
      { type: 'pause', seconds: 1 },
      {
        type: 'gather',
        action: `${baseUrl}/voice/main/account`,
        numDigits: 11,
        timeout: 5,
        answered: '09121234567',
      },
      { type: 'say', text: 'Thanks for 09121234567' },
      { type: 'redirect', url: `${baseUrl}/voice/other`, external: false },
      { type: 'play', url: `${baseUrl}/audio/clips/num-1.wav`, transcript: 'یک' },
      {
        type: 'play',
        url: 'https://tts.example.com/synth?t=Press%201%20for%20SMS&v=2',
        transcript: 'Press 1 for SMS',
        inGather: true,
      },
      { type: 'gather', action: `${baseUrl}/voice/other/choice`, numDigits: 1, answered: null },
      { type: 'say', text: 'No choice made' },
      { type: 'dial', target: '+98215555', kind: 'number' },
    ]);
    expect(t.handedOn).toEqual({ kind: 'dial', target: '+98215555' });
    expect(t.modulesVisited).toEqual(['main', 'other']);
    expect(t.requests).toBe(3);
    expect(ofType(t, 'request').map((r) => r.status)).toEqual([200, 200, 200]);
  });

  it('posts the gathered digits to the action and sends no Digits on the entry request or redirects', async () => {
    await call({ code: 'main', digits: ['09121234567'] });
    const posts = voicePosts();
    expect(posts.map((p) => p.path)).toEqual(['/voice/main', '/voice/main/account', '/voice/other']);
    expect(posts[0]?.params.Digits).toBeUndefined();
    expect(posts[1]?.params.Digits).toBe('09121234567');
    expect(posts[2]?.params.Digits).toBeUndefined();
  });

  it('resolves a relative Gather action against the URL of the request that returned the TwiML', async () => {
    const t = await call({ code: 'main', digits: ['1'] });
    expect(ofType(t, 'gather')[0]?.action).toBe(`${baseUrl}/voice/main/account`);
    expect(voicePosts()[1]?.path).toBe('/voice/main/account');
  });

  it('sends the Twilio voice parameters, signed, with a fresh idempotency token per request', async () => {
    const t = await call({ code: 'main', digits: ['09121234567'], to: '+15551112222' });
    const posts = voicePosts();
    const p = posts[0]?.params ?? {};
    expect(p.AccountSid).toMatch(/^AC[0-9a-f]{32}$/);
    expect(p.CallSid).toMatch(/^CA[0-9a-f]{32}$/);
    expect(p.CallSid).toBe(t.callSid);
    expect(p).toMatchObject({
      From: '+989121234567',
      Caller: '+989121234567',
      To: '+15551112222',
      Called: '+15551112222',
      CallStatus: 'in-progress',
      Direction: 'inbound',
      ApiVersion: '2010-04-01',
    });
    expect(posts[0]?.headers['content-type']).toBe('application/x-www-form-urlencoded');
    const tokens = posts.map((r) => r.headers['i-twilio-idempotency-token']);
    expect(tokens.every((x) => typeof x === 'string' && x.length > 0)).toBe(true);
    expect(new Set(tokens).size).toBe(tokens.length);
    // Every call param is the same on every request of the call.
    expect(new Set(posts.map((r) => r.params.CallSid)).size).toBe(1);
  });

  it('uses --call-sid and merges extraParams into every request', async () => {
    const callSid = `CA${'a'.repeat(32)}`;
    await call({ code: 'main', digits: ['1'], callSid, extraParams: { FromCountry: 'IR' } });
    for (const r of voicePosts()) {
      expect(r.params.CallSid).toBe(callSid);
      expect(r.params.FromCountry).toBe('IR');
    }
  });
});

describe('placeCall: gather silence', () => {
  it('posts an empty Digits to the action on silence when actionOnEmptyResult="true"', async () => {
    const t = await call({ code: 'main', digits: [''] });
    expect(ofType(t, 'gather')[0]?.answered).toBeNull();
    const posts = voicePosts();
    expect(posts[1]?.path).toBe('/voice/main/account');
    expect(posts[1]?.params.Digits).toBe('');
    expect(t.handedOn).toEqual({ kind: 'hangup' });
    expect(t.events.at(-1)).toEqual({ type: 'hangup' });
  });

  it('treats an exhausted digits list as silence', async () => {
    const t = await call({ code: 'main', digits: [] });
    expect(ofType(t, 'gather')[0]?.answered).toBeNull();
    expect(voicePosts()[1]?.params.Digits).toBe('');
  });

  it('falls through to the verb after the Gather on silence without actionOnEmptyResult', async () => {
    const t = await call({ code: 'other', digits: [''] });
    expect(voicePosts().map((p) => p.path)).toEqual(['/voice/other']);
    const types = t.events.map((e) => e.type);
    expect(types.slice(types.indexOf('gather'))).toEqual(['gather', 'say', 'dial']);
    expect(t.handedOn.kind).toBe('dial');
  });

  it('follows the action when a digit is given, and reports a document that just ends as "ended"', async () => {
    const t = await call({ code: 'other', digits: ['1'] });
    expect(voicePosts().map((p) => [p.path, p.params.Digits])).toEqual([
      ['/voice/other', undefined],
      ['/voice/other/choice', '1'],
    ]);
    expect(ofType(t, 'say').map((s) => s.text)).toEqual(['You chose 1']);
    // Unknown clip and no `t` parameter: the URL itself is shown.
    expect(ofType(t, 'play').at(-1)?.transcript).toBe('https://cdn.example.com/x/unknown.mp3');
    expect(t.handedOn).toEqual({ kind: 'ended' });
  });

  it('asks for input in interactive mode when no digits list is given', async () => {
    const questions: string[] = [];
    const t = await call({
      code: 'main',
      interactive: true,
      ask: async (q) => {
        questions.push(q);
        return questions.length === 1 ? '0912 ' : '';
      },
    });
    expect(questions).toHaveLength(2);
    expect(ofType(t, 'gather').map((g) => g.answered)).toEqual(['0912', null]);
  });
});

describe('placeCall: end of call and hand-offs', () => {
  it('sends a signed completed status callback after the call and records its status', async () => {
    const t = await call({ code: 'main', digits: ['1'] });
    const status = received.filter((r) => r.path === '/status');
    expect(status).toHaveLength(1);
    expect(status[0]?.method).toBe('POST');
    expect(status[0]?.params.CallStatus).toBe('completed');
    expect(status[0]?.params.CallSid).toBe(t.callSid);
    expect(status[0]?.params.CallDuration).toMatch(/^\d+$/);
    expect(t.statusCallback).toEqual({ status: 204 });
  });

  it('does not send the status callback when statusCallback is false', async () => {
    const t = await call({ code: 'main', digits: ['1'], statusCallback: false });
    expect(received.filter((r) => r.path === '/status')).toHaveLength(0);
    expect(t.statusCallback).toBeUndefined();
  });

  it('collects the SMS sent during the call from the dev outbox', async () => {
    const t = await call({ code: 'main', digits: ['1'] });
    expect(t.sms).toEqual([{ to: '+989121234567', body: `Pay here ${t.callSid}`, segments: 1 }]);
  });

  it('fetches the audio manifest at most once per call', async () => {
    await call({ code: 'other', digits: ['1'] });
    expect(received.filter((r) => r.path === '/audio/manifest.json')).toHaveLength(1);
  });

  it('records an external redirect as the hand-off without following it', async () => {
    const t = await call({ code: 'ext' });
    expect(ofType(t, 'redirect')).toEqual([{ type: 'redirect', url: 'https://elsewhere.example.com/ivr', external: true }]);
    expect(t.handedOn).toEqual({ kind: 'redirect', target: 'https://elsewhere.example.com/ivr' });
    expect(t.requests).toBe(1);
  });

  it('ends on Reject and on a plain-number Dial', async () => {
    const rejected = await call({ code: 'reject' });
    expect(rejected.handedOn).toEqual({ kind: 'hangup' });
    const dialed = await call({ code: 'plaindial' });
    expect(dialed.handedOn).toEqual({ kind: 'dial', target: '+98219999' });
    expect(ofType(dialed, 'say')).toHaveLength(0);
  });

  it('stops a self-redirecting document with the loop guard', async () => {
    const t = await call({ code: 'loop', maxRequests: 5 });
    expect(t.requests).toBe(5);
    expect(voicePosts()).toHaveLength(5);
    expect(t.handedOn.kind).toBe('error');
    expect(ofType(t, 'http-error')).toHaveLength(1);
    expect(t.modulesVisited).toEqual(['loop', 'loop', 'loop', 'loop', 'loop']);
  });
});

describe('placeCall: errors', () => {
  it('records a 403 http-error when the auth token is wrong', async () => {
    const t = await call({ code: 'main', authToken: 'wrong-token', digits: ['1'] });
    expect(ofType(t, 'http-error')).toEqual([
      {
        type: 'http-error',
        url: `${baseUrl}/voice/main`,
        status: 403,
        body: 'Forbidden: invalid Twilio signature',
      },
    ]);
    expect(t.handedOn.kind).toBe('error');
    expect(t.requests).toBe(1);
    expect(formatTranscript(t)).toMatch(/signature rejected/);
  });

  it('records a 403 http-error when signing is disabled', async () => {
    const t = await call({ code: 'main', sign: false });
    expect(ofType(t, 'http-error')[0]?.status).toBe(403);
    expect(received[0]?.headers['x-twilio-signature']).toBeUndefined();
  });

  it('records a non-XML body as an http-error and ends the call', async () => {
    const t = await call({ code: 'broken' });
    expect(ofType(t, 'http-error')).toEqual([{ type: 'http-error', url: `${baseUrl}/voice/broken`, status: 200, body: 'this is not xml' }]);
    expect(t.handedOn.kind).toBe('error');
  });

  it('records a 404 for an unknown module', async () => {
    const t = await call({ code: 'nope' });
    expect(ofType(t, 'http-error')[0]?.status).toBe(404);
  });

  it('records a connection failure as an http-error with status 0', async () => {
    // Grab a free port, then close it so nothing listens there.
    const probe = http.createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const { port } = probe.address() as AddressInfo;
    await new Promise<void>((resolve) => probe.close(() => resolve()));

    const t = await placeCall({ baseUrl: `http://127.0.0.1:${port}`, code: 'main', from: '+989121234567' });
    const err = ofType(t, 'http-error')[0];
    expect(err?.status).toBe(0);
    expect(err?.body).toMatch(/ECONNREFUSED/);
    expect(t.handedOn.kind).toBe('error');
    expect(t.modulesVisited).toEqual([]);
    // No call happened, so no status callback is attempted.
    expect(t.statusCallback).toBeUndefined();
  });
});

describe('formatTranscript', () => {
  it('renders says, plays with their clip text, gathers, redirects, hand-off and SMS', async () => {
    const t = await call({ code: 'main', digits: ['09121234567'] });
    const text = formatTranscript(t);
    expect(text).toContain(`Call ${t.callSid} from +989121234567`);
    expect(text).toContain('say (Polly.Joanna, en-US) [gather prompt]: Enter your mobile number');
    expect(text).toContain(`play: یک   [${baseUrl}/audio/clips/num-1.wav]`);
    expect(text).toContain('gather (numDigits=11, timeout=5) → answered "09121234567"');
    expect(text).toContain('redirect /voice/other');
    expect(text).toContain('handed on: dial +98215555');
    expect(text).toContain(`SMS to +989121234567 (1 segment): Pay here ${t.callSid}`);
  });
});
