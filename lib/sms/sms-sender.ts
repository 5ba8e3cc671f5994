/** Port: sending text messages (adapters: twilio-sms-sender.ts, outbox-sms-sender.ts). */

/** An SMS to one number. */
export interface SmsMessage {
  /** E.164. */
  readonly to: string;
  readonly body: string;
  /** For the outbox and logs. */
  readonly callSid?: string;
}

export type SmsFailure = 'invalid-number' | 'unsubscribed' | 'rate-limited' | 'provider-error' | 'rejected' | 'unreachable';

export type SmsResult =
  | { readonly status: 'sent'; readonly id: string; readonly segments: number }
  | { readonly status: 'failed'; readonly reason: SmsFailure; readonly code?: number; readonly httpStatus?: number };

/** Sends text messages (Twilio Messages API in production, the DynamoDB outbox locally). */
export interface SmsSender {
  readonly channel: string;
  send(message: SmsMessage): Promise<SmsResult>;
}
