/**
 * Bulk imports as jobs (lib/ledger/import/import-jobs.ts): create a job, upload the file in
 * parts, start it, follow its progress, cancel it. Any size: the admin request only stores
 * parts and reads the job; validation and writing happen in the import worker.
 */
import { IMPORT_KINDS, type ImportKind } from '../../ledger/import/import-jobs';
import {
  cancelImportJob,
  createImportJob,
  ImportJobError,
  listImportJobs,
  startImportJob,
  uploadImportPart,
  viewImportJob,
  type ImportJobsDeps,
} from '../../ledger/import/import-job-control';
import { adminFieldError } from '../admin-messages';
import { BadRequestError, ConflictError, InvalidFieldsError, NotFoundError, PayloadTooLargeError, UnavailableError } from '../admin-errors';
import type { AdminDeps } from '../admin-deps';
import type { AdminRouter } from '../admin-router';
import { created, ok, queryInt, readJson } from '../request-body';

function imports(deps: AdminDeps): ImportJobsDeps {
  if (!deps.imports) throw new UnavailableError('imports_unavailable');
  return deps.imports;
}

/** The job functions' refusals as HTTP answers. */
async function answering<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    if (!(error instanceof ImportJobError)) throw error;
    if (error.code === 'import_not_found') throw new NotFoundError('import_not_found');
    if (error.code === 'import_state') throw new ConflictError('import_state');
    if (error.code === 'import_part_too_large') throw new PayloadTooLargeError();
    if (error.code === 'import_queue_unavailable') throw new UnavailableError('import_queue_unavailable', { cause: error });
    throw new BadRequestError('import_part');
  }
}

export function addImportJobRoutes(router: AdminRouter, deps: AdminDeps): void {
  router
    .add(
      'POST',
      '/ledger/imports',
      {
        summary: 'Create a bulk import job: {"kind":"customers"|"items"|"json","parts":n,"fileName"?,"dryRun"?}; then upload its parts and start it',
        tag: 'ledger',
        errors: [422, 503],
      },
      async (request) => {
        const jobs = imports(deps);
        const body = readJson(request) as Record<string, unknown>;
        const errors = [];
        const kind = body?.kind;
        if (!(IMPORT_KINDS as readonly unknown[]).includes(kind)) errors.push(adminFieldError('kind', 'invalid', request.language));
        const parts = body?.parts;
        if (typeof parts !== 'number' || !Number.isInteger(parts) || parts < 1 || parts > 50)
          errors.push(adminFieldError('parts', 'invalid', request.language));
        if (body?.fileName !== undefined && typeof body.fileName !== 'string') errors.push(adminFieldError('fileName', 'invalid', request.language));
        if (body?.dryRun !== undefined && typeof body.dryRun !== 'boolean') errors.push(adminFieldError('dryRun', 'invalid', request.language));
        if (errors.length > 0) throw new InvalidFieldsError(errors);
        const modules = await deps.modules.listModules();
        const job = await answering(() =>
          createImportJob(jobs, {
            kind: kind as ImportKind,
            parts: parts as number,
            dryRun: body.dryRun === true,
            ...(typeof body.fileName === 'string' ? { fileName: body.fileName } : {}),
            language: request.language,
            ledgerCurrency: deps.ledger.currency ?? 'IRR',
            // A stored module's invoice value field holds amounts too: they are read as strictly as FinalValue.
            amountFields: modules.flatMap((m) => (m.kind === 'balance' ? [m.invoiceValueField] : [])),
          }),
        );
        return created({ job });
      },
    )
    .add(
      'PUT',
      '/ledger/imports/:id/parts/:part',
      {
        summary: 'Upload one part of the job’s file (numbered from 0; at most 4 MB each; the parts joined in order are the file)',
        tag: 'ledger',
        body: { mediaType: 'text/csv' },
        errors: [400, 404, 409, 413, 503],
      },
      async (request, { id = '', part = '' }) => {
        const jobs = imports(deps);
        if (!/^\d{1,3}$/.test(part)) throw new BadRequestError('import_part');
        await answering(() => uploadImportPart(jobs, id, Number(part), new Uint8Array(request.body)));
        return ok({ part: Number(part), bytes: request.body.length });
      },
    )
    .add(
      'POST',
      '/ledger/imports/:id/start',
      {
        summary: 'Start a job once its parts are uploaded: validated whole first (a bad row: nothing is written), then written in chunks',
        tag: 'ledger',
        errors: [404, 409, 503],
      },
      async (request, { id = '' }) => ok({ job: await answering(() => startImportJob(imports(deps), id, request.actor)) }),
    )
    .add(
      'GET',
      '/ledger/imports',
      { summary: 'Recent import jobs, newest first', tag: 'ledger', query: [{ name: 'limit', description: '1–50, default 10' }], errors: [503] },
      async (request) => ok({ jobs: await listImportJobs(imports(deps), queryInt(request, 'limit', 10, 1, 50)) }),
    )
    .add(
      'GET',
      '/ledger/imports/:id',
      {
        summary: 'One job: state, rows validated and written, problems with their lines, elapsed time and an estimate (a stalled job is queued again)',
        tag: 'ledger',
        errors: [404, 503],
      },
      async (_request, { id = '' }) => ok({ job: await answering(() => viewImportJob(imports(deps), id)) }),
    )
    .add(
      'POST',
      '/ledger/imports/:id/cancel',
      { summary: 'Cancel a job: nothing more is written after the current batch', tag: 'ledger', errors: [404, 409, 503] },
      async (_request, { id = '' }) => ok({ job: await answering(() => cancelImportJob(imports(deps), id)) }),
    );
}
