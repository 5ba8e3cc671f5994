/** POST /voice/{code} and POST /voice/{code}/{step}: the balance module's voice webhooks. */
import middy from '@middy/core';
import { config, fallbackTwiml, logger, voiceDeps } from '../lib/composition';
import { twiml, twilioWebhook, type TwilioEvent, type WebhookResult } from '../lib/http/twilio-webhook';
import { handleVoiceStep } from '../lib/voice/voice-step';

async function voiceStep(event: TwilioEvent): Promise<WebhookResult> {
  logger.resetKeys();
  const body = await handleVoiceStep(voiceDeps, {
    code: event.pathParameters?.code ?? '',
    step: event.pathParameters?.step ?? 'entry',
    turn: event.queryStringParameters?.t,
    params: event.twilio.params,
  });
  return twiml(body);
}

export const handler = middy<TwilioEvent, WebhookResult>()
  .use(twilioWebhook({ authToken: config.twilioAuthToken, publicBaseUrl: config.publicBaseUrl, logger, fallbackTwiml }))
  .handler(voiceStep);
