/**
 * Creates the local tables from infra/tables.json, the same definitions serverless.yml
 * deploys, minus the settings dynalite does not implement (TTL, SSE, PITR, deletion protection;
 * the DeletionPolicy attributes are CloudFormation's, outside Properties).
 */
import { CreateTableCommand, DynamoDBClient, ResourceInUseException, waitUntilTableExists, type CreateTableCommandInput } from '@aws-sdk/client-dynamodb';
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
    const { TimeToLiveSpecification: _ttl, SSESpecification: _sse, PointInTimeRecoverySpecification: _pitr, DeletionProtectionEnabled: _protected, ...properties } = definitions[logical].Properties as Record<string, unknown>;
    return { ...(properties as unknown as CreateTableCommandInput), TableName: names[LOGICAL_TO_CONFIG[logical]] };
  });
}

/** Creates every table that does not exist yet; returns the names it created. */
export async function createTables(client: DynamoDBClient, names: AppConfig['tables']): Promise<string[]> {
  const created: string[] = [];
  for (const input of localTableInputs(names)) {
    try {
      await client.send(new CreateTableCommand(input));
      created.push(input.TableName as string);
    } catch (error) {
      if (!(error instanceof ResourceInUseException)) throw error;
    }
    await waitUntilTableExists({ client, maxWaitTime: 30, minDelay: 0.05, maxDelay: 0.5 }, { TableName: input.TableName });
  }
  return created;
}

export function localDynamoClient(endpoint: string): DynamoDBClient {
  return new DynamoDBClient({ endpoint, region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
}
