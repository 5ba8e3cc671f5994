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

/** A message as a sender that only stores messages (the embedded outbox) keeps it. */
export interface HeldSms {
  readonly id: string;
  readonly to: string;
  readonly body: string;
  readonly callSid?: string;
  readonly segments: number;
  readonly encoding: 'GSM-7' | 'UCS-2';
  readonly createdAt: string;
}

/** Sends text messages (Twilio Messages API in production, the DynamoDB outbox locally). */
export interface SmsSender {
  readonly channel: string;
  send(message: SmsMessage): Promise<SmsResult>;
  /**
   * Optional, for senders whose sending is storing (the embedded outbox): the message as it
   * would be stored, without storing it, for the caller to store with the write that records
   * its own outcome (the payment link's exactly-once guard) — so holding a message costs no
   * write of its own. Senders that deliver (Twilio) have none.
   */
  hold?(message: SmsMessage): HeldSms;
}
