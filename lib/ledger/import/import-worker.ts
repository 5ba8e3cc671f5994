/**
 * The import worker: one message at a time (import-jobs.ts has the whole picture).
 *
 *   validate: read the whole file, check every row (the same rules as the synchronous import,
 *             slice by slice so progress shows), and either reject the job with every problem
 *             and its line (nothing written), finish a dry run, or start writing;
 *   write:    from the job's progress, write batches of rows in file order (money accounts,
 *             customers, items) until the time budget is spent, recording progress after each
 *             batch with a conditional update, then queue the rest.
 *
 * A message delivered twice, or a chunk retried after a crash, changes nothing twice: rows are
 * keyed writes (an item is its customer, type and number), the customer summaries are
 * recomputed from what is stored, and progress moves only from the position it was read at.
 */
import type { AuditTrail } from '../../audit/audit-trail';
import type { AppLogger } from '../../observability/logger';
import type { CurrencyCode } from '../../domain/money';
import type { LedgerAdmin, LedgerDirectory } from '../ledger-admin';
import { rowsFromCsv } from './csv-import';
import { duplicateError, parseImportDocument, type KnownRecords, type RowError } from './import-document';
import { adminFieldError } from '../../admin/admin-messages';
import {
  FINISHED_STATES,
  MAX_PROBLEMS,
  type ImportFiles,
  type ImportJob,
  type ImportJobProblem,
  type ImportJobStore,
  type ImportMessage,
  type ImportQueue,
} from './import-jobs';

export interface ImportWorkerDeps {
  readonly jobs: ImportJobStore;
  readonly files: ImportFiles;
  readonly queue: ImportQueue;
  readonly ledger: LedgerAdmin;
  readonly directory: Pick<LedgerDirectory, 'existingCustomerIds' | 'moneyAccounts'>;
  /** The import's Activity entry is taken back when nothing was written, marked failed when only part was. */
  readonly audit?: Pick<AuditTrail, 'withdraw' | 'markFailed'>;
  readonly logger: AppLogger;
  readonly clock?: () => number;
  /** Time a message may spend writing before it queues the rest (well inside the function's timeout). */
  readonly chunkSeconds?: number;
  /** Rows per write batch (customers with passwords: a quarter of it). */
  readonly batchRows?: number;
  /** Failed attempts at one chunk before the job is marked failed. */
  readonly maxFailures?: number;
}

type Section = 'moneyAccounts' | 'customers' | 'items';
const SECTIONS: readonly Section[] = ['moneyAccounts', 'customers', 'items'];
const VALIDATION_SLICE = 5000;

/** The file read: each section's raw rows in file order, and their CSV lines. */
interface ParsedFile {
  readonly sections: Record<Section, unknown[]>;
  readonly lines?: Partial<Record<Section, number[]>>;
  readonly amounts: 'json' | 'text';
  readonly total: number;
}

type FileRead = { ok: true; file: ParsedFile } | { ok: false; problems: ImportJobProblem[] };

export class ImportWorker {
  /** The file of the job this container handled last: a warm worker does not read and parse it again for each chunk. */
  private cached: { jobId: string; file: ParsedFile } | undefined;

  constructor(private readonly deps: ImportWorkerDeps) {}

  async handle(message: ImportMessage): Promise<void> {
    const job = await this.deps.jobs.get(message.jobId);
    if (!job) return;
    if (job.state === 'cancelled') return this.cleanUpCancelled(job);
    if (FINISHED_STATES.includes(job.state)) return;
    try {
      if (message.phase === 'validate') await this.validate(job);
      else await this.write(job, message.offset);
    } catch (error) {
      await this.failed(job, error);
    }
  }

  // ---------------------------------------------------------------- validate

  private async validate(job: ImportJob): Promise<void> {
    if (job.state !== 'queued' && job.state !== 'validating') return;
    const started = new Date(this.now()).toISOString();
    if (
      !(await this.deps.jobs.update(job.id, ['queued', 'validating'], { state: 'validating', validated: 0, ...(job.startedAt ? {} : { startedAt: started }) }))
    )
      return;
    const read = await this.read(job);
    if (!read.ok) return this.reject(job, read.problems);
    const { file } = read;
    await this.deps.jobs.update(job.id, ['validating'], { rows: file.total });

    const problems: ImportJobProblem[] = [];
    const known = await this.known(job, file, true);
    let validated = 0;
    for (const section of SECTIONS) {
      const rows = file.sections[section];
      for (let start = 0; start < rows.length; start += VALIDATION_SLICE) {
        const slice = rows.slice(start, start + VALIDATION_SLICE);
        const parsed = parseImportDocument({ [section]: slice }, known, job.language, file.amounts);
        if (!parsed.ok) {
          // Duplicates are checked over the whole file below, not slice by slice.
          for (const e of parsed.errors) if (e.code !== 'duplicate_code') problems.push(this.problem(file, { ...e, row: e.row + start }));
        }
        validated += slice.length;
        // Progress, and a cancelled job stops here.
        if (!(await this.deps.jobs.update(job.id, ['validating'], { validated }))) return this.stopIfCancelled(job.id);
      }
    }
    problems.push(...duplicatesIn(file, job.language).map((e) => this.problem(file, e)));

    if (problems.length > 0) return this.reject(job, problems);
    const counts = { moneyAccounts: file.sections.moneyAccounts.length, customers: file.sections.customers.length, items: file.sections.items.length };
    if (job.dryRun) {
      await this.deps.jobs.update(job.id, ['validating'], { state: 'checked', counts, finishedAt: new Date(this.now()).toISOString() });
      await this.deps.files.deleteParts(job.id, job.parts);
      return;
    }
    if (await this.deps.jobs.update(job.id, ['validating'], { state: 'writing', written: 0, counts, failures: 0 }))
      await this.deps.queue.send({ jobId: job.id, phase: 'write', offset: 0 });
  }

