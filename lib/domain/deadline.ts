/**
 * The time by which a webhook step must have answered. Twilio gives a webhook 15 s in all
 * (connection and a cold start included) and the Lambda its own timeout; a step takes the
 * smaller of its budget and what the Lambda has left, minus a margin to send the answer.
 */
export interface Deadline {
  /** Epoch milliseconds. */
  readonly at: number;
}

export function remainingMs(deadline: Deadline, now: number): number {
  return Math.max(0, deadline.at - now);
}

/**
 * The deadline of a step that starts `now`: `budgetMs` (8 s by default, well inside Twilio's
 * 15 s), never later than the Lambda's remaining time minus `marginMs` (the answer still has
 * to leave before the Lambda is stopped).
 */
export function stepDeadline(
  now: number,
  options: { readonly budgetMs: number; readonly lambdaRemainingMs?: number | undefined; readonly marginMs?: number },
): Deadline {
  const margin = options.marginMs ?? 1000;
  const lambdaLeft = options.lambdaRemainingMs === undefined ? Number.POSITIVE_INFINITY : options.lambdaRemainingMs - margin;
  return { at: now + Math.max(0, Math.min(options.budgetMs, lambdaLeft)) };
}

/** An earlier deadline inside this one, keeping `reserveMs` for what must happen after it. */
export function reserve(deadline: Deadline, reserveMs: number): Deadline {
  return { at: deadline.at - reserveMs };
}
