/** Port: reading the SMS outbox for operators (provided by the outbox SMS sender). */

export interface OutboxMessage {
  readonly id: string;
  readonly to: string;
  readonly body: string;
  readonly createdAt: string;
  readonly status?: string;
  readonly callSid?: string;
  readonly moduleCode?: string;
}

/** Reads the SMS outbox (the payment-link service provides it). */
export interface OutboxReader {
  list(options: { limit: number; cursor?: string }): Promise<{ messages: OutboxMessage[]; nextCursor?: string }>;
}
