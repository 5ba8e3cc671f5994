/**
 * Paying a link, on the payments table (layout: dynamo-payment-store.ts): which payment used
 * the link, the provider checkouts it was sent to, and the settlement lease. Only the pay
 * function builds this, so the voice bundle carries none of it.
 */
import { GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { conditionHeld } from '../aws/conditional-write';
import { DynamoPaymentStore } from './dynamo-payment-store';
import type { Checkout, LinkPayments } from './payment-store';

const checkoutKey = (provider: string, checkoutId: string) => `CHECKOUT#${provider}#${checkoutId}`;

export class DynamoLinkPayments extends DynamoPaymentStore implements LinkPayments {
  /** open → used by `recordId` (or already used by it: a retry). False when another payment used it. */
  async claimLink(id: string, recordId: string, paidAt: string): Promise<boolean> {
    return conditionHeld(
      this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { pk: `LINK#${id}`, sk: 'LINK' },
          UpdateExpression: 'SET #status = :used, paidBy = :rid, paidAt = if_not_exists(paidAt, :at)',
          ConditionExpression: 'attribute_exists(pk) AND (#status = :open OR paidBy = :rid)',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':used': 'used', ':open': 'open', ':rid': recordId, ':at': paidAt },
        }),
      ),
    );
  }

  /** used → open again, only for the payment that used it, before it settled (the sandbox's charge failed). */
  async reopen(id: string, recordId: string): Promise<boolean> {
    return conditionHeld(
      this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { pk: `LINK#${id}`, sk: 'LINK' },
          UpdateExpression: 'SET #status = :open REMOVE paidBy, paidAt',
          ConditionExpression: '#status = :used AND paidBy = :rid AND attribute_not_exists(settledAt)',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':used': 'used', ':open': 'open', ':rid': recordId },
        }),
      ),
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

  async putCheckout(checkout: Checkout): Promise<void> {
    // Kept as long as a late or repeated provider notification may still name it.
    await this.client.send(
      new PutCommand({
        TableName: this.tableName,
        Item: { pk: checkoutKey(checkout.provider, checkout.checkoutId), sk: 'CHECKOUT', ...checkout, expiresAt: checkout.payableUntil + 90 * 86_400 },
      }),
    );
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
    const { Item } = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: { pk: checkoutKey(provider, checkoutId), sk: 'CHECKOUT' }, ConsistentRead: true }),
    );
    if (!Item) return undefined;
    const { pk: _pk, sk: _sk, expiresAt: _ttl, ...checkout } = Item;
    return checkout as Checkout;
  }

  async countStartFailure(linkId: string): Promise<void> {
    await conditionHeld(
      this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { pk: `LINK#${linkId}`, sk: 'LINK' },
          UpdateExpression: 'ADD startFailures :one',
          ConditionExpression: 'attribute_exists(pk)',
          ExpressionAttributeValues: { ':one': 1 },
        }),
      ),
    );
  }

  async acquireLease(key: string, owner: string, now: Date, leaseMs: number): Promise<boolean> {
    return conditionHeld(
      this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { pk: `LEASE#${key}`, sk: 'LEASE', owner, until: now.getTime() + leaseMs, expiresAt: Math.floor(now.getTime() / 1000) + 86_400 },
          ConditionExpression: 'attribute_not_exists(pk) OR #until < :now OR #owner = :owner',
          ExpressionAttributeNames: { '#until': 'until', '#owner': 'owner' },
          ExpressionAttributeValues: { ':now': now.getTime(), ':owner': owner },
        }),
      ),
    );
  }

  async releaseLease(key: string, owner: string): Promise<void> {
    // An update rather than a delete: the table's role needs no DeleteItem for this.
    await conditionHeld(
      this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { pk: `LEASE#${key}`, sk: 'LEASE' },
          UpdateExpression: 'SET #until = :zero',
          ConditionExpression: '#owner = :owner',
          ExpressionAttributeNames: { '#until': 'until', '#owner': 'owner' },
          ExpressionAttributeValues: { ':zero': 0, ':owner': owner },
        }),
      ),
    );
  }
}
