/**
 * The real pay function (functions/pay.ts) behind a small HTTP front on 127.0.0.1, as API
 * Gateway would put it: a local provider (fake Stripe, fake Zarinpal) can deliver its webhooks
 * and send the customer's browser back to it, and tests `fetch` it like a browser. Load it
 * after startInProcessStack: the pay composition reads the stack's environment on import.
 */
import { randomUUID } from 'node:crypto';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { lambdaContext } from './lambda-context';
import { startTestHttpServer, type TestHttpServer } from './test-http-server';

type PayHandler = (event: APIGatewayProxyEventV2, context: Context) => Promise<APIGatewayProxyStructuredResultV2>;

export interface PayGateway {
  readonly url: string;
  readonly handler: PayHandler;
  /** fetch through the gateway; a URL on the stack's public base (from an SMS, a provider's redirect) is sent here. */
  fetch(url: string, init?: RequestInit): Promise<Response>;
  stop(): Promise<void>;
}

export function payEvent(method: string, pathAndQuery: string, options: { body?: string; headers?: Record<string, string> } = {}): APIGatewayProxyEventV2 {
  const [path = '', query = ''] = pathAndQuery.split('?');
  const token = /^\/pay\/([^/]+)$/.exec(path)?.[1];
  return {
    version: '2.0',
    routeKey: `${method} ${token ? '/pay/{token}' : path}`,
    rawPath: path,
    rawQueryString: query,
    headers: Object.fromEntries(Object.entries(options.headers ?? {}).map(([k, v]) => [k.toLowerCase(), v])),
    ...(query ? { queryStringParameters: Object.fromEntries(new URLSearchParams(query)) } : {}),
    ...(token ? { pathParameters: { token: decodeURIComponent(token) } } : {}),
    ...(options.body !== undefined ? { body: options.body } : {}),
    isBase64Encoded: false,
    requestContext: { http: { method, path, protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: 'test' }, requestId: randomUUID(), timeEpoch: Date.now() },
  } as unknown as APIGatewayProxyEventV2;
}

export async function startPayGateway(publicBaseUrl: string): Promise<PayGateway> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const handler = (require('../../functions/pay') as { handler: PayHandler }).handler;
  const server: TestHttpServer = await startTestHttpServer(({ incoming, body, res }) => {
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(incoming.headers)) if (typeof v === 'string') headers[k] = v;
    void handler(payEvent(incoming.method ?? 'GET', incoming.url ?? '/', { body, headers }), lambdaContext('pay'))
      .then((result) => res.writeHead(result.statusCode ?? 200, (result.headers ?? {}) as Record<string, string>).end(result.body ?? ''))
      .catch((error: unknown) => res.writeHead(599).end(String(error)));
  });
  const local = (url: string) => (url.startsWith(publicBaseUrl) ? `${server.url}${url.slice(publicBaseUrl.length)}` : url);
  return {
    url: server.url,
    handler,
    fetch: (url, init = {}) => fetch(local(url), { redirect: 'manual', ...init }),
    stop: () => server.stop(),
  };
}
