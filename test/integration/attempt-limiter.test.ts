import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { DynamoAttemptLimiter } from '../../lib/auth/dynamo-attempt-limiter';
import { startTestDynamo, type TestDynamo } from '../support/local-dynamo';

let db: TestDynamo;
let now = new Date('2026-03-01T10:00:00Z');
const limiter = () => new DynamoAttemptLimiter(db.doc, db.tables.attempts, { maxFailures: 5, windowSeconds: 900, lockSeconds: 600 }, () => now);
const later = (seconds: number) => {
  now = new Date(now.getTime() + seconds * 1000);
};

beforeAll(async () => {
  db = await startTestDynamo();
}, 60_000);

afterAll(async () => {
  await db?.stop();
});

describe('the DynamoDB attempt limiter', () => {
  it('locks a key at the fifth failure inside the window', async () => {
    const l = limiter();
    for (let i = 0; i < 4; i += 1) expect(await l.recordFailure(['k-a'])).toBe(false);
    expect(await l.isLocked(['k-a'])).toBe(false);
    expect(await l.recordFailure(['k-a'])).toBe(true);
    expect(await l.isLocked(['other', 'k-a'])).toBe(true);
    expect(await l.isLocked(['other'])).toBe(false);
  });

  it('counts every one of concurrent failures (conditional updates, no transactions)', async () => {
    const l = limiter();
    const results = await Promise.all(Array.from({ length: 5 }, () => l.recordFailure(['k-concurrent'])));
    expect(results.filter(Boolean).length).toBeGreaterThanOrEqual(1);
    expect(await l.isLocked(['k-concurrent'])).toBe(true);
    const { Item } = await db.doc.send(new GetCommand({ TableName: db.tables.attempts, Key: { key: 'k-concurrent' } }));
    expect(Item?.failures).toBe(5);
  });

  it('starts counting afresh once the window has passed', async () => {
    const l = limiter();
    for (let i = 0; i < 4; i += 1) await l.recordFailure(['k-window']);
    later(901);
    expect(await l.recordFailure(['k-window'])).toBe(false);
    expect(await l.isLocked(['k-window'])).toBe(false);
  });

  it('unlocks when the lock runs out, and clear forgets the failures', async () => {
    const l = limiter();
    for (let i = 0; i < 5; i += 1) await l.recordFailure(['k-lock']);
    later(599);
    expect(await l.isLocked(['k-lock'])).toBe(true);
    later(2);
    expect(await l.isLocked(['k-lock'])).toBe(false);
    for (let i = 0; i < 3; i += 1) await l.recordFailure(['k-clear']);
    await l.clear('k-clear');
    for (let i = 0; i < 4; i += 1) expect(await l.recordFailure(['k-clear'])).toBe(false);
  });
});
