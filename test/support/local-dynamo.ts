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

/**
 * Starts dynalite and creates a fresh set of tables (unique prefix per call). stop() waits for
 * requests dynalite is still answering, closes it, and only then destroys the client.
 */
export async function startTestDynamo(): Promise<TestDynamo> {
  const server: RunningDynalite = await startDynalite();
  const client = localDynamoClient(server.endpoint);
  const stop = async () => {
    try {
      await server.close();
    } finally {
      client.destroy();
    }
  };
  counter += 1;
  const { tables } = loadConfig({ TABLE_PREFIX: `test-${process.pid}-${counter}` });
  try {
    await createTables(client, tables);
  } catch (error) {
    await stop();
    throw error;
  }
  const doc = DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
  return { endpoint: server.endpoint, client, doc, tables, stop };
}
