/**
 * Payment records in their own table (infra/tables.json PaymentRecordsTable):
 *
 *   id <provider>:<provider's id>     the record (hash key: a conditional put stores it once)
 *   index byDay: day YYYY-MM-DD, at <createdAt>#<id>
 *
 * Writes spread over one partition per payment; the listing reads the byDay index one day
 * at a time (keyed Queries, newest first, never a Scan), so a day's payments are one
 * partition of the index and no partition holds more than a day. No TTL: these are money.
 */
import { conditionHeld } from '../aws/conditional-write';
import { GetCommand, PutCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { pageByDay } from '../aws/paged-reads';
import type { PaymentRecord, PaymentRecordLookup, PaymentRecords } from './payment-records';

export class DynamoPaymentRecords implements PaymentRecords, PaymentRecordLookup {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  record(payment: PaymentRecord): Promise<boolean> {
    return conditionHeld(
      this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { ...payment, day: payment.createdAt.slice(0, 10), at: `${payment.createdAt}#${payment.id}` },
          ConditionExpression: 'attribute_not_exists(id)',
        }),
      ),
    );
  }

  async get(id: string): Promise<PaymentRecord | undefined> {
    const { Item } = await this.client.send(new GetCommand({ TableName: this.tableName, Key: { id }, ConsistentRead: true }));
    return Item ? withoutIndexKeys(Item) : undefined;
  }

  /** Only a refund-needed payment not yet handled: false for anything else (or no such record). */
  markHandled(id: string, at: string): Promise<boolean> {
    return conditionHeld(
      this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { id },
          UpdateExpression: 'SET handledAt = :at',
          ConditionExpression: 'attribute_exists(id) AND #status = :flagged AND attribute_not_exists(handledAt)',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':at': at, ':flagged': 'refund-needed' },
        }),
      ),
    );
  }

  /** Newest first, one day after the other from `toDay` back to `fromDay`. */
  async list(query: {
    fromDay: string;
    toDay: string;
    status?: PaymentRecord['status'];
    limit: number;
    cursor?: string;
  }): Promise<{ payments: PaymentRecord[]; nextCursor?: string }> {
    const { rows, nextCursor } = await pageByDay(this.client, {
      ...query,
      startKeyAttributes: ['id', 'day', 'at'],
      input: (day) => ({
        TableName: this.tableName,
        IndexName: 'byDay',
        KeyConditionExpression: '#day = :d',
        ExpressionAttributeNames: { '#day': 'day', ...(query.status ? { '#status': 'status' } : {}) },
        ExpressionAttributeValues: { ':d': day, ...(query.status ? { ':s': query.status } : {}) },
        ...(query.status ? { FilterExpression: '#status = :s' } : {}),
      }),
    });
    return { payments: rows.map(withoutIndexKeys), ...(nextCursor ? { nextCursor } : {}) };
  }
}

function withoutIndexKeys(item: Record<string, unknown>): PaymentRecord {
  const { day: _day, at: _at, ...record } = item;
  return record as unknown as PaymentRecord;
}
