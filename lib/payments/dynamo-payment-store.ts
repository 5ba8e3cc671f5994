/**
 * The payments table (pk/sk, TTL on expiresAt):
 *
 *   pk LINK#<id>                    sk LINK        a payment link: claims + open/used state
 *   pk CURRENT#<customerId>         sk <purpose>   the customer's newest link per purpose (older ones are replaced)
 *   pk CHECKOUT#<provider>#<id>     sk CHECKOUT    a provider checkout (Stripe session, Zarinpal authority) → link, amount
 *   pk LEASE#<key>                  sk LEASE       a short lease: one customer's payments settle one at a time
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
import type { Checkout, DailyLimitKind, OnceClaim, PaymentLinkRecord, PaymentStore } from './payment-store';

const isConditionFailure = (error: unknown) => error instanceof ConditionalCheckFailedException;

const checkoutKey = (provider: string, checkoutId: string) => `CHECKOUT#${provider}#${checkoutId}`;

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

  /** open → used by `recordId` (or already used by it: a retry). False when another payment used it. */
  async claimLink(id: string, recordId: string, paidAt: string): Promise<boolean> {
    return this.conditional(
      new UpdateCommand({
        TableName: this.tableName,
        Key: { pk: `LINK#${id}`, sk: 'LINK' },
        UpdateExpression: 'SET #status = :used, paidBy = :rid, paidAt = if_not_exists(paidAt, :at)',
        ConditionExpression: 'attribute_exists(pk) AND (#status = :open OR paidBy = :rid)',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: { ':used': 'used', ':open': 'open', ':rid': recordId, ':at': paidAt },
      }),
    );
  }

  /** used → open again, only for the payment that used it, before it settled (the sandbox's charge failed). */
  async reopen(id: string, recordId: string): Promise<boolean> {
    return this.conditional(
      new UpdateCommand({
        TableName: this.tableName,
        Key: { pk: `LINK#${id}`, sk: 'LINK' },
        UpdateExpression: 'SET #status = :open REMOVE paidBy, paidAt',
        ConditionExpression: '#status = :used AND paidBy = :rid AND attribute_not_exists(settledAt)',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: { ':used': 'used', ':open': 'open', ':rid': recordId },
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

  async putCheckout(checkout: Checkout): Promise<void> {
    // Kept as long as a late or repeated provider notification may still name it.
    await this.client.send(new PutCommand({ TableName: this.tableName, Item: { pk: checkoutKey(checkout.provider, checkout.checkoutId), sk: 'CHECKOUT', ...checkout, expiresAt: checkout.payableUntil + 90 * 86_400 } }));
    const { provider, checkoutId, url, amount, payableUntil } = checkout;
    await this.client.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: { pk: `LINK#${checkout.linkId}`, sk: 'LINK' },
        UpdateExpression: 'SET checkout = :c',
        ConditionExpression: 'attribute_exists(pk)',
        ExpressionAttributeValues: { ':c': { provider, checkoutId, url, amount, payableUntil } },
      }),
    );
  }

  async getCheckout(provider: Checkout['provider'], checkoutId: string): Promise<Checkout | undefined> {
    const { Item } = await this.client.send(new GetCommand({ TableName: this.tableName, Key: { pk: checkoutKey(provider, checkoutId), sk: 'CHECKOUT' }, ConsistentRead: true }));
    if (!Item) return undefined;
    const { pk: _pk, sk: _sk, expiresAt: _ttl, ...checkout } = Item;
    return checkout as Checkout;
  }

  async countStartFailure(linkId: string): Promise<void> {
    await this.conditional(
      new UpdateCommand({
        TableName: this.tableName,
        Key: { pk: `LINK#${linkId}`, sk: 'LINK' },
        UpdateExpression: 'ADD startFailures :one',
        ConditionExpression: 'attribute_exists(pk)',
        ExpressionAttributeValues: { ':one': 1 },
      }),
    );
  }

  async acquireLease(key: string, owner: string, now: Date, leaseMs: number): Promise<boolean> {
    return this.conditional(
      new PutCommand({
        TableName: this.tableName,
        Item: { pk: `LEASE#${key}`, sk: 'LEASE', owner, until: now.getTime() + leaseMs, expiresAt: Math.floor(now.getTime() / 1000) + 86_400 },
        ConditionExpression: 'attribute_not_exists(pk) OR #until < :now OR #owner = :owner',
        ExpressionAttributeNames: { '#until': 'until', '#owner': 'owner' },
        ExpressionAttributeValues: { ':now': now.getTime(), ':owner': owner },
      }),
    );
  }

  async releaseLease(key: string, owner: string): Promise<void> {
    // An update rather than a delete: the table's role needs no DeleteItem for this.
    await this.conditional(
      new UpdateCommand({
        TableName: this.tableName,
        Key: { pk: `LEASE#${key}`, sk: 'LEASE' },
        UpdateExpression: 'SET #until = :zero',
        ConditionExpression: '#owner = :owner',
        ExpressionAttributeNames: { '#until': 'until', '#owner': 'owner' },
        ExpressionAttributeValues: { ':zero': 0, ':owner': owner },
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

  private async conditional(command: UpdateCommand | PutCommand): Promise<boolean> {
    try {
      await (command instanceof PutCommand ? this.client.send(command) : this.client.send(command));
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }
}
