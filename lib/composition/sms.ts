/** SMS: the embedded outbox (local runs, the panel, the simulator) or Twilio's Messages API, metered. */
import type { SmsSender } from '../sms/sms-sender';
import { MeteredSmsSender } from '../sms/metered-sms-sender';
import { OutboxSmsSender } from '../sms/outbox-sms-sender';
import { TwilioSmsSender } from '../sms/twilio-sms-sender';
import { paymentLinkGuardKey } from '../payments/dynamo-payment-store';
import { config, dynamo, metrics } from './core';

// A payment link's message is kept on the call's guard row: reads by CallSid look there too.
export const outbox = new OutboxSmsSender(dynamo, config.tables.payments, { heldAt: (callSid) => [paymentLinkGuardKey(callSid)] });
export const sms: SmsSender = new MeteredSmsSender(config.sms.provider === 'twilio' ? new TwilioSmsSender(config.sms.twilio) : outbox, metrics);
