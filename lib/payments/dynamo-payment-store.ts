/**
 * The payments table (pk/sk, TTL on expiresAt):
 *
 *   pk LINK#<id>                    sk LINK        a payment link: claims + open/used state
 *   pk CURRENT#<customerId>         sk <purpose>   the customer's newest link per purpose (older ones are replaced)
 *   pk CHECKOUT#<provider>#<id>     sk CHECKOUT    a provider checkout (Stripe session, Zarinpal authority) → link, amount
 *   pk LEASE#<key>                  sk LEASE       a short lease: one customer's payments settle one at a time
 *   pk ONCE#<callSid>#payment-link  sk ONCE        exactly-once guard for a call's link + SMS; when the
 *                                                  outbox sends, also the message (index byOutbox)
 *   pk LIMIT#<number>               sk DAY#<date>  links sent to this number (`mobileLinks`) and asked
 *                                                  for from it (`callerLinks`) that day
 *   pk SMS#<callSid>                sk <iso>#<id>  an outbox message sent on its own (outbox-layout.ts)
 * (CHECKOUT, LEASE and a link's payment state are written by dynamo-link-payments.ts, in the pay function only.)
 *
 * Every state change is a conditional write: dynalite has no transactions, and none is needed.
 * Every partition key names a call, a link or a phone number, so load spreads with the calls.
 */
import { GetCommand, PutCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { conditionHeld, isConditionFailure } from '../aws/conditional-write';
import type { PaymentLinkOutcome } from '../domain/payment-link';
import { readStoredClaims } from '../domain/payment-token';
import type { HeldSms } from '../sms/sms-sender';
import { OUTBOX_TTL_SECONDS, outboxAttributes } from '../sms/outbox-layout';
import type { LimitCount, LinkLimits, OnceClaim, PaymentLinkRecord, PaymentStore } from './payment-store';

/** The exactly-once guard row of a call's payment link (and, for the outbox, its message). */
export function paymentLinkGuardKey(callSid: string): { pk: string; sk: string } {
  return { pk: `ONCE#${callSid}#payment-link`, sk: 'ONCE' };
}

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
    await conditionHeld(
      this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { pk: `CURRENT#${customerId}`, sk: purpose },
          UpdateExpression: 'SET linkId = :id, createdAt = :at',
          ConditionExpression: 'attribute_not_exists(linkId) OR linkId = :id OR createdAt <= :at',
          ExpressionAttributeValues: { ':id': linkId, ':at': createdAt },
        }),
      ),
    );
  }

  async currentLink(customerId: string, purpose: string): Promise<string | undefined> {
    const { Item } = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: { pk: `CURRENT#${customerId}`, sk: purpose }, ConsistentRead: true }),
    );
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

  async completeOnce(key: string, outcome: PaymentLinkOutcome, message?: HeldSms): Promise<void> {
    const held = message ? outboxAttributes(message) : undefined;
    await this.client.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: { pk: `ONCE#${key}`, sk: 'ONCE' },
        // The outbox message rides on the outcome's write: no write of its own.
        UpdateExpression: held
          ? 'SET #state = :done, outcome = :outcome, message = :message, outboxShard = :shard, outboxAt = :at, expiresAt = :ttl'
          : 'SET #state = :done, outcome = :outcome',
        ExpressionAttributeNames: { '#state': 'state' },
        ExpressionAttributeValues: {
          ':done': 'done',
          ':outcome': outcome,
          ...(held
            ? {
                ':message': held.message,
                ':shard': held.outboxShard,
                ':at': held.outboxAt,
                ':ttl': Math.floor(Date.parse(held.message.createdAt) / 1000) + OUTBOX_TTL_SECONDS,
              }
            : {}),
        },
      }),
    );
  }

  async countLinkLimits(limits: LinkLimits): Promise<LimitCount> {
    const { mobile, caller, day } = limits;
    if (caller === mobile) {
      // The caller asks for their own number: both counts live on one row, one conditional write.
      if (await this.countOn(mobile, day, { mobileLinks: limits.perMobile, callerLinks: limits.perCaller }, limits.expiresAt)) return { counted: true };
      const { Item } = await this.client.send(
        new GetCommand({ TableName: this.tableName, Key: { pk: `LIMIT#${mobile}`, sk: `DAY#${day}` }, ConsistentRead: true }),
      );
      return { counted: false, limit: Number(Item?.mobileLinks ?? 0) >= limits.perMobile ? 'mobile' : 'caller' };
    }
    // Two numbers, two rows, counted at once; a refusal takes the other count back.
    const [mobileCounted, callerCounted] = await Promise.all([
      this.countOn(mobile, day, { mobileLinks: limits.perMobile }, limits.expiresAt),
      caller ? this.countOn(caller, day, { callerLinks: limits.perCaller }, limits.expiresAt) : Promise.resolve(true),
    ]);
    if (mobileCounted && callerCounted) return { counted: true };
    if (mobileCounted) await this.takeBack(mobile, day, 'mobileLinks');
    if (callerCounted && caller) await this.takeBack(caller, day, 'callerLinks');
    return { counted: false, limit: mobileCounted ? 'caller' : 'mobile' };
  }

  private async takeBack(number: string, day: string, count: 'mobileLinks' | 'callerLinks'): Promise<void> {
    await conditionHeld(
      this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { pk: `LIMIT#${number}`, sk: `DAY#${day}` },
          UpdateExpression: `ADD ${count} :minus`,
          ConditionExpression: `${count} > :zero`,
          ExpressionAttributeValues: { ':minus': -1, ':zero': 0 },
        }),
      ),
    );
  }

  /** Adds one to each named count on the number's row for the day, unless one has reached its limit. */
  private countOn(
    number: string,
    day: string,
    limits: Record<'mobileLinks' | 'callerLinks', number> | Record<'mobileLinks', number> | Record<'callerLinks', number>,
    expiresAt: number,
  ): Promise<boolean> {
    const counts = Object.entries(limits);
    return conditionHeld(
      this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { pk: `LIMIT#${number}`, sk: `DAY#${day}` },
          UpdateExpression: `ADD ${counts.map(([name]) => `${name} :one`).join(', ')} SET expiresAt = :ttl`,
          ConditionExpression: counts.map(([name]) => `(attribute_not_exists(${name}) OR ${name} < :${name})`).join(' AND '),
          ExpressionAttributeValues: { ':one': 1, ':ttl': expiresAt, ...Object.fromEntries(counts.map(([name, limit]) => [`:${name}`, limit])) },
        }),
      ),
    );
  }
}
