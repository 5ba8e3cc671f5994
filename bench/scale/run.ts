/**
 * `npm run bench:scale`: the ledger at the size of a real customer base, each figure beside the
 * same operation at demo size, against dynalite (its own process, data on disk).
 *
 *   1. a ledger of BENCH_SCALE_CUSTOMERS (default 1,000,000) generated with BatchWrite, in the
 *      rows the writer keeps and the reads use (summary, phone row, customer-number row, name
 *      search rows; not the profile, which no measured read touches); kept in BENCH_SCALE_DIR
 *      (default .data-scale) and reused by later runs (BENCH_SCALE_REGENERATE=1 makes it again);
 *   2. reads at that size and at demo size: a customer-list page, the next page, searches,
 *      the caller's identity and balance — time, requests and DynamoDB read units
 *      (ReturnConsumedCapacity), which must not grow with the table;
 *   3. a bulk import through the real job path (admin job functions, in-process queue, the
 *      import worker): BENCH_SCALE_IMPORT_CUSTOMERS customers (default 20,000, 1,000 of them with
 *      a telephone password) then BENCH_SCALE_IMPORT_ITEMS items (default 100,000), beside the
 *      demo seed imported the same way; rows per second and the memory of the process running
 *      the worker.
 *
 * Prints Markdown tables and writes bench/scale-results.json.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { DeleteTableCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { batchWriteAll } from '../../lib/aws/batch-write';
import { loadConfig, type AppConfig } from '../../lib/config/app-config';
import { createTables, localDynamoClient } from '../../infra/local/create-tables';
import { loadSeed } from '../../infra/local/load-seed';
import { DynamoAuditTrail } from '../../lib/audit/dynamo-audit-trail';
import { DynamoLedgerDirectory } from '../../lib/ledger/dynamo-ledger-directory';
import { DynamoLedgerWriter } from '../../lib/ledger/dynamo-ledger-writer';
import { LedgerCrm } from '../../lib/ledger/ledger-crm';
import { customerSearchTokens, listShardOf, tokenPartition } from '../../lib/ledger/customer-summary';
import { DynamoImportJobStore } from '../../lib/ledger/import/dynamo-import-job-store';
import { InProcessImportQueue } from '../../lib/ledger/import/in-process-import-queue';
import { ImportWorker } from '../../lib/ledger/import/import-worker';
import { createImportJob, startImportJob, uploadImportPart, type ImportJobsDeps } from '../../lib/ledger/import/import-job-control';
import { fileParts } from '../../lib/ledger/import/file-parts';
import { LocalFolderImportFiles } from '../../lib/ledger/import/stored-import-files';
import { latency, ms, table } from '../stats';

const ROOT = join(__dirname, '..', '..');
const int = (name: string, fallback: number) => {
  const n = Number(process.env[name] ?? fallback);
  return Number.isInteger(n) && n > 0 ? n : fallback;
};
const SIZE = int('BENCH_SCALE_CUSTOMERS', 1_000_000);
const IMPORT_CUSTOMERS = int('BENCH_SCALE_IMPORT_CUSTOMERS', 20_000);
const IMPORT_PASSWORDS = Math.min(IMPORT_CUSTOMERS, int('BENCH_SCALE_IMPORT_PASSWORDS', 1_000));
const IMPORT_ITEMS = int('BENCH_SCALE_IMPORT_ITEMS', 100_000);
const DIR = resolve(ROOT, process.env.BENCH_SCALE_DIR ?? '.data-scale');
const silent = { info() {}, warn() {}, error: (m: string, a?: unknown) => console.error(m, a), debug() {}, appendKeys() {}, resetKeys() {} } as never;
const n = (x: number) => x.toLocaleString('en-US');

// ------------------------------------------------------------------ dynalite and counting

async function startDynaliteChild(dataDir: string): Promise<{ endpoint: string; child: ChildProcess; stop(): Promise<void> }> {
  const child = spawn(process.execPath, [join(ROOT, 'node_modules', 'tsx', 'dist', 'cli.mjs'), join(__dirname, 'dynalite-child.ts'), dataDir], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const endpoint = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const line = out.split('\n').find((l) => l.startsWith('{'));
      if (line) resolve((JSON.parse(line) as { endpoint: string }).endpoint);
    });
    child.once('exit', (code) => reject(new Error(`dynalite exited (${code}) before it answered`)));
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    endpoint,
    child,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}

interface Counter {
  requests: Record<string, number>;
  readUnits: number;
}

/** A document client that counts its requests and, for reads, the read units DynamoDB reports. */
function countingClient(raw: DynamoDBClient): { doc: DynamoDBDocumentClient; counter: Counter; reset(): void } {
  const doc = DynamoDBDocumentClient.from(raw, { marshallOptions: { removeUndefinedValues: true } });
  const counter: Counter = { requests: {}, readUnits: 0 };
  doc.middlewareStack.add(
    (next, context) => async (args) => {
      const op = String(context.commandName).replace(/Command$/, '');
      counter.requests[op] = (counter.requests[op] ?? 0) + 1;
      const read = ['Query', 'GetItem', 'BatchGetItem', 'Scan'].includes(op);
      if (read) (args.input as Record<string, unknown>).ReturnConsumedCapacity = 'TOTAL';
      const result = await next(args);
      if (read) {
        const consumed = (result.output as { ConsumedCapacity?: { CapacityUnits?: number } | { CapacityUnits?: number }[] }).ConsumedCapacity;
        for (const c of Array.isArray(consumed) ? consumed : consumed ? [consumed] : []) counter.readUnits += c.CapacityUnits ?? 0;
      }
      return result;
    },
    { step: 'initialize', name: 'benchScaleCounter' },
  );
  return {
    doc,
    counter,
    reset: () => {
      counter.requests = {};
      counter.readUnits = 0;
    },
  };
}

