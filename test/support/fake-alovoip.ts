/**
 * A local CRM implementing AloVoIP's HTTP lookup contract (shared/reference/crm-contracts.md,
 * part A). Each route answers from a handler the test sets; every request is recorded raw
 * (method, path, headers, body text) so tests assert on exactly what went on the wire.
 */
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface HttpRequestRecord {
  readonly method: string;
  readonly path: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}

export interface RouteAnswer {
  readonly status?: number;
  /** Sent as-is (so a test can send `null`, `{}`, PascalCase or wrong types). */
  readonly body: string;
  readonly delayMs?: number;
}

export interface FakeAlovoip {
  readonly url: string;
  readonly requests: HttpRequestRecord[];
  readonly routes: Map<string, (request: HttpRequestRecord) => RouteAnswer>;
  connections: number;
  stop(): Promise<void>;
}

export async function startFakeAlovoip(): Promise<FakeAlovoip> {
  const requests: HttpRequestRecord[] = [];
  const routes: FakeAlovoip['routes'] = new Map();
  const timers = new Set<NodeJS.Timeout>();
  const server: Server = createServer((incoming, res) => {
    const chunks: Buffer[] = [];
    incoming.on('data', (c: Buffer) => chunks.push(c));
    incoming.on('end', () => {
      const record: HttpRequestRecord = { method: incoming.method ?? '', path: incoming.url ?? '', headers: incoming.headers, body: Buffer.concat(chunks).toString('utf8') };
      requests.push(record);
      const route = routes.get(record.path.replace(/^.*\//, '/')) ?? routes.get('*');
      const answer = route ? route(record) : { status: 404, body: '' };
      const send = () => {
        if (res.destroyed) return;
        res.writeHead(answer.status ?? 200, { 'Content-Type': 'application/json; charset=utf-8' }).end(answer.body);
      };
      if (answer.delayMs) timers.add(setTimeout(send, answer.delayMs));
      else send();
    });
  });
  const fake: FakeAlovoip = {
    url: '',
    requests,
    routes,
    connections: 0,
    stop: () =>
      new Promise((resolve) => {
        for (const timer of timers) clearTimeout(timer);
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  server.on('connection', () => {
    fake.connections += 1;
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  (fake as { url: string }).url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return fake;
}
