/** SQS → the bulk import worker: one message (validate the file, or write the next chunk) per invocation. */
import type { SQSEvent } from 'aws-lambda';
import { parseImportMessage } from '../lib/ledger/import/import-jobs';
import { importWorker } from '../lib/composition/imports';
import { logger } from '../lib/composition/core';

export async function handler(event: SQSEvent): Promise<void> {
  for (const record of event.Records) {
    logger.resetKeys();
    const message = parseImportMessage(record.body);
    if (!message) {
      logger.error('dropped an import message the worker does not understand', { messageId: record.messageId });
      continue;
    }
    // A throw leaves the message on the queue: SQS hands it over again (a retried chunk writes nothing twice).
    await importWorker.handle(message);
  }
}
