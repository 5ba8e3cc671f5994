/** POST /status: Twilio's call status callback; writes the call log when a call ends. */
import { config, logger, metrics, statusDeps } from '../lib/composition/status';
import { twilioAuthToken } from '../lib/composition/secrets';
import { EMPTY_TWIML, twilioHandler } from '../lib/http/twilio-handler';
import { twiml, type TwilioEvent, type WebhookResult } from '../lib/http/twilio-webhook';
import { handleStatusCallback } from '../lib/voice/status-callback';

async function statusCallback(event: TwilioEvent): Promise<WebhookResult> {
  await handleStatusCallback(statusDeps, event.twilio.params);
  return twiml(EMPTY_TWIML);
}

export const handler = twilioHandler(statusCallback, {
  authToken: twilioAuthToken,
  publicBaseUrl: config.publicBaseUrl,
  logger,
  fallbackTwiml: async () => EMPTY_TWIML,
  metrics,
  functionName: 'status',
});