  private async reject(job: ImportJob, problems: ImportJobProblem[]): Promise<void> {
    const sorted = [...problems].sort((a, b) => SECTIONS.indexOf(a.section as Section) - SECTIONS.indexOf(b.section as Section) || a.row - b.row);
    await this.deps.jobs.update(job.id, ['queued', 'validating'], {
      state: 'rejected',
      problems: sorted.slice(0, MAX_PROBLEMS),
      problemCount: problems.length,
      finishedAt: new Date(this.now()).toISOString(),
    });
    await this.deps.files.deleteParts(job.id, job.parts);
    // Nothing was written: the Activity entry of an import that did not happen is taken back.
    if (job.audit) await this.deps.audit?.withdraw(job.audit).catch(() => undefined);
  }

  // ---------------------------------------------------------------- write

  private async write(job: ImportJob, offset: number): Promise<void> {
    if (job.state !== 'writing' || job.written < offset) return;
    const read = await this.read(job);
    if (!read.ok) throw new Error('the import file changed after it was validated');
    const { file } = read;
    const known = await this.known(job, file, false);
    const deadline = this.now() + (this.deps.chunkSeconds ?? 20) * 1000;
    // From the job's own progress: a message delivered again after a crash part-way through its
    // chunk goes on from the last batch recorded (the batch in hand when it crashed is written
    // again: keyed writes, so nothing doubles). Two deliveries at once both try the next batch;
    // only one can record it, and the other stops there.
    let position = job.written;
    while (position < file.total && this.now() < deadline) {
      const batch = this.batchAt(file, position);
      const parsed = parseImportDocument(
        { [batch.section]: batch.rows },
        { ...known, customerIds: new Set(batch.rows.map(customerIdOf)) },
        job.language,
        file.amounts,
      );
      if (!parsed.ok) throw new Error(`rows ${position}–${position + batch.rows.length} no longer validate: ${parsed.errors[0]?.code}`);
      const doc = parsed.document;
      if (batch.section === 'moneyAccounts') await this.deps.ledger.putMoneyAccounts(doc.moneyAccounts);
      else if (batch.section === 'customers') await this.deps.ledger.putCustomers(doc.customers);
      else await this.deps.ledger.putItems(doc.items);
      const next = position + batch.rows.length;
      // Progress moves only from the position this batch started at; a cancelled job stops here.
      if (!(await this.deps.jobs.update(job.id, ['writing'], { written: next, failures: 0 }, position))) return this.stopIfCancelled(job.id);
      position = next;
    }
    if (position < file.total) {
      await this.deps.queue.send({ jobId: job.id, phase: 'write', offset: position });
      return;
    }
    if (await this.deps.jobs.update(job.id, ['writing'], { state: 'done', finishedAt: new Date(this.now()).toISOString() }, position)) {
      await this.deps.files.deleteParts(job.id, job.parts);
      this.cached = undefined;
      this.deps.logger.info('import finished', { job: job.id, rows: file.total });
    }
  }

  /** The rows from `position` that are written together: one section, a batch's worth (fewer when passwords are hashed). */
  private batchAt(file: ParsedFile, position: number): { section: Section; rows: unknown[] } {
    let start = position;
    for (const section of SECTIONS) {
      const rows = section === 'items' ? itemsByCustomer(file) : file.sections[section];
      if (start < rows.length) {
        const size = this.deps.batchRows ?? 200;
        const first = rows.slice(start, start + size);
        // scrypt takes ~0.2 s a password: a batch of customers with passwords is smaller, so the time budget holds.
        const withPasswords = section === 'customers' && first.some((row) => typeof (row as { phonePassword?: unknown })?.phonePassword === 'string');
        return { section, rows: withPasswords ? rows.slice(start, start + Math.max(1, Math.floor(size / 8))) : first };
      }
      start -= rows.length;
    }
    throw new RangeError(`no row ${position}`);
  }

