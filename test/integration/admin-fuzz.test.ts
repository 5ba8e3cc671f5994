/**
 * Property-based bad input (fast-check) through the real admin API stack over dynalite:
 * module, destination, import-document (with lookup sources) and CSV bodies, mostly almost
 * right. Never a crash or a 5xx; every refusal a clear 4xx with an error code, a message in
 * the operator's language and, for invalid fields, field-level errors; and a refused request
 * changes nothing in the configuration or the ledger.
 */
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import fc from 'fast-check';
import { DynamoLookupSourceStore } from '../../lib/crm/dynamo-lookup-source-store';
import { startTestAdmin, type AdminReply, type TestAdmin } from '../support/admin-api';

let admin: TestAdmin;

beforeAll(async () => {
  admin = await startTestAdmin((dynamo) => ({
    lookupSourceStore: new DynamoLookupSourceStore(dynamo.doc, dynamo.tables.config),
  }));
});

afterAll(async () => {
  await admin?.stop();
});

const RUNS = { numRuns: 30, seed: 20261127 };
const PERSIAN = /[\u0600-\u06FF]/;

/** Everything stored in the configuration and the ledger, in a comparable order. */
async function snapshot(): Promise<string> {
  const out: unknown[] = [];
  for (const table of [admin.dynamo.tables.config, admin.dynamo.tables.ledger]) {
    let start: Record<string, unknown> | undefined;
    do {
      const page = await admin.dynamo.doc.send(new ScanCommand({ TableName: table, ConsistentRead: true, ...(start ? { ExclusiveStartKey: start } : {}) }));
      out.push(...(page.Items ?? []));
      start = page.LastEvaluatedKey;
    } while (start);
  }
  return JSON.stringify(out.map((i) => JSON.stringify(i)).sort());
}

/** A refusal an operator can act on, in their language. */
function clearRefusal(reply: AdminReply, language: 'en' | 'fa'): void {
  expect(reply.status).toBeGreaterThanOrEqual(400);
  expect(reply.status).toBeLessThan(500);
  expect(typeof reply.json.error).toBe('string');
  expect(typeof reply.json.message).toBe('string');
  if (language === 'fa') expect(reply.json.message).toMatch(PERSIAN);
  if (reply.status === 422) {
    const fieldErrors = (reply.json.errors ?? reply.json.problems) as Array<{ field?: unknown; message?: unknown }> | undefined;
    expect(Array.isArray(fieldErrors) && fieldErrors.length > 0).toBe(true);
    for (const e of fieldErrors ?? []) {
      expect(typeof e.field).toBe('string');
      expect(typeof e.message).toBe('string');
      expect(String(e.message).length).toBeGreaterThan(0);
      if (language === 'fa') expect(e.message).toMatch(PERSIAN);
    }
  }
}

const language = fc.constantFrom<'en' | 'fa'>('en', 'fa');
const headers = (lang: 'en' | 'fa') => ({ 'accept-language': lang === 'fa' ? 'fa-IR,fa;q=0.9' : 'en-US' });
/** Values a form or script might send for any field. */
const junk = fc.oneof(
  fc.string({ maxLength: 20 }),
  fc.constantFrom(
    '',
    ' ',
    'ماژول مانده',
    '۱۲۳',
    '٣',
    'sales',
    'goodbye',
    'support',
    'nope',
    'ledger',
    'en',
    'fa',
    'club',
    'rial',
    'toman',
    'https://x.example',
    'ftp://x',
  ),
  fc.integer({ min: -3, max: 100 }),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.array(fc.string({ maxLength: 5 }), { maxLength: 3 }),
  fc.dictionary(fc.string({ maxLength: 6 }), fc.string({ maxLength: 6 }), { maxKeys: 2 }),
);
/** Usually a valid value, sometimes junk: most bodies are almost right, which is where half-writes hide. */
const mostly = <T>(valid: fc.Arbitrary<T>) => fc.oneof({ weight: 6, arbitrary: valid }, { weight: 1, arbitrary: junk });
const code = fc.oneof(
  { weight: 6, arbitrary: fc.stringMatching(/^fz-[a-z0-9]{1,12}$/) },
  { weight: 1, arbitrary: fc.string({ maxLength: 12 }) },
  { weight: 1, arbitrary: fc.constantFrom('', 'balance-en', 'sales', 'FZ UPPER', 'fz/slash', 'کد') },
);

