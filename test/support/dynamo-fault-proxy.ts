/**
 * A local HTTP proxy in front of dynalite that speaks the DynamoDB wire protocol's error
 * answers: tests choose, per operation and table, to throttle, fail with a 500, or delay a
 * request. The product's adapters and the SDK's own retry logic run unchanged.
 */
import { createServer, request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface DynamoRequestInfo {
  /** GetItem, PutItem, Query, ... */
  readonly operation: string;
  readonly table: string;
}

export type Fault =
  | { readonly kind: 'throttle' }
  | { readonly kind: 'internal-error' }
  | { readonly kind: 'delay'; readonly ms: number };

export type FaultRule = (request: DynamoRequestInfo) => Fault | undefined;

export interface FaultProxy {
  readonly endpoint: string;
  /** Every request seen, with the fault injected (if any). */
  readonly requests: (DynamoRequestInfo & { fault?: Fault['kind'] })[];
  setRule(rule: FaultRule | undefined): void;
  close(): Promise<void>;
}

const ERRORS = {
  throttle: { status: 400, type: 'com.amazonaws.dynamodb.v20120810#ProvisionedThroughputExceededException', message: 'The level of configured provisioned throughput for the table was exceeded.' },
  'internal-error': { status: 500, type: 'com.amazonaws.dynamodb.v20120810#InternalServerError', message: 'Internal server error' },
} as const;

export async function startFaultProxy(target: string): Promise<FaultProxy> {
  const upstream = new URL(target);
  let rule: FaultRule | undefined;
  const requests: FaultProxy['requests'] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const operation = String(req.headers['x-amz-target'] ?? '').split('.').pop() ?? '';
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
        const headers: IncomingHttpHeaders = { ...req.headers, host: upstream.host };
        const out = httpRequest({ host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers }, (up) => {
          res.writeHead(up.statusCode ?? 502, up.headers);
          up.pipe(res);
        });
        out.on('error', () => {
          res.writeHead(502);
          res.end();
        });
        out.end(body);
      };
      if (!fault) return forward();
      if (fault.kind === 'delay') {
        setTimeout(forward, fault.ms);
        return;
      }
      const error = ERRORS[fault.kind];
      res.writeHead(error.status, { 'content-type': 'application/x-amz-json-1.0', 'x-amzn-requestid': 'fault-proxy' });
      res.end(JSON.stringify({ __type: error.type, message: error.message }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    requests,
    setRule(next) {
      rule = next;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
