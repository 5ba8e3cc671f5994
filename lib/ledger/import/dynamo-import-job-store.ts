/**
 * Import jobs in the ledger table: `pk IMPORT`, `sk JOB#<id>`; ids start with the time they
 * were made, so the newest come first. A handful of jobs a day, updated once per chunk: this
 * one partition is never hot.
 */
import { conditionHeld } from '../../aws/conditional-write';
import { setExpression } from '../../aws/set-expression';
import { GetCommand, PutCommand, QueryCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { ImportJob, ImportJobState, ImportJobStore } from './import-jobs';

const PK = 'IMPORT';

export class DynamoImportJobStore implements ImportJobStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  async create(job: ImportJob): Promise<void> {
    await this.client.send(
      new PutCommand({ TableName: this.tableName, Item: { pk: PK, sk: `JOB#${job.id}`, ...job }, ConditionExpression: 'attribute_not_exists(pk)' }),
    );
  }

  async get(id: string): Promise<ImportJob | undefined> {
    const { Item } = await this.client.send(new GetCommand({ TableName: this.tableName, Key: { pk: PK, sk: `JOB#${id}` }, ConsistentRead: true }));
    return Item ? job(Item) : undefined;
  }

  async list(limit: number): Promise<ImportJob[]> {
    const { Items } = await this.client.send(
      new QueryCommand({
        TableName: this.tableName,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :job)',
        ExpressionAttributeValues: { ':pk': PK, ':job': 'JOB#' },
        ScanIndexForward: false,
        Limit: limit,
      }),
    );
    return (Items ?? []).map(job);
  }

  async update(id: string, from: readonly ImportJobState[], changes: Partial<Omit<ImportJob, 'id'>>, written?: number): Promise<boolean> {
    const set = setExpression({ ...changes, updatedAt: this.clock().toISOString() });
    const names: Record<string, string> = { ...set.names, '#state': 'state' };
    const values: Record<string, unknown> = { ...set.values };
    from.forEach((state, i) => (values[`:from${i}`] = state));
    let condition = `#state IN (${from.map((_, i) => `:from${i}`).join(', ')})`;
    if (written !== undefined) {
      names['#written'] = 'written';
      values[':written'] = written;
      condition += ' AND #written = :written';
    }
    return conditionHeld(
      this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { pk: PK, sk: `JOB#${id}` },
          UpdateExpression: set.expression,
          ConditionExpression: condition,
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: values,
        }),
      ),
    );
  }
}

function job(row: Record<string, unknown>): ImportJob {
  const { pk: _pk, sk: _sk, ...rest } = row;
  return rest as unknown as ImportJob;
}