// ------------------------------------------------------------------ generating a big ledger

const FIRST = [
  'Sara',
  'Reza',
  'Maryam',
  'Ali',
  'Zahra',
  'Mohammad',
  'Fatemeh',
  'Hossein',
  'Narges',
  'Amir',
  'Leila',
  'Mehdi',
  'Shirin',
  'Hamid',
  'Parisa',
  'Saeed',
  'Nazanin',
  'Kaveh',
  'Mina',
  'Omid',
  'John',
  'Emma',
  'Liam',
  'Olivia',
  'Noah',
  'Ava',
  'James',
  'Mia',
  'Lucas',
  'Sophia',
];
const LAST = Array.from(
  { length: 400 },
  (_, i) =>
    `${['Ahmadi', 'Karimi', 'Hosseini', 'Rezaei', 'Moradi', 'Jafari', 'Smith', 'Brown', 'Jones', 'Davis'][i % 10]}${i < 10 ? '' : String.fromCharCode(97 + (i % 26)) + String.fromCharCode(97 + (Math.floor(i / 26) % 26))}`,
);

/** Customer i of the generated ledger: what the writer's refresh would have stored for it. */
function generatedRows(i: number): Record<string, unknown>[] {
  const id = `g${String(i).padStart(7, '0')}`;
  const name = `${FIRST[i % FIRST.length]} ${LAST[Math.floor(i / FIRST.length) % LAST.length]}`;
  const phone = `+1555${String(i).padStart(7, '0')}`;
  const customerNumber = String(3_000_000 + i);
  const net = ((i * 7919) % 2_000_001) * 1000 - 500_000_000;
  const nets = { IRR: net };
  const customer = { id, customerNumber, name };
  const tokens = customerSearchTokens({ id, name, customerNumber });
  return [
    {
      pk: `CUST#${id}`,
      sk: '#SUMMARY',
      listShard: `L${listShardOf(id)}`,
      id,
      customerNumber,
      name,
      phones: [phone],
      nets,
      itemCount: 1 + (i % 7),
      customer,
      indexed: { phones: [phone], customerNumber, tokens },
      version: 1,
    },
    { pk: `PHONE#${phone}`, sk: `CUST#${id}`, customer, nets, version: 1 },
    { pk: `CUSTNO#${customerNumber}`, sk: `CUST#${id}`, customer, nets, version: 1 },
    ...tokens.map((token) => ({ pk: tokenPartition(token), sk: `${token}#${id}`, id, words: tokens })),
  ];
}

