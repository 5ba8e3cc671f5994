/**
 * A local server speaking SQS's JSON protocol (POST /, X-Amz-Target: AmazonSQS.<Operation>,
 * application/x-amz-json-1.0), so SqsImportQueue's whole SDK path runs in tests: SendMessage
 * with the body's MD5 the SDK checks, and errors as `__type` + message. Messages wait in
 * memory per queue name until the test takes them, as the Lambda event source would.
 */
import { createHash, randomUUID } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import { startTestHttpServer } from './test-http-server';

export interface FakeSqsMessage {
  readonly queue: string;
  readonly messageId: string;
  readonly body: string;
}

export interface FakeSqs {
  readonly endpoint: string;
  /** The URL a queue of this name has here. */
  queueUrl(name: string): string;
  /** Takes (and removes) every waiting message, oldest first. */
  take(): FakeSqsMessage[];
  /** Every operation asked for, in order. */
  readonly operations: string[];
  stop(): Promise<void>;
}

export async function startFakeSqs(): Promise<FakeSqs> {
  const waiting: FakeSqsMessage[] = [];
  const operations: string[] = [];
  const json = (status: number, body: unknown) => (res: ServerResponse) => {
    res.writeHead(status, { 'content-type': 'application/x-amz-json-1.0' });
    res.end(JSON.stringify(body));
  };
  const server = await startTestHttpServer(({ incoming, body, answer }) => {
    const operation = String(incoming.headers['x-amz-target'] ?? '').replace(/^AmazonSQS\./, '');
    operations.push(operation);
    const input = (body ? JSON.parse(body) : {}) as { QueueUrl?: string; MessageBody?: string };
    if (operation !== 'SendMessage') return answer(json(400, { __type: 'com.amazonaws.sqs#InvalidAction', message: `unknown operation ${operation}` }));
    const queue = input.QueueUrl ? new URL(input.QueueUrl).pathname.split('/').pop() : undefined;
    if (!queue || typeof input.MessageBody !== 'string' || input.MessageBody.length === 0) {
      return answer(json(400, { __type: 'com.amazonaws.sqs#InvalidParameterValue', message: 'QueueUrl and a non-empty MessageBody are required' }));
    }
    const message = { queue, messageId: randomUUID(), body: input.MessageBody };
    waiting.push(message);
    return answer(json(200, { MessageId: message.messageId, MD5OfMessageBody: createHash('md5').update(input.MessageBody, 'utf8').digest('hex') }));
  });
  return {
    endpoint: server.url,
    queueUrl: (name) => `${server.url}/000000000000/${name}`,
    take: () => waiting.splice(0),
    operations,
    stop: () => server.stop(),
  };
}
