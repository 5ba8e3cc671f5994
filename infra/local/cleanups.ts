/**
 * What a start function has started so far, so it can be stopped in reverse order. A start
 * that fails half way stops what it already started before passing its error on (otherwise a
 * failed browser launch leaves a whole stack running, and jest never exits); a stop() runs
 * every step even if one of them fails.
 */
export class StopError extends AggregateError {
  override readonly name = 'StopError';
}

export class Cleanups {
  private readonly steps: Array<() => unknown> = [];

  /** Registers how to stop something that has just started. */
  add(step: () => unknown): void {
    this.steps.push(step);
  }

  /** Runs every step once, newest first, each even if an earlier one failed; then throws what failed. */
  async run(): Promise<void> {
    const failures: unknown[] = [];
    for (const step of this.steps.splice(0).reverse()) {
      try {
        await step();
      } catch (error) {
        failures.push(error);
      }
    }
    if (failures.length > 0)
      throw new StopError(
        failures,
        `${failures.length} step(s) failed to stop: ${failures.map((f) => (f instanceof Error ? f.message : String(f))).join('; ')}`,
      );
  }

  /** After a failed start: stops what started, then throws the start's own error (the one worth reading). */
  async failed(error: unknown): Promise<never> {
    await this.run().catch(() => undefined);
    throw error;
  }
}