async function generate(doc: DynamoDBDocumentClient, tableName: string, size: number): Promise<{ seconds: number; rows: number }> {
  const started = Date.now();
  let next = 0;
  let rows = 0;
  let lastReport = 0;
  const worker = async () => {
    let pending: Record<string, unknown>[] = [];
    const flush = async (items: Record<string, unknown>[]) => {
      await batchWriteAll(
        doc,
        tableName,
        items.map((Item) => ({ PutRequest: { Item } })),
      );
      rows += items.length;
    };
    while (next < size) {
      const i = next;
      next += 1;
      pending.push(...generatedRows(i));
      while (pending.length >= 25) {
        await flush(pending.slice(0, 25));
        pending = pending.slice(25);
      }
      if (i - lastReport >= 20_000) {
        lastReport = i;
        const s = (Date.now() - started) / 1000;
        process.stderr.write(`\r  generated ${n(i)} of ${n(size)} customers (${n(Math.round(rows / s))} rows/s, ${Math.round(s)} s)   `);
      }
    }
    if (pending.length > 0) await flush(pending);
  };
  await Promise.all(Array.from({ length: 8 }, worker));
  process.stderr.write('\n');
  return { seconds: (Date.now() - started) / 1000, rows };
}

// ------------------------------------------------------------------ reads at size

/** One ledger the reads are measured on, and how to find its customers. */
interface ReadTarget {
  readonly label: string;
  readonly counting: ReturnType<typeof countingClient>;
  readonly table: string;
  readonly phone: (i: number) => string;
  readonly customerId: (i: number) => string;
  readonly customerNumber: string;
  readonly nameStart: string;
  readonly twoWords: string;
}

interface ReadFigure {
  readonly operation: string;
  /** Per target label. */
  readonly at: Record<string, { p50: number; p99: number; requests: number; readUnits: number; rows: number }>;
}

async function measureRead(
  counting: ReturnType<typeof countingClient>,
  run: (i: number) => Promise<number>,
  repeat: number,
): Promise<ReadFigure['at'][string]> {
  await run(0); // warm
  const times: number[] = [];
  let requests = 0;
  let readUnits = 0;
  let rows = 0;
  for (let i = 0; i < repeat; i += 1) {
    counting.reset();
    const t0 = performance.now();
    rows = await run(i + 1);
    times.push(performance.now() - t0);
    requests += Object.values(counting.counter.requests).reduce((a, b) => a + b, 0);
    readUnits += counting.counter.readUnits;
  }
  const l = latency(times);
  return { p50: l.p50, p99: l.p99, requests: requests / repeat, readUnits: Math.round((readUnits / repeat) * 100) / 100, rows };
}

