/**
 * functions/admin.ts as deployed wiring reads it from the environment (composition, config):
 * ADMIN_API_KEY and ADMIN_API_KEY_NEXT, the ADMIN_* limits on the attempts table, the audit
 * table, and the stage's CRM host policy. In-process, against dynalite.
 */
import { randomUUID } from 'node:crypto';
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { startTestDynamo, type TestDynamo } from '../support/local-dynamo';

const CURRENT = 'current-admin-key-0123456789';
const NEXT = 'next-admin-key-0123456789';

let db: TestDynamo;
let handler: (event: APIGatewayProxyEventV2, context: Context) => Promise<APIGatewayProxyStructuredResultV2>;
let saved: Record<string, string | undefined>;

beforeAll(async () => {
  db = await startTestDynamo();
  const env: Record<string, string> = {
    TABLE_PREFIX: db.tables.sessions.replace(/-sessions$/, ''),
    DYNAMODB_ENDPOINT: db.endpoint,
    AWS_REGION: 'us-east-1',
    // A deployed stage's rules, run locally: https only, no private addresses.
    STAGE: 'staging',
    ADMIN_API_KEY: CURRENT,
    ADMIN_API_KEY_NEXT: NEXT,
    ADMIN_MAX_FAILURES: '2',
    ADMIN_FAILURE_WINDOW_SECONDS: '60',
    ADMIN_LOCK_SECONDS: '120',
    AUDIT_RETENTION_DAYS: '30',
    LOG_LEVEL: 'CRITICAL',
    POWERTOOLS_METRICS_DISABLED: 'true',
  };
  saved = Object.fromEntries(Object.keys(env).map((k) => [k, process.env[k]]));
  Object.assign(process.env, env);
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  handler = (require('../../functions/admin') as { handler: typeof handler }).handler;
}, 60_000);

afterAll(async () => {
  for (const [k, v] of Object.entries(saved ?? {})) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  (require('../../lib/composition/core') as typeof import('../../lib/composition/core')).dynamo.destroy();
  await db?.stop();
});

async function call(method: string, path: string, options: { key?: string; body?: unknown; sourceIp?: string } = {}) {
  const event = {
    version: '2.0',
    routeKey: 'ANY /admin/api/{proxy+}',
    rawPath: `/admin/api${path}`,
    rawQueryString: '',
    headers: { ...(options.key ? { authorization: `Bearer ${options.key}` } : {}), ...(options.body ? { 'content-type': 'application/json' } : {}) },
    requestContext: { http: { method, path: `/admin/api${path}`, sourceIp: options.sourceIp ?? '192.0.2.10' }, requestId: randomUUID() },
    body: options.body ? JSON.stringify(options.body) : undefined,
    isBase64Encoded: false,
  } as unknown as APIGatewayProxyEventV2;
  const result = await handler(event, {} as Context);
  return { status: result.statusCode ?? 0, headers: (result.headers ?? {}) as Record<string, string>, json: JSON.parse(String(result.body ?? '{}')) };
}

it('accepts ADMIN_API_KEY and ADMIN_API_KEY_NEXT and records which one made each change in the audit table', async () => {
  const destination = { code: 'by-next', type: 'hangup' };
  expect((await call('POST', '/destinations', { key: NEXT, body: destination })).status).toBe(201);
  expect((await call('GET', '/destinations/by-next', { key: CURRENT })).status).toBe(200);
  const { Items } = await db.doc.send(
    new QueryCommand({ TableName: db.tables.audit, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': 'AUDIT' } }),
  );
  expect(Items).toEqual([expect.objectContaining({ area: 'destination', action: 'create', target: 'by-next', key: 'next', sourceIp: '192.0.2.10' })]);
  expect(JSON.stringify(Items)).not.toContain(NEXT);
});

it('locks an address out after ADMIN_MAX_FAILURES wrong keys, for ADMIN_LOCK_SECONDS', async () => {
  const from = { sourceIp: '192.0.2.99' };
  expect((await call('GET', '/modules', { ...from, key: 'wrong-one' })).status).toBe(401);
  const locked = await call('GET', '/modules', { ...from, key: 'wrong-two' });
  expect(locked.status).toBe(429);
  expect(locked.headers['Retry-After']).toBe('120');
  expect((await call('GET', '/modules', { ...from, key: CURRENT })).status).toBe(429);
});

it("applies the stage's host rules to lookup sources (STAGE=staging: https only)", async () => {
  const reply = await call('POST', '/lookup-sources', { key: CURRENT, body: { name: 'plain', type: 'http', host: 'http://crm.example.com/', auth: 'none' } });
  expect(reply.status).toBe(422);
  expect(reply.json.errors).toEqual([expect.objectContaining({ field: 'host', code: 'source_host_https' })]);
});
