/**
 * Creates the local tables from infra/tables.json, the same definitions serverless.yml
 * deploys, minus the settings dynalite does not implement (TTL, SSE, PITR, deletion protection;
 * the DeletionPolicy attributes are CloudFormation's, outside Properties).
 */
import {
  BatchWriteItemCommand,
  CreateTableCommand,
  DeleteTableCommand,
  DescribeTableCommand,
  DynamoDBClient,
  ResourceInUseException,
  ScanCommand,
  waitUntilTableExists,
  waitUntilTableNotExists,
  type AttributeValue,
  type CreateTableCommandInput,
} from '@aws-sdk/client-dynamodb';
import type { AppConfig } from '../../lib/config/app-config';
import definitions from '../tables.json';

const LOGICAL_TO_CONFIG: Record<keyof typeof definitions, keyof AppConfig['tables']> = {
  SessionsTable: 'sessions',
  ConfigTable: 'config',
  LedgerTable: 'ledger',
  CallLogTable: 'callLog',
  PaymentsTable: 'payments',
  PaymentRecordsTable: 'paymentRecords',
  AttemptsTable: 'attempts',
  AuditTable: 'audit',
};

export function localTableInputs(names: AppConfig['tables']): CreateTableCommandInput[] {
  return (Object.keys(definitions) as (keyof typeof definitions)[]).map((logical) => {
    const {
      TimeToLiveSpecification: _ttl,
      SSESpecification: _sse,
      PointInTimeRecoverySpecification: _pitr,
      DeletionProtectionEnabled: _protected,
      ...properties
    } = definitions[logical].Properties as Record<string, unknown>;
    return { ...(properties as unknown as CreateTableCommandInput), TableName: names[LOGICAL_TO_CONFIG[logical]] };
  });
}

/**
 * Creates every table that does not exist yet; returns the names it created. A local table made
 * before an index was added to its definition is rebuilt with it, rows kept (dynalite cannot add
 * an index to a table); its name is in `rebuilt`.
 */
export async function createTables(client: DynamoDBClient, names: AppConfig['tables']): Promise<string[] & { rebuilt?: string[] }> {
  const created: string[] & { rebuilt?: string[] } = [];
  for (const input of localTableInputs(names)) {
    try {
      await client.send(new CreateTableCommand(input));
      created.push(input.TableName as string);
    } catch (error) {
      if (!(error instanceof ResourceInUseException)) throw error;
      if (await rebuildWithIndexes(client, input)) (created.rebuilt ??= []).push(input.TableName as string);
    }
    await waitUntilTableExists({ client, maxWaitTime: 30, minDelay: 0.05, maxDelay: 0.5 }, { TableName: input.TableName });
  }
  return created;
}

/** A table missing an index of its definition: its rows are read, the table made again, the rows put back. */
async function rebuildWithIndexes(client: DynamoDBClient, input: CreateTableCommandInput): Promise<boolean> {
  const { Table } = await client.send(new DescribeTableCommand({ TableName: input.TableName }));
  const existing = new Set((Table?.GlobalSecondaryIndexes ?? []).map((i) => i.IndexName));
  if ((input.GlobalSecondaryIndexes ?? []).every((i) => existing.has(i.IndexName))) return false;
  const rows: Record<string, AttributeValue>[] = [];
  let start: Record<string, AttributeValue> | undefined;
  do {
    const page = await client.send(new ScanCommand({ TableName: input.TableName, ...(start ? { ExclusiveStartKey: start } : {}) }));
    rows.push(...(page.Items ?? []));
    start = page.LastEvaluatedKey;
  } while (start);
  await client.send(new DeleteTableCommand({ TableName: input.TableName }));
  await waitUntilTableNotExists({ client, maxWaitTime: 30, minDelay: 0.05, maxDelay: 0.5 }, { TableName: input.TableName });
  await client.send(new CreateTableCommand(input));
  await waitUntilTableExists({ client, maxWaitTime: 30, minDelay: 0.05, maxDelay: 0.5 }, { TableName: input.TableName });
  for (let i = 0; i < rows.length; i += 25) {
    let pending: Record<string, unknown>[] | undefined = rows.slice(i, i + 25).map((Item) => ({ PutRequest: { Item } }));
    while (pending && pending.length > 0) {
      const out = await client.send(new BatchWriteItemCommand({ RequestItems: { [input.TableName as string]: pending as never } }));
      pending = out.UnprocessedItems?.[input.TableName as string] as Record<string, unknown>[] | undefined;
    }
  }
  return true;
}

export function localDynamoClient(endpoint: string): DynamoDBClient {
  return new DynamoDBClient({ endpoint, region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
}
