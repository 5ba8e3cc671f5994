/**
 * One function's real handler (functions/<name>.ts with its own composition), loaded as a
 * deployed Lambda would run it: AWS_LAMBDA_FUNCTION_NAME set, so secrets come from SSM and
 * no local default applies. Each load gets its own module registry, so several functions (or
 * one function with different settings) live side by side in a test file. The environment is
 * kept until `restore()`: the SDK reads credentials from it on the first request.
 */
import { randomUUID } from 'node:crypto';
import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';
import { getExpectedTwilioSignature } from 'twilio/lib/webhooks/webhooks';
import { lambdaContext } from './lambda-context';

export type Handler = (event: APIGatewayProxyEventV2, context: Context) => Promise<{ statusCode?: number; headers?: Record<string, unknown>; body?: string }>;

export interface LoadedFunction {
  readonly handler: Handler;
  /** Destroys the function's DynamoDB client and puts the environment back. */
  restore(): void;
}

/** Settings every deployed-mode load needs; tests add the endpoints of their local servers. */
export const DEPLOYED_BASE_ENV = {
  STAGE: 'prod',
  AWS_REGION: 'us-east-1',
  AWS_ACCESS_KEY_ID: 'test',
  AWS_SECRET_ACCESS_KEY: 'test',
  PUBLIC_BASE_URL: 'https://ivr.example.test',
  POWERTOOLS_METRICS_DISABLED: 'true',
  LOG_LEVEL: 'ERROR',
} as const;

const restorers: (() => void)[] = [];

export function loadDeployedFunction(
  name: 'voice' | 'status' | 'admin' | 'pay' | 'panel' | 'fallback' | 'importWorker',
  env: Record<string, string>,
): LoadedFunction {
  const all: Record<string, string> = { ...DEPLOYED_BASE_ENV, AWS_LAMBDA_FUNCTION_NAME: `balance-ivr-prod-${name}`, ...env };
  const saved = Object.fromEntries(Object.keys(all).map((k) => [k, process.env[k]]));
  Object.assign(process.env, all);
  const restoreEnv = () => {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  };
  let handler: Handler | undefined;
  let core: { dynamo: { destroy(): void } } | undefined;
  try {
    jest.isolateModules(() => {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      handler = (require(`../../functions/${name === 'importWorker' ? 'import-worker' : name}`) as { handler: Handler }).handler;
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      core = name === 'panel' ? undefined : (require('../../lib/composition/core') as { dynamo: { destroy(): void } });
    });
  } catch (error) {
    restoreEnv();
    throw error;
  }
  let restored = false;
  const restore = () => {
    if (restored) return;
    restored = true;
    core?.dynamo.destroy();
    restoreEnv();
  };
  restorers.push(restore);
  return { handler: handler as Handler, restore };
}

/** Restores every function loaded so far (afterAll). */
export function restoreAllDeployedFunctions(): void {
  while (restorers.length > 0) restorers.pop()?.();
}

export interface HttpRequest {
  readonly method: string;
  /** Path with the route's parameters filled in, e.g. /voice/balance-en. */
  readonly path: string;
  readonly pathParameters?: Record<string, string>;
  readonly query?: string;
  readonly headers?: Record<string, string>;
  readonly body?: string;
  readonly isBase64Encoded?: boolean;
}

/** An API Gateway HTTP API (v2) event. */
export function apiEvent(request: HttpRequest): APIGatewayProxyEventV2 {
  const query = request.query ?? '';
  return {
    version: '2.0',
    routeKey: `${request.method} ${request.path}`,
    rawPath: request.path,
    rawQueryString: query,
    headers: Object.fromEntries(Object.entries(request.headers ?? {}).map(([k, v]) => [k.toLowerCase(), v])),
    ...(query ? { queryStringParameters: Object.fromEntries(new URLSearchParams(query)) } : {}),
    ...(request.pathParameters ? { pathParameters: request.pathParameters } : {}),
    ...(request.body !== undefined ? { body: request.body } : {}),
    isBase64Encoded: request.isBase64Encoded ?? false,
    requestContext: {
      accountId: '000000000000',
      apiId: 'test',
      domainName: new URL(DEPLOYED_BASE_ENV.PUBLIC_BASE_URL).host,
      domainPrefix: 'ivr',
      http: { method: request.method, path: request.path, protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: 'test' },
      requestId: randomUUID(),
      routeKey: `${request.method} ${request.path}`,
      stage: '$default',
      time: new Date().toISOString(),
      timeEpoch: Date.now(),
    },
  } as APIGatewayProxyEventV2;
}

/** A form POST signed as Twilio signs it, for the public base URL + path + query. */
export function signedTwilioPost(
  path: string,
  params: Record<string, string>,
  authToken: string,
  options: { pathParameters?: Record<string, string>; query?: string } = {},
): APIGatewayProxyEventV2 {
  const url = `${DEPLOYED_BASE_ENV.PUBLIC_BASE_URL}${path}${options.query ? `?${options.query}` : ''}`;
  return apiEvent({
    method: 'POST',
    path,
    ...(options.pathParameters ? { pathParameters: options.pathParameters } : {}),
    ...(options.query ? { query: options.query } : {}),
    headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': getExpectedTwilioSignature(authToken, url, params) },
    body: new URLSearchParams(params).toString(),
  });
}

/**
 * HTTP as the call simulator speaks it (placeCall's fetchImpl), answered by deployed-mode
 * handlers in this process: /voice/{code}[/{step}], /status, /fallback/{code}.
 */
export function webhookFetch(
  handlers: { voice?: Handler; status?: Handler; fallback?: Handler },
  remainingMs = 10_000,
): (input: string, init?: RequestInit) => Promise<Response> {
  return async (input, init = {}) => {
    const url = new URL(input);
    const voice = /^\/voice\/([^/]+)(?:\/([^/]+))?$/.exec(url.pathname);
    const fallback = /^\/fallback\/([^/]+)$/.exec(url.pathname);
    const route: [Handler | undefined, string, Record<string, string> | undefined] | undefined = voice
      ? [handlers.voice, 'voice', { code: decodeURIComponent(voice[1] as string), ...(voice[2] ? { step: decodeURIComponent(voice[2]) } : {}) }]
      : fallback
        ? [handlers.fallback, 'fallback', { code: decodeURIComponent(fallback[1] as string) }]
        : url.pathname === '/status'
          ? [handlers.status, 'status', undefined]
          : undefined;
    if (!route?.[0] || (init.method ?? 'GET') !== 'POST') return new Response('Not Found', { status: 404 });
    const event = apiEvent({
      method: 'POST',
      path: url.pathname,
      ...(route[2] ? { pathParameters: route[2] } : {}),
      query: url.search.slice(1),
      headers: Object.fromEntries(new Headers(init.headers).entries()),
      body: typeof init.body === 'string' ? init.body : '',
    });
    const result = await route[0](event, lambdaContext(route[1], remainingMs));
    return new Response(result.body ?? '', { status: result.statusCode ?? 200, headers: (result.headers ?? {}) as Record<string, string> });
  };
}
