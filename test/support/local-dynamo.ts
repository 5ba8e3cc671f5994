/** Integration tests: a real DynamoDB API (dynalite, in memory) with the product's tables. */
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { loadConfig, type AppConfig } from '../../lib/config/app-config';
import { createTables, localDynamoClient } from '../../infra/local/create-tables';
import { startDynalite, type RunningDynalite } from '../../infra/local/dynalite-server';

export interface TestDynamo {
  readonly endpoint: string;
  readonly client: DynamoDBClient;
  readonly doc: DynamoDBDocumentClient;
  readonly tables: AppConfig['tables'];
  stop(): Promise<void>;
}

let counter = 0;

/** Starts dynalite and creates a fresh set of tables (unique prefix per call). */
export async function startTestDynamo(): Promise<TestDynamo> {
  const server: RunningDynalite = await startDynalite();
  const client = localDynamoClient(server.endpoint);
  counter += 1;
  const { tables } = loadConfig({ TABLE_PREFIX: `test-${process.pid}-${counter}` });
  await createTables(client, tables);
  const doc = DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
  return {
    endpoint: server.endpoint,
    client,
    doc,
    tables,
    stop: async () => {
      client.destroy();
      await server.close();
    },
  };
}
