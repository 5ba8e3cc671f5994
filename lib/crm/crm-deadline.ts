/**
 * The deadline of the CRM call in progress. resilientCrm runs each port call inside a
 * scope holding an AbortSignal; the HTTP transport below picks it up, so adapters need no
 * extra parameter on every port method and a slow CRM is really cancelled, not just ignored.
 */
import { AsyncLocalStorage } from 'node:async_hooks';

const scope = new AsyncLocalStorage<AbortSignal>();

export function withDeadline<T>(signal: AbortSignal, run: () => Promise<T>): Promise<T> {
  return scope.run(signal, run);
}

export function currentDeadline(): AbortSignal | undefined {
  return scope.getStore();
}
