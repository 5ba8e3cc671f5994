/** SMS: the embedded outbox (local runs, the panel, the simulator) or Twilio's Messages API, metered. */
import { ConfigurationError } from '../config/app-config';
import type { SmsMessage, SmsResult, SmsSender } from '../sms/sms-sender';
import { MeteredSmsSender } from '../sms/metered-sms-sender';
import { OutboxSmsSender } from '../sms/outbox-sms-sender';
import { TwilioSmsSender } from '../sms/twilio-sms-sender';
import { paymentLinkGuardKey } from '../payments/dynamo-payment-store';
import { config, dynamo, metrics } from './core';
import { productSecrets } from './secrets';

// A payment link's message is kept on the call's guard row: reads by CallSid look there too.
export const outbox = new OutboxSmsSender(dynamo, config.tables.payments, { heldAt: (callSid) => [paymentLinkGuardKey(callSid)] });

/**
 * Twilio's Messages API with its password (API key secret or auth token) read per message, not
 * at start: productSecrets caches it (and retries a failed read), and a missing secret fails
 * that SMS (the caller hears it was not sent, SmsFailed is counted), never the whole function.
 */
function twilioSender(): SmsSender {
  const { passwordSecret, ...account } = config.sms.twilio;
  return {
    channel: 'twilio',
    async send(message: SmsMessage): Promise<SmsResult> {
      const password = await productSecrets.get(passwordSecret);
      return new TwilioSmsSender({ ...account, password }).send(message);
    },
  };
}

/**
 * The sender the voice function uses. A deployed stage must choose (SMS_PROVIDER): a silent
 * outbox there would tell callers "link sent" while nothing leaves DynamoDB.
 */
export function createSmsSender(): SmsSender {
  const { provider } = config.sms;
  if (!provider)
    throw new ConfigurationError('SMS_PROVIDER is not set: choose twilio (send SMS) or outbox (keep messages in DynamoDB, send nothing) for this stage');
  return new MeteredSmsSender(provider === 'twilio' ? twilioSender() : outbox, metrics);
}
