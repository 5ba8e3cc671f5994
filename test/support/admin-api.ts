/**
 * Integration tests of the admin API: the real middleware stack and routes (the same ones
 * functions/admin.ts wires) over dynalite with the demo data, called with API Gateway events.
 */
import middy from '@middy/core';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { createAdminApi } from '../../lib/admin/admin-api';
import type { AdminDeps } from '../../lib/admin/admin-deps';
import { LedgerCrm } from '../../lib/ledger/ledger-crm';
import { DynamoLedgerWriter } from '../../lib/ledger/dynamo-ledger-writer';
import { DynamoLedgerDirectory } from '../../lib/ledger/dynamo-ledger-directory';
import { adminHttp, adminJson, type AdminEvent, type AdminResult } from '../../lib/http/admin-request';
import { CatalogueSpeech } from '../../lib/speech/catalogue-speech';
import { DynamoCallLog } from '../../lib/call-log/dynamo-call-log';
import { DynamoModuleStore } from '../../lib/config/dynamo-module-store';
import { DynamoAuditTrail } from '../../lib/audit/dynamo-audit-trail';
import { DynamoPaymentRecords } from '../../lib/payments/dynamo-payment-records';
import { DynamoAttemptLimiter, type AttemptPolicy } from '../../lib/auth/dynamo-attempt-limiter';
import { LOCAL_HOST_POLICY } from '../../lib/domain/crm-host-policy';
import { loadSeed } from '../../infra/local/load-seed';
import { startTestDynamo, type TestDynamo } from './local-dynamo';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { localDynamoClient } from '../../infra/local/create-tables';
import { DEMO_SEED } from './local-stack';

export const TEST_ADMIN_KEY = 'test-admin-key-0123456789';
/** Wrong admin keys before an address is locked, in these tests (a test about the limit may set its own). */
export const TEST_ADMIN_LOCKOUT: AttemptPolicy = { maxFailures: 5, windowSeconds: 300, lockSeconds: 600 };
export const BASE_URL = 'https://ivr.example.com';

export interface AdminCall {
  readonly key?: string | null;
  readonly body?: unknown;
  readonly raw?: { data: Buffer | string; type: string; base64?: boolean };
  readonly headers?: Record<string, string>;
  readonly query?: Record<string, string>;
  /** The caller's address as API Gateway reports it (default 127.0.0.1). */
  readonly sourceIp?: string;
}

export interface AdminReply {
  readonly status: number;
  readonly headers: Record<string, string>;
  readonly json: Record<string, any>;
}

export interface TestAdmin {
  readonly dynamo: TestDynamo;
  readonly deps: AdminDeps;
  call(method: string, path: string, options?: AdminCall): Promise<AdminReply>;
  stop(): Promise<void>;
}

const silentLogger = { info() {}, warn() {}, error() {}, debug() {}, appendKeys() {}, resetKeys() {} } as unknown as AdminDeps['logger'];

export interface TestAdminOptions {
  readonly seed?: boolean;
  /** ADMIN_API_KEY (default TEST_ADMIN_KEY). */
  readonly currentKey?: string;
  /** ADMIN_API_KEY_NEXT during a rotation. */
  readonly nextKey?: string;
  readonly lockout?: AttemptPolicy;
  /** The wrong-key limiter's clock (to let a lock run out). */
  readonly clock?: () => Date;
  /** The DynamoDB endpoint the admin's adapters use (a fault proxy in front of the test's dynalite). */
  readonly endpoint?: (dynalite: string) => Promise<string>;
}

