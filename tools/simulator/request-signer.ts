/**
 * Webhook requests as Twilio sends them, so the stack's own signature check (twilio's
 * validateRequest) accepts them: form-encoded POSTs, or GETs with the parameters in the query
 * string; X-Twilio-Signature over the URL and the sorted POST parameters, computed by
 * twilio's own function rather than a copy of its algorithm; a fresh idempotency token
 * per request, as Twilio's retries carry.
 */
import { randomBytes } from 'node:crypto';
import { getExpectedTwilioSignature } from 'twilio/lib/webhooks/webhooks';

export type FetchLike = (input: string, init?: RequestInit) => Promise<Response>;

export interface SignerOptions {
  authToken: string;
  /** false = send no X-Twilio-Signature header (to see the stack refuse the request). */
  sign: boolean;
  callSid: string;
}

export interface SenderOptions extends SignerOptions {
  fetchImpl: FetchLike;
  timeoutMs: number;
}

export interface SignedRequest {
  /** The URL to fetch: for GET, with the parameters added to its query string. */
  url: string;
  method: string;
  headers: Record<string, string>;
  body?: string;
}

export interface WebhookAnswer {
  status: number;
  body: string;
}

export type SendWebhook = (url: string, method: string, params: Record<string, string>) => Promise<WebhookAnswer>;

/** A sender bound to one call: every request it sends is signed for that call. */
export function webhookSender(options: SenderOptions): SendWebhook {
  return async (url, method, params) => {
    const request = signWebhookRequest(url, method, params, options);
    const res = await options.fetchImpl(request.url, {
      method: request.method,
      headers: request.headers,
      body: request.body,
      signal: AbortSignal.timeout(options.timeoutMs),
    });
    return { status: res.status, body: await res.text() };
  };
}

export function signWebhookRequest(url: string, method: string, params: Record<string, string>, options: SignerOptions): SignedRequest {
  const request = method === 'GET' ? getRequest(url, params) : postRequest(url, method, params);
  request.headers['I-Twilio-Idempotency-Token'] = `${options.callSid}-${randomBytes(16).toString('hex')}`;
  if (options.sign) {
    // A GET's parameters are already in its URL, so only a POST's are signed beside it.
    const signedParams = method === 'GET' ? {} : params;
    request.headers['X-Twilio-Signature'] = getExpectedTwilioSignature(options.authToken, request.url, signedParams);
  }
  return request;
}

function getRequest(url: string, params: Record<string, string>): SignedRequest {
  const u = new URL(url);
  for (const [k, v] of Object.entries(params)) u.searchParams.set(k, v);
  return { url: u.toString(), method: 'GET', headers: commonHeaders() };
}

function postRequest(url: string, method: string, params: Record<string, string>): SignedRequest {
  const headers = { ...commonHeaders(), 'Content-Type': 'application/x-www-form-urlencoded' };
  return { url, method, headers, body: new URLSearchParams(params).toString() };
}

function commonHeaders(): Record<string, string> {
  return {
    'User-Agent': 'TwilioProxy/1.1 (balance-ivr call simulator)',
    Accept: 'text/xml, application/xml, */*',
  };
}
