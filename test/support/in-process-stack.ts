/**
 * The real Lambda handlers (functions/voice.ts, functions/status.ts: middy, signature
 * check, composition) invoked in-process with API Gateway v2 events, against dynalite with
 * the demo data. `fetch` speaks HTTP semantics to the call simulator, so `placeCall` can
 * drive whole calls without serverless-offline.
 *
 * The handlers read configuration once at import, so there is one stack per module
 * registry (one per jest test file, one per bench process).
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';
import { getExpectedTwilioSignature } from 'twilio/lib/webhooks/webhooks';
import { loadSeed } from '../../infra/local/load-seed';
import type { AppConfig } from '../../lib/config/app-config';
import type { WebhookResult } from '../../lib/http/twilio-webhook';
import { startTestDynamo, type TestDynamo } from './local-dynamo';
import { lambdaContext } from './lambda-context';

export const IN_PROCESS_BASE_URL = 'https://ivr.example.test';
export const IN_PROCESS_AUTH_TOKEN = 'in-process-auth-token';
const DEMO_SEED = join(__dirname, '..', '..', 'infra', 'seed', 'demo.json');

type LambdaHandler = (event: APIGatewayProxyEventV2, context: Context) => Promise<WebhookResult>;

export interface InProcessStack {
  readonly baseUrl: string;
  readonly authToken: string;
  readonly db: TestDynamo;
  readonly tables: AppConfig['tables'];
  readonly voice: LambdaHandler;
  readonly status: LambdaHandler;
  /** HTTP as the simulator expects it, answered by the handlers in this process. */
  readonly fetch: (input: string, init?: RequestInit) => Promise<Response>;
  /** Invokes a handler with a correctly signed form POST. */
  post(path: string, params: Record<string, string | string[]>, options?: { query?: string; signature?: string }): Promise<WebhookResult>;
  stop(): Promise<void>;
}

export interface InProcessOptions {
  /** Extra environment (LOG_LEVEL, CONFIG_CACHE_SECONDS, ...). */
  readonly env?: Record<string, string>;
  /** Point the handlers' DynamoDB client elsewhere (a fault proxy in front of dynalite). */
  readonly dynamoEndpoint?: (dynalite: string) => Promise<string> | string;
}

/** An API Gateway HTTP API (v2) event for a POST as Twilio sends it. */
export function webhookEvent(path: string, body: string, headers: Record<string, string>, query = '', isBase64Encoded = false): APIGatewayProxyEventV2 {
  const match = /^\/voice\/([^/]+)(?:\/([^/]+))?$/.exec(path);
  const decode = (s: string) => {
    try {
      return decodeURIComponent(s);
    } catch {
      return s;
    }
  };
  const pathParameters = match ? { code: decode(match[1] as string), ...(match[2] ? { step: decode(match[2]) } : {}) } : undefined;
  const search = new URLSearchParams(query);
  const queryStringParameters = query ? Object.fromEntries(search) : undefined;
  return {
    version: '2.0',
    routeKey: match ? (match[2] ? 'POST /voice/{code}/{step}' : 'POST /voice/{code}') : `POST ${path}`,
    rawPath: path,
    rawQueryString: query,
    headers: Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v])),
    ...(queryStringParameters ? { queryStringParameters } : {}),
    ...(pathParameters ? { pathParameters } : {}),
    body,
    isBase64Encoded,
    requestContext: {
      accountId: '000000000000',
      apiId: 'local',
      domainName: new URL(IN_PROCESS_BASE_URL).host,
      domainPrefix: 'ivr',
      http: { method: 'POST', path, protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: 'TwilioProxy/1.1' },
      requestId: randomUUID(),
      routeKey: 'POST',
      stage: '$default',
      time: new Date().toISOString(),
      timeEpoch: Date.now(),
    },
  } as APIGatewayProxyEventV2;
}

/** How long stop() lets the handlers' DynamoDB requests (retries included) finish. */
const SETTLE_TIMEOUT_MS = 30_000;

type CoreComposition = typeof import('../../lib/composition/core');

/**
 * Counts the commands sent through the handlers' DynamoDB client until each has settled,
 * retries included (the count sits in the initialize step, outside the retry loop). A handler
 * may answer before a command it gave up on has finished: the ledger's lookup ends at the CRM
 * deadline while the SDK still retries a throttled Query. stop() waits for those, or they
 * would reach dynalite after the test file's environment is gone.
 */
function trackCommands(core: CoreComposition): { settled(timeoutMs: number): Promise<void> } {
  let inFlight = 0;
  let onSettled: (() => void) | undefined;
  core.dynamo.middlewareStack.add(
    (next) => async (args) => {
      inFlight += 1;
      try {
        return await next(args);
      } finally {
        inFlight -= 1;
        if (inFlight === 0) onSettled?.();
      }
    },
    { step: 'initialize', name: 'inProcessStackInFlight', override: true },
  );
  return {
    settled: (timeoutMs) =>
      new Promise<void>((resolve) => {
        if (inFlight === 0) return resolve();
        const timer = setTimeout(resolve, timeoutMs);
        onSettled = () => {
          clearTimeout(timer);
          resolve();
        };
      }),
  };
}

