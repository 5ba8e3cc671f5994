/** The admin API's ledger (customers, imports with their report) and call log (filters, paging, chart). */
import type { CallLogEntry, CallOutcome } from '../../lib/domain/call-log-entry';
import { DynamoCallLog } from '../../lib/call-log/dynamo-call-log';
import { startTestAdmin, type TestAdmin } from '../support/admin-api';

let admin: TestAdmin;

beforeAll(async () => {
  admin = await startTestAdmin({ clock: () => new Date('2025-03-10T12:00:00Z') });
});

afterAll(async () => {
  await admin?.stop();
});

describe('customers', () => {
  it('lists customers with what each owes, and finds them by name or number', async () => {
    const page = await admin.call('GET', '/ledger/customers', { query: { limit: '100' } });
    expect(page.status).toBe(200);
    const byId = Object.fromEntries(page.json.customers.map((c: { id: string }) => [c.id, c]));
    expect(Object.keys(byId).sort()).toEqual(['c-1001', 'c-1002', 'c-1003', 'c-1004', 'c-2001', 'c-2002', 'c-2003', 'c-5001', 'c-5002', 'c-5003']);
    // 2,000,000 + 750,000 − 1,500,000 (the proforma is not posted)
    expect(byId['c-1001']).toMatchObject({ name: 'سارا احمدی', owed: 1_250_000, credit: 0, currency: 'IRR', itemCount: 4, phones: ['+989121111111'] });
    expect(byId['c-1001'].balances).toEqual([{ currency: 'IRR', owed: 1_250_000, credit: 0 }]);
    expect(byId['c-1003']).toMatchObject({ owed: 0, credit: 700_000 });
    // $20.00 invoice − $7.50 receipt, in cents, on the USD money account.
    expect(byId['c-5001']).toMatchObject({ owed: 1250, credit: 0, currency: 'USD', balances: [{ currency: 'USD', owed: 1250, credit: 0 }] });
    const found = await admin.call('GET', '/ledger/customers', { query: { q: 'کریمی' } });
    expect(found.json.customers.map((c: { id: string }) => c.id)).toEqual(['c-1002']);
  });

  it('pages through customers with a cursor, each customer once', async () => {
    const seen: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = await admin.call('GET', '/ledger/customers', { query: { limit: '3', ...(cursor ? { cursor } : {}) } });
      expect(page.json.customers.length).toBeLessThanOrEqual(3);
      seen.push(...page.json.customers.map((c: { id: string }) => c.id));
      cursor = page.json.nextCursor;
      pages += 1;
    } while (cursor && pages < 10);
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen.length).toBeGreaterThanOrEqual(7);
    expect(pages).toBeGreaterThanOrEqual(3);
  });

  it('shows one customer with every item', async () => {
    const reply = await admin.call('GET', '/ledger/customers/c-1004');
    expect(reply.json.customer).toMatchObject({ id: 'c-1004', owed: 35_000_000, itemCount: 3 });
    expect(reply.json.customer.items.map((i: { number: string }) => i.number).sort()).toEqual(['INV-1005', 'PY-1005', 'SR-1005']);
    expect((await admin.call('GET', '/ledger/customers/nobody')).status).toBe(404);
  });

  it('rejects a cursor it did not make with 400', async () => {
    const reply = await admin.call('GET', '/ledger/customers', { query: { cursor: 'not-a-cursor' } });
    expect(reply.status).toBe(400);
    expect(reply.json.error).toBe('invalid_cursor');
  });
});

describe('forged customer cursors', () => {
  it('answers a well-formed cursor it did not make with 400, never 500', async () => {
    const forged = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
    for (const cursor of [forged({ pk: 'CUST#x' }), forged({ k: { nope: 5 } }), forged({ pk: 'CUST#x', sk: 7 })]) {
      const reply = await admin.call('GET', '/ledger/customers', { query: { cursor } });
      expect(reply.status).toBe(400);
    }
  });
});

