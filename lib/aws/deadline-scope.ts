/**
 * The deadline of the request in progress, for what runs below the ports and cannot take it
 * as a parameter: the AWS SDK's request handlers (DynamoDB, S3, Polly, SSM) and the CRM
 * resilience budget. The voice step passes its Deadline down explicitly and runs its work in
 * this scope; every SDK request made inside it is aborted when the deadline passes.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import type { Deadline } from '../domain/deadline';

const scope = new AsyncLocalStorage<Deadline>();

export function runWithDeadline<T>(deadline: Deadline, work: () => Promise<T>): Promise<T> {
  return scope.run(deadline, work);
}

/** Milliseconds left in the current scope, or undefined outside any (admin, scripts). */
export function currentRemainingMs(clock: () => number = Date.now): number | undefined {
  const deadline = scope.getStore();
  return deadline ? Math.max(0, deadline.at - clock()) : undefined;
}
