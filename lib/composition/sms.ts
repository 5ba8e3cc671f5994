/** SMS: the embedded outbox (local runs, the panel, the simulator) or Twilio's Messages API. */
import type { SmsSender } from '../ports';
import { OutboxSmsSender } from '../sms/outbox-sms-sender';
import { TwilioSmsSender } from '../sms/twilio-sms-sender';
import { config, dynamo } from './core';

export const outbox = new OutboxSmsSender(dynamo, config.tables.payments);
export const sms: SmsSender = config.sms.provider === 'twilio' ? new TwilioSmsSender(config.sms.twilio) : outbox;
