/** ImportQueue on SQS (deployed): the worker function is triggered by the queue, one message at a time. */
import { SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { ImportMessage, ImportQueue } from './import-jobs';

export class SqsImportQueue implements ImportQueue {
  constructor(
    private readonly sqs: SQSClient,
    private readonly queueUrl: string,
  ) {}

  async send(message: ImportMessage): Promise<void> {
    await this.sqs.send(new SendMessageCommand({ QueueUrl: this.queueUrl, MessageBody: JSON.stringify(message) }));
  }
}