const READS: Array<{ operation: (t: ReadTarget) => string; run: (t: ReadTarget, c: DynamoDBDocumentClient, i: number) => Promise<number> }> = [
  {
    operation: () => 'customer list, first page of 25',
    run: async (t, c) => (await new DynamoLedgerDirectory(c, t.table).listCustomers({ limit: 25 })).customers.length,
  },
  {
    operation: () => 'customer list, second page (cursor; both pages counted)',
    run: async (t, c) => {
      const directory = new DynamoLedgerDirectory(c, t.table);
      const first = await directory.listCustomers({ limit: 25 });
      return first.nextCursor ? (await directory.listCustomers({ limit: 25, cursor: first.nextCursor })).customers.length : 0;
    },
  },
  {
    operation: (t) => `search: start of a name ("${t.nameStart}")`,
    run: async (t, c) => (await new DynamoLedgerDirectory(c, t.table).listCustomers({ limit: 25, search: t.nameStart })).customers.length,
  },
  {
    operation: (t) => `search: two words ("${t.twoWords}")`,
    run: async (t, c) => (await new DynamoLedgerDirectory(c, t.table).listCustomers({ limit: 25, search: t.twoWords })).customers.length,
  },
  {
    operation: () => 'search: a whole phone number',
    run: async (t, c, i) => (await new DynamoLedgerDirectory(c, t.table).listCustomers({ limit: 25, search: t.phone(i) })).customers.length,
  },
  {
    operation: () => 'search: a customer number',
    run: async (t, c) => (await new DynamoLedgerDirectory(c, t.table).listCustomers({ limit: 25, search: t.customerNumber })).customers.length,
  },
  {
    operation: () => 'call entry: identity + balance by phone (one keyed read)',
    run: async (t, c, i) => ((await new LedgerCrm(c, t.table).identifyWithBalance(t.phone(i), 'IRR')).status === 'found' ? 1 : 0),
  },
  {
    operation: () => 'balance of an identified customer (summary, one keyed read)',
    run: async (t, c, i) => ((await new LedgerCrm(c, t.table).balance({ id: t.customerId(i) }, 'IRR')).status === 'ok' ? 1 : 0),
  },
];

async function reads(targets: readonly ReadTarget[]): Promise<ReadFigure[]> {
  const figures: ReadFigure[] = [];
  for (const read of READS) {
    const at: ReadFigure['at'] = {};
    for (const target of targets)
      at[`${target.label}|${read.operation(target)}`] = await measureRead(target.counting, (i) => read.run(target, target.counting.doc, i), 40);
    figures.push({
      operation: read.operation({ nameStart: '…', twoWords: '…' } as ReadTarget).replace(/ \("…"\)/, ''),
      at: Object.fromEntries(Object.entries(at).map(([k, v]) => [k.split('|')[0] as string, v])),
    });
  }
  return figures;
}

// ------------------------------------------------------------------ imports through the job path

interface ImportFigure {
  readonly what: string;
  readonly rows: number;
  readonly seconds: number;
  readonly rowsPerSecond: number;
  readonly requests: number;
  readonly peakRssMb: number;
  readonly peakHeapMb: number;
  readonly state: string;
}

