/**
 * The one middleware every Twilio webhook goes through (middy factory style):
 * decode the form body, accept only Twilio's documented parameter names (twilio-parameters.ts),
 * check X-Twilio-Signature against PUBLIC_BASE_URL + path + query, and turn any unexpected
 * error into valid TwiML so Twilio never sees a 5xx.
 */
import type middy from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { validateRequest } from 'twilio/lib/webhooks/webhooks';
import type { AppLogger } from '../observability/logger';
import { header, rawBody } from './request-parts';
import { twilioParameterRefusal } from './twilio-parameters';
import type { MetricsRecorder } from '../observability/metrics';

export interface TwilioRequest {
  /** First value of each form parameter. */
  readonly params: Readonly<Record<string, string>>;
  /** The URL Twilio signed. */
  readonly url: string;
}

export type TwilioEvent = APIGatewayProxyEventV2 & { twilio: TwilioRequest };
export type WebhookResult = APIGatewayProxyStructuredResultV2;

export interface TwilioWebhookOptions {
  /** The token itself, or a reader for it (a secret read once per container); a failed read answers the fallback TwiML. */
  readonly authToken: string | (() => Promise<string>);
  readonly publicBaseUrl: string;
  readonly logger: AppLogger;
  /** TwiML to answer with when the handler throws (or the auth token cannot be read). */
  readonly fallbackTwiml: () => Promise<string>;
  /** Counts answers that had to fall back (WebhookFailed, alarmed), by function. */
  readonly metrics?: MetricsRecorder;
  readonly functionName?: string;
  readonly maxBodyBytes?: number;
}

export const twiml = (body: string): WebhookResult => ({ statusCode: 200, headers: { 'Content-Type': 'text/xml; charset=utf-8' }, body });
const plain = (statusCode: number, body: string): WebhookResult => ({ statusCode, headers: { 'Content-Type': 'text/plain; charset=utf-8' }, body });

/** Form body → all values per name (Twilio signs repeated parameters too). */
export function parseForm(body: string): Record<string, string[]> {
  // No prototype: a field named valueOf, constructor or __proto__ is a field like any other.
  const all: Record<string, string[]> = Object.create(null) as Record<string, string[]>;
  for (const [key, value] of new URLSearchParams(body)) (all[key] ??= []).push(value);
  return all;
}

/** The public URL of this request as Twilio called it. */
export function signedUrl(publicBaseUrl: string, event: APIGatewayProxyEventV2): string {
  const query = event.rawQueryString ? `?${event.rawQueryString}` : '';
  return `${publicBaseUrl}${event.rawPath}${query}`;
}

export function twilioWebhook(options: TwilioWebhookOptions): middy.MiddlewareObj<TwilioEvent, WebhookResult> {
  const maxBodyBytes = options.maxBodyBytes ?? 64 * 1024;
  return {
    before: async (request) => {
      const event = request.event;
      // A warm container served other calls before: start every request with clean log keys.
      options.logger.resetKeys();
      const body = rawBody(event);
      if (Buffer.byteLength(body) > maxBodyBytes) return plain(413, 'Request body too large');
      const all = parseForm(body);
      // The signature cannot tell `Digits=09…` from `Digits0=9…`: only Twilio's own names, each once, pass.
      const refusal = twilioParameterRefusal(all);
      if (refusal) {
        options.logger.warn('rejected webhook with parameters Twilio does not send', {
          refusal: refusal.kind,
          parameter: refusal.name.slice(0, 40),
          path: event.rawPath.slice(0, 100),
        });
        return plain(403, 'Forbidden');
      }
      const url = signedUrl(options.publicBaseUrl, event);
      const signature = header(event, 'x-twilio-signature');
      const signatureParams = Object.fromEntries(Object.entries(all).map(([k, v]) => [k, v.length === 1 ? (v[0] as string) : v]));
      const authToken = !signature ? '' : typeof options.authToken === 'string' ? options.authToken : await options.authToken();
      if (!signature || !validateRequest(authToken, signature, url, signatureParams)) {
        options.logger.warn('rejected webhook with a missing or invalid signature', { path: event.rawPath.slice(0, 100) });
        return plain(403, 'Forbidden');
      }
      const params = Object.fromEntries(Object.entries(all).map(([k, v]) => [k, v[0] as string]));
      event.twilio = { params, url };
      if (params.CallSid) options.logger.appendKeys({ callSid: params.CallSid.slice(0, 64) });
      return undefined;
    },
    onError: async (request) => {
      options.logger.error('webhook failed; answering with fallback TwiML', { error: request.error as Error });
      options.metrics?.add('WebhookFailed', 'Count', 1, { function: options.functionName ?? 'webhook' });
      request.response = twiml(await options.fallbackTwiml().catch(() => '<?xml version="1.0" encoding="UTF-8"?><Response><Hangup/></Response>'));
    },
  };
}
