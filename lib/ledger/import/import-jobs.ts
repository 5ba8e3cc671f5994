/**
 * Bulk imports as jobs: what a job is, and the ports its pieces talk through.
 *
 *   panel / `npm run import`        admin API                       worker (import-worker.ts)
 *   create job ──────────────────→  ImportJobStore.create
 *   upload parts (≤ 4 MB each) ──→  ImportFiles.putPart
 *   start ───────────────────────→  audit entry, state queued,  ──→ ImportQueue ─→ validate everything
 *                                                                       (a bad row: rejected, nothing written)
 *   progress (poll) ←────────────  ImportJobStore.get  ←─────────────  write a chunk, record progress,
 *   cancel ──────────────────────→  state cancelled                       queue the next chunk … done
 *
 * Deployed, the queue is SQS and the worker its own function; locally the same worker runs
 * in-process behind an in-process queue. A chunk is retried (SQS redelivery, or a resume of a
 * stalled job) without duplicating anything: every row is a keyed write, and progress only
 * moves forward with a conditional update.
 */
import type { AuditActor, AuditEntry } from '../../audit/audit-trail';
import type { CurrencyCode } from '../../domain/money';
import type { Language } from '../../config/module-schema';

/** What a job imports: CSV of customers, CSV of items, or a JSON document of ledger sections. */
export const IMPORT_KINDS = ['customers', 'items', 'json'] as const;
export type ImportKind = (typeof IMPORT_KINDS)[number];

export type ImportJobState = 'uploading' | 'queued' | 'validating' | 'rejected' | 'checked' | 'writing' | 'done' | 'failed' | 'cancelled';

/** States a job no longer leaves. */
export const FINISHED_STATES: readonly ImportJobState[] = ['rejected', 'checked', 'done', 'failed', 'cancelled'];

/** One refused row: where (section, row, CSV line), which field, why (in the operator's language). */
export interface ImportJobProblem {
  readonly section: string;
  readonly row: number;
  readonly line?: number;
  readonly field: string;
  readonly code: string;
  readonly message: string;
}

export interface ImportJob {
  readonly id: string;
  readonly kind: ImportKind;
  readonly fileName?: string;
  /** How many parts the file is uploaded in. */
  readonly parts: number;
  /** Validate only: nothing is written. */
  readonly dryRun: boolean;
  readonly state: ImportJobState;
  /** The operator's language: problems are written in it. */
  readonly language: Language;
  /** What the import is checked against, taken when the job is created. */
  readonly ledgerCurrency: CurrencyCode;
  /** Invoice value fields of stored modules: amounts too. */
  readonly amountFields: string[];
  readonly createdAt: string;
  readonly startedAt?: string;
  /** Last progress (the heartbeat: a job in progress whose heartbeat is old has stalled). */
  readonly updatedAt: string;
  readonly finishedAt?: string;
  /** Rows in the file (customers, items and money accounts), known once it is read. */
  readonly rows?: number;
  readonly validated: number;
  /** Rows written, in file order: the next chunk starts here. */
  readonly written: number;
  /** The first problems (at most MAX_PROBLEMS) and how many there were. */
  readonly problems?: ImportJobProblem[];
  readonly problemCount?: number;
  readonly counts?: { readonly moneyAccounts: number; readonly customers: number; readonly items: number };
  /** Why the job failed (a storage error that outlasted its retries). */
  readonly error?: string;
  /** Failed attempts at the current chunk. */
  readonly failures?: number;
  /** The job's Activity entry, whole: taken back or put again marked failed as the job ends. */
  readonly audit?: AuditEntry;
  readonly actor?: AuditActor;
}

export const MAX_PROBLEMS = 500;

/** Where jobs are kept. Every state change is conditional on the state it moves from. */
export interface ImportJobStore {
  create(job: ImportJob): Promise<void>;
  get(id: string): Promise<ImportJob | undefined>;
  /** Newest first. */
  list(limit: number): Promise<ImportJob[]>;
  /**
   * Applies `changes` only when the job is in one of `from` (and, when given, has written
   * exactly `written` rows); false when it was not (another delivery got there first, or it
   * was cancelled). `updatedAt` is set by the store.
   */
  update(id: string, from: readonly ImportJobState[], changes: Partial<Omit<ImportJob, 'id'>>, written?: number): Promise<boolean>;
}

/** The uploaded file, in parts (S3 deployed, a local folder locally). */
export interface ImportFiles {
  putPart(jobId: string, part: number, bytes: Uint8Array): Promise<void>;
  /** undefined when that part was never uploaded. */
  getPart(jobId: string, part: number): Promise<Uint8Array | undefined>;
  /** The parts hold customer data (passwords, even): removed when the job ends. */
  deleteParts(jobId: string, parts: number): Promise<void>;
}

/** What the worker is asked to do next: validate the whole file, or write from row `offset`. */
export type ImportMessage =
  | { readonly jobId: string; readonly phase: 'validate' }
  | { readonly jobId: string; readonly phase: 'write'; readonly offset: number };

/** Hands messages to the worker (SQS deployed; in-process locally). */
export interface ImportQueue {
  send(message: ImportMessage): Promise<void>;
}

/** A part is at most this many bytes (API Gateway takes 10 MB, a Lambda request 6 MB). */
export const MAX_PART_BYTES = 4 * 1024 * 1024;
/** A file is at most this many parts (200 MB). */
export const MAX_PARTS = 50;

/** A queue message as the worker accepts it; anything else is undefined (dropped, logged). */
export function parseImportMessage(body: string): ImportMessage | undefined {
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch {
    return undefined;
  }
  const m = value as Record<string, unknown> | null;
  if (!m || typeof m.jobId !== 'string' || m.jobId.length > 60) return undefined;
  if (m.phase === 'validate') return { jobId: m.jobId, phase: 'validate' };
  if (m.phase === 'write' && typeof m.offset === 'number' && Number.isInteger(m.offset) && m.offset >= 0)
    return { jobId: m.jobId, phase: 'write', offset: m.offset };
  return undefined;
}
