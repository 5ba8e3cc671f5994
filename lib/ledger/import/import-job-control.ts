/**
 * The admin side of bulk import jobs: create a job, take the file's parts, start it (the
 * Activity entry is recorded first, as for every admin write), show its progress, cancel it,
 * and hand a stalled job to the queue again. The worker (import-worker.ts) does the rest.
 */
import { randomBytes } from 'node:crypto';
import type { AuditActor, AuditTrail } from '../../audit/audit-trail';
import type { Language } from '../../config/module-schema';
import type { CurrencyCode } from '../../domain/money';
import {
  FINISHED_STATES,
  MAX_PART_BYTES,
  MAX_PARTS,
  type ImportFiles,
  type ImportJob,
  type ImportJobStore,
  type ImportKind,
  type ImportQueue,
} from './import-jobs';

export interface ImportJobsDeps {
  readonly jobs: ImportJobStore;
  readonly files: ImportFiles;
  readonly queue: ImportQueue;
  readonly audit: AuditTrail;
  readonly clock?: () => Date;
  /** A job in progress whose last progress is older than this has stalled (its worker died): it is queued again. */
  readonly stallMs?: number;
}

/** Why a job request was refused; the admin routes map each to its HTTP answer. */
export class ImportJobError extends Error {
  override readonly name = 'ImportJobError';
  constructor(
    readonly code: 'import_not_found' | 'import_state' | 'import_part' | 'import_part_too_large' | 'import_queue_unavailable',
    options?: { cause?: unknown },
  ) {
    super(code, options);
  }
}

/** A job as the panel shows it: the stored job with its elapsed time, an estimate of what is left, and whether it stalled. */
export interface ImportJobView extends ImportJob {
  readonly elapsedMs?: number;
  readonly estimateMs?: number;
  readonly stalled: boolean;
}

const now = (deps: ImportJobsDeps) => (deps.clock ?? (() => new Date()))();

/** Ids sort by creation time (newest last), so the job list reads newest first by key. */
function newJobId(at: Date): string {
  return `${at.getTime().toString(36).padStart(9, '0')}${randomBytes(5).toString('hex')}`;
}

export async function createImportJob(
  deps: ImportJobsDeps,
  request: { kind: ImportKind; parts: number; dryRun: boolean; fileName?: string; language: Language; ledgerCurrency: CurrencyCode; amountFields: string[] },
): Promise<ImportJob> {
  if (!Number.isInteger(request.parts) || request.parts < 1 || request.parts > MAX_PARTS) throw new ImportJobError('import_part');
  const at = now(deps);
  const job: ImportJob = {
    id: newJobId(at),
    kind: request.kind,
    ...(request.fileName ? { fileName: request.fileName.slice(0, 200) } : {}),
    parts: request.parts,
    dryRun: request.dryRun,
    state: 'uploading',
    language: request.language,
    ledgerCurrency: request.ledgerCurrency,
    amountFields: [...new Set(request.amountFields)],
    createdAt: at.toISOString(),
    updatedAt: at.toISOString(),
    validated: 0,
    written: 0,
  };
  await deps.jobs.create(job);
  return job;
}

export async function uploadImportPart(deps: ImportJobsDeps, jobId: string, part: number, bytes: Uint8Array): Promise<void> {
  const job = await deps.jobs.get(jobId);
  if (!job) throw new ImportJobError('import_not_found');
  if (job.state !== 'uploading') throw new ImportJobError('import_state');
  if (!Number.isInteger(part) || part < 0 || part >= job.parts) throw new ImportJobError('import_part');
  if (bytes.length > MAX_PART_BYTES) throw new ImportJobError('import_part_too_large');
  await deps.files.putPart(jobId, part, bytes);
}

