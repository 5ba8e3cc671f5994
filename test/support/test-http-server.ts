/**
 * The HTTP plumbing of the local fakes (CRMs speaking their real protocols): a server on a
 * free port that hands each request over with its whole body, can answer late (to test
 * timeouts), counts connections (to test keep-alive) and stops even with answers pending.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface TestHttpServer {
  readonly url: string;
  /** TCP connections accepted so far. */
  readonly connections: number;
  stop(): Promise<void>;
}

export interface TestHttpExchange {
  readonly incoming: IncomingMessage;
  readonly body: string;
  readonly res: ServerResponse;
  /** Runs `send` now, or after `delayMs`; a response whose client has gone is skipped. */
  answer(send: (res: ServerResponse) => void, delayMs?: number): void;
}

export async function startTestHttpServer(onRequest: (exchange: TestHttpExchange) => void): Promise<TestHttpServer> {
  const timers = new Set<NodeJS.Timeout>();
  let connections = 0;
  const server = createServer((incoming, res) => {
    const chunks: Buffer[] = [];
    incoming.on('data', (c: Buffer) => chunks.push(c));
    incoming.on('end', () => {
      const answer = (send: (r: ServerResponse) => void, delayMs?: number) => {
        const run = () => {
          if (!res.destroyed) send(res);
        };
        if (delayMs) timers.add(setTimeout(run, delayMs));
        else run();
      };
      onRequest({ incoming, body: Buffer.concat(chunks).toString('utf8'), res, answer });
    });
  });
  server.on('connection', () => {
    connections += 1;
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    get connections() {
      return connections;
    },
    stop: () =>
      new Promise((resolve) => {
        for (const timer of timers) clearTimeout(timer);
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
