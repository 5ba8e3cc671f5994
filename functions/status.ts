/** POST /status: Twilio's call status callback; writes the call log when a call ends. */
import middy from '@middy/core';
import { config, fallbackTwiml, logger, statusDeps } from '../lib/composition';
import { twiml, twilioWebhook, type TwilioEvent, type WebhookResult } from '../lib/http/twilio-webhook';
import { handleStatusCallback } from '../lib/voice/status-callback';

const EMPTY = '<?xml version="1.0" encoding="UTF-8"?><Response/>';

async function statusCallback(event: TwilioEvent): Promise<WebhookResult> {
  logger.resetKeys();
  await handleStatusCallback(statusDeps, event.twilio.params);
  return twiml(EMPTY);
}

export const handler = middy<TwilioEvent, WebhookResult>()
  .use(twilioWebhook({ authToken: config.twilioAuthToken, publicBaseUrl: config.publicBaseUrl, logger, fallbackTwiml: async () => EMPTY }))
  .handler(statusCallback);
