/**
 * Wraps any remote Crm so a slow or broken CRM never costs a caller more than the budget:
 * - every port call has a deadline (CRM_TIMEOUT_MS); the HTTP request is aborted at it;
 * - idempotent lookups are retried once on a transient failure, inside the same deadline;
 *   creating a payment link is not retried (CRM_OPERATIONS in decorate-crm.ts says which);
 * - a circuit breaker per lookup source: after `failureThreshold` consecutive failures
 *   calls fail at once (`circuit-open`) for `openMs`, then one trial call decides.
 * Failures come back as `failed` results whose reason says how (timeout, http-503,
 * soap-fault, bad-response, circuit-open…); the list operations throw the CrmError.
 */
import type { Crm } from './crm';
import type { CircuitBreaker } from '../domain/circuit-breaker';
import { withDeadline } from './crm-deadline';
import { CircuitOpenError, CrmError, CrmTimeoutError, failureReason } from './crm-errors';
import { answerFailures, decorateCrm } from './decorate-crm';

export interface ResilienceOptions {
  readonly timeoutMs: number;
  readonly failureThreshold: number;
  readonly openMs: number;
  readonly clock?: () => number;
  /**
   * What is left of the caller's own deadline (a voice step's), if any: a call gets the smaller
   * of timeoutMs and this, so CRM lookups never hold a step past its deadline.
   */
  readonly remainingMs?: () => number | undefined;
  /** Told about every failure, for logs (reason only; never credentials). */
  readonly onFailure?: (source: string, operation: string, reason: string, error: unknown) => void;
}

const RETRY_DELAY_MS = 50;
/** A retry that cannot get at least this long is not worth starting. */
const MIN_RETRY_MS = 250;

/**
 * `inner` behind the deadline, retry and breaker. Built with decorateCrm, so every operation
 * `inner` has (its optional password check included) goes through them and none is dropped.
 */
export function resilientCrm(inner: Crm, breaker: CircuitBreaker, options: ResilienceOptions): Crm {
  const source = inner.source;
  const clock = options.clock ?? Date.now;

  /** Ends at the deadline even if an adapter ignores the abort signal. */
  function race<T>(work: Promise<T>, signal: AbortSignal, timeoutMs: number): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const onAbort = () => reject(new CrmTimeoutError(timeoutMs));
      if (signal.aborted) return onAbort();
      signal.addEventListener('abort', onAbort, { once: true });
      work.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
    });
  }

  async function run<T>(operation: string, idempotent: boolean, call: () => Promise<T>): Promise<T> {
    // Never longer than what is left of the webhook step (its deadline, lib/aws/deadline-scope.ts).
    const timeoutMs = Math.min(options.timeoutMs, options.remainingMs?.() ?? Number.POSITIVE_INFINITY);
    // The step's time is already spent: not the CRM's failure, so the breaker is not told.
    if (timeoutMs <= 0) throw new CrmTimeoutError(0);
    if (!breaker.allow()) {
      const error = new CircuitOpenError(source);
      options.onFailure?.(source, operation, error.reason, error);
      throw error;
    }
    const deadline = clock() + timeoutMs;
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), timeoutMs);
    try {
      for (let attempt = 1; ; attempt += 1) {
        try {
          const result = await withDeadline(controller.signal, () => race(call(), controller.signal, timeoutMs));
          // An adapter that reports failure as a value still counts against the breaker;
          // any other answer (not-found, a password mismatch) is the CRM working.
          if (isFailedResult(result)) breaker.failed();
          else breaker.succeeded();
          return result;
        } catch (error) {
          const failure = controller.signal.aborted ? new CrmTimeoutError(timeoutMs) : error;
          const canRetry =
            idempotent && attempt === 1 && failure instanceof CrmError && failure.retryable && deadline - clock() >= MIN_RETRY_MS + RETRY_DELAY_MS;
          options.onFailure?.(source, operation, failureReason(failure), failure);
          if (!canRetry) {
            breaker.failed();
            throw failure;
          }
          await new Promise((resolve) => setTimeout(resolve, RETRY_DELAY_MS));
        }
      }
    } finally {
      clearTimeout(timer);
    }
  }

  return decorateCrm(inner, (operation, traits, call) => answerFailures(operation, source, () => run(operation, traits.idempotent, call)));
}

function isFailedResult(result: unknown): boolean {
  return typeof result === 'object' && result !== null && (result as { status?: unknown }).status === 'failed';
}