/** Records the import in the Activity page (not for a dry run), then queues it for validation. */
export async function startImportJob(deps: ImportJobsDeps, jobId: string, actor: AuditActor): Promise<ImportJobView> {
  const job = await deps.jobs.get(jobId);
  if (!job) throw new ImportJobError('import_not_found');
  if (job.state !== 'uploading') throw new ImportJobError('import_state');
  const entry = job.dryRun
    ? undefined
    : await deps.audit.record(actor, {
        area: 'import',
        action: 'import',
        target: 'ledger',
        after: { job: job.id, kind: job.kind, ...(job.fileName ? { file: job.fileName } : {}) },
      });
  const startedAt = now(deps).toISOString();
  if (!(await deps.jobs.update(job.id, ['uploading'], { state: 'queued', startedAt, actor, ...(entry ? { audit: entry } : {}) }))) {
    if (entry) await deps.audit.withdraw(entry).catch(() => undefined);
    throw new ImportJobError('import_state');
  }
  try {
    await deps.queue.send({ jobId: job.id, phase: 'validate' });
  } catch (error) {
    await deps.jobs.update(job.id, ['queued'], { state: 'failed', error: 'the import queue did not take the job', finishedAt: now(deps).toISOString() });
    if (entry) await deps.audit.withdraw(entry).catch(() => undefined);
    throw new ImportJobError('import_queue_unavailable', { cause: error });
  }
  return view(deps, (await deps.jobs.get(job.id)) ?? job);
}

/**
 * Stops a job: nothing more is validated or written after the worker's current batch (rows
 * already written stay; a file still being uploaded or waiting is dropped at once).
 */
export async function cancelImportJob(deps: ImportJobsDeps, jobId: string): Promise<ImportJobView> {
  const job = await deps.jobs.get(jobId);
  if (!job) throw new ImportJobError('import_not_found');
  if (!(await deps.jobs.update(job.id, ['uploading', 'queued', 'validating', 'writing'], { state: 'cancelled', finishedAt: now(deps).toISOString() })))
    throw new ImportJobError('import_state');
  if (job.state === 'uploading' || job.state === 'queued') {
    // No worker has it: clean up here.
    await deps.files.deleteParts(job.id, job.parts);
    if (job.audit) await deps.audit.withdraw(job.audit).catch(() => undefined);
  }
  return view(deps, (await deps.jobs.get(job.id)) ?? job);
}

/** The job with its timings; a job whose worker stopped answering is handed to the queue again from where it got to. */
export async function viewImportJob(deps: ImportJobsDeps, jobId: string): Promise<ImportJobView> {
  let job = await deps.jobs.get(jobId);
  if (!job) throw new ImportJobError('import_not_found');
  if (isStalled(deps, job)) {
    // Conditional on the progress seen, so two panels polling at once queue it once.
    if (await deps.jobs.update(job.id, [job.state], {}, job.written)) {
      await deps.queue.send(job.state === 'writing' ? { jobId: job.id, phase: 'write', offset: job.written } : { jobId: job.id, phase: 'validate' });
    }
    job = (await deps.jobs.get(jobId)) ?? job;
  }
  return view(deps, job);
}

export async function listImportJobs(deps: ImportJobsDeps, limit: number): Promise<ImportJobView[]> {
  return (await deps.jobs.list(limit)).map((job) => view(deps, job));
}

function isStalled(deps: ImportJobsDeps, job: ImportJob): boolean {
  if (!['queued', 'validating', 'writing'].includes(job.state)) return false;
  return now(deps).getTime() - Date.parse(job.updatedAt) > (deps.stallMs ?? 90_000);
}

/** The job as the panel shows it (elapsed time, estimate, stalled). */
export function view(deps: ImportJobsDeps, job: ImportJob): ImportJobView {
  const { actor: _actor, ...shown } = job;
  const at = now(deps).getTime();
  const started = job.startedAt ? Date.parse(job.startedAt) : undefined;
  const ended = job.finishedAt ? Date.parse(job.finishedAt) : at;
  const elapsedMs = started !== undefined ? Math.max(0, ended - started) : undefined;
  let estimateMs: number | undefined;
  if (job.state === 'writing' && elapsedMs !== undefined && job.rows && job.written > 0)
    estimateMs = Math.round((elapsedMs / job.written) * (job.rows - job.written));
  else if (job.state === 'validating' && elapsedMs !== undefined && job.rows && job.validated > 0)
    estimateMs = Math.round((elapsedMs / job.validated) * (job.rows - job.validated));
  return {
    ...shown,
    ...(elapsedMs !== undefined ? { elapsedMs } : {}),
    ...(estimateMs !== undefined ? { estimateMs } : {}),
    stalled: !FINISHED_STATES.includes(job.state) && isStalled(deps, job),
  };
}
