/**
 * The embedded DynamoDB's lifecycle: close() answers the requests dynalite is working on before
 * it closes the database (a query still running after close was the cause of "Cannot
 * destructure property 'Readable'" failures at the end of test files), and a folder another
 * dynalite holds is refused with DataDirInUseError instead of an uncaught "Database is not open".
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { Agent, request, type IncomingMessage } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { localDynamoClient } from '../../infra/local/create-tables';
import { DataDirInUseError, startDynalite } from '../../infra/local/dynalite-server';

/** Starts a ListTables request whose body is only half sent: dynalite holds it until `finish()`. */
function heldRequest(endpoint: string, agent?: Agent) {
  const body = JSON.stringify({});
  const url = new URL(endpoint);
  let finish = (): unknown => undefined;
  const answer = new Promise<{ status: number; body: string }>((resolve, reject) => {
    const req = request(
      {
        ...(agent ? { agent } : {}),
        host: url.hostname,
        port: url.port,
        method: 'POST',
        path: '/',
        headers: {
          'content-type': 'application/x-amz-json-1.0',
          'x-amz-target': 'DynamoDB_20120810.ListTables',
          'x-amz-date': '20250101T000000Z',
          authorization: 'AWS4-HMAC-SHA256 Credential=local/20250101/us-east-1/dynamodb/aws4_request, SignedHeaders=host, Signature=0',
          'content-length': Buffer.byteLength(body),
        },
      },
      (res: IncomingMessage) => {
        let text = '';
        res.on('data', (c: Buffer) => (text += c.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
      },
    );
    req.on('error', reject);
    req.write(body.slice(0, 1));
    finish = () => req.end(body.slice(1));
  });
  return { answer, finish: () => finish() };
}

async function until(condition: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe('dynalite server', () => {
  it('answers a request in flight before it closes, and takes no new connection meanwhile', async () => {
    const dynalite = await startDynalite();
    const held = heldRequest(dynalite.endpoint);
    await until(() => dynalite.inFlight === 1);

    let closed = false;
    const closing = dynalite.close().then(() => (closed = true));
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(closed).toBe(false); // still waiting for the request
    await expect(fetch(dynalite.endpoint)).rejects.toThrow(); // not listening any more

    held.finish();
    // Answered from an open database (a closed one fails the request or never answers it).
    expect(await held.answer).toEqual({ status: 200, body: '{"TableNames":[]}' });
    await closing;
    expect(closed).toBe(true);
    expect(dynalite.inFlight).toBe(0);
  });

  it('answers a request that arrives on an open connection after close() began with 503, without running it', async () => {
    const dynalite = await startDynalite();
    const keepAlive = new Agent({ keepAlive: true, maxSockets: 1 });
    const holding = heldRequest(dynalite.endpoint); // keeps close() waiting
    const first = heldRequest(dynalite.endpoint, keepAlive);
    await until(() => dynalite.inFlight === 2);
    const closing = dynalite.close();

    first.finish();
    expect((await first.answer).status).toBe(200);
    // The same kept-alive connection, while close() still waits for `holding`.
    const late = heldRequest(dynalite.endpoint, keepAlive);
    late.finish();
    const answer = await late.answer.catch((error: Error) => ({ status: 0, body: error.message }));
    expect(answer.status).not.toBe(200);
    expect(dynalite.inFlight).toBe(1);

    holding.finish();
    expect((await holding.answer).status).toBe(200);
    await closing;
    keepAlive.destroy();
  });

  it('can be closed twice', async () => {
    const dynalite = await startDynalite();
    const client = localDynamoClient(dynalite.endpoint);
    expect((await client.send(new ListTablesCommand({}))).TableNames).toEqual([]);
    await Promise.all([dynalite.close(), dynalite.close()]);
    client.destroy();
  });

  it('refuses a data folder another dynalite holds, and the first one keeps working', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dynalite-lock-'));
    const first = await startDynalite({ dataDir: dir });
    const client = localDynamoClient(first.endpoint);
    try {
      const second = startDynalite({ dataDir: dir });
      await expect(second).rejects.toThrow(DataDirInUseError);
      await expect(second).rejects.toMatchObject({ dataDir: dir });
      expect((await client.send(new ListTablesCommand({}))).TableNames).toEqual([]);
    } finally {
      await first.close();
      client.destroy();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
