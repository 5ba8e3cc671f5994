/**
 * The embedded default SMS sender: messages are stored in the payments table instead of
 * being sent, so the simulator, `npm run outbox` and tests can read them.
 */
import { randomUUID } from 'node:crypto';
import { PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { SmsMessage, SmsResult, SmsSender } from './sms-sender';
import { queryAllPages } from '../aws/paged-reads';
import { countSegments } from '../domain/sms-text';

export interface OutboxMessage {
  readonly id: string;
  readonly to: string;
  readonly body: string;
  readonly callSid?: string;
  readonly segments: number;
  readonly encoding: 'GSM-7' | 'UCS-2';
  readonly createdAt: string;
}

const OUTBOX_TTL_SECONDS = 30 * 86_400;

export class OutboxSmsSender implements SmsSender {
  readonly channel = 'outbox';

  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  async send(message: SmsMessage): Promise<SmsResult> {
    const now = this.clock();
    const count = countSegments(message.body);
    const stored: OutboxMessage = {
      id: `SM${randomUUID().replace(/-/g, '')}`,
      to: message.to,
      body: message.body,
      ...(message.callSid ? { callSid: message.callSid } : {}),
      segments: count.segments,
      encoding: count.encoding,
      createdAt: now.toISOString(),
    };
    await this.client.send(
      new PutCommand({ TableName: this.tableName, Item: { pk: 'OUTBOX', sk: `${stored.createdAt}#${stored.id}`, ...stored, expiresAt: Math.floor(now.getTime() / 1000) + OUTBOX_TTL_SECONDS } }),
    );
    return { status: 'sent', id: stored.id, segments: stored.segments };
  }

  /** Newest first; only one call's messages when `callSid` is given. */
  async latest(options: { limit?: number; callSid?: string } = {}): Promise<OutboxMessage[]> {
    const limit = options.limit ?? 20;
    const rows = await queryAllPages(
      this.client,
      {
        TableName: this.tableName,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': 'OUTBOX', ...(options.callSid ? { ':sid': options.callSid } : {}) },
        ...(options.callSid ? { FilterExpression: 'callSid = :sid' } : {}),
        ScanIndexForward: false,
        ConsistentRead: true,
      },
      (found) => found.length >= limit,
    );
    return rows.slice(0, limit).map(({ pk: _pk, sk: _sk, expiresAt: _ttl, ...message }) => message as unknown as OutboxMessage);
  }
}
