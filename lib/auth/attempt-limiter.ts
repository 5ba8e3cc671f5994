/** Port: telephone-password lockout counters (adapter: dynamo-attempt-limiter.ts). */

/**
 * Counts failed password attempts per key (a customer number, a calling number) in a window
 * and locks a key for a while once it reaches the limit.
 */
export interface AttemptLimiter {
  /** True when any of the keys is locked now. */
  isLocked(keys: readonly string[]): Promise<boolean>;
  /** Counts one failure against every key; true when any of them is locked afterwards. */
  recordFailure(keys: readonly string[]): Promise<boolean>;
  /** Forgets the failures of a key (after a successful check). */
  clear(key: string): Promise<void>;
}
