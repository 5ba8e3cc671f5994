/**
 * The audit trail: every admin write through the real admin API (modules, destinations,
 * lookup sources, recordings, imports) leaves one entry with its time, key, address and
 * before/after, never a secret; refused writes leave none; the Activity API filters and pages.
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { DynamoAuditTrail } from '../../lib/audit/dynamo-audit-trail';
import { audited, REDACTED, snapshot, withoutSecrets, type AuditEntry } from '../../lib/audit/audit-trail';
import { DynamoLookupSourceStore } from '../../lib/crm/dynamo-lookup-source-store';
import { LocalFolderAudioStore } from '../../lib/speech/local-folder-audio-store';
import { promptRecordingService, type PromptRecordingDeps, type PromptRecordings } from '../../lib/speech/prompt-recordings';
import { startTestAdmin, type TestAdmin } from '../support/admin-api';
import { startTestDynamo, type TestDynamo } from '../support/local-dynamo';
import { wavFile } from '../support/audio-files';

let admin: TestAdmin;
let audioDir: string;

beforeAll(async () => {
  audioDir = mkdtempSync(join(tmpdir(), 'admin-audit-'));
  const audio = new LocalFolderAudioStore(audioDir);
  // The recordings service needs the admin's module store, which exists once the admin has started.
  let modules: PromptRecordingDeps['modules'] | undefined;
  const recordings: PromptRecordings = {
    upload: (...args) => promptRecordingService({ modules: modules!, audio }).upload(...args),
    remove: (...args) => promptRecordingService({ modules: modules!, audio }).remove(...args),
  };
  admin = await startTestAdmin((dynamo) => {
    const store = new DynamoLookupSourceStore(dynamo.doc, dynamo.tables.config);
    return { recordings, lookupSourceStore: store, lookupSourceNames: async () => ['ledger', ...(await store.listSources()).map((s) => s.name)] };
  });
  modules = admin.deps.modules;
});

afterAll(async () => {
  await admin?.stop();
  rmSync(audioDir, { recursive: true, force: true });
});

const MODULE = { code: 'audited', name: 'Audited', language: 'en', nextDestination: 'sales', errorDestination: 'goodbye' };

async function trail(query: Record<string, string> = {}): Promise<AuditEntry[]> {
  const reply = await admin.call('GET', '/audit', { query });
  expect(reply.status).toBe(200);
  return reply.json.entries;
}

const latest = async () => (await trail({ limit: '1' }))[0] as AuditEntry;

describe('an entry for every admin write', () => {
  it('records module create, update, disable, enable and delete with before and after', async () => {
    await admin.call('POST', '/modules', { body: MODULE, sourceIp: '198.51.100.20' });
    expect(await latest()).toMatchObject({
      area: 'module',
      action: 'create',
      target: 'audited',
      key: 'current',
      sourceIp: '198.51.100.20',
      after: { code: 'audited', name: 'Audited' },
    });
    expect(await latest()).not.toHaveProperty('before');
    await admin.call('PUT', '/modules/audited', { body: { ...MODULE, name: 'Renamed' } });
    expect(await latest()).toMatchObject({ action: 'update', before: { name: 'Audited' }, after: { name: 'Renamed' } });
    await admin.call('POST', '/modules/audited/disable');
    expect(await latest()).toMatchObject({ action: 'disable', before: { enabled: true }, after: { enabled: false } });
    await admin.call('POST', '/modules/audited/enable');
    expect(await latest()).toMatchObject({ action: 'enable', before: { enabled: false }, after: { enabled: true } });
    await admin.call('DELETE', '/modules/audited');
    expect(await latest()).toMatchObject({ action: 'delete', target: 'audited', before: { name: 'Renamed' } });
    expect(await latest()).not.toHaveProperty('after');
  });

  it('records destination create, update and delete', async () => {
    await admin.call('POST', '/destinations', { body: { code: 'audit-dest', type: 'dial', target: '+982191000001' } });
    expect(await latest()).toMatchObject({ area: 'destination', action: 'create', target: 'audit-dest', after: { target: '+982191000001' } });
    await admin.call('PUT', '/destinations/audit-dest', { body: { code: 'audit-dest', type: 'hangup' } });
    expect(await latest()).toMatchObject({ area: 'destination', action: 'update', before: { type: 'dial' }, after: { type: 'hangup' } });
    await admin.call('DELETE', '/destinations/audit-dest');
    expect(await latest()).toMatchObject({ area: 'destination', action: 'delete', before: { type: 'hangup' } });
  });

  it('records lookup-source create, update and delete, with no password and no secret name', async () => {
    const source = { name: 'audit-crm', type: 'http', host: 'http://127.0.0.1:9/', auth: 'basic', username: 'ivr' };
    await admin.call('POST', '/lookup-sources', { body: source });
    expect(await latest()).toMatchObject({ area: 'lookup-source', action: 'create', target: 'audit-crm', after: { host: 'http://127.0.0.1:9/' } });
    await admin.call('PUT', '/lookup-sources/audit-crm', { body: { ...source, username: 'ivr2' } });
    expect(await latest()).toMatchObject({ action: 'update', before: { username: 'ivr' }, after: { username: 'ivr2' } });
    await admin.call('DELETE', '/lookup-sources/audit-crm');
    expect(await latest()).toMatchObject({ action: 'delete', before: { name: 'audit-crm' } });
  });

  it('records a recording upload (its hash and size, not the audio) and its removal', async () => {
    const wav = Buffer.from(wavFile(1));
    const uploaded = await admin.call('PUT', '/modules/balance-en/prompts/intro/recording', { raw: { data: wav, type: 'audio/wav', base64: true } });
    expect(uploaded.status).toBe(200);
    const entry = await latest();
    // The entry is written before the upload is stored: it names the file as uploaded (kept under
    // uploads/originals/<sha256>), while the prompt plays its loudness-normalised copy.
    const original = createHash('sha256').update(wav).digest('hex');
    expect(entry).toMatchObject({
      area: 'recording',
      action: 'upload',
      target: 'balance-en/intro',
      after: { recording: { sha256: original, bytes: wav.length, contentType: 'audio/wav' } },
    });
    await admin.call('DELETE', '/modules/balance-en/prompts/intro/recording');
    expect(await latest()).toMatchObject({ area: 'recording', action: 'remove', target: 'balance-en/intro', before: { audioKey: uploaded.json.audioKey } });
  });

  it('records an import by what it wrote, never a telephone password', async () => {
    const doc = {
      customers: [{ id: 'c-audit', name: 'Audit', phones: ['+15005550999'], phonePassword: '7391' }],
      destinations: [{ code: 'audit-import', type: 'hangup' }],
    };
    const dry = await admin.call('POST', '/ledger/import', { body: doc, query: { dryRun: '1' } });
    expect(dry.status).toBe(200);
    const beforeImport = (await trail()).length;
    expect((await admin.call('POST', '/ledger/import', { body: doc })).status).toBe(200);
    const entries = await trail();
    expect(entries.length).toBe(beforeImport + 1);
    expect(entries[0]).toMatchObject({
      area: 'import',
      action: 'import',
      target: 'ledger',
      after: { customers: ['c-audit'], destinations: ['audit-import'], modules: [] },
    });
    expect(JSON.stringify(entries)).not.toContain('7391');
  });
});

describe('refused writes', () => {
  it('leave no entry: invalid fields, conflicts, not found, in use', async () => {
    const before = (await trail()).length;
    expect((await admin.call('POST', '/modules', { body: { ...MODULE, code: 'bad code' } })).status).toBe(422);
    expect((await admin.call('POST', '/modules', { body: { ...MODULE, code: 'balance-en' } })).status).toBe(409);
    expect((await admin.call('PUT', '/modules/nope', { body: { ...MODULE, code: 'nope' } })).status).toBe(404);
    expect((await admin.call('DELETE', '/destinations/sales')).status).toBe(409);
    expect((await admin.call('POST', '/destinations', { body: { code: 'sales', type: 'hangup' } })).status).toBe(409);
    expect((await admin.call('DELETE', '/modules/balance-en/prompts/intro/recording')).json).toEqual({ removed: false });
    expect((await admin.call('GET', '/modules', { key: 'wrong-key-0123456789' })).status).toBe(401);
    expect((await trail()).length).toBe(before);
  });
});

describe('the Activity API', () => {
  it('filters by area, action, target, key and day, newest first, and pages', async () => {
    for (const code of ['f-1', 'f-2', 'f-3']) await admin.call('POST', '/destinations', { body: { code, type: 'hangup' } });
    await admin.call('PUT', '/destinations/f-2', { body: { code: 'f-2', type: 'hangup', name: 'Two' } });
    expect((await trail({ area: 'destination', action: 'create' })).map((e) => e.target).slice(0, 3)).toEqual(['f-3', 'f-2', 'f-1']);
    expect((await trail({ target: 'f-2' })).map((e) => e.action)).toEqual(['update', 'create']);
    expect(await trail({ key: 'next' })).toEqual([]);
    const today = new Date().toISOString().slice(0, 10);
    expect((await trail({ from: today, to: today, target: 'f-1' })).length).toBe(1);
    expect(await trail({ from: '2020-01-01', to: '2020-01-31' })).toEqual([]);

    const first = await admin.call('GET', '/audit', { query: { area: 'destination', limit: '2' } });
    expect(first.json.entries).toHaveLength(2);
    const second = await admin.call('GET', '/audit', { query: { area: 'destination', limit: '2', cursor: first.json.nextCursor } });
    expect(second.json.entries.length).toBeGreaterThan(0);
    expect(second.json.entries[0].id).not.toBe(first.json.entries[1].id);
    expect(second.json.entries.every((e: AuditEntry) => e.area === 'destination')).toBe(true);
  });

  it('refuses bad filters and cursors with 400 and a field message', async () => {
    expect((await admin.call('GET', '/audit', { query: { area: 'everything' } })).status).toBe(400);
    expect((await admin.call('GET', '/audit', { query: { key: 'the-key' } })).status).toBe(400);
    expect((await admin.call('GET', '/audit', { query: { target: 'a b' } })).status).toBe(400);
    expect((await admin.call('GET', '/audit', { query: { cursor: 'not-a-cursor' } })).status).toBe(400);
    const forged = Buffer.from(JSON.stringify({ pk: 'SOURCE#x', sk: 'y' })).toString('base64url');
    expect((await admin.call('GET', '/audit', { query: { cursor: forged } })).status).toBe(400);
  });

  it('is described in the OpenAPI document and the panel metadata', async () => {
    const doc = (await admin.call('GET', '/openapi.json')).json;
    expect(doc.paths['/audit'].get.summary).toContain('Activity');
    expect((await admin.call('GET', '/meta')).json.auditAreas).toEqual(['module', 'destination', 'lookup-source', 'recording', 'import', 'payment', 'credit']);
  });
});

describe('the audit trail itself', () => {
  let db: TestDynamo;
  beforeAll(async () => {
    db = await startTestDynamo();
  });
  afterAll(async () => {
    await db?.stop();
  });

  it('keeps entries for the retention setting (DynamoDB TTL) and stores no secret field of any change', async () => {
    const at = new Date('2026-11-24T10:00:00Z');
    const audit = new DynamoAuditTrail(db.doc, db.tables.audit, 90, () => at);
    // What the payments engineer's routes will do: one call around the change.
    let applied = false;
    await audited(
      audit,
      { key: 'next', sourceIp: '198.51.100.1' },
      {
        area: 'payment',
        action: 'update',
        target: 'link-1',
        before: { paymentToken: 'tok_live_1', status: 'open' },
        after: { status: 'paid', nested: { password: 'p', apiKey: 'k', authorization: 'Basic x' } },
      },
      async () => {
        applied = true;
      },
    );
    expect(applied).toBe(true);
    const { Items } = await db.doc.send(
      new QueryCommand({ TableName: db.tables.audit, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': 'AUDIT' } }),
    );
    expect(Items).toHaveLength(1);
    expect(Items?.[0]?.expiresAt).toBe(Math.floor(at.getTime() / 1000) + 90 * 86_400);
    const raw = JSON.stringify(Items);
    for (const secret of ['tok_live_1', '"p"', '"k"', 'Basic x']) expect(raw).not.toContain(secret);
    const [entry] = (await audit.search({ fromDay: '2026-11-24', toDay: '2026-11-24', limit: 10 })).entries;
    expect(entry).toMatchObject({
      area: 'payment',
      key: 'next',
      before: { paymentToken: REDACTED, status: 'open' },
      after: { status: 'paid', nested: { password: REDACTED, apiKey: REDACTED, authorization: REDACTED } },
    });
  });

  it('takes back the entry of a change that failed, and records nothing when it cannot write', async () => {
    const audit = new DynamoAuditTrail(db.doc, db.tables.audit, 90, () => new Date('2026-11-25T10:00:00Z'));
    await expect(
      audited(audit, { key: 'current' }, { area: 'credit', action: 'update', target: 'c-1' }, async () => Promise.reject(new Error('conflict'))),
    ).rejects.toThrow('conflict');
    expect((await audit.search({ fromDay: '2026-11-25', toDay: '2026-11-25', limit: 10 })).entries).toEqual([]);
    // A change of many writes that fails part-way keeps its entry, marked failed: some of it may be in place.
    await expect(
      audited(audit, { key: 'current' }, { area: 'import', action: 'import', target: 'ledger' }, async () => Promise.reject(new Error('storage failed')), {
        partial: true,
      }),
    ).rejects.toThrow('storage failed');
    expect((await audit.search({ fromDay: '2026-11-25', toDay: '2026-11-25', limit: 10 })).entries).toEqual([
      expect.objectContaining({ area: 'import', failed: true }),
    ]);
    const broken = new DynamoAuditTrail(db.doc, 'no-such-table', 90);
    let applied = false;
    await expect(
      audited(broken, { key: 'current' }, { area: 'credit', action: 'update', target: 'c-1' }, async () => {
        applied = true;
      }),
    ).rejects.toMatchObject({ name: 'AuditUnavailableError' });
    expect(applied).toBe(false);
  });

  it('redacts secrets at any depth, and summarises a before/after too large to keep in one item', () => {
    expect(withoutSecrets({ list: [{ secret: 's', ok: 1 }], token: 't' })).toEqual({ list: [{ secret: REDACTED, ok: 1 }], token: REDACTED });
    expect(snapshot({ text: 'x'.repeat(60_000) })).toEqual({ truncated: true, bytes: 60_011 });
    expect(snapshot({ text: 'short' })).toEqual({ text: 'short' });
  });
});
