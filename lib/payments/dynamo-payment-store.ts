/**
 * The payments table (pk/sk, TTL on expiresAt):
 *
 *   pk LINK#<id>                    sk LINK        a payment link: claims + open/used state
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
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
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

  /** open → used. False when the link was not open (paid already, or a concurrent twin won). */
  async markUsed(id: string, reference: string, paidAt: string): Promise<boolean> {
    return this.conditional(
      new UpdateCommand({
        TableName: this.tableName,
        Key: { pk: `LINK#${id}`, sk: 'LINK' },
        UpdateExpression: 'SET #status = :used, #ref = :ref, paidAt = :at',
        ConditionExpression: '#status = :open',
        ExpressionAttributeNames: { '#status': 'status', '#ref': 'reference' },
        ExpressionAttributeValues: { ':used': 'used', ':open': 'open', ':ref': reference, ':at': paidAt },
      }),
    );
  }

  /** used → open again, only for the attempt that marked it (the provider then failed). */
  async reopen(id: string, reference: string): Promise<boolean> {
    return this.conditional(
      new UpdateCommand({
        TableName: this.tableName,
        Key: { pk: `LINK#${id}`, sk: 'LINK' },
        UpdateExpression: 'SET #status = :open REMOVE #ref, paidAt',
        ConditionExpression: '#status = :used AND #ref = :ref AND attribute_not_exists(settledAt)',
        ExpressionAttributeNames: { '#status': 'status', '#ref': 'reference' },
        ExpressionAttributeValues: { ':used': 'used', ':open': 'open', ':ref': reference },
      }),
    );
  }

  /** Records that the ledger holds the payment, with the provider's reference. */
  async markSettled(id: string, settledAt: string, reference: string): Promise<void> {
    await this.client.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: { pk: `LINK#${id}`, sk: 'LINK' },
        UpdateExpression: 'SET settledAt = if_not_exists(settledAt, :at), #ref = :ref',
        ConditionExpression: '#status = :used',
        ExpressionAttributeNames: { '#status': 'status', '#ref': 'reference' },
        ExpressionAttributeValues: { ':at': settledAt, ':ref': reference, ':used': 'used' },
      }),
    );
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

  private async conditional(command: UpdateCommand): Promise<boolean> {
    try {
      await this.client.send(command);
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }
}
