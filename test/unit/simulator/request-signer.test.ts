import { validateRequest } from 'twilio/lib/webhooks/webhooks';
import { signWebhookRequest, webhookSender, type SignedRequest } from '../../../tools/simulator/request-signer';

const AUTH_TOKEN = 'test-auth-token';
const CALL_SID = `CA${'1'.repeat(32)}`;
const options = { authToken: AUTH_TOKEN, sign: true, callSid: CALL_SID };
const params = { CallSid: CALL_SID, From: '+989121234567', To: '+15550001000', Digits: '09121234567', Body: 'a&b=c d' };

const signature = (request: SignedRequest): string => request.headers['X-Twilio-Signature'] ?? '';
const postedParams = (request: SignedRequest): Record<string, string> => Object.fromEntries(new URLSearchParams(request.body ?? ''));

describe('signWebhookRequest', () => {
  it('signs a form POST that twilio validateRequest accepts, with the parameters in the body', () => {
    const request = signWebhookRequest('http://127.0.0.1:3000/voice/main/account?step=2', 'POST', params, options);
    expect(request).toMatchObject({
      url: 'http://127.0.0.1:3000/voice/main/account?step=2',
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    });
    expect(postedParams(request)).toEqual(params);
    expect(validateRequest(AUTH_TOKEN, signature(request), request.url, postedParams(request))).toBe(true);
  });

  it('signs a GET over its full URL, the parameters in the query string and no body', () => {
    const request = signWebhookRequest('http://127.0.0.1:3000/voice/main?step=2', 'GET', params, options);
    const url = new URL(request.url);
    expect(url.searchParams.get('step')).toBe('2');
    expect(url.searchParams.get('Digits')).toBe('09121234567');
    expect(request.body).toBeUndefined();
    expect(request.headers['Content-Type']).toBeUndefined();
    expect(validateRequest(AUTH_TOKEN, signature(request), request.url, {})).toBe(true);
  });

  it('gives a signature that fails for another token, another URL or a changed parameter', () => {
    const request = signWebhookRequest('http://127.0.0.1:3000/voice/main', 'POST', params, options);
    const sent = postedParams(request);
    expect(validateRequest('another-token', signature(request), request.url, sent)).toBe(false);
    expect(validateRequest(AUTH_TOKEN, signature(request), 'http://127.0.0.1:3000/voice/other', sent)).toBe(false);
    expect(validateRequest(AUTH_TOKEN, signature(request), request.url, { ...sent, Digits: '1' })).toBe(false);
  });

  it('sends no signature header when signing is off', () => {
    const request = signWebhookRequest('http://127.0.0.1:3000/voice/main', 'POST', params, { ...options, sign: false });
    expect(request.headers).not.toHaveProperty('X-Twilio-Signature');
  });

  it('gives every request a fresh idempotency token of the call', () => {
    const tokens = [1, 2, 3].map(() => signWebhookRequest('http://127.0.0.1:3000/voice/main', 'POST', params, options).headers['I-Twilio-Idempotency-Token']);
    for (const token of tokens) expect(token).toMatch(new RegExp(`^${CALL_SID}-[0-9a-f]{32}$`));
    expect(new Set(tokens).size).toBe(3);
  });
});

describe('webhookSender', () => {
  it('fetches the signed request and answers its status and body', async () => {
    const seen: { url: string; init?: RequestInit }[] = [];
    const send = webhookSender({
      ...options,
      timeoutMs: 1000,
      fetchImpl: async (url, init) => {
        seen.push({ url, init });
        return new Response('<Response/>', { status: 200 });
      },
    });
    const answer = await send('http://127.0.0.1:3000/voice/main', 'POST', params);
    expect(answer).toEqual({ status: 200, body: '<Response/>' });
    const init = seen[0]?.init;
    const headers = init?.headers as Record<string, string>;
    const sent = Object.fromEntries(new URLSearchParams(String(init?.body)));
    expect(init?.method).toBe('POST');
    expect(validateRequest(AUTH_TOKEN, headers['X-Twilio-Signature'] ?? '', seen[0]?.url ?? '', sent)).toBe(true);
    expect(init?.signal).toBeInstanceOf(AbortSignal);
  });
});
