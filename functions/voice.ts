/**
 * POST /voice/{code} and POST /voice/{code}/{step}: the modules' voice webhooks; the step
 * `pay-status` is the <Pay> status callback (logged only).
 */
import type { Context } from 'aws-lambda';
import { config, fallbackTwiml, logger, metrics, voiceDeps } from '../lib/composition/voice';
import { twilioAuthToken } from '../lib/composition/secrets';
import { stepDeadline } from '../lib/domain/deadline';
import { EMPTY_TWIML, twilioHandler } from '../lib/http/twilio-handler';
import { twiml, type TwilioEvent, type WebhookResult } from '../lib/http/twilio-webhook';
import { handleVoiceStep } from '../lib/voice/voice-step';
import { handlePayStatus, PAY_STATUS_STEP } from '../lib/voice/pay-status';
import { GATHER_STEPS } from '../lib/domain/session';

/** When API Gateway received the request (Twilio's clock starts then, cold start included), else now. */
function receivedAt(event: TwilioEvent, now: number): number {
  const at = event.requestContext?.timeEpoch;
  return typeof at === 'number' && at <= now && now - at < 15_000 ? at : now;
}

async function voiceStep(event: TwilioEvent, context: Context): Promise<WebhookResult> {
  const now = Date.now();
  const started = receivedAt(event, now);
  const code = event.pathParameters?.code ?? '';
  const step = event.pathParameters?.step ?? 'entry';
  if (step === PAY_STATUS_STEP) {
    handlePayStatus(logger, code, event.twilio.params);
    return twiml(EMPTY_TWIML);
  }
  const body = await handleVoiceStep(voiceDeps, {
    code,
    step,
    turn: event.queryStringParameters?.t,
    params: event.twilio.params,
    deadline: stepDeadline(started, {
      budgetMs: config.stepDeadlineMs,
      lambdaRemainingMs: (context.getRemainingTimeInMillis?.() ?? Number.POSITIVE_INFINITY) + (now - started),
    }),
  });
  return twiml(body);
}

export const handler = twilioHandler(voiceStep, {
  authToken: twilioAuthToken,
  publicBaseUrl: config.publicBaseUrl,
  logger,
  fallbackTwiml,
  metrics,
  functionName: 'voice',
  steps: [...GATHER_STEPS, PAY_STATUS_STEP],
});
