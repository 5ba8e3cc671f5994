/**
 * The ledger's per-customer summary (balances per currency, item count) and its copies on the
 * phone rows, against dynalite: always what the ledger's balance rule (ledgerBalance) says
 * over the customer's items — after concurrent writers, after a writer that died between its
 * item write and the refresh, after a retried chunk — and the operator list and search served
 * from keyed reads only.
 */
import type { OnlinePayment } from '../../lib/ledger/ledger-admin';
import fc from 'fast-check';
import { BatchWriteCommand, DynamoDBDocumentClient, GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { localDynamoClient } from '../../infra/local/create-tables';
import type { CurrencyCode } from '../../lib/domain/money';
import { DynamoLedgerDirectory } from '../../lib/ledger/dynamo-ledger-directory';
import { SUMMARY_SK } from '../../lib/ledger/dynamo-customer-summaries';
import { DynamoLedgerWriter } from '../../lib/ledger/dynamo-ledger-writer';
import { LedgerCrm } from '../../lib/ledger/ledger-crm';
import { LIST_SHARDS } from '../../lib/ledger/customer-summary';
import { ledgerBalance } from '../../lib/ledger/ledger-balance';
import type { ItemRecord } from '../../lib/ledger/ledger-records';
import { startTestDynamo, type TestDynamo } from '../support/local-dynamo';

let db: TestDynamo;
let writer: DynamoLedgerWriter;
let crm: LedgerCrm;
let directory: DynamoLedgerDirectory;
let countingClient: DynamoDBClient | undefined;
/** Commands the directory sends, by name (a middleware on its own client). */
const sent: string[] = [];

beforeAll(async () => {
  db = await startTestDynamo();
  writer = new DynamoLedgerWriter(db.doc, db.tables.ledger, '98');
  crm = new LedgerCrm(db.doc, db.tables.ledger);
  // Its own client: the middleware counts only what the directory sends.
  countingClient = localDynamoClient(db.endpoint);
  const counted = DynamoDBDocumentClient.from(countingClient, { marshallOptions: { removeUndefinedValues: true } });
  counted.middlewareStack.add(
    (next, context) => async (args) => {
      sent.push(String(context.commandName));
      return next(args);
    },
    { step: 'initialize', name: 'countCommands' },
  );
  directory = new DynamoLedgerDirectory(counted, db.tables.ledger);
});

afterAll(async () => {
  countingClient?.destroy();
  await db.stop();
});

const CURRENCIES: CurrencyCode[] = ['IRR', 'USD', 'EUR'];

async function itemsOf(id: string): Promise<ItemRecord[]> {
  const { Items } = await db.doc.send(
    new QueryCommand({
      TableName: db.tables.ledger,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :i)',
      ExpressionAttributeValues: { ':pk': `CUST#${id}`, ':i': 'ITEM#' },
      ConsistentRead: true,
    }),
  );
  return (Items ?? []) as ItemRecord[];
}

async function summaryOf(id: string): Promise<Record<string, any> | undefined> {
  return (await db.doc.send(new GetCommand({ TableName: db.tables.ledger, Key: { pk: `CUST#${id}`, sk: SUMMARY_SK }, ConsistentRead: true }))).Item;
}

async function phoneRow(phone: string, id: string): Promise<Record<string, any> | undefined> {
  return (await db.doc.send(new GetCommand({ TableName: db.tables.ledger, Key: { pk: `PHONE#${phone}`, sk: `CUST#${id}` }, ConsistentRead: true }))).Item;
}

/** The summary, the phone row's copy and the CRM's answers all equal ledgerBalance over the stored items, in every currency. */
async function expectAggregateMatchesItems(id: string, phone: string): Promise<void> {
  const items = await itemsOf(id);
  const summary = await summaryOf(id);
  const copy = await phoneRow(phone, id);
  expect(summary?.itemCount).toBe(items.length);
  expect(copy?.version).toBe(summary?.version);
  expect(copy?.nets).toEqual(summary?.nets);
  for (const currency of CURRENCIES) {
    const rule = ledgerBalance(items, currency, 'IRR');
    expect(await crm.balance({ id }, currency)).toEqual({ status: 'ok', owed: rule.owed, credit: rule.credit });
    const fast = await crm.identifyWithBalance(phone, currency);
    expect(fast).toEqual({ status: 'found', customer: expect.objectContaining({ id }), balance: { status: 'ok', owed: rule.owed, credit: rule.credit } });
  }
}

const item = (customerId: string, n: number, type: ItemRecord['type'], amount: number, currency: CurrencyCode = 'IRR'): ItemRecord => ({
  customerId,
  type,
  number: `N-${n}`,
  fields: { FinalValue: amount },
  currency,
  status: 'open',
});

