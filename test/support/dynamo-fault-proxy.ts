/**
 * A local HTTP proxy in front of dynalite that speaks the DynamoDB wire protocol's error
 * answers: tests choose, per operation and table, to throttle, fail with a 500, or delay a
 * request. The product's adapters and the SDK's own retry logic run unchanged.
 */
import { Agent, createServer, request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface DynamoRequestInfo {
  /** GetItem, PutItem, Query, ... */
  readonly operation: string;
  readonly table: string;
}

export type Fault = { readonly kind: 'throttle' } | { readonly kind: 'internal-error' } | { readonly kind: 'delay'; readonly ms: number };

export type FaultRule = (request: DynamoRequestInfo) => Fault | undefined;

export interface FaultProxy {
  readonly endpoint: string;
  /** Every request seen, with the fault injected (if any). */
  readonly requests: (DynamoRequestInfo & { fault?: Fault['kind'] })[];
  setRule(rule: FaultRule | undefined): void;
  /**
   * Stops taking requests, drops answers still held back by a delay, waits for requests already
   * forwarded to dynalite to be answered, then closes every connection. Safe to call twice.
   */
  close(): Promise<void>;
}

/** How long close() waits for forwarded requests before cutting them off. */
const DRAIN_TIMEOUT_MS = 10_000;

const ERRORS = {
  throttle: {
    status: 400,
    type: 'com.amazonaws.dynamodb.v20120810#ProvisionedThroughputExceededException',
    message: 'The level of configured provisioned throughput for the table was exceeded.',
  },
  'internal-error': { status: 500, type: 'com.amazonaws.dynamodb.v20120810#InternalServerError', message: 'Internal server error' },
} as const;

export async function startFaultProxy(target: string): Promise<FaultProxy> {
  const upstream = new URL(target);
  let rule: FaultRule | undefined;
  const requests: FaultProxy['requests'] = [];
  // Its own pool to dynalite, so close() can end those keep-alive sockets too.
  const agent = new Agent({ keepAlive: true });
  const delayed = new Set<NodeJS.Timeout>();
  let forwarding = 0;
  let onDrained: (() => void) | undefined;
  let closing = false;
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const operation =
        String(req.headers['x-amz-target'] ?? '')
          .split('.')
          .pop() ?? '';
      let table = '';
      try {
        table = String((JSON.parse(body.toString('utf8')) as { TableName?: string }).TableName ?? '');
      } catch {
        /* not JSON: forward as is */
      }
      const info = { operation, table };
      const fault = rule?.(info);
      requests.push({ ...info, ...(fault ? { fault: fault.kind } : {}) });
      const forward = () => {
        if (closing || res.destroyed) {
          res.destroy();
          return;
        }
        forwarding += 1;
        let done = false;
        const settle = () => {
          if (done) return;
          done = true;
          forwarding -= 1;
          if (forwarding === 0) onDrained?.();
        };
        const headers: IncomingHttpHeaders = { ...req.headers, host: upstream.host };
        const out = httpRequest({ agent, host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers }, (up) => {
          res.writeHead(up.statusCode ?? 502, up.headers);
          up.pipe(res);
          up.on('end', settle);
          up.on('close', settle);
        });
        out.on('error', () => {
          settle();
          if (!res.headersSent) res.writeHead(502);
          res.end();
        });
        out.end(body);
      };
      if (!fault) return forward();
      if (fault.kind === 'delay') {
        const timer = setTimeout(() => {
          delayed.delete(timer);
          forward();
        }, fault.ms);
        delayed.add(timer);
        return;
      }
      const error = ERRORS[fault.kind];
      res.writeHead(error.status, { 'content-type': 'application/x-amz-json-1.0', 'x-amzn-requestid': 'fault-proxy' });
      res.end(JSON.stringify({ __type: error.type, message: error.message }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as AddressInfo;
  const drained = () =>
    new Promise<void>((resolve) => {
      if (forwarding === 0) return resolve();
      const timer = setTimeout(resolve, DRAIN_TIMEOUT_MS);
      onDrained = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  let closed: Promise<void> | undefined;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    requests,
    setRule(next) {
      rule = next;
    },
    close: () =>
      (closed ??= (async () => {
        closing = true;
        const listening = new Promise<void>((resolve) => server.close(() => resolve()));
        server.closeIdleConnections();
        // Answers held back by a delay would otherwise be forwarded after the proxy (and dynalite) stopped.
        for (const timer of delayed) clearTimeout(timer);
        delayed.clear();
        await drained();
        server.closeAllConnections();
        agent.destroy();
        await listening;
      })()),
  };
}