async function importThroughJob(
  doc: DynamoDBDocumentClient,
  counter: Counter,
  tables: AppConfig['tables'],
  what: string,
  kind: 'customers' | 'items' | 'json',
  text: string,
  rows: number,
): Promise<ImportFigure> {
  const files = mkdtempSync(join(tmpdir(), 'bench-scale-import-'));
  const jobs = new DynamoImportJobStore(doc, tables.ledger);
  const audit = new DynamoAuditTrail(doc, tables.audit, 30);
  let queue!: InProcessImportQueue;
  const worker = new ImportWorker({
    jobs,
    files: new LocalFolderImportFiles(files),
    queue: { send: (m) => queue.send(m) },
    ledger: new DynamoLedgerWriter(doc, tables.ledger, '98', { passwordConcurrency: 2, refreshConcurrency: 16 }),
    directory: new DynamoLedgerDirectory(doc, tables.ledger),
    audit,
    logger: silent,
    chunkSeconds: 20,
    batchRows: 400,
  });
  queue = new InProcessImportQueue((m) => worker.handle(m), { onError: (e) => console.error('import message failed', e) });
  const deps: ImportJobsDeps = { jobs, files: new LocalFolderImportFiles(files), queue, audit };
  global.gc?.();
  const base = process.memoryUsage();
  let peakRss = base.rss;
  let peakHeap = base.heapUsed;
  const sampler = setInterval(() => {
    const m = process.memoryUsage();
    peakRss = Math.max(peakRss, m.rss);
    peakHeap = Math.max(peakHeap, m.heapUsed);
  }, 100);
  const requestsBefore = Object.values(counter.requests).reduce((a, b) => a + b, 0);
  const started = performance.now();
  try {
    const parts = fileParts(text);
    const job = await createImportJob(deps, { kind, parts: parts.length, dryRun: false, language: 'en', ledgerCurrency: 'IRR', amountFields: ['FinalValue'] });
    for (const [i, part] of parts.entries()) await uploadImportPart(deps, job.id, i, Buffer.from(part));
    await startImportJob(deps, job.id, { key: 'current' });
    let last = 0;
    while (true) {
      const current = await jobs.get(job.id);
      if (current && ['done', 'rejected', 'failed', 'cancelled'].includes(current.state)) break;
      if (current && performance.now() - last > 5000) {
        last = performance.now();
        process.stderr.write(
          `\r  ${what}: ${current.state} ${n(current.state === 'writing' ? current.written : current.validated)} of ${n(current.rows ?? 0)} rows   `,
        );
      }
      await new Promise((r) => setTimeout(r, 250));
    }
    await queue.idle();
    const done = await jobs.get(job.id);
    const seconds = (performance.now() - started) / 1000;
    process.stderr.write('\n');
    return {
      what,
      rows,
      seconds: Math.round(seconds * 10) / 10,
      rowsPerSecond: Math.round(rows / seconds),
      requests: Object.values(counter.requests).reduce((a, b) => a + b, 0) - requestsBefore,
      peakRssMb: Math.round(peakRss / 1e6),
      peakHeapMb: Math.round(peakHeap / 1e6),
      state: `${done?.state}${done?.state === 'rejected' ? ` (${done.problems?.[0]?.code})` : ''}`,
    };
  } finally {
    clearInterval(sampler);
    rmSync(files, { recursive: true, force: true });
  }
}

function importFiles(customers: number, passwords: number, items: number): { customers: string; items: string } {
  const c = ['id,customerNumber,name,phones,phonePassword'];
  for (let i = 0; i < customers; i += 1)
    c.push(
      `i${i},${5_000_000 + i},${FIRST[i % FIRST.length]} ${LAST[i % LAST.length]},+1444${String(i).padStart(7, '0')},${i < passwords ? 1000 + (i % 9000) : ''}`,
    );
  const it = ['customerId,type,number,FinalValue,moneyAccount'];
  // Items in no particular customer order, as an export from another system might be.
  for (let k = 0; k < items; k += 1)
    it.push(`i${(k * 7_919) % customers},${k % 5 === 4 ? 'receipt' : 'invoice'},N${k},"${n(1000 * (1 + (k % 500)))}",acc-cash`);
  return { customers: `${c.join('\n')}\n`, items: `${it.join('\n')}\n` };
}

// ------------------------------------------------------------------ main