const wildModule = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.record(
      {
        kind: mostly(fc.constantFrom('balance', 'club', 'other')),
        code,
        name: mostly(fc.constantFrom('Fuzz module', 'ماژول آزمایشی')),
        language: mostly(fc.constantFrom('en', 'fa', 'de')),
        currency: mostly(
          fc.oneof(
            fc.record(
              { unit: mostly(fc.constantFrom('rial', 'toman', 'dollar')), divisor: mostly(fc.integer({ min: -2, max: 10_000 })) },
              { requiredKeys: [] },
            ),
            fc.record(
              { code: mostly(fc.constantFrom('IRR', 'USD', 'JPY', 'usd', 'XYZ')), unit: mostly(fc.constantFrom('rial', 'toman')) },
              { requiredKeys: ['code'] },
            ),
            fc.constantFrom('IRR', 'USD', 'EUR', 'XYZ', ''),
          ),
        ),
        identification: mostly(fc.constantFrom('caller-number', 'customer-number', 'customer-number-and-password')),
        nextDestination: mostly(fc.constantFrom('sales', 'support', 'missing-dest')),
        errorDestination: mostly(fc.constantFrom('goodbye', 'support', 'missing-dest')),
        lookupSource: mostly(fc.constantFrom('ledger', 'no-such-crm')),
        maxAttempts: mostly(fc.integer({ min: -2, max: 12 })),
        forceMobileEntry: mostly(fc.boolean()),
        sendPaymentLink: mostly(fc.boolean()),
        askItemNumber: mostly(fc.boolean()),
        prompts: mostly(
          fc.dictionary(fc.constantFrom('intro', 'owed', 'nope', 'apology'), fc.record({ text: junk, play: junk, audioKey: junk }, { requiredKeys: [] }), {
            maxKeys: 3,
          }),
        ),
        surprise: junk,
      },
      { requiredKeys: ['code', 'name', 'language', 'nextDestination', 'errorDestination'] },
    ),
  },
  { weight: 1, arbitrary: fc.anything({ maxDepth: 2 }) },
);

const wildDestination = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.record(
      {
        code,
        name: mostly(fc.constantFrom('Desk', 'میز پشتیبانی')),
        type: mostly(fc.constantFrom('dial', 'hangup', 'module', 'url', 'queue')),
        target: mostly(fc.constantFrom('+982191000000', 'sip:desk@pbx.example.com', '09121111111', 'not a number')),
        moduleCode: mostly(fc.constantFrom('balance-en', 'missing-module')),
        url: mostly(fc.constantFrom('https://ivr.example.com/x', 'javascript:alert(1)')),
      },
      { requiredKeys: [] },
    ),
  },
  { weight: 1, arbitrary: fc.anything({ maxDepth: 2 }) },
);

