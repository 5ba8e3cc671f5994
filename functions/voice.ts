/** POST /voice/{code} and POST /voice/{code}/{step}: the balance module's voice webhooks. */
import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import type { Context } from 'aws-lambda';
import { config, fallbackTwiml, logger, metrics, voiceDeps } from '../lib/composition/voice';
import { twilioAuthToken } from '../lib/composition/secrets';
import { stepDeadline } from '../lib/domain/deadline';
import { withStepMetrics } from '../lib/http/webhook-metrics';
import { twiml, twilioWebhook, type TwilioEvent, type WebhookResult } from '../lib/http/twilio-webhook';
import { handleVoiceStep } from '../lib/voice/voice-step';
import { GATHER_STEPS } from '../lib/domain/session';

/** When API Gateway received the request (Twilio's clock starts then, cold start included), else now. */
function receivedAt(event: TwilioEvent, now: number): number {
  const at = event.requestContext?.timeEpoch;
  return typeof at === 'number' && at <= now && now - at < 15_000 ? at : now;
}

async function voiceStep(event: TwilioEvent, context: Context): Promise<WebhookResult> {
  const now = Date.now();
  const started = receivedAt(event, now);
  const body = await handleVoiceStep(voiceDeps, {
    code: event.pathParameters?.code ?? '',
    step: event.pathParameters?.step ?? 'entry',
    turn: event.queryStringParameters?.t,
    params: event.twilio.params,
    deadline: stepDeadline(started, { budgetMs: config.stepDeadlineMs, lambdaRemainingMs: (context.getRemainingTimeInMillis?.() ?? Number.POSITIVE_INFINITY) + (now - started) }),
  });
  return twiml(body);
}

const webhook = middy<TwilioEvent, WebhookResult>()
  .use(injectLambdaContext(logger))
  .use(twilioWebhook({ authToken: twilioAuthToken, publicBaseUrl: config.publicBaseUrl, logger, fallbackTwiml, metrics, functionName: 'voice' }))
  .handler(voiceStep);

export const handler = withStepMetrics(webhook, { metrics, functionName: 'voice', steps: GATHER_STEPS });
