/**
 * Bulk import jobs through the admin API (the real routes and middleware over dynalite) and the
 * real worker behind an in-process queue: a file in parts, validated whole (a bad row: nothing
 * written, every problem with its CSV line), written in chunks with progress, and nothing
 * doubled when a chunk is retried after a crash, when a stalled job is resumed, or when a
 * message is delivered twice. Cancelled jobs stop; passwords are hashed, never stored.
 */
import fc from 'fast-check';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { QueryCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { DynamoAuditTrail } from '../../lib/audit/dynamo-audit-trail';
import { verifyPhonePassword } from '../../lib/auth/password-hash';
import type { ImportJobsDeps } from '../../lib/ledger/import/import-job-control';
import type { ImportMessage, ImportQueue } from '../../lib/ledger/import/import-jobs';
import { DynamoImportJobStore } from '../../lib/ledger/import/dynamo-import-job-store';
import { InProcessImportQueue } from '../../lib/ledger/import/in-process-import-queue';
import { ImportWorker } from '../../lib/ledger/import/import-worker';
import { LocalFolderImportFiles } from '../../lib/ledger/import/stored-import-files';
import type { LedgerAdmin } from '../../lib/ledger/ledger-admin';
import { DynamoLedgerDirectory } from '../../lib/ledger/dynamo-ledger-directory';
import { DynamoLedgerWriter } from '../../lib/ledger/dynamo-ledger-writer';
import { ledgerBalance } from '../../lib/ledger/ledger-balance';
import type { ItemRecord } from '../../lib/ledger/ledger-records';
import { startTestAdmin, type TestAdmin } from '../support/admin-api';

const silent = { info() {}, warn() {}, error() {}, debug() {}, appendKeys() {}, resetKeys() {} };

interface Harness {
  admin: TestAdmin;
  queue: InProcessImportQueue;
  dir: string;
  /** Messages the queue handed over, in order. */
  delivered: ImportMessage[];
}

/**
 * An admin API with bulk imports whose worker runs in this process. `ledger` wraps the real
 * writer (to make it fail); `drop` decides which messages the queue loses (a dead worker).
 */
async function harness(
  options: {
    ledger?: (real: LedgerAdmin) => LedgerAdmin;
    drop?: (m: ImportMessage) => boolean;
    batchRows?: number;
    chunkSeconds?: number;
    clock?: () => Date;
    workerClock?: () => number;
  } = {},
): Promise<Harness> {
  const dir = mkdtempSync(join(tmpdir(), 'import-jobs-'));
  const delivered: ImportMessage[] = [];
  let queue!: InProcessImportQueue;
  const admin = await startTestAdmin((dynamo) => {
    const jobs = new DynamoImportJobStore(dynamo.doc, dynamo.tables.ledger);
    const files = new LocalFolderImportFiles(dir);
    const audit = new DynamoAuditTrail(dynamo.doc, dynamo.tables.audit, 30);
    const real = new DynamoLedgerWriter(dynamo.doc, dynamo.tables.ledger, '98', { passwordConcurrency: 2 });
    const sending: ImportQueue = { send: async (m) => (options.drop?.(m) ? undefined : queue.send(m)) };
    const worker = new ImportWorker({
      jobs,
      files,
      queue: sending,
      ledger: options.ledger ? options.ledger(real) : real,
      directory: new DynamoLedgerDirectory(dynamo.doc, dynamo.tables.ledger),
      audit,
      logger: silent,
      batchRows: options.batchRows ?? 200,
      chunkSeconds: options.chunkSeconds ?? 20,
      ...(options.workerClock ? { clock: options.workerClock } : {}),
    });
    queue = new InProcessImportQueue(
      async (m) => {
        delivered.push(m);
        await worker.handle(m);
      },
      { retryDelayMs: 10 },
    );
    const imports: ImportJobsDeps = { jobs, files, queue: sending, audit, ...(options.clock ? { clock: options.clock } : {}) };
    return { imports };
  });
  return { admin, queue, dir, delivered };
}

async function stop(h: Harness): Promise<void> {
  await h.queue.idle();
  await h.admin.stop();
  rmSync(h.dir, { recursive: true, force: true });
}

/** Creates a job, uploads `parts` as its parts, starts it and waits for the worker. */
async function runJob(h: Harness, kind: 'customers' | 'items' | 'json', parts: string[], options: { dryRun?: boolean; wait?: boolean } = {}) {
  const created = await h.admin.call('POST', '/ledger/imports', {
    body: { kind, parts: parts.length, fileName: `file.${kind === 'json' ? 'json' : 'csv'}`, ...(options.dryRun ? { dryRun: true } : {}) },
  });
  expect(created.status).toBe(201);
  const id = created.json.job.id as string;
  for (const [n, text] of parts.entries()) {
    const up = await h.admin.call('PUT', `/ledger/imports/${id}/parts/${n}`, { raw: { data: text, type: 'text/csv' } });
    expect(up.status).toBe(200);
  }
  const started = await h.admin.call('POST', `/ledger/imports/${id}/start`);
  expect(started.status).toBe(200);
  if (options.wait !== false) await h.queue.idle();
  return id;
}

const job = async (h: Harness, id: string) => (await h.admin.call('GET', `/ledger/imports/${id}`)).json.job;

/** Every ledger row except the import jobs' own. */
async function ledgerRows(h: Harness): Promise<Record<string, unknown>[]> {
  const { Items } = await h.admin.dynamo.doc.send(new ScanCommand({ TableName: h.admin.dynamo.tables.ledger }));
  return (Items ?? []).filter((row) => row.pk !== 'IMPORT').sort((a, b) => `${a.pk}|${a.sk}`.localeCompare(`${b.pk}|${b.sk}`));
}

async function itemsOf(h: Harness, id: string): Promise<ItemRecord[]> {
  const { Items } = await h.admin.dynamo.doc.send(
    new QueryCommand({
      TableName: h.admin.dynamo.tables.ledger,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :i)',
      ExpressionAttributeValues: { ':pk': `CUST#${id}`, ':i': 'ITEM#' },
    }),
  );
  return (Items ?? []) as ItemRecord[];
}

