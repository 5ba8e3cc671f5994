import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startTestDynamo } from './test/support/local-dynamo';
import { DynamoImportJobStore } from './lib/ledger/import/dynamo-import-job-store';
import { LocalFolderImportFiles } from './lib/ledger/import/stored-import-files';
import { InProcessImportQueue } from './lib/ledger/import/in-process-import-queue';
import { ImportWorker } from './lib/ledger/import/import-worker';
import { DynamoLedgerWriter } from './lib/ledger/dynamo-ledger-writer';
import { DynamoLedgerDirectory } from './lib/ledger/dynamo-ledger-directory';
import { createImportJob, startImportJob, uploadImportPart } from './lib/ledger/import/import-job-control';
import { DynamoAuditTrail } from './lib/audit/dynamo-audit-trail';
const silent = { info() {}, warn() {}, error: console.error, debug() {}, appendKeys() {}, resetKeys() {} } as any;
async function main() {
  const db = await startTestDynamo();
  const counts: Record<string, number> = {};
  db.doc.middlewareStack.add((next, ctx) => async (args) => { counts[String(ctx.commandName)] = (counts[String(ctx.commandName)] ?? 0) + 1; return next(args); }, { step: 'initialize', name: 'c' });
  const dir = mkdtempSync(join(tmpdir(), 'probe-'));
  const jobs = new DynamoImportJobStore(db.doc, db.tables.ledger);
  const files = new LocalFolderImportFiles(dir);
  const audit = new DynamoAuditTrail(db.doc, db.tables.audit, 30);
  let queue!: InProcessImportQueue;
  const worker = new ImportWorker({ jobs, files, queue: { send: (m) => queue.send(m) }, ledger: new DynamoLedgerWriter(db.doc, db.tables.ledger, '98', { passwordConcurrency: 2 }), directory: new DynamoLedgerDirectory(db.doc, db.tables.ledger), audit, logger: silent });
  queue = new InProcessImportQueue((m) => worker.handle(m), { onError: console.error });
  const deps = { jobs, files, queue, audit };
  const N = Number(process.argv[2] ?? 2000), PER = 5;
  const cust = ['id,customerNumber,name,phones,phonePassword', ...Array.from({ length: N }, (_, i) => `c${i},${100000 + i},Name ${i} Family${i % 97},+1500${String(1000000 + i)},${i < N / 20 ? 1000 + i : ''}`)].join('\n');
  const items = ['customerId,type,number,FinalValue', ...Array.from({ length: N * PER }, (_, k) => `c${k % N},invoice,I${k},${1000 + k}`)].join('\n');
  for (const [kind, text] of [['customers', cust], ['items', items]] as const) {
    const t0 = Date.now(); const before = { ...counts };
    const job = await createImportJob(deps, { kind, parts: 1, dryRun: false, language: 'en', ledgerCurrency: 'IRR', amountFields: [] });
    await uploadImportPart(deps, job.id, 0, Buffer.from(text));
    await startImportJob(deps, job.id, { key: 'current' });
    await queue.idle();
    const done = await jobs.get(job.id);
    const diff = Object.fromEntries(Object.entries(counts).map(([k, v]) => [k, v - (before[k] ?? 0)]));
    console.log(kind, done?.state, done?.written, `${(Date.now() - t0) / 1000}s`, JSON.stringify(diff));
  }
  await db.stop();
}
main();