const row = (fields: Record<string, fc.Arbitrary<unknown>>) => fc.record(fields, { requiredKeys: [] });
const wildImport = fc.oneof(
  {
    weight: 5,
    arbitrary: fc.record(
      {
        customers: mostly(
          fc.array(
            row({
              id: fc.oneof(fc.stringMatching(/^fz-c-[0-9]{1,4}$/), junk),
              customerNumber: junk,
              name: junk,
              phones: mostly(fc.array(fc.constantFrom('+989121111111', '۰۹۱۲۱۲۳۴۵۶۷', 'abc', ''), { maxLength: 3 })),
              mobile: junk,
              phonePassword: junk,
            }),
            { maxLength: 4 },
          ),
        ),
        items: mostly(
          fc.array(
            row({
              customerId: mostly(fc.constantFrom('c-1001', 'fz-c-1', 'nobody')),
              type: mostly(fc.constantFrom('invoice', 'receipt', 'gift')),
              number: junk,
              fields: mostly(fc.record({ FinalValue: junk }, { requiredKeys: [] })),
              status: mostly(fc.constantFrom('open', 'paid')),
            }),
            { maxLength: 4 },
          ),
        ),
        lookupSources: mostly(
          fc.array(
            row({
              name: mostly(fc.constantFrom('fz-crm', 'ledger')),
              type: mostly(fc.constantFrom('payamgostar', 'http', 'soap')),
              host: mostly(fc.constantFrom('https://crm.example.com/', 'ftp://x')),
              auth: mostly(fc.constantFrom('none', 'basic', 'digest')),
              username: junk,
              passwordSecret: junk,
              password: junk,
            }),
            { maxLength: 3 },
          ),
        ),
        destinations: mostly(fc.array(wildDestination, { maxLength: 2 })),
        modules: mostly(fc.array(wildModule, { maxLength: 2 })),
        moneyAccounts: mostly(fc.array(row({ key: junk, name: junk }), { maxLength: 2 })),
        bogusSection: junk,
      },
      { requiredKeys: [] },
    ),
  },
  { weight: 1, arbitrary: fc.anything({ maxDepth: 2 }) },
);

/** A valid object with up to two fields replaced by junk or removed (or one unknown field added). */
function almost<T extends Record<string, unknown>>(valid: fc.Arbitrary<T>): fc.Arbitrary<Record<string, unknown>> {
  return fc.tuple(valid, fc.array(fc.tuple(fc.nat(), fc.option(junk, { nil: undefined })), { maxLength: 2 })).map(([base, mutations]) => {
    const out: Record<string, unknown> = { ...base };
    const keys = [...Object.keys(base), 'surprise'];
    for (const [index, value] of mutations) {
      const key = keys[index % keys.length] as string;
      if (value === undefined) delete out[key];
      else out[key] = value;
    }
    return out;
  });
}

const validBalance = fc.record({
  code: fc.stringMatching(/^fz-[a-z0-9]{1,10}$/),
  name: fc.constantFrom('Fuzz balance', 'مانده حساب آزمایشی'),
  language: fc.constantFrom('en', 'fa'),
  currency: fc.constantFrom({ unit: 'rial' }, { unit: 'toman' }),
  nextDestination: fc.constantFrom('sales', 'to-balance-en'),
  errorDestination: fc.constantFrom('goodbye', 'support'),
  maxAttempts: fc.integer({ min: 1, max: 5 }),
});
const validClub = fc.record({
  kind: fc.constant('club'),
  code: fc.stringMatching(/^fz-[a-z0-9]{1,10}$/),
  name: fc.constantFrom('Fuzz club', 'باشگاه آزمایشی'),
  language: fc.constantFrom('en', 'fa'),
  identification: fc.constantFrom('caller-number', 'customer-number', 'customer-number-and-password'),
  maxAttempts: fc.integer({ min: 1, max: 5 }),
  nextDestination: fc.constant('to-balance-en'),
  errorDestination: fc.constant('support'),
});
const validDestination = fc.oneof(
  fc.record({
    code: fc.stringMatching(/^fz-[a-z0-9]{1,10}$/),
    name: fc.constant('Desk'),
    type: fc.constant('dial'),
    target: fc.constantFrom('+982191000000', 'sip:desk@pbx.example.com'),
  }),
  fc.record({ code: fc.stringMatching(/^fz-[a-z0-9]{1,10}$/), name: fc.constant('میز'), type: fc.constant('hangup') }),
  fc.record({
    code: fc.stringMatching(/^fz-[a-z0-9]{1,10}$/),
    name: fc.constant('To balance'),
    type: fc.constant('module'),
    moduleCode: fc.constant('balance-en'),
  }),
);
const validCustomer = fc.record({
  id: fc.stringMatching(/^fz-c-[0-9]{1,5}$/),
  customerNumber: fc.stringMatching(/^[0-9]{3,6}$/),
  name: fc.constantFrom('John Fuzz', 'سارا آزمون'),
  phones: fc.constantFrom(['+989121110000'], [], ['021 8877 0000']),
});
const validItem = fc.record({
  customerId: fc.constantFrom('c-1001', 'c-2001'),
  type: fc.constantFrom('invoice', 'receipt'),
  number: fc.stringMatching(/^FZ-[0-9]{1,6}$/),
  fields: fc.record({ FinalValue: fc.integer({ min: 0, max: 10_000_000 }) }),
  status: fc.constantFrom('open', 'paid'),
});
const validSource = fc.record({
  name: fc.stringMatching(/^fz-crm-[a-z0-9]{1,6}$/),
  type: fc.constant('http'),
  host: fc.constant('https://crm.example.com'),
  auth: fc.constant('none'),
});
const rows = (valid: fc.Arbitrary<Record<string, unknown>>) =>
  fc.array(fc.oneof({ weight: 3, arbitrary: valid }, { weight: 1, arbitrary: almost(valid) }), { maxLength: 3 });

