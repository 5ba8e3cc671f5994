import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LocalFolderAudioStore } from '../../lib/speech/local-folder-audio-store';
import { promptRecordingService, type PromptRecordingDeps } from '../../lib/speech/prompt-recordings';
import { mp3File, wavFile } from '../support/audio-files';
/** The admin API over dynalite with the demo data: auth, modules, destinations, pickers, prompts. */
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import type { PromptRecordings } from '../../lib/speech/prompt-recordings';
import { startTestAdmin, TEST_ADMIN_KEY, type TestAdmin } from '../support/admin-api';

let admin: TestAdmin;

beforeAll(async () => {
  admin = await startTestAdmin();
});

afterAll(async () => {
  await admin?.stop();
});

const newModule = (code: string, extra: Record<string, unknown> = {}) => ({
  code,
  name: `Module ${code}`,
  language: 'en',
  nextDestination: 'sales',
  errorDestination: 'goodbye',
  ...extra,
});

/** A second admin API whose prompt recordings go to a temporary folder that stop() removes. */
async function startAdminWithRecordings(folderPrefix: string) {
  const dir = mkdtempSync(join(tmpdir(), folderPrefix));
  const audio = new LocalFolderAudioStore(dir);
  // The service needs the admin's module store, which exists only once the admin has started.
  let modules: PromptRecordingDeps['modules'] | undefined;
  const recordings: PromptRecordings = {
    upload: (...args) => promptRecordingService({ modules: modules!, audio }).upload(...args),
    remove: (...args) => promptRecordingService({ modules: modules!, audio }).remove(...args),
  };
  const withUploads = await startTestAdmin({ recordings });
  modules = withUploads.deps.modules;
  return {
    withUploads,
    audio,
    stop: async () => {
      await withUploads.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function storedModule(code: string) {
  const { Item } = await admin.dynamo.doc.send(new GetCommand({ TableName: admin.dynamo.tables.config, Key: { pk: `MODULE#${code}` } }));
  return Item?.record;
}

describe('admin key', () => {
  it('answers 401 without a key, and the request changes nothing', async () => {
    const reply = await admin.call('POST', '/modules', { key: null, body: newModule('no-key') });
    expect(reply.status).toBe(401);
    expect(reply.headers['WWW-Authenticate']).toMatch(/^Bearer/);
    expect(reply.json).toEqual({ error: 'unauthorized', message: 'Sign in with the admin key.' });
    expect(await storedModule('no-key')).toBeUndefined();
  });

  it('answers 401 to a wrong key of any length', async () => {
    for (const key of ['x', TEST_ADMIN_KEY.slice(0, -1), `${TEST_ADMIN_KEY}0`, TEST_ADMIN_KEY.toUpperCase()]) {
      expect((await admin.call('GET', '/modules', { key })).status).toBe(401);
    }
  });

  it('accepts the key case-insensitively on the scheme only', async () => {
    const reply = await admin.call('GET', '/modules', { key: null, headers: { Authorization: `bearer ${TEST_ADMIN_KEY}` } });
    expect(reply.status).toBe(200);
  });

  it('sends no CORS headers and forbids caching', async () => {
    const reply = await admin.call('GET', '/modules', { headers: { origin: 'https://evil.example' } });
    expect(Object.keys(reply.headers).map((h) => h.toLowerCase())).not.toContain('access-control-allow-origin');
    expect(reply.headers['Cache-Control']).toBe('no-store');
  });

  it('never returns the key in a read', async () => {
    for (const path of ['/meta', '/modules', '/destinations', '/openapi.json', '/ledger/customers', '/calls']) {
      const reply = await admin.call('GET', path);
      expect(reply.status).toBe(200);
      expect(JSON.stringify(reply.json)).not.toContain(TEST_ADMIN_KEY);
    }
  });
});

describe('modules', () => {
  it('creates a module and lists it with its webhook URL and destinations', async () => {
    const reply = await admin.call('POST', '/modules', {
      body: newModule('created-1', { forceMobileEntry: true, sendPaymentLink: true, financialAccount: 'acc-cash' }),
    });
    expect(reply.status).toBe(201);
    expect(reply.json.webhookUrl).toBe('https://ivr.example.com/voice/created-1');
    expect(reply.json.module).toMatchObject({
      code: 'created-1',
      enabled: true,
      maxAttempts: 3,
      invoiceValueField: 'FinalValue',
      currency: { code: 'IRR', unit: 'rial' },
    });
    expect(await storedModule('created-1')).toMatchObject({ sendPaymentLink: true, financialAccount: 'acc-cash' });
    const list = await admin.call('GET', '/modules');
    const row = list.json.modules.find((m: { module: { code: string } }) => m.module.code === 'created-1');
    expect(row).toMatchObject({
      webhookUrl: 'https://ivr.example.com/voice/created-1',
      nextDestination: { code: 'sales', type: 'dial' },
      errorDestination: { code: 'goodbye', type: 'hangup' },
    });
  });

  it('refuses a code that is taken with 409 and a field error in the operator’s language', async () => {
    const reply = await admin.call('POST', '/modules', { body: newModule('balance-en'), query: { lang: 'fa' } });
    expect(reply.status).toBe(409);
    expect(reply.json.errors).toEqual([{ field: 'code', code: 'duplicate_code', message: 'این کد قبلاً استفاده شده است.' }]);
    expect(await storedModule('balance-en')).toMatchObject({ name: 'Account balance (English)' });
  });

  it('refuses send payment link without force mobile entry, naming the field (Accept-Language fa)', async () => {
    const reply = await admin.call('POST', '/modules', {
      body: newModule('link-no-mobile', { sendPaymentLink: true }),
      headers: { 'accept-language': 'fa-IR,fa;q=0.9,en;q=0.8' },
    });
    expect(reply.status).toBe(422);
    expect(reply.json.errors).toEqual([
      expect.objectContaining({ field: 'sendPaymentLink', code: 'requires_force_mobile_entry', message: expect.stringContaining('اجبار ورود موبایل') }),
    ]);
    expect(await storedModule('link-no-mobile')).toBeUndefined();
  });

  it('names every bad field at once, in English by default', async () => {
    const reply = await admin.call('POST', '/modules', {
      body: { code: 'bad code', language: 'de', maxAttempts: 0, nextDestination: 'sales', errorDestination: 'goodbye' },
    });
    expect(reply.status).toBe(422);
    const byField = Object.fromEntries(reply.json.errors.map((e: { field: string; message: string }) => [e.field, e.message]));
    expect(byField).toMatchObject({
      code: 'Use letters, digits, "-" and "_" only, starting with a letter or digit.',
      name: 'This field is required.',
      language: 'Choose Persian (fa) or English (en).',
      maxAttempts: 'Must be at least 1.',
    });
  });

  it('refuses destinations that do not exist', async () => {
    const reply = await admin.call('POST', '/modules', { body: newModule('dangling', { nextDestination: 'nowhere' }) });
    expect(reply.status).toBe(422);
    expect(reply.json.errors).toEqual([{ field: 'nextDestination', code: 'unknown_destination', message: 'No destination has this code.' }]);
  });

  it('replaces a module but never changes its code', async () => {
    await admin.call('POST', '/modules', { body: newModule('edit-me') });
    const renamed = await admin.call('PUT', '/modules/edit-me', { body: newModule('other-code') });
    expect(renamed.status).toBe(422);
    expect(renamed.json.errors[0]).toMatchObject({ field: 'code', code: 'code_immutable' });
    const updated = await admin.call('PUT', '/modules/edit-me', {
      body: { ...newModule('edit-me'), code: undefined, name: 'Edited', language: 'fa', confirmBeforeNext: true },
    });
    expect(updated.status).toBe(200);
    expect(await storedModule('edit-me')).toMatchObject({ name: 'Edited', language: 'fa', confirmBeforeNext: true });
    expect((await admin.call('PUT', '/modules/missing', { body: newModule('missing') })).status).toBe(404);
  });

  it('never turns a customer club into a balance module on save', async () => {
    const reply = await admin.call('PUT', '/modules/club-fa', { body: newModule('club-fa') });
    expect(reply.status).toBe(422);
    expect(reply.json.errors).toEqual([expect.objectContaining({ field: 'kind' })]);
    expect(await storedModule('club-fa')).toMatchObject({ kind: 'club' });
  });

  it('disables and enables a module', async () => {
    await admin.call('POST', '/modules', { body: newModule('toggle') });
    expect((await admin.call('POST', '/modules/toggle/disable')).json.module.enabled).toBe(false);
    expect(await storedModule('toggle')).toMatchObject({ enabled: false });
    expect((await admin.call('POST', '/modules/toggle/enable')).json.module.enabled).toBe(true);
    expect(await storedModule('toggle')).toMatchObject({ enabled: true });
  });

  it('refuses to delete a module a destination hands calls to, and deletes one nothing points at', async () => {
    const refused = await admin.call('DELETE', '/modules/balance-fa');
    expect(refused.status).toBe(409);
    expect(refused.json).toMatchObject({ error: 'module_in_use', usedBy: ['to-balance-fa'] });
    expect(await storedModule('balance-fa')).toBeDefined();
    await admin.call('POST', '/modules', { body: newModule('short-lived') });
    expect((await admin.call('DELETE', '/modules/short-lived')).status).toBe(200);
    expect(await storedModule('short-lived')).toBeUndefined();
    expect((await admin.call('GET', '/modules/short-lived')).status).toBe(404);
  });
});

describe('destinations', () => {
  it('creates, lists with users, updates and deletes a destination', async () => {
    const created = await admin.call('POST', '/destinations', { body: { code: 'desk', name: 'Front desk', type: 'dial', target: '+982188888888' } });
    expect(created.status).toBe(201);
    await admin.call('POST', '/modules', { body: newModule('uses-desk', { nextDestination: 'desk' }) });
    const list = await admin.call('GET', '/destinations');
    expect(list.json.destinations).toContainEqual({
      destination: { code: 'desk', name: 'Front desk', type: 'dial', target: '+982188888888' },
      usedBy: ['uses-desk'],
    });
    const updated = await admin.call('PUT', '/destinations/desk', { body: { type: 'redirect', url: 'https://twiml.example.com/desk' } });
    expect(updated.json.destination).toEqual({ code: 'desk', type: 'redirect', url: 'https://twiml.example.com/desk' });

    const refused = await admin.call('DELETE', '/destinations/desk', { query: { lang: 'fa' } });
    expect(refused.status).toBe(409);
    expect(refused.json).toMatchObject({
      error: 'destination_in_use',
      usedBy: ['uses-desk'],
      message: 'این مقصد را نمی‌توان حذف کرد: ماژول‌هایی به آن اشاره می‌کنند.',
    });
    await admin.call('PUT', '/modules/uses-desk', { body: newModule('uses-desk') });
    expect((await admin.call('DELETE', '/destinations/desk')).status).toBe(200);
    expect((await admin.call('GET', '/destinations/desk')).status).toBe(404);
  });

  it('refuses a duplicate code, a bad dial target and a module that does not exist', async () => {
    expect((await admin.call('POST', '/destinations', { body: { code: 'sales', type: 'hangup' } })).status).toBe(409);
    const badTarget = await admin.call('POST', '/destinations', { body: { code: 'bad-dial', type: 'dial', target: 'call me' } });
    expect(badTarget.json.errors).toEqual([expect.objectContaining({ field: 'target', code: 'dial_target' })]);
    const badModule = await admin.call('POST', '/destinations', { body: { code: 'to-nowhere', type: 'module', moduleCode: 'no-such-module' } });
    expect(badModule.status).toBe(422);
    expect(badModule.json.errors).toEqual([expect.objectContaining({ field: 'moduleCode', code: 'unknown_module' })]);
  });
});

describe('pickers', () => {
  it('lists the money accounts and item types of a lookup source', async () => {
    expect((await admin.call('GET', '/lookup-sources')).json.sources).toEqual(['ledger']);
    const accounts = await admin.call('GET', '/lookup-sources/ledger/money-accounts');
    expect(accounts.json.moneyAccounts).toEqual(
      expect.arrayContaining([
        { key: 'acc-mellat', name: 'Bank Mellat — main account', currency: 'IRR' },
        { key: 'acc-cash', name: 'Cash desk', currency: 'IRR' },
        { key: 'acc-usd', name: 'Chase — US dollar account', currency: 'USD' },
      ]),
    );
    const types = await admin.call('GET', '/lookup-sources/ledger/item-types');
    expect(types.json.itemTypes.map((t: { type: string }) => t.type)).toEqual(['invoice', 'proforma', 'receipt', 'payment', 'salesReturn', 'onlinePayment']);
    expect((await admin.call('GET', '/lookup-sources/payamgostar/money-accounts')).status).toBe(404);
  });

  it('answers 503 with a message when the CRM fails', async () => {
    const failing = await startTestAdmin(
      {
        crmFor: async () =>
          ({
            source: 'broken',
            moneyAccounts: async () => {
              throw new Error('timeout');
            },
          }) as never,
      },
      { seed: false },
    );
    try {
      const reply = await failing.call('GET', '/lookup-sources/broken/money-accounts');
      expect(reply.status).toBe(503);
      expect(reply.json).toMatchObject({ error: 'crm_failed', message: 'The CRM did not answer; try again shortly.' });
    } finally {
      await failing.stop();
    }
  });
});

describe('prompts', () => {
  it('previews an English override as <Say> text and a Persian default as its clip', async () => {
    const en = await admin.call('POST', '/prompts/preview', { body: { language: 'en', prompt: 'intro', override: { text: 'Hello from Acme.' } } });
    expect(en.json.segments).toEqual([{ kind: 'say', text: 'Hello from Acme.', voice: 'Polly.Joanna', language: 'en-US' }]);
    const fa = await admin.call('POST', '/prompts/preview', { body: { language: 'fa', prompt: 'noDebt' } });
    expect(fa.json.segments).toEqual([{ kind: 'play', url: 'https://ivr.example.com/audio/clips/fa/prompt-noDebt.wav', transcript: 'شما بدهی ندارید.' }]);
    expect((await admin.call('POST', '/prompts/preview', { body: { language: 'en', prompt: 'nope' } })).status).toBe(422);
  });

  it('says uploads are unavailable (503) until a recordings service is wired', async () => {
    const reply = await admin.call('PUT', '/modules/balance-en/prompts/intro/recording', {
      raw: { data: Buffer.from('RIFF0000WAVE'), type: 'audio/wav', base64: true },
    });
    expect(reply.status).toBe(503);
    expect(reply.json.error).toBe('recordings_unavailable');
  });

  it('stores a validated recording by content hash on the module, replaces it, refuses bad audio per field, and removes it', async () => {
    const { withUploads, audio, stop } = await startAdminWithRecordings('admin-recordings-');
    try {
      await withUploads.call('PUT', '/modules/balance-en', { body: { ...newModule('balance-en'), prompts: { intro: { text: 'Welcome to Acme.' } } } });
      const wav = Buffer.from(wavFile(1.5));
      const hash = createHash('sha256').update(wav).digest('hex');
      const first = await withUploads.call('PUT', '/modules/balance-en/prompts/intro/recording', { raw: { data: wav, type: 'audio/wav', base64: true } });
      expect(first.status).toBe(200);
      // Played normalised (8 kHz mu-law at the loudness target), named by the normalised bytes; the upload kept as it came.
      const played = Buffer.from((await audio.get(`uploads/${first.json.audioKey}`)) ?? []);
      expect(first.json).toEqual({
        audioKey: `${createHash('sha256').update(played).digest('hex')}.wav`,
        url: `https://ivr.example.com/audio/uploads/${first.json.audioKey}`,
      });
      expect(Buffer.from((await audio.get(`uploads/originals/${hash}.wav`)) ?? []).equals(wav)).toBe(true);
      const mp3 = Buffer.from(mp3File(2));
      const second = await withUploads.call('PUT', '/modules/balance-en/prompts/intro/recording', { raw: { data: mp3, type: 'audio/mpeg', base64: true } });
      expect(second.json.audioKey).toMatch(/^[0-9a-f]{64}\.mp3$/);
      const module = (await withUploads.call('GET', '/modules/balance-en')).json.module;
      expect(module.prompts.intro).toEqual({ text: 'Welcome to Acme.', audioKey: second.json.audioKey });

      const corrupt = await withUploads.call('PUT', '/modules/balance-en/prompts/intro/recording', {
        headers: { 'accept-language': 'fa' },
        raw: { data: Buffer.from('RIFF0000WAVEjunk'), type: 'audio/wav', base64: true },
      });
      expect(corrupt.status).toBe(422);
      expect(corrupt.json.errors).toEqual([expect.objectContaining({ field: 'prompts.intro.audio', message: expect.stringMatching(/[\u0600-\u06FF]/) })]);
      expect((await withUploads.call('PUT', '/modules/balance-en/prompts/intro/recording', { raw: { data: 'hello', type: 'text/plain' } })).status).toBe(415);
      expect(
        (await withUploads.call('PUT', '/modules/balance-en/prompts/nope/recording', { raw: { data: wav, type: 'audio/wav', base64: true } })).status,
      ).toBe(404);

      expect((await withUploads.call('DELETE', '/modules/balance-en/prompts/intro/recording')).json).toEqual({ removed: true });
      expect((await withUploads.call('GET', '/modules/balance-en')).json.module.prompts.intro).toEqual({ text: 'Welcome to Acme.' });
      expect((await withUploads.call('DELETE', '/modules/balance-en/prompts/intro/recording')).json).toEqual({ removed: false });
    } finally {
      await stop();
    }
  });
});

describe('club prompt recordings', () => {
  it('stores a recording under a club prompt name, refuses balance prompt keys on a club, and removes it', async () => {
    const { withUploads, stop } = await startAdminWithRecordings('admin-club-recordings-');
    try {
      const wav = Buffer.from(wavFile(1));
      const uploaded = await withUploads.call('PUT', '/modules/club-fa/prompts/welcome/recording', { raw: { data: wav, type: 'audio/wav', base64: true } });
      expect(uploaded.status).toBe(200);
      const club = (await withUploads.call('GET', '/modules/club-fa')).json.module;
      expect(club.kind).toBe('club');
      expect(club.prompts.welcome).toEqual({ audioKey: uploaded.json.audioKey });
      // A catalogue key is a balance prompt: a club has no prompt by that name.
      expect(
        (await withUploads.call('PUT', '/modules/club-fa/prompts/clubWelcome/recording', { raw: { data: wav, type: 'audio/wav', base64: true } })).json.error,
      ).toBe('unknown_prompt');
      expect(
        (await withUploads.call('PUT', '/modules/balance-en/prompts/welcome/recording', { raw: { data: wav, type: 'audio/wav', base64: true } })).status,
      ).toBe(404);
      expect((await withUploads.call('DELETE', '/modules/club-fa/prompts/welcome/recording')).json).toEqual({ removed: true });
      expect((await withUploads.call('GET', '/modules/club-fa')).json.module.prompts.welcome).toBeUndefined();
    } finally {
      await stop();
    }
  });
});

describe('requests the API cannot use', () => {
  it('answers malformed JSON with 400, unknown routes with 404 and wrong methods with 405', async () => {
    const malformed = await admin.call('POST', '/modules', { raw: { data: '{"code":', type: 'application/json' } });
    expect(malformed.status).toBe(400);
    expect(malformed.json.error).toBe('invalid_json');
    expect((await admin.call('GET', '/no-such-thing')).status).toBe(404);
    const wrongMethod = await admin.call('PATCH', '/modules');
    expect(wrongMethod.status).toBe(405);
    expect(wrongMethod.headers.Allow).toBe('GET, POST');
  });
});

describe('the OpenAPI document', () => {
  it('describes every route and the module schema, generated from the code', async () => {
    const doc = (await admin.call('GET', '/openapi.json')).json;
    expect(doc.openapi).toBe('3.0.3');
    expect(doc.servers).toEqual([{ url: 'https://ivr.example.com/admin/api' }]);
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining(['/modules', '/modules/{code}', '/destinations/{code}', '/ledger/import/customers.csv', '/calls', '/outbox', '/openapi.json']),
    );
    expect(doc.paths['/modules'].post.requestBody.content['application/json'].schema).toEqual({ $ref: '#/components/schemas/Module' });
    expect(doc.components.schemas.Module.properties.sendPaymentLink).toEqual({ type: 'boolean', default: false });
    expect(doc.components.schemas.Module.required).toEqual(expect.arrayContaining(['code', 'name', 'language', 'nextDestination', 'errorDestination']));
    expect(doc.components.securitySchemes.adminKey).toMatchObject({ type: 'http', scheme: 'bearer' });
  });
});