  // ---------------------------------------------------------------- shared

  /** What rows are checked against: stored money accounts, customers the items refer to, amount fields, the ledger's currency. */
  private async known(job: ImportJob, file: ParsedFile, checkCustomers: boolean): Promise<KnownRecords> {
    const ledgerCurrency = job.ledgerCurrency;
    const accounts = new Map<string, CurrencyCode>((await this.deps.directory.moneyAccounts()).map((a) => [a.key, a.currency]));
    for (const row of file.sections.moneyAccounts) {
      const account = row as { key?: unknown; currency?: unknown };
      if (typeof account?.key === 'string')
        accounts.set(account.key.trim(), (typeof account.currency === 'string' ? account.currency : ledgerCurrency) as CurrencyCode);
    }
    let customerIds: Set<string> | undefined;
    if (checkCustomers) {
      const inFile = new Set(
        file.sections.customers
          .map((row) => (row as { id?: unknown })?.id)
          .filter((id): id is string => typeof id === 'string')
          .map((id) => id.trim()),
      );
      const referenced = file.sections.items.map(customerIdOf).filter((id) => id !== '' && !inFile.has(id));
      customerIds = new Set([...inFile, ...(await this.deps.directory.existingCustomerIds(referenced))]);
    }
    return { ...(customerIds ? { customerIds } : {}), moneyAccountCurrencies: accounts, amountFields: new Set(job.amountFields), ledgerCurrency };
  }

  private async read(job: ImportJob): Promise<FileRead> {
    if (this.cached?.jobId === job.id) return { ok: true, file: this.cached.file };
    const chunks: Uint8Array[] = [];
    for (let part = 0; part < job.parts; part += 1) {
      const bytes = await this.deps.files.getPart(job.id, part);
      if (!bytes)
        return {
          ok: false,
          problems: [
            {
              section: '(file)',
              row: -1,
              field: `part ${part + 1}`,
              code: 'import_part_missing',
              message: job.language === 'fa' ? `بخش ${part + 1} فایل بارگذاری نشده است.` : `Part ${part + 1} of the file was not uploaded.`,
            },
          ],
        };
      chunks.push(bytes);
    }
    let text: string;
    try {
      text = new TextDecoder('utf-8', { fatal: true }).decode(Buffer.concat(chunks));
    } catch {
      return {
        ok: false,
        problems: [
          {
            section: '(file)',
            row: -1,
            field: '(file)',
            code: 'not_utf8',
            message: job.language === 'fa' ? 'فایل باید UTF-8 باشد.' : 'The file must be UTF-8 text.',
          },
        ],
      };
    }
    const read = job.kind === 'json' ? jsonSections(text, job.language) : csvSections(job.kind, text, job.language);
    if (read.ok) this.cached = { jobId: job.id, file: read.file };
    return read;
  }

  private problem(file: ParsedFile, error: RowError): ImportJobProblem {
    const line = error.row >= 0 ? file.lines?.[error.section as Section]?.[error.row] : undefined;
    return { section: error.section, row: error.row, ...(line !== undefined ? { line } : {}), field: error.field, code: error.code, message: error.message };
  }

  /** A storage error: the chunk is retried (SQS redelivers, the local queue tries again) a few times, then the job is failed. */
  private async failed(job: ImportJob, error: unknown): Promise<void> {
    const failures = (job.failures ?? 0) + 1;
    this.deps.logger.error('import chunk failed', { job: job.id, failures, error: error as Error });
    this.cached = undefined;
    if (failures < (this.deps.maxFailures ?? 3)) {
      await this.deps.jobs.update(job.id, ['queued', 'validating', 'writing'], { failures });
      throw error;
    }
    const current = await this.deps.jobs.get(job.id);
    if (
      await this.deps.jobs.update(job.id, ['queued', 'validating', 'writing'], {
        state: 'failed',
        failures,
        error: (error as Error).message?.slice(0, 300) ?? String(error),
        finishedAt: new Date(this.now()).toISOString(),
      })
    ) {
      await this.deps.files.deleteParts(job.id, job.parts);
      await this.auditPartial(current ?? job);
    }
  }

  private async stopIfCancelled(jobId: string): Promise<void> {
    const job = await this.deps.jobs.get(jobId);
    if (job?.state === 'cancelled') await this.cleanUpCancelled(job);
  }

  private async cleanUpCancelled(job: ImportJob): Promise<void> {
    this.cached = undefined;
    await this.deps.files.deleteParts(job.id, job.parts);
    await this.auditPartial(job);
  }

