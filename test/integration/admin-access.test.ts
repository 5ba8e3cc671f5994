/**
 * Who gets into the admin API: two keys for rotation without downtime, wrong keys limited per
 * source address (429 for a while, configurable), and a limiter that fails closed when its
 * storage fails (DynamoDB faults injected by the wire-protocol proxy in front of dynalite).
 */
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { startFaultProxy, type FaultProxy } from '../support/dynamo-fault-proxy';
import { startTestAdmin, TEST_ADMIN_KEY, type TestAdmin } from '../support/admin-api';

const OLD_KEY = 'old-admin-key-0123456789';
const NEW_KEY = 'new-admin-key-9876543210';
const MODULE = { name: 'Rotation', language: 'en', nextDestination: 'sales', errorDestination: 'goodbye' };

describe('rotating the admin key without downtime', () => {
  const admins: TestAdmin[] = [];
  afterAll(async () => {
    await Promise.all(admins.map((a) => a.stop()));
  });

  it('accepts the current and the next key together, tells them apart in the audit trail, then only the new one once the old is retired', async () => {
    // 1. Before: only the old key.
    const before = await startTestAdmin({}, { currentKey: OLD_KEY });
    admins.push(before);
    expect((await before.call('GET', '/modules', { key: OLD_KEY })).status).toBe(200);
    expect((await before.call('GET', '/modules', { key: NEW_KEY })).status).toBe(401);

    // 2. During: ADMIN_API_KEY_NEXT set; both work, and writes say which key made them.
    const during = await startTestAdmin({}, { currentKey: OLD_KEY, nextKey: NEW_KEY });
    admins.push(during);
    expect((await during.call('POST', '/modules', { key: OLD_KEY, body: { ...MODULE, code: 'by-old-key' } })).status).toBe(201);
    expect((await during.call('POST', '/modules', { key: NEW_KEY, body: { ...MODULE, code: 'by-new-key' } })).status).toBe(201);
    expect((await during.call('GET', '/modules', { key: 'neither-key-0123456789' })).status).toBe(401);
    const entries = (await during.call('GET', '/audit', { key: NEW_KEY, query: { area: 'module' } })).json.entries as { target: string; key: string }[];
    expect(entries.map((e) => [e.target, e.key])).toEqual([
      ['by-new-key', 'next'],
      ['by-old-key', 'current'],
    ]);
    expect((await during.call('GET', '/audit', { key: OLD_KEY, query: { key: 'next' } })).json.entries.map((e: { target: string }) => e.target)).toEqual([
      'by-new-key',
    ]);
    const trail = JSON.stringify((await during.call('GET', '/audit', { key: NEW_KEY })).json);
    expect(trail).not.toContain(OLD_KEY);
    expect(trail).not.toContain(NEW_KEY);

    // 3. After: the next key became the current one; the old key is refused.
    const after = await startTestAdmin({}, { currentKey: NEW_KEY });
    admins.push(after);
    expect((await after.call('GET', '/modules', { key: NEW_KEY })).status).toBe(200);
    expect((await after.call('GET', '/modules', { key: OLD_KEY })).status).toBe(401);
  });
});

