/**
 * A Twilio webhook function, wired the one way every such function is: the request's Lambda
 * context in the logs (Powertools), the webhook middleware (form body, Twilio's parameters only,
 * signature, fallback TwiML instead of a 5xx), and step latency measured around all of it.
 */
import middy from '@middy/core';
import type { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import type { Context } from 'aws-lambda';
import type { MetricsRecorder } from '../observability/metrics';
import { twilioWebhook, type TwilioEvent, type TwilioWebhookOptions, type WebhookResult } from './twilio-webhook';
import { withStepMetrics } from './webhook-metrics';

/** TwiML that does nothing: the answer to callbacks Twilio only informs us through. */
export const EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response/>';

export interface TwilioHandlerOptions extends Omit<TwilioWebhookOptions, 'logger' | 'metrics' | 'functionName'> {
  readonly logger: Logger;
  readonly metrics: MetricsRecorder;
  /** The Lambda function, e.g. 'voice': the dimension of its metrics. */
  readonly functionName: string;
  /** Step names that may appear as a metrics dimension (see withStepMetrics). */
  readonly steps?: readonly string[];
}

export function twilioHandler(
  step: (event: TwilioEvent, context: Context) => Promise<WebhookResult>,
  options: TwilioHandlerOptions,
): (event: TwilioEvent, context: Context) => Promise<WebhookResult> {
  const { steps, ...webhookOptions } = options;
  const webhook = middy<TwilioEvent, WebhookResult>().use(injectLambdaContext(options.logger)).use(twilioWebhook(webhookOptions)).handler(step);
  return withStepMetrics(webhook, { metrics: options.metrics, functionName: options.functionName, ...(steps ? { steps } : {}) });
}