describe('CSV import', () => {
  const customersCsv = [
    'id,customerNumber,name,phones,mobile',
    'c-3001,3001,"Tehran Trading, Ltd.",+982144444444;02155555555,09123000001',
    'c-3002,3002,نگار صالحی,,09123000002',
    '',
  ].join('\r\n');

  it('reports every bad row with its line and field, and imports nothing', async () => {
    const csv = [
      'id,customerNumber,name,phones,mobile',
      'c-3101,3101,Good Row,,',
      ',3102,Missing Id,,',
      'c-3103,3103,"Too,many",x,y,z',
      'c-3104,3104,Short phone,1,',
    ].join('\n');
    const reply = await admin.call('POST', '/ledger/import/customers.csv', { raw: { data: csv, type: 'text/csv' }, query: { lang: 'fa' } });
    expect(reply.status).toBe(422);
    expect(reply.json.error).toBe('invalid_import');
    expect(reply.json.problems).toEqual([
      expect.objectContaining({ line: 4, field: '(row)', code: 'csv_column_count', message: 'تعداد ستون‌های این خط با خط اول یکی نیست.' }),
    ]);
    // Column counts right, values wrong: the schema's report, by CSV line.
    const csv2 = ['id,customerNumber,name,phones,mobile', 'c-3101,3101,Good Row,,', ',3102,Missing Id,,', 'c-3104,3104,Short phone,1,'].join('\n');
    const reply2 = await admin.call('POST', '/ledger/import/customers.csv', { raw: { data: csv2, type: 'text/csv' } });
    expect(reply2.status).toBe(422);
    expect(reply2.json.problems).toEqual([
      expect.objectContaining({ section: 'customers', line: 3, field: 'id', code: 'required' }),
      expect.objectContaining({ section: 'customers', line: 4, field: 'phones.0' }),
    ]);
    expect((await admin.call('GET', '/ledger/customers/c-3101')).status).toBe(404);
  });

  it('checks without writing (dryRun), then imports customers and their items', async () => {
    const checked = await admin.call('POST', '/ledger/import/customers.csv', { raw: { data: customersCsv, type: 'text/csv' }, query: { dryRun: '1' } });
    expect(checked.json).toEqual({ imported: false, counts: { moneyAccounts: 0, customers: 2, items: 0, destinations: 0, modules: 0 } });
    expect((await admin.call('GET', '/ledger/customers/c-3001')).status).toBe(404);

    const imported = await admin.call('POST', '/ledger/import/customers.csv', { raw: { data: customersCsv, type: 'text/csv' } });
    expect(imported.json).toMatchObject({ imported: true, counts: { customers: 2 } });
    expect((await admin.call('GET', '/ledger/customers/c-3001')).json.customer).toMatchObject({
      name: 'Tehran Trading, Ltd.',
      phones: ['+982144444444', '02155555555'],
      mobile: '09123000001',
    });

    const itemsCsv = [
      'customerId,type,number,FinalValue,moneyAccount,status',
      'c-3001,invoice,INV-3001,"4,500,000",acc-mellat,open',
      'c-3001,receipt,RC-3001,۵۰۰۰۰۰,acc-cash,paid',
    ].join('\n');
    const items = await admin.call('POST', '/ledger/import/items.csv', { raw: { data: itemsCsv, type: 'text/csv' } });
    expect(items.json).toMatchObject({ imported: true, counts: { items: 2 } });
    // 4,500,000 − 500,000 (Persian digits in the CSV)
    expect((await admin.call('GET', '/ledger/customers/c-3001')).json.customer).toMatchObject({ owed: 4_000_000, itemCount: 2 });
  });

  it('refuses items of customers that do not exist', async () => {
    const csv = ['customerId,type,number,FinalValue', 'c-9999,invoice,INV-9,100', 'c-1001,bogus,X-1,100'].join('\n');
    const reply = await admin.call('POST', '/ledger/import/items.csv', { raw: { data: csv, type: 'text/csv' } });
    expect(reply.status).toBe(422);
    expect(reply.json.problems).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ line: 2, field: 'customerId', code: 'unknown_customer' }),
        expect.objectContaining({ line: 3, field: 'type' }),
      ]),
    );
  });

  it('names missing header columns', async () => {
    const reply = await admin.call('POST', '/ledger/import/items.csv', { raw: { data: 'customerId,number\nc-1001,1', type: 'text/csv' } });
    expect(reply.json.problems).toEqual([
      expect.objectContaining({ line: 1, field: 'type', code: 'csv_missing_column', message: 'This column is required in the first line.' }),
    ]);
  });
});

