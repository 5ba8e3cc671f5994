/**
 * Webhook latency around the whole middy handler, so the time covers every middleware,
 * the handler and early answers such as a 403 for a bad signature (middy skips `after`
 * middlewares on early answers, so a middleware could not see those).
 * Emits StepLatency (ms) by function, step and HTTP status.
 */
import type { MetricsRecorder } from '../observability/metrics';

export interface WebhookMetricsOptions {
  readonly metrics: MetricsRecorder;
  /** The Lambda function, e.g. 'voice'. */
  readonly functionName: string;
  /** Step names that may appear as a dimension; anything else is 'other' (paths are caller-controlled). */
  readonly steps?: readonly string[];
  readonly clock?: () => number;
}

type StepEvent = { readonly pathParameters?: Readonly<Record<string, string | undefined>> | undefined };

export function withStepMetrics<E extends StepEvent, C, R extends { readonly statusCode?: number } | undefined>(
  handler: (event: E, context: C) => Promise<R>,
  options: WebhookMetricsOptions,
): (event: E, context: C) => Promise<R> {
  const clock = options.clock ?? (() => performance.now());
  const known = new Set(options.steps ?? []);
  return async (event, context) => {
    const started = clock();
    let status = 'error';
    try {
      const response = await handler(event, context);
      status = String(response?.statusCode ?? 'none');
      return response;
    } finally {
      const raw = event?.pathParameters?.step ?? 'entry';
      const step = raw === 'entry' || known.has(raw) ? raw : 'other';
      options.metrics.add('StepLatency', 'Milliseconds', Math.round((clock() - started) * 100) / 100, { function: options.functionName, step, status });
    }
  };
}