const moduleBody = fc.oneof({ weight: 3, arbitrary: almost(validBalance) }, { weight: 2, arbitrary: almost(validClub) }, { weight: 1, arbitrary: wildModule });
const destinationBody = fc.oneof({ weight: 3, arbitrary: almost(validDestination) }, { weight: 1, arbitrary: wildDestination });
const importDocument = fc.oneof(
  {
    weight: 3,
    arbitrary: almost(
      fc.record({
        customers: rows(validCustomer),
        items: rows(validItem),
        lookupSources: rows(validSource),
        destinations: rows(validDestination),
        modules: rows(validBalance),
      }),
    ),
  },
  { weight: 1, arbitrary: wildImport },
);

/** CSV text: valid headers and rows with hostile cells, or any text at all. */
const csvCell = fc.oneof(
  fc.constantFrom('', 'c-1001', 'fz-c-9', 'invoice', 'paid', '12,5', '"quoted ""cell"""', '۱۲۳۴', '=HYPERLINK("x")', '\r', '"unterminated'),
  fc.string({ maxLength: 8 }),
);
const csvText = (kind: 'customers' | 'items') =>
  fc.oneof(
    {
      weight: 3,
      arbitrary: fc
        .tuple(
          fc.constantFrom(
            ...(kind === 'customers'
              ? ['id,customerNumber,name,phones,mobile', 'id,name', 'id,id', 'name', 'id,unknown']
              : ['customerId,type,number,FinalValue,status', 'customerId,number', 'customerId,type,number']),
          ),
          fc.array(fc.array(csvCell, { minLength: 1, maxLength: 6 }), { maxLength: 4 }),
        )
        .map(([header, rows]) => [header, ...rows.map((r) => r.join(','))].join('\n')),
    },
    { weight: 1, arbitrary: fc.string({ maxLength: 200 }) },
  );

