import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { LedgerCrm } from '../../lib/ledger/ledger-crm';
import { DynamoLedgerWriter } from '../../lib/ledger/dynamo-ledger-writer';
import { applyImport, parseImportDocument } from '../../lib/ledger/import/import-document';
import { DynamoModuleStore } from '../../lib/config/dynamo-module-store';
import { startTestDynamo, type TestDynamo } from '../support/local-dynamo';

let db: TestDynamo;
let crm: LedgerCrm;

beforeAll(async () => {
  db = await startTestDynamo();
  const parsed = parseImportDocument(JSON.parse(readFileSync(join(__dirname, '../../infra/seed/demo.json'), 'utf8')));
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));
  await applyImport(parsed.document, { ledger: new DynamoLedgerWriter(db.doc, db.tables.ledger), modules: new DynamoModuleStore(db.doc, db.tables.config) });
  crm = new LedgerCrm(db.doc, db.tables.ledger);
});

afterAll(async () => {
  await db.stop();
});

describe('built-in ledger', () => {
  it.each(['+989121111111', '09121111111', '989121111111', '00989121111111', '۰۹۱۲۱۱۱۱۱۱۱'])(
    'identifies a caller whatever the number format (%s)',
    async (phone) => {
      expect(await crm.identifyByPhone(phone)).toEqual({
        status: 'found',
        customer: { id: 'c-1001', customerNumber: '1001', name: 'سارا احمدی', mobile: '+989121111111' },
      });
    },
  );

  it('matches a landline stored with spaces and a leading zero', async () => {
    const result = await crm.identifyByPhone('+982188776655');
    expect(result.status === 'found' && result.customer.id).toBe('c-1002');
  });

  it('answers not-found for unknown and non-phone callers', async () => {
    expect(await crm.identifyByPhone('+15009999999')).toEqual({ status: 'not-found' });
    expect(await crm.identifyByPhone('anonymous')).toEqual({ status: 'not-found' });
  });

  it('identifies by customer number', async () => {
    const result = await crm.identifyByCustomerNumber('2001');
    expect(result.status === 'found' && result.customer.id).toBe('c-2001');
  });

  it('computes owed = invoices + payments − receipts − sales returns − online payments, proformas not posted', async () => {
    expect(await crm.balance({ id: 'c-1001' }, 'IRR')).toEqual({ status: 'ok', owed: 1_250_000, credit: 0 });
    expect(await crm.balance({ id: 'c-1004' }, 'IRR')).toEqual({ status: 'ok', owed: 35_000_000, credit: 0 });
    expect(await crm.balance({ id: 'c-1002' }, 'IRR')).toEqual({ status: 'ok', owed: 0, credit: 0 });
    expect(await crm.balance({ id: 'c-1003' }, 'IRR')).toEqual({ status: 'ok', owed: 0, credit: 700_000 });
    expect(await crm.balance({ id: 'c-2002' }, 'IRR')).toEqual({ status: 'ok', owed: 0, credit: 0 });
  });

  it('counts each currency’s items on their own: a USD customer owes cents, and nothing in rials', async () => {
    expect(await crm.balance({ id: 'c-5001' }, 'USD')).toEqual({ status: 'ok', owed: 1250, credit: 0 });
    expect(await crm.balance({ id: 'c-5001' }, 'IRR')).toEqual({ status: 'ok', owed: 0, credit: 0 });
    expect(await crm.balance({ id: 'c-1001' }, 'USD')).toEqual({ status: 'ok', owed: 0, credit: 0 });
    const query = { type: 'invoice' as const, number: '5001', searchField: 'Serial', valueField: 'FinalValue', currency: 'USD' as const };
    expect(await crm.findItem({ id: 'c-5001' }, query)).toMatchObject({ status: 'found', item: { amount: 2000 } });
    // The same invoice is not an IRR module's to pay.
    expect(await crm.findItem({ id: 'c-5001' }, { ...query, currency: 'IRR' })).toEqual({ status: 'not-found' });
  });

  it('finds an item only among the customer’s own items, by the search field, with its value field', async () => {
    const query = { type: 'invoice' as const, number: 'INV-1001', searchField: 'Number', valueField: 'FinalValue', currency: 'IRR' as const };
    expect(await crm.findItem({ id: 'c-1001' }, query)).toEqual({
      status: 'found',
      item: { type: 'invoice', number: 'INV-1001', amount: 2_000_000, paid: false, moneyAccount: 'acc-mellat' },
    });
    expect(await crm.findItem({ id: 'c-2001' }, query)).toEqual({ status: 'not-found' });
    expect(await crm.findItem({ id: 'c-1001' }, { ...query, type: 'receipt' })).toEqual({ status: 'not-found' });
  });

  it('lists money accounts and item types for the panel pickers', async () => {
    expect(await crm.moneyAccounts()).toEqual([
      { key: 'acc-cad', name: 'RBC — Canadian dollar account', currency: 'CAD' },
      { key: 'acc-cash', name: 'Cash desk', currency: 'IRR' },
      { key: 'acc-mellat', name: 'Bank Mellat — main account', currency: 'IRR' },
      { key: 'acc-usd', name: 'Chase — US dollar account', currency: 'USD' },
    ]);
    expect((await crm.itemTypes()).map((t) => t.key)).toEqual(['invoice', 'proforma', 'receipt', 'payment', 'salesReturn', 'onlinePayment']);
  });

  it('importing the same document twice changes nothing', async () => {
    const scan = async () => (await db.client.send(new (await import('@aws-sdk/client-dynamodb')).ScanCommand({ TableName: db.tables.ledger }))).Items;
    const before = await scan();
    const parsed = parseImportDocument(JSON.parse(readFileSync(join(__dirname, '../../infra/seed/demo.json'), 'utf8')));
    if (!parsed.ok) throw new Error('fixture');
    await applyImport(parsed.document, { ledger: new DynamoLedgerWriter(db.doc, db.tables.ledger), modules: new DynamoModuleStore(db.doc, db.tables.config) });
    const after = await scan();
    expect(after).toHaveLength(before?.length ?? -1);
    expect(new Set(after?.map((i) => JSON.stringify(i)))).toEqual(new Set(before?.map((i) => JSON.stringify(i))));
  });
});
