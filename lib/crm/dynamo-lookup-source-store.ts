import { conditionHeld } from '../aws/conditional-write';
import { DeleteCommand, GetCommand, PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { LookupSource } from '../config/lookup-source-schema';
import { migrateStoredSource } from '../config/lookup-source-rules';
import type { LookupSourceStore } from './lookup-source-store';
import { scanRecordsByPrefix } from '../aws/paged-reads';

const sourceKey = (name: string) => `SOURCE#${name}`;

/**
 * Lookup sources in the configuration table, keyed `SOURCE#<name>`. They hold no secret and
 * name none (a source's password is `crm/<name>`); definitions stored with the older
 * `passwordSecret` are migrated as they are read.
 */
export class DynamoLookupSourceStore implements LookupSourceStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async getSource(name: string): Promise<LookupSource | undefined> {
    const { Item } = await this.client.send(new GetCommand({ TableName: this.tableName, Key: { pk: sourceKey(name) } }));
    return Item?.record ? migrateStoredSource(Item.record as LookupSource) : undefined;
  }

  async putSource(source: LookupSource): Promise<void> {
    await this.client.send(new PutCommand({ TableName: this.tableName, Item: { pk: sourceKey(source.name), record: source } }));
  }

  createSource(source: LookupSource): Promise<boolean> {
    return this.conditionalPut(source, 'attribute_not_exists(pk)');
  }

  updateSource(source: LookupSource): Promise<boolean> {
    return this.conditionalPut(source, 'attribute_exists(pk)');
  }

  async deleteSource(name: string): Promise<boolean> {
    const { Attributes } = await this.client.send(new DeleteCommand({ TableName: this.tableName, Key: { pk: sourceKey(name) }, ReturnValues: 'ALL_OLD' }));
    return Attributes !== undefined;
  }

  private conditionalPut(source: LookupSource, condition: string): Promise<boolean> {
    return conditionHeld(
      this.client.send(new PutCommand({ TableName: this.tableName, Item: { pk: sourceKey(source.name), record: source }, ConditionExpression: condition })),
    );
  }

  async listSources(): Promise<LookupSource[]> {
    return (await scanRecordsByPrefix<LookupSource>(this.client, this.tableName, 'SOURCE#')).map(migrateStoredSource);
  }
}