/** `overrides` may be a function of the test's DynamoDB, for adapters that need its tables. */
export async function startTestAdmin(
  overrides: Partial<AdminDeps> | ((dynamo: TestDynamo) => Partial<AdminDeps>) = {},
  options: TestAdminOptions = {},
): Promise<TestAdmin> {
  const started = await startTestDynamo();
  const config = { tables: started.tables, defaultCountryCode: '98' };
  if (options.seed !== false) {
    // A seed that fails to load must not leave dynalite running.
    await loadSeed(DEMO_SEED, started.doc, config).catch(async (error: unknown) => {
      await started.stop();
      throw error;
    });
  }
  // The admin's adapters may talk to DynamoDB through a fault proxy; the test reads dynalite directly.
  const proxied = options.endpoint ? localDynamoClient(await options.endpoint(started.endpoint)) : undefined;
  const dynamo: TestDynamo = proxied
    ? { ...started, doc: DynamoDBDocumentClient.from(proxied, { marshallOptions: { removeUndefinedValues: true } }) }
    : started;
  const ledger = new LedgerCrm(dynamo.doc, dynamo.tables.ledger, '98');
  const deps: AdminDeps = {
    modules: new DynamoModuleStore(dynamo.doc, dynamo.tables.config),
    crmFor: async (source) => (source === ledger.source ? ledger : undefined),
    lookupSourceNames: async () => [ledger.source],
    ledger: { directory: new DynamoLedgerDirectory(dynamo.doc, dynamo.tables.ledger), writer: new DynamoLedgerWriter(dynamo.doc, dynamo.tables.ledger, '98') },
    callLog: new DynamoCallLog(dynamo.doc, dynamo.tables.callLog),
    payments: new DynamoPaymentRecords(dynamo.doc, dynamo.tables.paymentRecords),
    audit: new DynamoAuditTrail(dynamo.doc, dynamo.tables.audit, 30),
    crmHostPolicy: LOCAL_HOST_POLICY,
    speech: new CatalogueSpeech({ audioBaseUrl: `${BASE_URL}/audio` }),
    publicBaseUrl: BASE_URL,
    audioBaseUrl: `${BASE_URL}/audio`,
    logger: silentLogger,
    ...(typeof overrides === 'function' ? overrides(dynamo) : overrides),
  };
  const api = createAdminApi(deps);
  const lockout = options.lockout ?? TEST_ADMIN_LOCKOUT;
  const limiter = new DynamoAttemptLimiter(dynamo.doc, dynamo.tables.attempts, lockout, options.clock);
  const handler = middy<AdminEvent, AdminResult>()
    .use(
      adminHttp({
        adminApiKey: options.currentKey ?? TEST_ADMIN_KEY,
        ...(options.nextKey ? { adminApiKeyNext: options.nextKey } : {}),
        wrongKeys: { limiter, lockSeconds: lockout.lockSeconds },
        defaultLanguage: 'en',
        logger: silentLogger,
      }),
    )
    .handler(async (event) => adminJson(await api.handle(event.admin)));

  const call = async (method: string, path: string, o: AdminCall = {}): Promise<AdminReply> => {
    const headers: Record<string, string> = { ...(o.headers ?? {}) };
    const key = o.key === undefined ? TEST_ADMIN_KEY : o.key;
    if (key !== null) headers.authorization = `Bearer ${key}`;
    let body: string | undefined;
    let isBase64Encoded = false;
    if (o.raw) {
      headers['content-type'] = o.raw.type;
      body = o.raw.base64 ? Buffer.from(o.raw.data).toString('base64') : o.raw.data.toString();
      isBase64Encoded = o.raw.base64 === true;
    } else if (o.body !== undefined) {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(o.body);
    }
    const query = o.query ?? {};
    const rawQueryString = new URLSearchParams(query).toString();
    const event = {
      version: '2.0',
      routeKey: 'ANY /admin/api/{proxy+}',
      rawPath: `/admin/api${path}`,
      rawQueryString,
      headers,
      queryStringParameters: Object.keys(query).length > 0 ? query : undefined,
      requestContext: { http: { method, path: `/admin/api${path}`, sourceIp: o.sourceIp ?? '127.0.0.1' } },
      body,
      isBase64Encoded,
    } as unknown as APIGatewayProxyEventV2;
    const result = (await handler(event as AdminEvent, {} as never)) as AdminResult;
    return { status: result.statusCode ?? 0, headers: (result.headers ?? {}) as Record<string, string>, json: JSON.parse(String(result.body ?? '{}')) };
  };
  return {
    dynamo: started,
    deps,
    call,
    stop: async () => {
      proxied?.destroy();
      await started.stop();
    },
  };
}