describe('JSON import', () => {
  it('imports a document all or nothing', async () => {
    const bad = await admin.call('POST', '/ledger/import', {
      body: {
        customers: [{ id: 'c-4001', phones: [] }],
        items: [{ customerId: 'c-4001', type: 'invoice', number: 'I-1', fields: { FinalValue: 10 } }],
        modules: [{ code: 'm-4001' }],
      },
    });
    expect(bad.status).toBe(422);
    expect(bad.json.problems).toEqual(expect.arrayContaining([expect.objectContaining({ section: 'modules', row: 0, field: 'name', code: 'required' })]));
    expect((await admin.call('GET', '/ledger/customers/c-4001')).status).toBe(404);

    const good = await admin.call('POST', '/ledger/import', {
      body: { customers: [{ id: 'c-4001', phones: [] }], items: [{ customerId: 'c-4001', type: 'invoice', number: 'I-1', fields: { FinalValue: 10 } }] },
    });
    expect(good.json).toMatchObject({ imported: true, counts: { customers: 1, items: 1 } });
    expect((await admin.call('GET', '/ledger/customers/c-4001')).json.customer.owed).toBe(10);
  });
});

describe('call log', () => {
  const entries: CallLogEntry[] = [];
  const call = (n: number, moduleCode: string, outcome: CallOutcome, startedAt: string): CallLogEntry => ({
    callSid: `CA${String(n).padStart(32, '0')}`,
    moduleCode,
    from: '+15005550001',
    to: '+15550001000',
    outcome,
    lastStep: 'entry',
    callStatus: 'completed',
    startedAt,
    endedAt: startedAt,
  });

  beforeAll(async () => {
    const log = new DynamoCallLog(admin.dynamo.doc, admin.dynamo.tables.callLog);
    let n = 0;
    for (const [day, calls] of Object.entries({
      '2025-03-10': [
        ['balance-en', 'next'],
        ['balance-en', 'no-debt'],
        ['balance-fa', 'error'],
      ],
      '2025-03-09': [['balance-fa', 'next']],
      '2025-03-07': [
        ['balance-en', 'abandoned'],
        ['balance-en', 'next'],
      ],
      '2025-02-01': [['balance-en', 'next']],
    } as Record<string, [string, CallOutcome][]>)) {
      for (const [moduleCode, outcome] of calls) {
        n += 1;
        const entry = call(n, moduleCode, outcome, `${day}T0${n % 10}:00:00.000Z`);
        entries.push(entry);
        await log.record(entry);
      }
    }
  });

  it('lists the last 30 days newest first by default', async () => {
    const reply = await admin.call('GET', '/calls');
    expect(reply.json.entries.map((e: CallLogEntry) => e.startedAt)).toEqual([
      '2025-03-10T03:00:00.000Z',
      '2025-03-10T02:00:00.000Z',
      '2025-03-10T01:00:00.000Z',
      '2025-03-09T04:00:00.000Z',
      '2025-03-07T06:00:00.000Z',
      '2025-03-07T05:00:00.000Z',
    ]);
    expect(reply.json.nextCursor).toBeUndefined();
    expect(reply.json.entries[0]).not.toHaveProperty('day');
  });

  it('filters by module, outcome and date range', async () => {
    const en = await admin.call('GET', '/calls', { query: { module: 'balance-en', from: '2025-01-01' } });
    expect(en.json.entries.map((e: CallLogEntry) => e.outcome)).toEqual(['no-debt', 'next', 'next', 'abandoned', 'next']);
    const nextOnly = await admin.call('GET', '/calls', { query: { outcome: 'next', from: '2025-03-08', to: '2025-03-10' } });
    expect(nextOnly.json.entries.map((e: CallLogEntry) => [e.moduleCode, e.startedAt.slice(0, 10)])).toEqual([
      ['balance-en', '2025-03-10'],
      ['balance-fa', '2025-03-09'],
    ]);
    const enNext = await admin.call('GET', '/calls', { query: { module: 'balance-en', outcome: 'next', from: '2025-03-01' } });
    expect(enNext.json.entries).toHaveLength(2);
  });

  it('pages with a cursor across days and across the module index', async () => {
    for (const query of [{ from: '2025-01-01' }, { from: '2025-01-01', module: 'balance-en' }] as Record<string, string>[]) {
      const sids: string[] = [];
      let cursor: string | undefined;
      let pages = 0;
      do {
        const page = await admin.call('GET', '/calls', { query: { ...query, limit: '2', ...(cursor ? { cursor } : {}) } });
        expect(page.json.entries.length).toBeLessThanOrEqual(2);
        sids.push(...page.json.entries.map((e: CallLogEntry) => e.callSid));
        cursor = page.json.nextCursor;
        pages += 1;
      } while (cursor && pages < 20);
      const expected = entries.filter((e) => !query.module || e.moduleCode === query.module).sort((a, b) => b.startedAt.localeCompare(a.startedAt));
      expect(sids).toEqual(expected.map((e) => e.callSid));
    }
  });

  it('answers a well-formed cursor it did not make with 400, never 500', async () => {
    const forged = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
    for (const cursor of [
      forged({ k: { callSid: 'CA1' } }),
      forged({ k: { nope: 5 } }),
      forged({ d: 'yesterday' }),
      forged({ d: '2025-03-10', k: { day: '2025-03-10' } }),
    ]) {
      for (const module of [undefined, 'balance-en']) {
        const reply = await admin.call('GET', '/calls', { query: { from: '2025-01-01', cursor, ...(module ? { module } : {}) } });
        expect(reply.status).toBe(400);
      }
    }
  });

  it('counts outcomes per day for the chart', async () => {
    const reply = await admin.call('GET', '/calls/outcomes-per-day', { query: { from: '2025-03-07', to: '2025-03-10' } });
    expect(reply.json).toEqual({
      fromDay: '2025-03-07',
      toDay: '2025-03-10',
      days: { '2025-03-10': { next: 1, 'no-debt': 1, error: 1 }, '2025-03-09': { next: 1 }, '2025-03-07': { abandoned: 1, next: 1 } },
    });
    const en = await admin.call('GET', '/calls/outcomes-per-day', { query: { module: 'balance-fa', from: '2025-03-07', to: '2025-03-10' } });
    expect(en.json.days).toEqual({ '2025-03-10': { error: 1 }, '2025-03-09': { next: 1 } });
  });

  it('rejects bad filters with the field named', async () => {
    expect((await admin.call('GET', '/calls', { query: { outcome: 'maybe' } })).json.errors).toEqual([expect.objectContaining({ field: 'outcome' })]);
    expect((await admin.call('GET', '/calls', { query: { from: '2025-13-45' } })).status).toBe(400);
    expect((await admin.call('GET', '/calls', { query: { from: '2020-01-01', to: '2025-01-01' } })).status).toBe(400);
    expect((await admin.call('GET', '/calls', { query: { from: '2025-03-10', to: '2025-03-01' } })).status).toBe(400);
  });
});

describe('SMS outbox', () => {
  it('says no outbox is configured rather than failing', async () => {
    expect((await admin.call('GET', '/outbox')).json).toEqual({ available: false, messages: [] });
  });

  it('lists the messages of a configured outbox', async () => {
    const withOutbox = await startTestAdmin(
      {
        outbox: {
          list: async ({ limit }) => ({ messages: [{ id: 'm1', to: '+989121111111', body: 'Pay here', createdAt: '2025-03-10T00:00:00Z' }].slice(0, limit) }),
        },
      },
      { seed: false },
    );
    try {
      expect((await withOutbox.call('GET', '/outbox')).json).toEqual({
        available: true,
        messages: [{ id: 'm1', to: '+989121111111', body: 'Pay here', createdAt: '2025-03-10T00:00:00Z' }],
      });
    } finally {
      await withOutbox.stop();
    }
  });
});
