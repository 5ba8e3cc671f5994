/**
 * A local data folder from before the customer summaries: `npm start` rebuilds its ledger table
 * with the new index (dynalite cannot add one), keeps every row, and fills in the summaries, so
 * the list, search and calls work on the old data.
 */
import { CreateTableCommand } from '@aws-sdk/client-dynamodb';
import { BatchWriteCommand, DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { loadConfig } from '../../lib/config/app-config';
import { createTables, localDynamoClient, localTableInputs } from '../../infra/local/create-tables';
import { startDynalite } from '../../infra/local/dynalite-server';
import { rebuildLedgerSummaries } from '../../infra/ledger-summaries';
import { DynamoLedgerDirectory } from '../../lib/ledger/dynamo-ledger-directory';
import { LedgerCrm } from '../../lib/ledger/ledger-crm';

it('rebuilds a ledger table made without the list index, keeps its rows and fills in the summaries', async () => {
  const dynalite = await startDynalite();
  const client = localDynamoClient(dynalite.endpoint);
  try {
    const { tables } = loadConfig({ TABLE_PREFIX: `upgrade-${process.pid}` });
    const ledger = localTableInputs(tables).find((t) => t.TableName === tables.ledger);
    const { GlobalSecondaryIndexes: _new, ...old } = ledger as NonNullable<typeof ledger>;
    await client.send(
      new CreateTableCommand({ ...old, AttributeDefinitions: old.AttributeDefinitions?.filter((a) => a.AttributeName === 'pk' || a.AttributeName === 'sk') }),
    );
    const doc = DynamoDBDocumentClient.from(client);
    // Rows as the ledger stored them before summaries existed.
    const customer = { id: 'old-1', customerNumber: '4401', name: 'Old Timer', mobile: '+989125550044' };
    await doc.send(
      new BatchWriteCommand({
        RequestItems: {
          [tables.ledger]: [
            { PutRequest: { Item: { pk: 'CUST#old-1', sk: '#PROFILE', ...customer, phones: ['+15005550044'] } } },
            {
              PutRequest: {
                Item: {
                  pk: 'CUST#old-1',
                  sk: 'ITEM#invoice#O-1',
                  customerId: 'old-1',
                  type: 'invoice',
                  number: 'O-1',
                  fields: { FinalValue: 900 },
                  currency: 'IRR',
                  status: 'open',
                },
              },
            },
            { PutRequest: { Item: { pk: 'PHONE#+15005550044', sk: 'CUST#old-1', customer } } },
          ],
        },
      }),
    );
    const created = await createTables(client, tables);
    expect(created.rebuilt).toEqual([tables.ledger]);
    expect((await doc.send(new GetCommand({ TableName: tables.ledger, Key: { pk: 'CUST#old-1', sk: 'ITEM#invoice#O-1' } }))).Item).toBeDefined();
    // Before the summaries are filled in, a call still hears the balance (from the items).
    expect(await new LedgerCrm(doc, tables.ledger).balance({ id: 'old-1' }, 'IRR')).toEqual({ status: 'ok', owed: 900, credit: 0 });
    expect(await rebuildLedgerSummaries(doc, tables.ledger, { defaultCountryCode: '98', ledgerCurrency: 'IRR' })).toBe(1);
    const page = await new DynamoLedgerDirectory(doc, tables.ledger).listCustomers({ limit: 10, search: 'timer' });
    expect(page.customers).toEqual([expect.objectContaining({ id: 'old-1', owed: 900, itemCount: 1 })]);
    expect(await new LedgerCrm(doc, tables.ledger).identifyWithBalance('+15005550044', 'IRR')).toMatchObject({
      status: 'found',
      balance: { status: 'ok', owed: 900 },
    });
    // A second start changes nothing.
    expect((await createTables(client, tables)).rebuilt).toBeUndefined();
  } finally {
    await dynalite.close();
    client.destroy();
  }
});
