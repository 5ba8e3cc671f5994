/**
 * `npm run ledger:summaries`: recomputes every customer's summary from the stored rows (a full
 * Scan: run once after upgrading a ledger written before summaries existed, or after changing
 * LEDGER_CURRENCY). Reads the table named by the environment as the functions do
 * (LEDGER_TABLE or STAGE/TABLE_PREFIX, DYNAMODB_ENDPOINT, AWS credentials and region).
 */
import { createDocumentClient } from '../lib/aws/dynamodb-client';
import { loadConfig } from '../lib/config/app-config';
import { rebuildLedgerSummaries } from '../infra/ledger-summaries';

async function main(): Promise<void> {
  const config = loadConfig();
  const client = createDocumentClient({ endpoint: config.dynamoDbEndpoint, region: config.region });
  const started = Date.now();
  const customers = await rebuildLedgerSummaries(client, config.tables.ledger, {
    defaultCountryCode: config.defaultCountryCode,
    ledgerCurrency: config.ledgerCurrency,
    onProgress: (n) => process.stdout.write(`\r${n} customers`),
  });
  console.log(`\r${customers} customer summaries refreshed in ${config.tables.ledger} (${Math.round((Date.now() - started) / 1000)} s).`);
}

main().catch((error) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
