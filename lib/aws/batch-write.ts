/**
 * BatchWriteItem over any number of put/delete requests: 25 at a time, unprocessed items sent
 * again with a growing pause (DynamoDB returns them under load), a clear error if they never go.
 */
import { BatchWriteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

export async function batchWriteAll(client: DynamoDBDocumentClient, tableName: string, requests: readonly Record<string, unknown>[]): Promise<void> {
  for (let i = 0; i < requests.length; i += 25) {
    let pending: Record<string, unknown>[] | undefined = requests.slice(i, i + 25);
    for (let tries = 0; pending && pending.length > 0; tries += 1) {
      if (tries > 8) throw new Error(`${tableName}: DynamoDB kept returning unprocessed items`);
      const out = await client.send(new BatchWriteCommand({ RequestItems: { [tableName]: pending as never } }));
      pending = out.UnprocessedItems?.[tableName] as Record<string, unknown>[] | undefined;
      if (pending?.length) await new Promise((r) => setTimeout(r, 20 * 2 ** tries));
    }
  }
}
