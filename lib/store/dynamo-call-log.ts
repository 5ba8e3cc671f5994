import { GetCommand, PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { CallLog, CallLogEntry } from '../ports';

/** One record per call, written by the status callback when the call ends. */
export class DynamoCallLog implements CallLog {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async record(entry: CallLogEntry): Promise<void> {
    // `day` feeds the per-module, per-day index the panel's call log reads.
    await this.client.send(new PutCommand({ TableName: this.tableName, Item: { ...entry, day: entry.startedAt.slice(0, 10) } }));
  }

  async get(callSid: string): Promise<CallLogEntry | undefined> {
    const { Item } = await this.client.send(new GetCommand({ TableName: this.tableName, Key: { callSid } }));
    if (!Item) return undefined;
    const { day: _day, ...entry } = Item;
    return entry as CallLogEntry;
  }
}