describe('the per-customer summary', () => {
  it('is written with the customer and kept on every item write, in every currency', async () => {
    await writer.putCustomers([{ id: 's-1', name: 'Sara Ahmadi', phones: ['+15005551001'] }]);
    expect(await summaryOf('s-1')).toMatchObject({ itemCount: 0, nets: {}, version: 1 });
    await writer.putItems([
      item('s-1', 1, 'invoice', 2_000_000),
      item('s-1', 2, 'receipt', 500_000),
      item('s-1', 3, 'invoice', 2000, 'USD'),
      item('s-1', 4, 'proforma', 9_000_000),
    ]);
    expect((await summaryOf('s-1'))?.nets).toEqual({ IRR: 1_500_000, USD: 2000 });
    await expectAggregateMatchesItems('s-1', '+15005551001');
  });

  it('loses no update when many writers change one customer at the same time', async () => {
    await writer.putCustomers([{ id: 's-2', phones: ['+15005551002'] }]);
    const writers = Array.from({ length: 24 }, (_, n) =>
      new DynamoLedgerWriter(db.doc, db.tables.ledger, '98').putItems([
        item('s-2', n, n % 3 === 0 ? 'receipt' : 'invoice', 1000 + n * 37, CURRENCIES[n % 3] as CurrencyCode),
      ]),
    );
    await Promise.all(writers);
    expect(await itemsOf('s-2')).toHaveLength(24);
    await expectAggregateMatchesItems('s-2', '+15005551002');
  });

  it('is repaired by the retried chunk when a writer died between its item write and the refresh, and nothing is doubled', async () => {
    await writer.putCustomers([{ id: 's-3', phones: ['+15005551003'] }]);
    const chunk = [item('s-3', 1, 'invoice', 700_000), item('s-3', 2, 'payment', 50_000), item('s-3', 3, 'salesReturn', 20_000)];
    // The first attempt stored its items and died before refreshing the summary.
    await db.doc.send(
      new BatchWriteCommand({
        RequestItems: {
          [db.tables.ledger]: chunk.map((i) => ({ PutRequest: { Item: { pk: `CUST#${i.customerId}`, sk: `ITEM#${i.type}#${i.number}`, ...i } } })),
        },
      }),
    );
    expect((await summaryOf('s-3'))?.nets).toEqual({});
    await writer.putItems(chunk);
    await writer.putItems(chunk);
    expect(await itemsOf('s-3')).toHaveLength(3);
    expect((await summaryOf('s-3'))?.nets).toEqual({ IRR: 730_000 });
    await expectAggregateMatchesItems('s-3', '+15005551003');
  });

  it('matches ledgerBalance after any sequence of concurrent writes (property)', async () => {
    let customer = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.array(
            fc.record({
              n: fc.integer({ min: 0, max: 6 }),
              type: fc.constantFrom<ItemRecord['type']>('invoice', 'receipt', 'payment', 'salesReturn', 'onlinePayment', 'proforma'),
              amount: fc.integer({ min: 0, max: 10 ** 12 }),
              currency: fc.constantFrom<CurrencyCode>(...CURRENCIES),
            }),
            { minLength: 1, maxLength: 4 },
          ),
          { minLength: 1, maxLength: 5 },
        ),
        async (batches) => {
          customer += 1;
          const id = `p-${customer}`;
          const phone = `+1500555${String(2000 + customer).padStart(4, '0')}`;
          await writer.putCustomers([{ id, phones: [phone] }]);
          // Concurrent writers; a number written twice is one item (the later write replaces it).
          await Promise.all(
            batches.map((batch) => writer.putItems([...new Map(batch.map((b) => [`${b.type}/${b.n}`, item(id, b.n, b.type, b.amount, b.currency)])).values()])),
          );
          await expectAggregateMatchesItems(id, phone);
        },
      ),
      { numRuns: 12 },
    );
  });

  it('records an online payment once and the next caller hears the lower balance', async () => {
    await writer.putCustomers([{ id: 's-4', phones: ['+15005551004'] }]);
    await writer.putItems([item('s-4', 1, 'invoice', 900_000)]);
    const payment: OnlinePayment = {
      paymentId: 'sandbox:L-s4',
      customerId: 's-4',
      amount: 400_000,
      currency: 'IRR',
      reference: 'ref-1',
      paidAt: '2025-01-01T00:00:00Z',
      items: [],
      invoiceType: 'invoice',
      linkId: 'L-s4',
    };
    const twice = await Promise.all([writer.recordOnlinePayment(payment), writer.recordOnlinePayment(payment)]);
    expect(twice.filter(Boolean)).toHaveLength(1);
    expect(await crm.identifyWithBalance('+15005551004', 'IRR')).toMatchObject({ status: 'found', balance: { status: 'ok', owed: 500_000, credit: 0 } });
    await expectAggregateMatchesItems('s-4', '+15005551004');
  });

  it('answers a failure, never a number, for a currency whose stored amount cannot be read', async () => {
    await writer.putCustomers([{ id: 's-5', phones: ['+15005551005'] }]);
    await writer.putItems([item('s-5', 1, 'invoice', 1000, 'USD'), { ...item('s-5', 2, 'invoice', 0), fields: { FinalValue: 'twelve' } }]);
    expect(await summaryOf('s-5')).toMatchObject({ nets: { USD: 1000 }, unreadable: { IRR: 'unreadable-amount' } });
    await expect(crm.balance({ id: 's-5' }, 'IRR')).rejects.toMatchObject({ reason: 'unreadable-amount' });
    expect(await crm.balance({ id: 's-5' }, 'USD')).toEqual({ status: 'ok', owed: 1000, credit: 0 });
    expect(await crm.identifyWithBalance('+15005551005', 'IRR')).toMatchObject({ status: 'found', balance: { status: 'failed', reason: 'unreadable-amount' } });
    const listed = await directory.listCustomers({ limit: 5, search: 's-5' });
    expect(listed.customers[0]).toMatchObject({ id: 's-5', balances: [], balanceError: 'unreadable-amount' });
  });

  it('moves the phone rows and the name search with the profile', async () => {
    await writer.putCustomers([{ id: 's-6', name: 'Reza Karimi', phones: ['+15005551006'] }]);
    await writer.putCustomers([{ id: 's-6', name: 'Reza Tehrani', phones: ['+15005551016'] }]);
    expect(await crm.identifyByPhone('+15005551006')).toEqual({ status: 'not-found' });
    expect(await crm.identifyByPhone('+15005551016')).toMatchObject({ status: 'found', customer: { id: 's-6', name: 'Reza Tehrani' } });
    expect((await directory.listCustomers({ limit: 10, search: 'karimi' })).customers.map((c) => c.id)).not.toContain('s-6');
    expect((await directory.listCustomers({ limit: 10, search: 'tehr' })).customers.map((c) => c.id)).toEqual(['s-6']);
  });
});

