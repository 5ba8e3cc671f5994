/** POST /status: Twilio's call status callback; writes the call log when a call ends. */
import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { config, logger, metrics, statusDeps } from '../lib/composition/status';
import { twilioAuthToken } from '../lib/composition/secrets';
import { withStepMetrics } from '../lib/http/webhook-metrics';
import { twiml, twilioWebhook, type TwilioEvent, type WebhookResult } from '../lib/http/twilio-webhook';
import { handleStatusCallback } from '../lib/voice/status-callback';

const EMPTY = '<?xml version="1.0" encoding="UTF-8"?><Response/>';

async function statusCallback(event: TwilioEvent): Promise<WebhookResult> {
  await handleStatusCallback(statusDeps, event.twilio.params);
  return twiml(EMPTY);
}

const webhook = middy<TwilioEvent, WebhookResult>()
  .use(injectLambdaContext(logger))
  .use(
    twilioWebhook({
      authToken: twilioAuthToken,
      publicBaseUrl: config.publicBaseUrl,
      logger,
      fallbackTwiml: async () => EMPTY,
      metrics,
      functionName: 'status',
    }),
  )
  .handler(statusCallback);

export const handler = withStepMetrics(webhook, { metrics, functionName: 'status' });
