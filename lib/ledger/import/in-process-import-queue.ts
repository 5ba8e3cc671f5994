/**
 * ImportQueue in this process (the local stack, tests): each message is handed to the same
 * worker code the deployed queue triggers, after the current request has answered. A message
 * whose handling throws is handed over again after a pause, like an SQS redelivery after its
 * visibility timeout, until the worker gives up on it (it marks the job failed).
 */
import type { ImportMessage, ImportQueue } from './import-jobs';

export class InProcessImportQueue implements ImportQueue {
  private readonly running = new Set<Promise<void>>();

  constructor(
    private readonly handle: (message: ImportMessage) => Promise<void>,
    private readonly options: { readonly retryDelayMs?: number; readonly maxDeliveries?: number; readonly onError?: (error: unknown) => void } = {},
  ) {}

  async send(message: ImportMessage): Promise<void> {
    const run = this.deliver(message, 1);
    this.running.add(run);
    void run.finally(() => this.running.delete(run));
  }

  /** Resolves when every message sent so far (and those they sent) has been handled. */
  async idle(): Promise<void> {
    while (this.running.size > 0) await Promise.allSettled([...this.running]);
  }

  private async deliver(message: ImportMessage, delivery: number): Promise<void> {
    await new Promise((r) => setImmediate(r));
    try {
      await this.handle(message);
    } catch (error) {
      this.options.onError?.(error);
      if (delivery >= (this.options.maxDeliveries ?? 5)) return;
      await new Promise((r) => setTimeout(r, this.options.retryDelayMs ?? 1000));
      await this.deliver(message, delivery + 1);
    }
  }
}
