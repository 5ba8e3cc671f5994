/**
 * SMS through Twilio's Messages REST API with plain fetch (the twilio REST client would add
 * megabytes to the voice bundle). Twilio's error answers become named results.
 */
import type { TwilioSmsAccount } from '../config/app-config';
import type { SmsFailure, SmsMessage, SmsResult, SmsSender } from './sms-sender';
import { countSegments } from '../domain/sms-text';

export interface TwilioSmsOptions extends TwilioSmsAccount {
  readonly timeoutMs?: number;
  readonly fetchImpl?: typeof fetch;
}

/** Twilio error codes that say the number itself is the problem. */
const INVALID_NUMBER = new Set([21211, 21214, 21217, 21612, 21614]);
const UNSUBSCRIBED = new Set([21610]);

export class TwilioSmsSender implements SmsSender {
  readonly channel = 'twilio';

  constructor(private readonly options: TwilioSmsOptions) {}

  async send(message: SmsMessage): Promise<SmsResult> {
    const o = this.options;
    const form = new URLSearchParams({ To: message.to, Body: message.body });
    if (o.messagingServiceSid) form.set('MessagingServiceSid', o.messagingServiceSid);
    else if (o.from) form.set('From', o.from);
    const url = `${o.apiBaseUrl}/2010-04-01/Accounts/${encodeURIComponent(o.accountSid)}/Messages.json`;
    let response: Response;
    try {
      response = await (o.fetchImpl ?? fetch)(url, {
        method: 'POST',
        headers: {
          Authorization: `Basic ${Buffer.from(`${o.username}:${o.password}`).toString('base64')}`,
          'Content-Type': 'application/x-www-form-urlencoded',
          Accept: 'application/json',
        },
        body: form.toString(),
        signal: AbortSignal.timeout(o.timeoutMs ?? 5000),
      });
    } catch {
      return { status: 'failed', reason: 'unreachable' };
    }
    const json = (await response.json().catch(() => ({}))) as { sid?: unknown; code?: unknown; num_segments?: unknown };
    if (response.ok && typeof json.sid === 'string') {
      const reported = Number(json.num_segments);
      return { status: 'sent', id: json.sid, segments: Number.isInteger(reported) && reported > 0 ? reported : countSegments(message.body).segments };
    }
    const code = typeof json.code === 'number' ? json.code : undefined;
    return { status: 'failed', reason: failureOf(response.status, code), httpStatus: response.status, ...(code !== undefined ? { code } : {}) };
  }
}

function failureOf(httpStatus: number, code: number | undefined): SmsFailure {
  if (code !== undefined && INVALID_NUMBER.has(code)) return 'invalid-number';
  if (code !== undefined && UNSUBSCRIBED.has(code)) return 'unsubscribed';
  if (httpStatus === 429 || code === 20429) return 'rate-limited';
  if (httpStatus >= 500) return 'provider-error';
  return 'rejected';
}
