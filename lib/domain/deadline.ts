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

/** What raceUntil answers when the deadline passes before the work. */
export const TIMED_OUT = Symbol('timed out');

/** The work's answer, or TIMED_OUT if the deadline passes first (the work is not stopped, only no longer awaited). */
export async function raceUntil<T>(work: Promise<T>, deadline: Deadline, now: () => number): Promise<T | typeof TIMED_OUT> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<typeof TIMED_OUT>((resolve) => {
    timer = setTimeout(() => resolve(TIMED_OUT), remainingMs(deadline, now()));
  });
  try {
    return await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
