import { GetCommand, PutCommand, ScanCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { LookupSource } from '../config/lookup-source-schema';
import type { LookupSourceStore } from '../ports';

const sourceKey = (name: string) => `SOURCE#${name}`;

/** Lookup sources in the configuration table, keyed `SOURCE#<name>`. They hold secret names, never secrets. */
export class DynamoLookupSourceStore implements LookupSourceStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async getSource(name: string): Promise<LookupSource | undefined> {
    const { Item } = await this.client.send(new GetCommand({ TableName: this.tableName, Key: { pk: sourceKey(name) } }));
    return Item?.record as LookupSource | undefined;
  }

  async putSource(source: LookupSource): Promise<void> {
    await this.client.send(new PutCommand({ TableName: this.tableName, Item: { pk: sourceKey(source.name), record: source } }));
  }

  async listSources(): Promise<LookupSource[]> {
    const sources: LookupSource[] = [];
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = await this.client.send(
        new ScanCommand({
          TableName: this.tableName,
          FilterExpression: 'begins_with(pk, :prefix)',
          ExpressionAttributeValues: { ':prefix': 'SOURCE#' },
          ...(startKey ? { ExclusiveStartKey: startKey } : {}),
        }),
      );
      for (const item of page.Items ?? []) sources.push(item.record as LookupSource);
      startKey = page.LastEvaluatedKey;
    } while (startKey);
    return sources;
  }
}