describe('admin API bodies (property-based)', () => {
  it('creating a module: 201 and stored, or a clear 4xx and nothing written', async () => {
    await fc.assert(
      fc.asyncProperty(moduleBody, language, async (body, lang) => {
        const before = await snapshot();
        const reply = await admin.call('POST', '/modules', { body, headers: headers(lang) });
        if (reply.status === 201) {
          const created = (body as { code: string }).code;
          expect((await admin.call('GET', `/modules/${encodeURIComponent(created)}`)).status).toBe(200);
          expect((await admin.call('DELETE', `/modules/${encodeURIComponent(created)}`)).status).toBe(200);
          return;
        }
        clearRefusal(reply, lang);
        expect(await snapshot()).toBe(before);
      }),
      RUNS,
    );
  }, 120_000);

  it('replacing a demo module: 200, or a clear 4xx and the module as it was', async () => {
    await fc.assert(
      fc.asyncProperty(moduleBody, language, async (body, lang) => {
        const before = await snapshot();
        const reply = await admin.call('PUT', '/modules/balance-fa', { body, headers: headers(lang) });
        if (reply.status === 200) {
          // Put the demo module back for the next run.
          const restored = await admin.call('PUT', '/modules/balance-fa', {
            body: {
              code: 'balance-fa',
              name: 'اعلام مانده حساب',
              language: 'fa',
              currency: { unit: 'rial' },
              nextDestination: 'sales',
              errorDestination: 'goodbye',
            },
          });
          expect(restored.status).toBe(200);
          return;
        }
        clearRefusal(reply, lang);
        expect(await snapshot()).toBe(before);
      }),
      RUNS,
    );
  }, 120_000);

  it('creating a destination: 201, or a clear 4xx and nothing written', async () => {
    await fc.assert(
      fc.asyncProperty(destinationBody, language, async (body, lang) => {
        const before = await snapshot();
        const reply = await admin.call('POST', '/destinations', { body, headers: headers(lang) });
        if (reply.status === 201) {
          const created = (body as { code: string }).code;
          expect((await admin.call('DELETE', `/destinations/${encodeURIComponent(created)}`)).status).toBe(200);
          return;
        }
        clearRefusal(reply, lang);
        expect(await snapshot()).toBe(before);
      }),
      RUNS,
    );
  }, 120_000);

  it('importing a document (customers, items, lookup sources, modules): all of it, or a clear 4xx and none of it', async () => {
    await fc.assert(
      fc.asyncProperty(importDocument, language, fc.boolean(), async (body, lang, dryRun) => {
        const before = await snapshot();
        const reply = await admin.call('POST', '/ledger/import', { body, headers: headers(lang), ...(dryRun ? { query: { dryRun: '1' } } : {}) });
        if (reply.status === 200) {
          expect(reply.json.imported).toBe(!dryRun);
          if (dryRun) expect(await snapshot()).toBe(before);
          return;
        }
        clearRefusal(reply, lang);
        expect(await snapshot()).toBe(before);
      }),
      RUNS,
    );
  }, 120_000);

  it.each(['customers', 'items'] as const)(
    'importing %s CSV: imported, or a clear 4xx naming lines and nothing written',
    async (kind) => {
      await fc.assert(
        fc.asyncProperty(csvText(kind), language, async (text, lang) => {
          const before = await snapshot();
          const reply = await admin.call('POST', `/ledger/import/${kind}.csv`, { raw: { data: text, type: 'text/csv' }, headers: headers(lang) });
          if (reply.status === 200) return;
          clearRefusal(reply, lang);
          if (reply.status === 422) for (const p of reply.json.problems as Array<{ line?: unknown }>) expect(typeof p.line).toBe('number');
          expect(await snapshot()).toBe(before);
        }),
        RUNS,
      );
    },
    120_000,
  );

  it('answers a body that is not JSON, or not UTF-8, with 400 and writes nothing', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.string({ maxLength: 40 }).filter((s) => {
            try {
              JSON.parse(s);
              return false;
            } catch {
              return true;
            }
          }),
          fc.uint8Array({ minLength: 1, maxLength: 40 }).map((b) => Buffer.from([0xff, 0xfe, ...b])),
        ),
        fc.constantFrom('/modules', '/destinations', '/ledger/import'),
        language,
        async (data, path, lang) => {
          const before = await snapshot();
          const reply = await admin.call('POST', path, { raw: { data, type: 'application/json', base64: Buffer.isBuffer(data) }, headers: headers(lang) });
          expect([400, 413, 415]).toContain(reply.status);
          clearRefusal(reply, lang);
          expect(await snapshot()).toBe(before);
        },
      ),
      RUNS,
    );
  }, 120_000);
});