export async function startInProcessStack(options: InProcessOptions = {}): Promise<InProcessStack> {
  const db = await startTestDynamo();
  // Joined Persian sentences are written to the audio store: a folder of this stack's own.
  const audioDir = mkdtempSync(join(tmpdir(), 'balance-ivr-in-process-audio-'));
  const saved: Record<string, string | undefined> = {};
  const restoreEnv = () => {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  };
  let core: CoreComposition | undefined;
  let commands: ReturnType<typeof trackCommands> | undefined;
  // Once: the handlers' client settles and goes, then dynalite (which answers what it still has), then the environment.
  let stopped: Promise<void> | undefined;
  const stop = () =>
    (stopped ??= (async () => {
      try {
        await commands?.settled(SETTLE_TIMEOUT_MS);
        core?.dynamo.destroy();
        await db.stop();
      } finally {
        restoreEnv();
        rmSync(audioDir, { recursive: true, force: true });
      }
    })());
  let voice: LambdaHandler;
  let status: LambdaHandler;
  try {
    const endpoint = options.dynamoEndpoint ? await options.dynamoEndpoint(db.endpoint) : db.endpoint;
    const env: Record<string, string> = {
      PUBLIC_BASE_URL: IN_PROCESS_BASE_URL,
      AUDIO_DIR: audioDir,
      TWILIO_AUTH_TOKEN: IN_PROCESS_AUTH_TOKEN,
      DYNAMODB_ENDPOINT: endpoint,
      // The prefix, not each name: tables other issues add are found the same way.
      TABLE_PREFIX: db.tables.sessions.replace(/-sessions$/, ''),
      AWS_REGION: 'us-east-1',
      // EMF lines on stdout are noise in test output; tests about metrics turn them on.
      POWERTOOLS_METRICS_DISABLED: 'true',
      ...options.env,
    };
    for (const k of Object.keys(env)) saved[k] = process.env[k];
    Object.assign(process.env, env);
    await loadSeed(DEMO_SEED, db.doc, { tables: db.tables, defaultCountryCode: '98' });
    // Imported only now: the composition reads the environment set above.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    voice = (require('../../functions/voice') as { handler: LambdaHandler }).handler;
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    status = (require('../../functions/status') as { handler: LambdaHandler }).handler;
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    core = require('../../lib/composition/core') as CoreComposition;
    commands = trackCommands(core);
  } catch (error) {
    await stop().catch(() => undefined);
    throw error;
  }

  const invoke = (path: string): [LambdaHandler, string] | undefined => {
    if (path === '/status') return [status, 'status'];
    if (/^\/voice\/[^/]+(?:\/[^/]+)?$/.test(path)) return [voice, 'voice'];
    return undefined;
  };

  const fetchImpl = async (input: string, init: RequestInit = {}): Promise<Response> => {
    const url = new URL(input);
    const target = invoke(url.pathname);
    if (!target || (init.method ?? 'GET') !== 'POST') return new Response('Not Found', { status: 404 });
    const headers = Object.fromEntries(new Headers(init.headers).entries());
    const event = webhookEvent(url.pathname, typeof init.body === 'string' ? init.body : '', headers, url.search.slice(1));
    const result = await target[0](event, lambdaContext(target[1]));
    return new Response(result.body ?? '', { status: result.statusCode ?? 200, headers: (result.headers ?? {}) as Record<string, string> });
  };

  return {
    baseUrl: IN_PROCESS_BASE_URL,
    authToken: IN_PROCESS_AUTH_TOKEN,
    db,
    tables: db.tables,
    voice,
    status,
    fetch: fetchImpl,
    async post(path, params, opts = {}) {
      const query = opts.query ?? '';
      const url = `${IN_PROCESS_BASE_URL}${path}${query ? `?${query}` : ''}`;
      const form = new URLSearchParams();
      for (const [k, v] of Object.entries(params)) for (const one of Array.isArray(v) ? v : [v]) form.append(k, one);
      const signature = opts.signature ?? getExpectedTwilioSignature(IN_PROCESS_AUTH_TOKEN, url, params);
      const target = invoke(path) ?? [voice, 'voice'];
      return target[0](
        webhookEvent(path, form.toString(), { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': signature }, query),
        lambdaContext(target[1]),
      );
    },
    stop,
  };
}

/** The call's row in the call log (a consistent read: the status callback has just written it). */
export async function storedCallLog(stack: InProcessStack, callSid: string): Promise<Record<string, unknown> | undefined> {
  const { Item } = await stack.db.doc.send(new GetCommand({ TableName: stack.tables.callLog, Key: { callSid }, ConsistentRead: true }));
  return Item;
}