  /** Some rows may be in place: the entry stays, marked failed; none: it is taken back. */
  private async auditPartial(job: ImportJob): Promise<void> {
    if (!job.audit || !this.deps.audit) return;
    const entry = job.audit;
    await (job.written > 0 ? this.deps.audit.markFailed(entry) : this.deps.audit.withdraw(entry)).catch(() => undefined);
  }

  private now(): number {
    return (this.deps.clock ?? Date.now)();
  }
}

const writeOrder = new WeakMap<ParsedFile, unknown[]>();

/**
 * Items in the order they are written: grouped by customer (file order within a customer), so a
 * customer's summary is refreshed once for all their items rather than once per batch they
 * appear in. A stable sort of the file: the same order for every message of the job.
 */
function itemsByCustomer(file: ParsedFile): unknown[] {
  let ordered = writeOrder.get(file);
  if (!ordered) {
    ordered = file.sections.items
      .map((row, index) => ({ row, index, customer: customerIdOf(row) }))
      .sort((a, b) => (a.customer < b.customer ? -1 : a.customer > b.customer ? 1 : a.index - b.index))
      .map((entry) => entry.row);
    writeOrder.set(file, ordered);
  }
  return ordered;
}

function customerIdOf(row: unknown): string {
  const id = (row as { customerId?: unknown })?.customerId;
  return typeof id === 'string' ? id.trim() : '';
}

/** Keys that appear more than once anywhere in the file (an id, or an item's customer, type and number). */
function duplicatesIn(file: ParsedFile, language: ImportJob['language']): RowError[] {
  const errors: RowError[] = [];
  const check = (section: Section, field: string, keyOf: (row: Record<string, unknown>) => string | undefined) => {
    const seen = new Set<string>();
    file.sections[section].forEach((raw, row) => {
      const key = raw && typeof raw === 'object' ? keyOf(raw as Record<string, unknown>) : undefined;
      if (key === undefined) return;
      if (seen.has(key)) errors.push({ section, row, ...duplicateError(field, key, language) });
      seen.add(key);
    });
  };
  const text = (v: unknown) => (typeof v === 'string' ? v.trim() : undefined);
  check('moneyAccounts', 'key', (r) => text(r.key));
  check('customers', 'id', (r) => text(r.id));
  check('items', 'number', (r) =>
    text(r.customerId) && text(r.type) && text(r.number) ? `${text(r.customerId)}/${text(r.type)}/${text(r.number)}` : undefined,
  );
  return errors;
}

function csvSections(kind: 'customers' | 'items', text: string, language: ImportJob['language']): FileRead {
  const rows = rowsFromCsv(kind, text);
  if (!rows.ok)
    return { ok: false, problems: rows.problems.map((p) => ({ ...adminFieldError(p.field, p.code, language), section: kind, row: -1, line: p.line })) };
  const sections: Record<Section, unknown[]> = { moneyAccounts: [], customers: [], items: [] };
  sections[kind] = rows.rows;
  return { ok: true, file: { sections, lines: { [kind]: rows.lines }, amounts: 'text', total: rows.rows.length } };
}

function jsonSections(text: string, language: ImportJob['language']): FileRead {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    return {
      ok: false,
      problems: [
        {
          section: '(document)',
          row: -1,
          field: '(root)',
          code: 'invalid_json',
          message: language === 'fa' ? 'فایل JSON معتبر نیست.' : 'The file is not valid JSON.',
        },
      ],
    };
  }
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) {
    return {
      ok: false,
      problems: [
        {
          section: '(document)',
          row: -1,
          field: '(root)',
          code: 'invalid',
          message: language === 'fa' ? 'سند باید یک شیء JSON باشد.' : 'The document must be a JSON object.',
        },
      ],
    };
  }
  const problems: ImportJobProblem[] = [];
  const sections: Record<Section, unknown[]> = { moneyAccounts: [], customers: [], items: [] };
  for (const [name, value] of Object.entries(doc)) {
    if (!(SECTIONS as readonly string[]).includes(name)) {
      // Configuration (modules, destinations, lookup sources) is small: it goes through POST /ledger/import.
      problems.push({
        section: '(document)',
        row: -1,
        field: name,
        code: 'section_not_bulk',
        message:
          language === 'fa'
            ? `بخش «${name}» در درون‌ریزی انبوه پذیرفته نمی‌شود؛ آن را با درون‌ریزی معمولی بفرستید.`
            : `Section "${name}" is not taken by a bulk import; import it with the regular import.`,
      });
    } else if (!Array.isArray(value)) {
      problems.push({ section: name, row: -1, field: name, code: 'invalid', message: language === 'fa' ? 'باید یک آرایه باشد.' : 'Must be an array.' });
    } else sections[name as Section] = value;
  }
  if (problems.length > 0) return { ok: false, problems };
  return { ok: true, file: { sections, amounts: 'json', total: SECTIONS.reduce((n, s) => n + sections[s].length, 0) } };
}