async function main(): Promise<void> {
  const startedAll = Date.now();
  mkdirSync(DIR, { recursive: true });
  console.log(
    `balance-ivr bench:scale — ${n(SIZE)} generated customers; import of ${n(IMPORT_CUSTOMERS)} customers (${n(IMPORT_PASSWORDS)} with passwords) and ${n(IMPORT_ITEMS)} items`,
  );
  const dynalite = await startDynaliteChild(join(DIR, 'dynalite'));
  const raw = localDynamoClient(dynalite.endpoint);
  const clients: DynamoDBClient[] = [raw];
  try {
    const big = loadConfig({ TABLE_PREFIX: `scale-${SIZE}` });
    const demo = loadConfig({ TABLE_PREFIX: 'scale-demo' });
    const run = `scale-import-${Date.now().toString(36)}`;
    const imported = loadConfig({ TABLE_PREFIX: run });
    const demoImported = loadConfig({ TABLE_PREFIX: `${run}-demo` });
    for (const c of [big, demo, imported, demoImported]) await createTables(raw, c.tables);
    const plain = DynamoDBDocumentClient.from(raw, { marshallOptions: { removeUndefinedValues: true } });
    await loadSeed(join(ROOT, 'infra', 'seed', 'demo.json'), plain, { tables: demo.tables, defaultCountryCode: '98' });

    // 1. The big ledger.
    const marker = join(DIR, `generated-${SIZE}.json`);
    let generation: { seconds: number; rows: number; reused?: boolean };
    if (existsSync(marker) && process.env.BENCH_SCALE_REGENERATE !== '1') {
      generation = { ...(JSON.parse(readFileSync(marker, 'utf8')) as { seconds: number; rows: number }), reused: true };
      console.log(`\nReusing the generated ledger in ${DIR} (made in ${Math.round(generation.seconds)} s; BENCH_SCALE_REGENERATE=1 makes it again).`);
    } else {
      console.log(`\nGenerating ${n(SIZE)} customers with BatchWrite (8 requests in flight)…`);
      generation = await generate(plain, big.tables.ledger, SIZE);
      writeFileSync(marker, JSON.stringify(generation));
    }

    // 3. Imports through the job path.
    const importRaw = localDynamoClient(dynalite.endpoint);
    clients.push(importRaw);
    const importing = countingClient(importRaw);
    const seed = JSON.parse(readFileSync(join(ROOT, 'infra', 'seed', 'demo.json'), 'utf8')) as {
      moneyAccounts: unknown[];
      customers: unknown[];
      items: unknown[];
    };
    const demoDoc = JSON.stringify({ moneyAccounts: seed.moneyAccounts, customers: seed.customers, items: seed.items });
    const demoRows = seed.moneyAccounts.length + seed.customers.length + seed.items.length;
    const importFigures: ImportFigure[] = [];
    importFigures.push(
      await importThroughJob(
        importing.doc,
        importing.counter,
        demoImported.tables,
        `demo seed (${seed.customers.length} customers, ${seed.items.length} items)`,
        'json',
        demoDoc,
        demoRows,
      ),
    );
    await new DynamoLedgerWriter(importing.doc, imported.tables.ledger).putMoneyAccounts([{ key: 'acc-cash', name: 'Cash' }]);
    const files = importFiles(IMPORT_CUSTOMERS, IMPORT_PASSWORDS, IMPORT_ITEMS);
    importFigures.push(
      await importThroughJob(
        importing.doc,
        importing.counter,
        imported.tables,
        `${n(IMPORT_CUSTOMERS)} customers (${n(IMPORT_PASSWORDS)} with passwords)`,
        'customers',
        files.customers,
        IMPORT_CUSTOMERS,
      ),
    );
    importFigures.push(
      await importThroughJob(importing.doc, importing.counter, imported.tables, `${n(IMPORT_ITEMS)} items`, 'items', files.items, IMPORT_ITEMS),
    );

    // 2. Reads at demo size, on the imported ledger and on the generated one.
    const counted = () => {
      const c = localDynamoClient(dynalite.endpoint);
      clients.push(c);
      return countingClient(c);
    };
    const readFigures = await reads([
      {
        label: 'demo (8)',
        counting: counted(),
        table: demo.tables.ledger,
        phone: (i) => ['+15005550001', '+15005550002', '+15005550003', '+15005550005', '+989121111111'][i % 5] as string,
        customerId: (i) => ['c-1001', 'c-2001', 'c-5001'][i % 3] as string,
        customerNumber: '2001',
        nameStart: 'emm',
        twoWords: 'john smi',
      },
      {
        label: `imported (${n(IMPORT_CUSTOMERS)})`,
        counting: counted(),
        table: imported.tables.ledger,
        phone: (i) => `+1444${String((i * 7_919) % IMPORT_CUSTOMERS).padStart(7, '0')}`,
        customerId: (i) => `i${(i * 104_729) % IMPORT_CUSTOMERS}`,
        customerNumber: String(5_000_000 + (4_242 % IMPORT_CUSTOMERS)),
        nameStart: 'shir',
        twoWords: 'mina karimi',
      },
      {
        label: `generated (${n(SIZE)})`,
        counting: counted(),
        table: big.tables.ledger,
        phone: (i) => `+1555${String((i * 104_729) % SIZE).padStart(7, '0')}`,
        customerId: (i) => `g${String((i * 7_919) % SIZE).padStart(7, '0')}`,
        customerNumber: String(3_000_000 + (424_242 % SIZE)),
        nameStart: 'shir',
        twoWords: 'mina karimi',
      },
    ]);

    // The import's tables go; the generated ledger stays for the next run.
    for (const c of [imported, demoImported])
      for (const t of Object.values(c.tables)) await raw.send(new DeleteTableCommand({ TableName: t })).catch(() => undefined);

    print(generation, readFigures, importFigures);
    const results = {
      at: new Date().toISOString(),
      node: process.version,
      size: SIZE,
      generation,
      reads: readFigures,
      imports: importFigures,
      seconds: Math.round((Date.now() - startedAll) / 1000),
    };
    writeFileSync(join(ROOT, 'bench', 'scale-results.json'), `${JSON.stringify(results, null, 2)}\n`);
    console.log(`\nWrote bench/scale-results.json (${results.seconds} s).`);
  } finally {
    for (const c of clients) c.destroy();
    await dynalite.stop();
  }
}

