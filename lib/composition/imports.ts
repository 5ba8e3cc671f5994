/**
 * Bulk import jobs, shared by the admin function (create, upload, start, progress) and the
 * import worker: the job store (ledger table), the uploaded files (the audio bucket's private
 * `imports/` prefix, or the local audio folder), the worker, and the queue between them (SQS
 * when IMPORT_QUEUE_URL is set; locally the worker runs in this process).
 */
import { S3Client } from '@aws-sdk/client-s3';
import { SQSClient } from '@aws-sdk/client-sqs';
import { DynamoAuditTrail } from '../audit/dynamo-audit-trail';
import type { ImportJobsDeps } from '../ledger/import/import-job-control';
import type { ImportFiles, ImportQueue } from '../ledger/import/import-jobs';
import { DynamoImportJobStore } from '../ledger/import/dynamo-import-job-store';
import { InProcessImportQueue } from '../ledger/import/in-process-import-queue';
import { ImportWorker } from '../ledger/import/import-worker';
import { SqsImportQueue } from '../ledger/import/sqs-import-queue';
import { LocalFolderImportFiles, S3ImportFiles } from '../ledger/import/stored-import-files';
import { DynamoLedgerDirectory } from '../ledger/dynamo-ledger-directory';
import { DynamoLedgerWriter } from '../ledger/dynamo-ledger-writer';
import { setUpSdkClient } from '../aws/sdk-client-setup';
import { config, dynamo, logger } from './core';

const bucket = config.speech.audioBucket;
const s3Endpoint = config.speech.s3Endpoint;
// Parts are up to 4 MB: the SDK's own timeouts, not the webhooks' short ones (audio-clients.ts).
const files: ImportFiles = bucket
  ? new S3ImportFiles(setUpSdkClient(new S3Client({ region: config.region, ...(s3Endpoint ? { endpoint: s3Endpoint, forcePathStyle: true } : {}) })), bucket)
  : new LocalFolderImportFiles(config.speech.audioDir);
const jobs = new DynamoImportJobStore(dynamo, config.tables.ledger);
const audit = new DynamoAuditTrail(dynamo, config.tables.audit, config.auditRetentionDays);

let queue: ImportQueue;
export const importWorker = new ImportWorker({
  jobs,
  files,
  queue: { send: (message) => queue.send(message) },
  ledger: new DynamoLedgerWriter(dynamo, config.tables.ledger, config.defaultCountryCode, {
    ledgerCurrency: config.ledgerCurrency,
    passwordConcurrency: config.imports.passwordConcurrency,
  }),
  directory: new DynamoLedgerDirectory(dynamo, config.tables.ledger, config.ledgerCurrency),
  audit,
  logger,
  chunkSeconds: config.imports.chunkSeconds,
});
queue = config.imports.queueUrl
  ? new SqsImportQueue(
      setUpSdkClient(new SQSClient({ region: config.region, ...(config.imports.sqsEndpoint ? { endpoint: config.imports.sqsEndpoint } : {}) })),
      config.imports.queueUrl,
    )
  : new InProcessImportQueue((message) => importWorker.handle(message), {
      onError: (error) => logger.warn('import message failed; trying again', { error: error as Error }),
    });

/** What the admin API needs; undefined where jobs cannot run (deployed without a queue). */
export const importJobs: ImportJobsDeps | undefined = config.imports.queueUrl || config.isLocal ? { jobs, files, queue, audit } : undefined;
