/**
 * Describe a fetch failure, including the network error code of its cause
 * (e.g. "fetch failed — ECONNREFUSED: connect ECONNREFUSED 127.0.0.1:3000"), so
 * `npm run call` can say the stack is not running rather than just "fetch failed".
 * Duck-typed on purpose: errors may come from another realm (e.g. under jest).
 */
export function describeFetchError(err: unknown): string {
  const parts: string[] = [];
  const top = describeOne(err);
  if (top) parts.push(top);
  const cause = err && typeof err === 'object' ? (err as { cause?: unknown }).cause : undefined;
  const causeText = describeOne(cause);
  if (causeText) parts.push(causeText);
  // AggregateError (e.g. localhost resolving to both ::1 and 127.0.0.1).
  const errors = cause && typeof cause === 'object' ? (cause as { errors?: unknown }).errors : undefined;
  if (Array.isArray(errors)) {
    for (const e of errors) {
      const t = describeOne(e);
      if (t) parts.push(t);
    }
  }
  return parts.length ? parts.join(' — ') : String(err);
}

function describeOne(e: unknown): string | undefined {
  if (!e || typeof e !== 'object') return e === undefined || e === null ? undefined : String(e);
  const { code, message } = e as { code?: unknown; message?: unknown };
  const msg = typeof message === 'string' && message ? message : undefined;
  const c = typeof code === 'string' ? code : undefined;
  if (c && msg) return `${c}: ${msg}`;
  return c ?? msg;
}