function print(generation: { seconds: number; rows: number; reused?: boolean }, readFigures: ReadFigure[], importFigures: ImportFigure[]): void {
  console.log(`\n## Generating the ledger of ${n(SIZE)} customers (BatchWrite into dynalite on disk)\n`);
  console.log(
    table(
      ['customers', 'rows written', 'time', 'rows/s', ''],
      [
        [
          n(SIZE),
          n(generation.rows),
          `${Math.round(generation.seconds)} s`,
          n(Math.round(generation.rows / generation.seconds)),
          generation.reused ? 'measured when it was made; reused this run' : 'this run',
        ],
      ],
    ),
  );
  const labels = Object.keys(readFigures[0]?.at ?? {});
  console.log(
    `\n## Reads: the same operation at demo size, on the imported ledger and on the generated one (40 runs each; requests counted, read units as DynamoDB reports them)\n`,
  );
  console.log(
    table(
      ['operation', ...labels.flatMap((l) => [`${l} p50 / p99`, `${l} requests`, `${l} read units`, `${l} rows`]), 'reads grow with the table?'],
      readFigures.map((f) => {
        const [small, , largest] = labels.map((l) => f.at[l] as ReadFigure['at'][string]);
        const middle = f.at[labels[1] as string];
        // Compared between the imported ledger and the one 50× larger (the demo has too few customers to fill a page).
        const grows = middle && largest ? largest.requests > middle.requests || largest.readUnits > middle.readUnits * 1.25 + 0.5 : false;
        void small;
        return [
          f.operation,
          ...labels.flatMap((l) => {
            const at = f.at[l] as ReadFigure['at'][string];
            return [`${ms(at.p50)} / ${ms(at.p99)}`, at.requests, at.readUnits, at.rows];
          }),
          grows ? 'GROWS' : 'no',
        ];
      }),
    ),
  );
  console.log('\n## Bulk import through the job path (admin job functions, in-process queue, the import worker; dynalite in its own process)\n');
  console.log(
    table(
      ['import', 'rows', 'time', 'rows/s', 'DynamoDB requests', 'worker process peak RSS', 'peak heap', 'state'],
      importFigures.map((f) => [f.what, n(f.rows), `${f.seconds} s`, n(f.rowsPerSecond), n(f.requests), `${f.peakRssMb} MB`, `${f.peakHeapMb} MB`, f.state]),
    ),
  );
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
