/**
 * Brings every customer's summary (and the phone, customer-number and name search rows it
 * feeds) up to date from the stored rows: the one-off step for a ledger written before
 * summaries existed. It reads the whole table (a Scan), so it is a maintenance command, never
 * a request path: `npm run ledger:summaries` (deployed: with the stage's LEDGER_TABLE and AWS
 * credentials), and `npm start` runs it on a local table it had to rebuild.
 */
import { ScanCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DynamoLedgerWriter } from '../lib/ledger/dynamo-ledger-writer';
import type { CurrencyCode } from '../lib/domain/money';

export async function rebuildLedgerSummaries(
  client: DynamoDBDocumentClient,
  tableName: string,
  options: { defaultCountryCode: string; ledgerCurrency: CurrencyCode; onProgress?: (customers: number) => void },
): Promise<number> {
  const writer = new DynamoLedgerWriter(client, tableName, options.defaultCountryCode, { ledgerCurrency: options.ledgerCurrency, refreshConcurrency: 16 });
  let start: Record<string, unknown> | undefined;
  let customers = 0;
  do {
    const page = await client.send(
      new ScanCommand({
        TableName: tableName,
        FilterExpression: 'sk = :profile',
        ExpressionAttributeValues: { ':profile': '#PROFILE' },
        ProjectionExpression: '#id',
        ExpressionAttributeNames: { '#id': 'id' },
        ...(start ? { ExclusiveStartKey: start } : {}),
      }),
    );
    const ids = (page.Items ?? []).map((row) => String(row.id));
    await writer.refreshCustomers(ids);
    customers += ids.length;
    options.onProgress?.(customers);
    start = page.LastEvaluatedKey;
  } while (start);
  return customers;
}
