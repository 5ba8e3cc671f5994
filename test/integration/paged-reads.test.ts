/**
 * The paged-read helpers follow DynamoDB's continuation keys: rows beyond the first page
 * (1 MB, or the request's Limit) are still returned, and `enough` stops the paging early.
 */
import { BatchWriteCommand } from '@aws-sdk/lib-dynamodb';
import { queryAllPages, queryPartition, scanRecordsByPrefix } from '../../lib/aws/paged-reads';
import { startTestDynamo, type TestDynamo } from '../support/local-dynamo';

let db: TestDynamo;

async function putAll(table: string, items: Record<string, unknown>[]) {
  for (let i = 0; i < items.length; i += 25) {
    await db.doc.send(new BatchWriteCommand({ RequestItems: { [table]: items.slice(i, i + 25).map((Item) => ({ PutRequest: { Item } })) } }));
  }
}

beforeAll(async () => {
  db = await startTestDynamo();
  const items = Array.from({ length: 7 }, (_, i) => ({ pk: 'CUST#paged', sk: `ITEM#invoice#${i}`, n: i }));
  await putAll(db.tables.ledger, [...items, { pk: 'CUST#paged', sk: '#PROFILE' }, { pk: 'CUST#other', sk: 'ITEM#invoice#0' }]);
  // 30 rows of 40 KB: more than the 1 MB one Scan page can hold.
  const padding = 'x'.repeat(40_000);
  await putAll(
    db.tables.config,
    Array.from({ length: 30 }, (_, i) => ({ pk: `PAGED#${String(i).padStart(2, '0')}`, record: { i, padding } })),
  );
  await putAll(db.tables.config, [{ pk: 'OTHER#1', record: { i: -1 } }]);
}, 60_000);

afterAll(async () => {
  await db?.stop();
});

describe('reading every page', () => {
  it('returns a whole partition, or only the sort keys with the prefix', async () => {
    expect(await queryPartition(db.doc, db.tables.ledger, 'CUST#paged')).toHaveLength(8);
    const items = await queryPartition(db.doc, db.tables.ledger, 'CUST#paged', 'ITEM#');
    expect(items.map((row) => row.n)).toEqual([0, 1, 2, 3, 4, 5, 6]);
  });

  it('follows continuation keys past a page limit, and stops once enough rows are in', async () => {
    const input = { TableName: db.tables.ledger, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': 'CUST#paged' }, Limit: 3 };
    expect(await queryAllPages(db.doc, input)).toHaveLength(8);
    expect(await queryAllPages(db.doc, input, (rows) => rows.length >= 4)).toHaveLength(6);
  });

  it('scans every record with the prefix beyond the first 1 MB page', async () => {
    const records = await scanRecordsByPrefix<{ i: number }>(db.doc, db.tables.config, 'PAGED#');
    expect(records.map((r) => r.i).sort((a, b) => a - b)).toEqual(Array.from({ length: 30 }, (_, i) => i));
  });
});