/** A customers CSV with `n` customers (ids b-0 …) and an items CSV with `perCustomer` invoices each. */
function files(n: number, perCustomer: number) {
  const customers = [
    'id,customerNumber,name,phones,mobile',
    ...Array.from({ length: n }, (_, i) => `b-${i},${90000 + i},Bulk Customer ${i},+1500777${String(i).padStart(4, '0')},`),
  ];
  const items = ['customerId,type,number,FinalValue,moneyAccount,status'];
  for (let i = 0; i < n; i += 1) for (let k = 0; k < perCustomer; k += 1) items.push(`b-${i},invoice,B${i}-${k},"${(k + 1) * 1000}",acc-cash,open`);
  return { customers: `${customers.join('\n')}\n`, items: `${items.join('\n')}\n` };
}

/** A file's lines split into `parts` parts at line ends. */
function split(text: string, parts: number): string[] {
  const lines = text.split(/(?<=\n)/);
  const size = Math.ceil(lines.length / parts);
  return Array.from({ length: parts }, (_, p) => lines.slice(p * size, (p + 1) * size).join('')).filter((part) => part.length > 0);
}

describe('a bulk import job', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await harness({ batchRows: 50 });
  });
  afterAll(async () => {
    await stop(h);
  });

  it('imports customers and items uploaded in parts, with progress, and the balances follow', async () => {
    const { customers, items } = files(60, 4);
    const c = await runJob(h, 'customers', split(customers, 2));
    expect(await job(h, c)).toMatchObject({ state: 'done', rows: 60, validated: 60, written: 60, counts: { customers: 60, items: 0 } });
    const i = await runJob(h, 'items', split(items, 3));
    const done = await job(h, i);
    expect(done).toMatchObject({ state: 'done', rows: 240, validated: 240, written: 240, stalled: false });
    expect(done.elapsedMs).toBeGreaterThanOrEqual(0);
    expect(await itemsOf(h, 'b-7')).toHaveLength(4);
    const listed = await h.admin.call('GET', '/ledger/customers', { query: { q: 'b-7' } });
    expect(listed.json.customers[0]).toMatchObject({ id: 'b-7', owed: 10_000, itemCount: 4 });
    // The uploaded parts are gone once the job is done.
    expect(readdirSync(join(h.dir, 'imports'))).toEqual([]);
    const activity = await h.admin.call('GET', '/audit', { query: { area: 'import' } });
    expect(activity.json.entries.map((e: { after: { job?: string } }) => e.after.job)).toEqual(expect.arrayContaining([c, i]));
  });

  it('writes nothing when any row is bad, and lists every problem with its line in the file', async () => {
    const before = await ledgerRows(h);
    const { items } = files(60, 2);
    const lines = items.trimEnd().split('\n');
    lines[5] = 'b-2,invoice,X-1,"12.5",acc-cash,open'; // IRR has no decimals
    lines[90] = 'nobody,invoice,X-2,1000,acc-cash,open'; // no such customer
    lines.push('b-1,invoice,B1-0,1000,acc-cash,open'); // the same item twice, across parts
    const id = await runJob(h, 'items', split(`${lines.join('\n')}\n`, 3));
    const rejected = await job(h, id);
    expect(rejected.state).toBe('rejected');
    expect(rejected.problems.map((p: { line: number; field: string; code: string }) => [p.line, p.field, p.code])).toEqual([
      [6, 'fields.FinalValue', 'amount_decimals'],
      [91, 'customerId', 'unknown_customer'],
      [lines.length, 'number', 'duplicate_code'],
    ]);
    expect(rejected.written).toBe(0);
    expect(await ledgerRows(h)).toEqual(before);
    // An import that wrote nothing leaves no Activity entry.
    const activity = await h.admin.call('GET', '/audit', { query: { area: 'import' } });
    expect(activity.json.entries.map((e: { after: { job?: string } }) => e.after.job)).not.toContain(id);
  });

  it('answers in the operator’s language', async () => {
    const created = await h.admin.call('POST', '/ledger/imports', { body: { kind: 'items', parts: 1 }, headers: { 'accept-language': 'fa' } });
    const id = created.json.job.id;
    await h.admin.call('PUT', `/ledger/imports/${id}/parts/0`, {
      raw: { data: 'customerId,type,number,FinalValue\nb-1,invoice,Z-1,۱۲ ریال\n', type: 'text/csv' },
    });
    await h.admin.call('POST', `/ledger/imports/${id}/start`);
    await h.queue.idle();
    const rejected = await job(h, id);
    expect(rejected.problems[0]).toMatchObject({ line: 2, code: 'amount_format' });
    expect(rejected.problems[0].message).toMatch(/[\u0600-\u06FF]/);
  });

  it('checks a file without writing it (dry run)', async () => {
    const before = await ledgerRows(h);
    const id = await runJob(h, 'customers', ['id,name\nd-1,Dry Run\n'], { dryRun: true });
    expect(await job(h, id)).toMatchObject({ state: 'checked', counts: { customers: 1 }, written: 0 });
    expect(await ledgerRows(h)).toEqual(before);
  });

  it('hashes telephone passwords in the worker and stores only the hashes', async () => {
    const csv = ['id,name,phonePassword', ...Array.from({ length: 6 }, (_, i) => `pw-${i},Password ${i},${2460 + i}`)].join('\n');
    const id = await runJob(h, 'customers', [csv]);
    expect(await job(h, id)).toMatchObject({ state: 'done', written: 6 });
    const { Items } = await h.admin.dynamo.doc.send(
      new QueryCommand({ TableName: h.admin.dynamo.tables.ledger, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': 'CUST#pw-3' } }),
    );
    const hash = Items?.find((row) => row.sk === '#PHONE-PASSWORD')?.hash as string;
    expect(hash).toMatch(/^scrypt\$/);
    expect(await verifyPhonePassword('2463', hash)).toBe(true);
    expect(JSON.stringify(Items)).not.toContain('2463');
  });

  it('refuses what does not fit: unknown jobs, parts out of range or too large, uploads after the start', async () => {
    expect((await h.admin.call('GET', '/ledger/imports/nosuchjob000')).status).toBe(404);
    expect((await h.admin.call('POST', '/ledger/imports', { body: { kind: 'pdf', parts: 0 } })).json.errors.map((e: { field: string }) => e.field)).toEqual([
      'kind',
      'parts',
    ]);
    const id = (await h.admin.call('POST', '/ledger/imports', { body: { kind: 'items', parts: 1 } })).json.job.id;
    expect((await h.admin.call('PUT', `/ledger/imports/${id}/parts/1`, { raw: { data: 'x', type: 'text/csv' } })).status).toBe(400);
    expect(
      (await h.admin.call('PUT', `/ledger/imports/${id}/parts/0`, { raw: { data: Buffer.alloc(4 * 1024 * 1024 + 1, 0x61), type: 'text/csv' } })).status,
    ).toBe(413);
    await h.admin.call('PUT', `/ledger/imports/${id}/parts/0`, { raw: { data: 'customerId,type,number\n', type: 'text/csv' } });
    await h.admin.call('POST', `/ledger/imports/${id}/start`);
    expect((await h.admin.call('PUT', `/ledger/imports/${id}/parts/0`, { raw: { data: 'x', type: 'text/csv' } })).status).toBe(409);
  });
});