describe('wrong keys from one address', () => {
  let admin: TestAdmin;
  let now = new Date('2026-11-24T10:00:00Z');

  beforeAll(async () => {
    admin = await startTestAdmin({}, { lockout: { maxFailures: 3, windowSeconds: 300, lockSeconds: 600 }, clock: () => now });
  });

  afterAll(async () => {
    await admin?.stop();
  });

  it('answers 401 until the limit, then 429 with Retry-After for every request from that address, the right key included', async () => {
    const from = { sourceIp: '203.0.113.7' };
    expect((await admin.call('GET', '/modules', { ...from, key: 'guess-1' })).status).toBe(401);
    expect((await admin.call('GET', '/modules', { ...from, key: 'guess-2' })).status).toBe(401);
    const third = await admin.call('GET', '/modules', { ...from, key: 'guess-3', query: { lang: 'fa' } });
    expect(third.status).toBe(429);
    expect(third.headers['Retry-After']).toBe('600');
    expect(third.json).toMatchObject({ error: 'too_many_attempts', message: 'از این نشانی کلید مدیریت نادرست بیش از حد وارد شده است؛ بعداً دوباره تلاش کنید.' });
    const right = await admin.call('GET', '/modules', { ...from, key: TEST_ADMIN_KEY });
    expect(right.status).toBe(429);
    expect(right.json.modules).toBeUndefined();
    // Another address is not affected.
    expect((await admin.call('GET', '/modules', { sourceIp: '198.51.100.9', key: TEST_ADMIN_KEY })).status).toBe(200);
  });

  it('lets the address in again once the lock has run out', async () => {
    const from = { sourceIp: '203.0.113.8' };
    for (const guess of ['a', 'b', 'c']) await admin.call('GET', '/modules', { ...from, key: `guess-${guess}` });
    expect((await admin.call('GET', '/modules', { ...from, key: TEST_ADMIN_KEY })).status).toBe(429);
    now = new Date(now.getTime() + 601_000);
    expect((await admin.call('GET', '/modules', { ...from, key: TEST_ADMIN_KEY })).status).toBe(200);
  });

  it('counts wrong keys, not requests without one', async () => {
    const from = { sourceIp: '203.0.113.9' };
    for (let i = 0; i < 5; i += 1) expect((await admin.call('GET', '/modules', { ...from, key: null })).status).toBe(401);
    expect((await admin.call('GET', '/modules', { ...from, key: TEST_ADMIN_KEY })).status).toBe(200);
    const { Item } = await admin.dynamo.doc.send(new GetCommand({ TableName: admin.dynamo.tables.attempts, Key: { key: 'admin-key#203.0.113.9' } }));
    expect(Item).toBeUndefined();
  });

  it('keeps its counters in the attempts table, never the keys tried', async () => {
    await admin.call('GET', '/modules', { sourceIp: '203.0.113.10', key: 'a-secret-guess' });
    const { Item } = await admin.dynamo.doc.send(new GetCommand({ TableName: admin.dynamo.tables.attempts, Key: { key: 'admin-key#203.0.113.10' } }));
    expect(Item).toMatchObject({ failures: 1 });
    expect(JSON.stringify(Item)).not.toContain('a-secret-guess');
  });
});

describe('when the limiter or the audit trail cannot be written', () => {
  let admin: TestAdmin;
  let proxy: FaultProxy;

  beforeAll(async () => {
    admin = await startTestAdmin(
      {},
      {
        endpoint: async (dynalite) => {
          proxy = await startFaultProxy(dynalite);
          return proxy.endpoint;
        },
      },
    );
  });

  afterEach(() => proxy.setRule(undefined));

  afterAll(async () => {
    await admin?.stop();
    await proxy?.close();
  });

  const failing = (table: () => string) => () => proxy.setRule(({ table: t }) => (t === table() ? { kind: 'internal-error' } : undefined));

  it('fails closed: with the attempts table failing, even the right key is refused with 503 and nothing changes', async () => {
    failing(() => admin.dynamo.tables.attempts)();
    const refused = await admin.call('POST', '/modules', { body: { ...MODULE, code: 'while-limiter-down' } });
    expect(refused.status).toBe(503);
    expect(refused.json.error).toBe('admin_limiter_unavailable');
    expect((await admin.call('GET', '/modules', { key: 'wrong-key' })).status).toBe(503);
    proxy.setRule(undefined);
    expect((await admin.call('GET', '/modules/while-limiter-down')).status).toBe(404);
  });

  it('makes no change it cannot record: with the audit table failing, a write answers 503 and nothing is stored', async () => {
    failing(() => admin.dynamo.tables.audit)();
    const refused = await admin.call('POST', '/modules', { body: { ...MODULE, code: 'while-audit-down' }, query: { lang: 'fa' } });
    expect(refused.status).toBe(503);
    expect(refused.json).toMatchObject({
      error: 'audit_unavailable',
      message: 'ثبت این تغییر در گزارش فعالیت ممکن نشد، پس تغییر اعمال نشد. کمی بعد دوباره تلاش کنید.',
    });
    // Reads need no trail.
    expect((await admin.call('GET', '/modules')).status).toBe(200);
    proxy.setRule(undefined);
    expect((await admin.call('GET', '/modules/while-audit-down')).status).toBe(404);
    expect((await admin.call('POST', '/modules', { body: { ...MODULE, code: 'while-audit-down' } })).status).toBe(201);
  });
});
