/** Loads an import document (infra/seed/demo.json by default) into the local stores. */
import { readFile } from 'node:fs/promises';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { AppConfig } from '../../lib/config/app-config';
import { DynamoLedgerWriter } from '../../lib/ledger/dynamo-ledger-writer';
import { applyImport, parseImportDocument, type ImportCounts } from '../../lib/ledger/import/import-document';
import { DynamoLookupSourceStore } from '../../lib/crm/dynamo-lookup-source-store';
import { DynamoModuleStore } from '../../lib/config/dynamo-module-store';

export class SeedError extends Error {
  override readonly name = 'SeedError';
}

export async function loadSeed(
  path: string,
  client: DynamoDBDocumentClient,
  config: Pick<AppConfig, 'tables' | 'defaultCountryCode'> & Partial<Pick<AppConfig, 'ledgerCurrency'>>,
): Promise<ImportCounts> {
  const parsed = parseImportDocument(JSON.parse(await readFile(path, 'utf8')), { ledgerCurrency: config.ledgerCurrency ?? 'IRR' });
  if (!parsed.ok) {
    const lines = parsed.errors.map((e) => `  ${e.section}[${e.row}].${e.field}: ${e.message}`);
    throw new SeedError(`${path} is not a valid import document:\n${lines.join('\n')}`);
  }
  return applyImport(parsed.document, {
    ledger: new DynamoLedgerWriter(client, config.tables.ledger, config.defaultCountryCode, { ledgerCurrency: config.ledgerCurrency ?? 'IRR' }),
    modules: new DynamoModuleStore(client, config.tables.config),
    lookupSources: new DynamoLookupSourceStore(client, config.tables.config),
  });
}