describe('bulk import requests that do not fit (property)', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await harness();
  });
  afterAll(async () => {
    await stop(h);
  });

  it('answers any job body, part number or job id with a 4xx and a message, never a 5xx', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.record(
          {
            kind: fc.oneof(fc.constantFrom('customers', 'items', 'json'), fc.string(), fc.integer()),
            parts: fc.oneof(fc.integer({ min: -3, max: 60 }), fc.string(), fc.double()),
            fileName: fc.oneof(fc.string(), fc.integer(), fc.constant(undefined)),
            dryRun: fc.oneof(fc.boolean(), fc.string(), fc.constant(undefined)),
          },
          { requiredKeys: [] },
        ),
        fc.oneof(fc.string({ maxLength: 30 }), fc.constantFrom('0', '1', '999', '-1', '1.5', '00')),
        fc.string({ maxLength: 40 }),
        async (body, part, id) => {
          const created = await h.admin.call('POST', '/ledger/imports', { body });
          expect([201, 422]).toContain(created.status);
          if (created.status === 422) expect(created.json.errors.length).toBeGreaterThan(0);
          const target = created.status === 201 ? created.json.job.id : id;
          const up = await h.admin.call('PUT', `/ledger/imports/${encodeURIComponent(target)}/parts/${encodeURIComponent(part)}`, {
            raw: { data: 'id\n', type: 'text/csv' },
          });
          expect(up.status === 200 || (up.status >= 400 && up.status < 500)).toBe(true);
          if (up.status !== 200) expect(typeof up.json.message).toBe('string');
          const seen = await h.admin.call('GET', `/ledger/imports/${encodeURIComponent(id)}`);
          expect(seen.status === 200 || seen.status === 404).toBe(true);
        },
      ),
      { numRuns: 40 },
    );
  });
});

