/** POST /fallback/{code}: Twilio's fallback URL for a number whose voice webhook failed. Signed like every webhook. */
import type { Context } from 'aws-lambda';
import { config, FALLBACK_DEADLINE_MS, fallbackDeps, logger, metrics } from '../lib/composition/fallback';
import { twilioAuthToken } from '../lib/composition/secrets';
import { stepDeadline } from '../lib/domain/deadline';
import { twilioHandler } from '../lib/http/twilio-handler';
import { twiml, type TwilioEvent, type WebhookResult } from '../lib/http/twilio-webhook';
import { renderApology } from '../lib/voice/apology';
import { handleFallback } from '../lib/voice/fallback-step';

async function fallback(event: TwilioEvent, context: Context): Promise<WebhookResult> {
  const body = await handleFallback(fallbackDeps, {
    code: event.pathParameters?.code ?? '',
    params: event.twilio.params,
    deadline: stepDeadline(Date.now(), {
      budgetMs: Math.min(config.stepDeadlineMs, FALLBACK_DEADLINE_MS),
      lambdaRemainingMs: context.getRemainingTimeInMillis?.(),
    }),
  });
  return twiml(body);
}

export const handler = twilioHandler(fallback, {
  authToken: twilioAuthToken,
  publicBaseUrl: config.publicBaseUrl,
  logger,
  fallbackTwiml: () => renderApology(fallbackDeps.speech, { language: config.defaultLanguage, prompts: {} }),
  metrics,
  functionName: 'fallback',
});
