/**
 * The payments table (pk/sk, TTL on expiresAt):
 *
 *   pk LINK#<id>                    sk LINK        a payment link: claims + open/used state
 *   pk CURRENT#<customerId>         sk <purpose>   the customer's newest link per purpose (older ones are replaced)
 *   pk CHECKOUT#<provider>#<id>     sk CHECKOUT    a provider checkout (Stripe session, Zarinpal authority) → link, amount
 *   pk LEASE#<key>                  sk LEASE       a short lease: one customer's payments settle one at a time
 * (CHECKOUT, LEASE and a link's payment state are written by dynamo-link-payments.ts, in the pay function only.)
 *   pk ONCE#<callSid>#payment-link  sk ONCE        exactly-once guard for a call's link + SMS
 *   pk LIMIT#<kind>#<number>        sk DAY#<date>  links per mobile / per calling number per day
 *   pk OUTBOX                       sk <iso>#<id>  messages of the outbox SMS sender
 *
 * Every state change is a conditional write: dynalite has no transactions, and none is needed.
 */
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { PaymentLinkOutcome } from '../domain/payment-link';
import { readStoredClaims } from '../domain/payment-token';
import type { DailyLimitKind, OnceClaim, PaymentLinkRecord, PaymentStore } from './payment-store';

const isConditionFailure = (error: unknown) => error instanceof ConditionalCheckFailedException;

export class DynamoPaymentStore implements PaymentStore {
  constructor(
    protected readonly client: DynamoDBDocumentClient,
    protected readonly tableName: string,
  ) {}

  /** Stores a new open link; an existing link with the same id (a retry) is left as it is. */
  async putLink(record: PaymentLinkRecord): Promise<PaymentLinkRecord> {
    try {
      await this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { pk: `LINK#${record.claims.id}`, sk: 'LINK', ...record, expiresAt: record.claims.expiresAt + 90 * 86_400 },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
      return record;
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
      return (await this.getLink(record.claims.id)) ?? record;
    }
  }

  async getLink(id: string): Promise<PaymentLinkRecord | undefined> {
    const { Item } = await this.client.send(new GetCommand({ TableName: this.tableName, Key: { pk: `LINK#${id}`, sk: 'LINK' }, ConsistentRead: true }));
    if (!Item) return undefined;
    const { pk: _pk, sk: _sk, expiresAt: _ttl, ...record } = Item;
    // Links issued before currency codes are read with their IRR currency (they still verify).
    return { ...(record as PaymentLinkRecord), claims: readStoredClaims(record.claims as Record<string, unknown>) };
  }

  /** Newer links take the place; an older link's retry (issued before) never takes it back. */
  async setCurrentLink(customerId: string, purpose: string, linkId: string, createdAt: string): Promise<void> {
    await this.client
      .send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { pk: `CURRENT#${customerId}`, sk: purpose },
          UpdateExpression: 'SET linkId = :id, createdAt = :at',
          ConditionExpression: 'attribute_not_exists(linkId) OR linkId = :id OR createdAt <= :at',
          ExpressionAttributeValues: { ':id': linkId, ':at': createdAt },
        }),
      )
      .catch((error: unknown) => {
        if (!isConditionFailure(error)) throw error;
      });
  }

  async currentLink(customerId: string, purpose: string): Promise<string | undefined> {
    const { Item } = await this.client.send(new GetCommand({ TableName: this.tableName, Key: { pk: `CURRENT#${customerId}`, sk: purpose }, ConsistentRead: true }));
    return typeof Item?.linkId === 'string' ? Item.linkId : undefined;
  }

  /** The first caller for `key` gets claimed:true; every later one sees the stored outcome, if any yet. */
  async claimOnce(key: string, now: Date, ttlSeconds: number): Promise<OnceClaim> {
    try {
      await this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { pk: `ONCE#${key}`, sk: 'ONCE', state: 'pending', claimedAt: now.toISOString(), expiresAt: Math.floor(now.getTime() / 1000) + ttlSeconds },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
      return { claimed: true };
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
      return { claimed: false, ...(await this.onceOutcome(key)) };
    }
  }

  async onceOutcome(key: string): Promise<{ outcome?: PaymentLinkOutcome }> {
    const { Item } = await this.client.send(new GetCommand({ TableName: this.tableName, Key: { pk: `ONCE#${key}`, sk: 'ONCE' }, ConsistentRead: true }));
    return Item?.outcome ? { outcome: Item.outcome as PaymentLinkOutcome } : {};
  }

  async completeOnce(key: string, outcome: PaymentLinkOutcome): Promise<void> {
    await this.client.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: { pk: `ONCE#${key}`, sk: 'ONCE' },
        UpdateExpression: 'SET #state = :done, outcome = :outcome',
        ExpressionAttributeNames: { '#state': 'state' },
        ExpressionAttributeValues: { ':done': 'done', ':outcome': outcome },
      }),
    );
  }

  /** Counts one more for (kind, number, day) unless the count already reached `limit`. */
  async countDaily(kind: DailyLimitKind, number: string, day: string, limit: number, expiresAt: number): Promise<boolean> {
    return this.conditional(
      new UpdateCommand({
        TableName: this.tableName,
        Key: { pk: `LIMIT#${kind}#${number}`, sk: `DAY#${day}` },
        UpdateExpression: 'ADD #count :one SET expiresAt = :ttl',
        ConditionExpression: 'attribute_not_exists(#count) OR #count < :limit',
        ExpressionAttributeNames: { '#count': 'count' },
        ExpressionAttributeValues: { ':one': 1, ':limit': limit, ':ttl': expiresAt },
      }),
    );
  }

  async uncountDaily(kind: DailyLimitKind, number: string, day: string): Promise<void> {
    await this.client.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: { pk: `LIMIT#${kind}#${number}`, sk: `DAY#${day}` },
        UpdateExpression: 'ADD #count :minus',
        ConditionExpression: '#count > :zero',
        ExpressionAttributeNames: { '#count': 'count' },
        ExpressionAttributeValues: { ':minus': -1, ':zero': 0 },
      }),
    ).catch((error: unknown) => {
      if (!isConditionFailure(error)) throw error;
    });
  }

  /** True when the write was made, false when its condition did not hold. */
  protected async conditional(command: UpdateCommand | PutCommand): Promise<boolean> {
    try {
      await (command instanceof PutCommand ? this.client.send(command) : this.client.send(command));
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }
}