describe('the operator list and search', () => {
  beforeAll(async () => {
    await writer.putCustomers([
      { id: 'f-1', name: 'مریم حسینی', customerNumber: '7001', phones: ['00989123333333'] },
      // Written with the Arabic yeh and kaf: found by the Persian letters too.
      { id: 'f-2', name: 'علي كريمي', customerNumber: '7002', phones: ['02188776655'], mobile: '09122222222' },
      { id: 'f-3', name: 'Mary Hosseini-Jones', customerNumber: '8001', phones: [] },
    ]);
  });

  const ids = async (search: string) => (await directory.listCustomers({ limit: 25, search })).customers.map((c) => c.id);

  it('finds customers by the start of a word of the name, in Persian or English, whatever the letter forms', async () => {
    expect(await ids('حسی')).toEqual(['f-1']);
    expect(await ids('کریمی')).toEqual(['f-2']);
    expect(await ids('علی')).toEqual(['f-2']);
    expect(await ids('hoss')).toEqual(['f-3']);
    expect(await ids('MARY jon')).toEqual(['f-3']);
    expect(await ids('mary smith')).toEqual([]);
  });

  it('finds customers by customer number (whole or its start), by id, and by a whole phone number in any format', async () => {
    expect(await ids('7002')).toEqual(['f-2']);
    expect((await ids('70')).sort()).toEqual(['f-1', 'f-2']);
    expect(await ids('f-3')).toEqual(['f-3']);
    expect(await ids('۰۹۱۲۲۲۲۲۲۲۲')).toEqual(['f-2']);
    expect(await ids('+98 21 8877 6655')).toEqual(['f-2']);
  });

  it('finds one customer among many sharing a name by its distinguishing word, and pages through the common word', async () => {
    await writer.putCustomers(Array.from({ length: 80 }, (_, i) => ({ id: `m-${i}`, name: `Common Family ${i}`, phones: [] })));
    expect(await ids('common family 42')).toEqual(['m-42']);
    const all = new Set<string>();
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = await directory.listCustomers({ limit: 25, search: 'famil', ...(cursor ? { cursor } : {}) });
      for (const c of page.customers) all.add(c.id);
      cursor = page.nextCursor;
      pages += 1;
    } while (cursor && pages < 10);
    expect(all.size).toBe(80);
  });

  it('reads by key only: no Scan, and a page costs at most one query per list partition however many customers there are', async () => {
    sent.length = 0;
    let cursor: string | undefined;
    const seen = new Set<string>();
    do {
      const page = await directory.listCustomers({ limit: 4, ...(cursor ? { cursor } : {}) });
      for (const c of page.customers) seen.add(c.id);
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen.size).toBeGreaterThan(8);
    await ids('mary');
    await ids('7002');
    expect(sent).not.toContain('ScanCommand');
    expect(sent.every((name) => ['QueryCommand', 'BatchGetItemCommand'].includes(name))).toBe(true);
    sent.length = 0;
    await directory.listCustomers({ limit: 25 });
    expect(sent.length).toBeLessThanOrEqual(LIST_SHARDS);
  });
});
