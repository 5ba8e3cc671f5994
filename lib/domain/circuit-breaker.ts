/**
 * A circuit breaker: after `failureThreshold` consecutive failures calls are refused at once for
 * `openMs`, then one trial call decides. Used per CRM lookup source (kept at container scope, so
 * it outlives a rebuilt adapter) and for the Persian speech synthesizer. Pure state and a clock.
 */
export class CircuitBreaker {
  private consecutiveFailures = 0;
  private openUntil = 0;
  private trialInFlight = false;

  constructor(
    private readonly failureThreshold: number,
    private readonly openMs: number,
    private readonly clock: () => number = Date.now,
  ) {}

  /** Whether a call may go ahead now (closed, or the one trial call of a half-open breaker). */
  allow(): boolean {
    if (this.consecutiveFailures < this.failureThreshold) return true;
    if (this.clock() < this.openUntil || this.trialInFlight) return false;
    this.trialInFlight = true;
    return true;
  }

  succeeded(): void {
    this.consecutiveFailures = 0;
    this.trialInFlight = false;
  }

  failed(): void {
    this.consecutiveFailures += 1;
    this.trialInFlight = false;
    if (this.consecutiveFailures >= this.failureThreshold) this.openUntil = this.clock() + this.openMs;
  }

  get state(): 'closed' | 'open' | 'half-open' {
    if (this.consecutiveFailures < this.failureThreshold) return 'closed';
    return this.clock() < this.openUntil ? 'open' : 'half-open';
  }
}
