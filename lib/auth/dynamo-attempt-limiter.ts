import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, GetCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { conditionHeld } from '../aws/conditional-write';
import type { AttemptLimiter } from './attempt-limiter';

export interface AttemptPolicy {
  /** Failures within the window that lock the key. */
  readonly maxFailures: number;
  readonly windowSeconds: number;
  readonly lockSeconds: number;
}

/**
 * Failure counters in DynamoDB, one item per key, written only with conditional updates
 * (dynalite has no transactions, and none is needed): a window either starts afresh or the
 * counter is incremented atomically, so concurrent failures are all counted.
 *
 *   key  failures  windowStart  lockedUntil?  expiresAt (TTL)
 */
export class DynamoAttemptLimiter implements AttemptLimiter {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly policy: AttemptPolicy,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  async isLocked(keys: readonly string[]): Promise<boolean> {
    const now = this.nowSeconds();
    const items = await Promise.all(keys.map((key) => this.client.send(new GetCommand({ TableName: this.tableName, Key: { key }, ConsistentRead: true }))));
    return items.some(({ Item }) => typeof Item?.lockedUntil === 'number' && Item.lockedUntil > now);
  }

  async recordFailure(keys: readonly string[]): Promise<boolean> {
    const locked = await Promise.all(keys.map((key) => this.fail(key)));
    return locked.some(Boolean);
  }

  async clear(key: string): Promise<void> {
    await this.client.send(new DeleteCommand({ TableName: this.tableName, Key: { key } }));
  }

  private async fail(key: string): Promise<boolean> {
    const now = this.nowSeconds();
    const expiresAt = now + Math.max(this.policy.windowSeconds, this.policy.lockSeconds) + 60;
    // Two tries: the item can be created or its window reset between our two conditional writes.
    for (let tries = 0; tries < 3; tries += 1) {
      if (await this.startWindow(key, now, expiresAt)) return this.policy.maxFailures <= 1 && (await this.lock(key, now));
      const failures = await this.increment(key, now, expiresAt);
      if (failures === undefined) continue;
      return failures >= this.policy.maxFailures && (await this.lock(key, now));
    }
    throw new Error(`attempt counter ${key} kept changing under concurrent writes`);
  }

  /** First failure, or the first after the window (and any lock) ran out: the count starts at 1. */
  private startWindow(key: string, now: number, expiresAt: number): Promise<boolean> {
    return conditionHeld(
      this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { key },
          UpdateExpression: 'SET failures = :one, windowStart = :now, expiresAt = :exp REMOVE lockedUntil',
          ConditionExpression: 'attribute_not_exists(#key) OR (windowStart <= :floor AND (attribute_not_exists(lockedUntil) OR lockedUntil <= :now))',
          ExpressionAttributeNames: { '#key': 'key' },
          ExpressionAttributeValues: { ':one': 1, ':now': now, ':exp': expiresAt, ':floor': now - this.policy.windowSeconds },
        }),
      ),
    );
  }

  /** A failure inside the running window; undefined when the item vanished or its window ended meanwhile. */
  private async increment(key: string, now: number, expiresAt: number): Promise<number | undefined> {
    try {
      const { Attributes } = await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { key },
          UpdateExpression: 'ADD failures :one SET expiresAt = :exp',
          ConditionExpression: 'attribute_exists(#key) AND (windowStart > :floor OR lockedUntil > :now)',
          ExpressionAttributeNames: { '#key': 'key' },
          ExpressionAttributeValues: { ':one': 1, ':now': now, ':exp': expiresAt, ':floor': now - this.policy.windowSeconds },
          ReturnValues: 'ALL_NEW',
        }),
      );
      return Number(Attributes?.failures ?? 0);
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return undefined;
      throw error;
    }
  }

  private async lock(key: string, now: number): Promise<true> {
    await conditionHeld(
      this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { key },
          UpdateExpression: 'SET lockedUntil = :until',
          // Never shorten a lock that is already running.
          ConditionExpression: 'attribute_not_exists(lockedUntil) OR lockedUntil < :until',
          ExpressionAttributeValues: { ':until': now + this.policy.lockSeconds },
        }),
      ),
    );
    return true;
  }

  private nowSeconds(): number {
    return Math.floor(this.clock().getTime() / 1000);
  }
}
