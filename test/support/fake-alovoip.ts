/**
 * A local CRM implementing AloVoIP's HTTP lookup contract (shared/reference/crm-contracts.md,
 * part A). Each route answers from a handler the test sets; every request is recorded raw
 * (method, path, headers, body text) so tests assert on exactly what went on the wire.
 */
import type { IncomingHttpHeaders } from 'node:http';
import { startTestHttpServer, type TestHttpServer } from './test-http-server';

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

export interface FakeAlovoip extends TestHttpServer {
  readonly requests: HttpRequestRecord[];
  readonly routes: Map<string, (request: HttpRequestRecord) => RouteAnswer>;
}

export async function startFakeAlovoip(): Promise<FakeAlovoip> {
  const requests: HttpRequestRecord[] = [];
  const routes: FakeAlovoip['routes'] = new Map();
  const server = await startTestHttpServer(({ incoming, body, answer }) => {
    const record: HttpRequestRecord = { method: incoming.method ?? '', path: incoming.url ?? '', headers: incoming.headers, body };
    requests.push(record);
    const route = routes.get(record.path.replace(/^.*\//, '/')) ?? routes.get('*');
    const reply = route ? route(record) : { status: 404, body: '' };
    answer((res) => res.writeHead(reply.status ?? 200, { 'Content-Type': 'application/json; charset=utf-8' }).end(reply.body), reply.delayMs);
  });
  return Object.assign(server, { requests, routes });
}