describe('a bulk import job that is interrupted', () => {
  it('retries a chunk whose write crashed half-way and duplicates nothing', async () => {
    let crashes = 0;
    let batches = 0;
    const h = await harness({
      batchRows: 40,
      // The second batch of items is stored, then the worker "crashes" before recording progress.
      ledger: (real) => ({
        ...real,
        putMoneyAccounts: (a) => real.putMoneyAccounts(a),
        putCustomers: (c) => real.putCustomers(c),
        recordOnlinePayment: (...a) => real.recordOnlinePayment(...a),
        setPhonePassword: (...a) => real.setPhonePassword(...a),
        clearPhonePassword: (...a) => real.clearPhonePassword(...a),
        putItems: async (items) => {
          await real.putItems(items);
          batches += 1;
          if (batches === 2) {
            crashes += 1;
            throw new Error('worker lost its connection after writing');
          }
        },
      }),
    });
    try {
      const { customers, items } = files(30, 4);
      await runJob(h, 'customers', [customers]);
      const id = await runJob(h, 'items', [items]);
      expect(crashes).toBe(1);
      expect(await job(h, id)).toMatchObject({ state: 'done', written: 120, failures: 0 });
      const writes = h.delivered.filter((m) => m.jobId === id && m.phase === 'write');
      // The chunk at the crash was delivered again from the same offset.
      expect(writes.length).toBeGreaterThan(new Set(writes.map((m) => (m.phase === 'write' ? m.offset : -1))).size);
      for (const customer of ['b-0', 'b-10', 'b-29']) {
        const stored = await itemsOf(h, customer);
        expect(stored).toHaveLength(4);
        const listed = await h.admin.call('GET', '/ledger/customers', { query: { q: customer } });
        expect(listed.json.customers[0].owed).toBe(ledgerBalance(stored, 'IRR', 'IRR').owed);
      }
    } finally {
      await stop(h);
    }
  });

  it('is resumed from where it got to when its worker stopped answering', async () => {
    let dropped = 0;
    let at = Date.now();
    // The worker's clock moves 400 ms each time it is read: a one-second chunk is two batches, whatever the machine's speed.
    let workerAt = Date.now();
    const h = await harness({
      batchRows: 25,
      chunkSeconds: 1,
      clock: () => new Date(at),
      workerClock: () => (workerAt += 400),
      // The worker's message for the rows from 50 on is lost (the worker died).
      drop: (m) => m.phase === 'write' && m.offset >= 50 && dropped++ === 0,
    });
    try {
      const { customers } = files(120, 0);
      const id = await runJob(h, 'customers', [customers]);
      const stalled = await job(h, id);
      expect(stalled.state).toBe('writing');
      expect(stalled.written).toBeGreaterThanOrEqual(50);
      expect(stalled.written).toBeLessThan(120);
      // Later, the panel looks again: the job is handed to the queue from its last progress.
      at += 10 * 60_000;
      await job(h, id);
      await h.queue.idle();
      at = Date.now() + 10 * 60_000;
      expect(await job(h, id)).toMatchObject({ state: 'done', written: 120 });
      const profiles = (await ledgerRows(h)).filter((row) => row.sk === '#PROFILE' && String(row.pk).startsWith('CUST#b-'));
      expect(profiles).toHaveLength(120);
    } finally {
      await stop(h);
    }
  });

  it('ignores a message delivered twice', async () => {
    const h = await harness({ batchRows: 30 });
    try {
      const { customers } = files(40, 0);
      const id = await runJob(h, 'customers', [customers]);
      expect(await job(h, id)).toMatchObject({ state: 'done', written: 40 });
      const rowsBefore = await ledgerRows(h);
      for (const m of h.delivered.filter((d) => d.jobId === id)) await h.queue.send(m);
      await h.queue.idle();
      expect(await job(h, id)).toMatchObject({ state: 'done', written: 40 });
      expect(await ledgerRows(h)).toEqual(rowsBefore);
    } finally {
      await stop(h);
    }
  });

  it('stops a cancelled job after the batch in hand; what was written stays and the Activity entry says it failed part-way', async () => {
    let h!: Harness;
    let cancelled = false;
    h = await harness({
      batchRows: 20,
      ledger: (real) => ({
        ...real,
        putMoneyAccounts: (a) => real.putMoneyAccounts(a),
        putItems: (i) => real.putItems(i),
        recordOnlinePayment: (...a) => real.recordOnlinePayment(...a),
        setPhonePassword: (...a) => real.setPhonePassword(...a),
        clearPhonePassword: (...a) => real.clearPhonePassword(...a),
        putCustomers: async (c) => {
          await real.putCustomers(c);
          // The operator cancels while the second batch is being written.
          if (c[0]?.id === 'b-20' && !cancelled) {
            cancelled = true;
            const jobs = (await h.admin.call('GET', '/ledger/imports')).json.jobs;
            expect((await h.admin.call('POST', `/ledger/imports/${jobs[0].id}/cancel`)).status).toBe(200);
          }
        },
      }),
    });
    try {
      const { customers } = files(100, 0);
      const id = await runJob(h, 'customers', [customers]);
      const stopped = await job(h, id);
      expect(stopped).toMatchObject({ state: 'cancelled', written: 20 });
      const profiles = (await ledgerRows(h)).filter((row) => row.sk === '#PROFILE' && String(row.pk).startsWith('CUST#b-'));
      expect(profiles).toHaveLength(40);
      expect(readdirSync(join(h.dir, 'imports'))).toEqual([]);
      const activity = await h.admin.call('GET', '/audit', { query: { area: 'import' } });
      expect(activity.json.entries.find((e: { after: { job?: string } }) => e.after.job === id)).toMatchObject({ failed: true });
      expect((await h.admin.call('POST', `/ledger/imports/${id}/cancel`)).status).toBe(409);
    } finally {
      await stop(h);
    }
  });
});
