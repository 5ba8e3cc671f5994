/**
 * The embedded default SMS sender: messages are stored in the payments table instead of
 * being sent, so the simulator, `npm run outbox`, the panel and tests can read them. A payment
 * link's message is held (hold) and stored by the payment store on the call's exactly-once
 * guard row; send() stores a message on its own row. Layout: outbox-layout.ts.
 */
import { randomUUID } from 'node:crypto';
import { BatchGetCommand, PutCommand, QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { HeldSms, SmsMessage, SmsResult, SmsSender } from './sms-sender';
import { countSegments } from '../domain/sms-text';
import { OUTBOX_INDEX, OUTBOX_SHARDS, OUTBOX_TTL_SECONDS, outboxAttributes, type OutboxMessage } from './outbox-layout';

export type { OutboxMessage } from './outbox-layout';

type Key = { readonly pk: string; readonly sk: string };

export interface OutboxOptions {
  readonly clock?: () => Date;
  /** Other rows that may hold a call's message (the payment link's guard row), for reads by CallSid. */
  readonly heldAt?: (callSid: string) => Key[];
}

export class OutboxSmsSender implements SmsSender {
  readonly channel = 'outbox';
  private readonly clock: () => Date;

  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly options: OutboxOptions = {},
  ) {
    this.clock = options.clock ?? (() => new Date());
  }

  hold(message: SmsMessage): HeldSms {
    const count = countSegments(message.body);
    return {
      id: `SM${randomUUID().replace(/-/g, '')}`,
      to: message.to,
      body: message.body,
      ...(message.callSid ? { callSid: message.callSid } : {}),
      segments: count.segments,
      encoding: count.encoding,
      createdAt: this.clock().toISOString(),
    };
  }

  async send(message: SmsMessage): Promise<SmsResult> {
    const held = this.hold(message);
    const expiresAt = Math.floor(Date.parse(held.createdAt) / 1000) + OUTBOX_TTL_SECONDS;
    await this.client.send(
      new PutCommand({
        TableName: this.tableName,
        Item: { pk: `SMS#${held.callSid ?? held.id}`, sk: `${held.createdAt}#${held.id}`, ...outboxAttributes(held), expiresAt },
      }),
    );
    return { status: 'sent', id: held.id, segments: held.segments };
  }

  /**
   * Newest first. One call's messages (keyed reads: its own rows and its guard row), or the
   * newest of every outbox index partition, merged.
   */
  async latest(options: { limit?: number; callSid?: string } = {}): Promise<OutboxMessage[]> {
    const limit = options.limit ?? 20;
    const messages = options.callSid ? await this.ofCall(options.callSid) : await this.newest(limit);
    return messages.sort((a, b) => (`${b.createdAt}#${b.id}` > `${a.createdAt}#${a.id}` ? 1 : -1)).slice(0, limit);
  }

  private async ofCall(callSid: string): Promise<OutboxMessage[]> {
    const keys = this.options.heldAt?.(callSid) ?? [];
    const [own, held] = await Promise.all([
      this.client.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: { ':pk': `SMS#${callSid}` },
          ConsistentRead: true,
        }),
      ),
      keys.length > 0 ? this.client.send(new BatchGetCommand({ RequestItems: { [this.tableName]: { Keys: keys, ConsistentRead: true } } })) : undefined,
    ]);
    const rows = [...(own.Items ?? []), ...(held?.Responses?.[this.tableName] ?? [])];
    return rows.flatMap((row) => (row.message ? [row.message as OutboxMessage] : []));
  }

  private async newest(limit: number): Promise<OutboxMessage[]> {
    const pages = await Promise.all(
      Array.from({ length: OUTBOX_SHARDS }, (_, shard) =>
        this.client.send(
          new QueryCommand({
            TableName: this.tableName,
            IndexName: OUTBOX_INDEX,
            KeyConditionExpression: 'outboxShard = :s',
            ExpressionAttributeValues: { ':s': `OUTBOX#${shard}` },
            ScanIndexForward: false,
            Limit: limit,
          }),
        ),
      ),
    );
    return pages.flatMap((page) => (page.Items ?? []).map((row) => row.message as OutboxMessage));
  }
}
