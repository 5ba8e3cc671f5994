/**
 * Exact money through the real handlers over dynalite: the admin API imports a debt, the
 * voice handler announces it, the SMS (outbox) and the payment page (pay handler) show it,
 * paying records it — and every one of them says the same amount to the rial, including
 * 360,910,330,461,065 rials (once announced one toman short) and debts below half a toman.
 * A refused import leaves the configuration and ledger tables byte-for-byte as they were.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PutCommand, QueryCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import fc from 'fast-check';
import { getExpectedTwilioSignature } from 'twilio/lib/webhooks/webhooks';
import type { ModuleCurrency } from '../../lib/domain/money';
import { linkIdFor, signLinkToken, type PaymentLinkClaims } from '../../lib/domain/payment-token';
import { startTestAdmin, type TestAdmin } from '../support/admin-api';
import { expectedSaid, readDisplayed, readPersianTokens } from '../support/money-readback';

const BASE = 'https://ivr.example.test';
const TOKEN = 'exact-money-auth-token';
const LINK_SECRET = 'exact-money-link-secret';
type Handler = (event: APIGatewayProxyEventV2, context: Context) => Promise<APIGatewayProxyStructuredResultV2>;

let admin: TestAdmin;
let voice: Handler;
let pay: Handler;
let outbox: { latest(o: { callSid?: string; limit?: number }): Promise<{ body: string; to: string }[]> };
const saved = { ...process.env };
// Joined Persian sentences (and their transcript sidecars) are stored here, not in the repository.
const AUDIO_DIR = mkdtempSync(join(tmpdir(), 'balance-ivr-exact-money-audio-'));

beforeAll(async () => {
  admin = await startTestAdmin();
  const { tables } = admin.dynamo;
  Object.assign(process.env, {
    PUBLIC_BASE_URL: BASE,
    TWILIO_AUTH_TOKEN: TOKEN,
    DYNAMODB_ENDPOINT: admin.dynamo.endpoint,
    AWS_ACCESS_KEY_ID: 'local',
    AWS_SECRET_ACCESS_KEY: 'local',
    AWS_REGION: 'us-east-1',
    SESSIONS_TABLE: tables.sessions,
    CONFIG_TABLE: tables.config,
    LEDGER_TABLE: tables.ledger,
    CALL_LOG_TABLE: tables.callLog,
    PAYMENTS_TABLE: tables.payments,
    PAYMENT_RECORDS_TABLE: tables.paymentRecords,
    ATTEMPTS_TABLE: tables.attempts,
    CONFIG_CACHE_SECONDS: '0',
    LOG_LEVEL: 'ERROR',
    POWERTOOLS_METRICS_DISABLED: 'true',
    PAYMENT_LINK_DAILY_LIMIT_PER_MOBILE: '50',
    PAYMENT_LINK_DAILY_LIMIT_PER_CALLER: '50',
    PAYMENT_LINK_SECRET: LINK_SECRET,
    AUDIO_DIR,
  });
  /* eslint-disable @typescript-eslint/no-require-imports */
  voice = require('../../functions/voice').handler;
  pay = require('../../functions/pay').handler;
  outbox = require('../../lib/composition/sms').outbox;
  /* eslint-enable @typescript-eslint/no-require-imports */
  const imported = await admin.call('POST', '/ledger/import', {
    body: {
      modules: [
        {
          code: 'toman-link',
          name: 'Toman link',
          language: 'fa',
          currency: { code: 'IRR', unit: 'toman' },
          forceMobileEntry: true,
          sendPaymentLink: true,
          nextDestination: 'sales',
          errorDestination: 'goodbye',
        },
        {
          code: 'rial-link-en',
          name: 'Rial link',
          language: 'en',
          currency: 'IRR',
          forceMobileEntry: true,
          sendPaymentLink: true,
          nextDestination: 'sales',
          errorDestination: 'support',
        },
        {
          code: 'usd-link',
          name: 'USD link',
          language: 'en',
          currency: 'USD',
          forceMobileEntry: true,
          sendPaymentLink: true,
          financialAccount: 'acc-usd',
          nextDestination: 'sales',
          errorDestination: 'support',
        },
        {
          code: 'toman-announce',
          name: 'Toman',
          language: 'fa',
          currency: { code: 'IRR', unit: 'toman' },
          nextDestination: 'sales',
          errorDestination: 'goodbye',
        },
      ],
    },
  });
  expect(imported.status).toBe(200);
}, 60_000);

afterAll(async () => {
  rmSync(AUDIO_DIR, { recursive: true, force: true });
  for (const key of Object.keys(process.env)) if (!(key in saved)) delete process.env[key];
  Object.assign(process.env, saved);
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  (require('../../lib/composition/core') as typeof import('../../lib/composition/core')).dynamo.destroy();
  await admin?.stop();
});

const context = {} as Context;

function voiceEvent(path: string, query: string, params: Record<string, string>): APIGatewayProxyEventV2 {
  const url = `${BASE}${path}${query ? `?${query}` : ''}`;
  return {
    version: '2.0',
    routeKey: 'POST',
    rawPath: path,
    rawQueryString: query,
    headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': getExpectedTwilioSignature(TOKEN, url, params) },
    queryStringParameters: query ? Object.fromEntries(new URLSearchParams(query)) : undefined,
    pathParameters: Object.fromEntries(Object.entries({ code: path.split('/')[2], step: path.split('/')[3] }).filter(([, v]) => v)) as Record<string, string>,
    body: new URLSearchParams(params).toString(),
    isBase64Encoded: false,
    requestContext: { http: { method: 'POST', path } },
  } as unknown as APIGatewayProxyEventV2;
}

function payEvent(method: 'GET' | 'POST', token: string): APIGatewayProxyEventV2 {
  return {
    rawPath: `/pay/${token}`,
    rawQueryString: '',
    headers: {},
    pathParameters: { token },
    requestContext: { http: { method, path: `/pay/${token}` } },
  } as unknown as APIGatewayProxyEventV2;
}

let customers = 0;
/** A fresh customer owing `minor` (minor units of the money account's currency), imported through the admin API. */
async function customerOwing(minor: number, account: string): Promise<{ id: string; phone: string; mobileDigits: string }> {
  customers += 1;
  const n = String(customers).padStart(4, '0');
  const id = `c-money-${n}`;
  const phone = `+98917${n}000`.slice(0, 13);
  const reply = await admin.call('POST', '/ledger/import', {
    body: {
      customers: [{ id, phones: [phone] }],
      items: [{ customerId: id, type: 'invoice', number: `INV-${n}`, fields: { FinalValue: minor }, moneyAccount: account }],
    },
  });
  expect(reply.status).toBe(200);
  return { id, phone, mobileDigits: `0${phone.slice(3)}` };
}

let calls = 0;
/** Calls a module with a forced mobile entry and answers the mobile gather; returns the TwiML and the SMS. */
async function callWithLink(code: string, from: string, mobileDigits: string): Promise<{ twiml: string; sms: string }> {
  calls += 1;
  const callSid = `CAmoney${String(calls).padStart(27, '0')}`;
  const params = { CallSid: callSid, From: from, To: '+15550001000', AccountSid: 'ACtest' };
  const entry = await voice(voiceEvent(`/voice/${code}`, '', params), context);
  expect(entry.body).toContain(`/voice/${code}/mobile?t=1`);
  const step = await voice(voiceEvent(`/voice/${code}/mobile`, 't=1', { ...params, Digits: mobileDigits }), context);
  const [message] = await outbox.latest({ callSid });
  return { twiml: step.body ?? '', sms: message?.body ?? '' };
}

/**
 * The clip keys a Persian answer plays, in order: a clip played on its own, or the clips a
 * joined sentence was made of (its transcript sidecar in the stack's audio folder names them).
 */
const clips = (twiml: string) =>
  [...twiml.matchAll(/<Play>[^<]*\/audio\/(clips\/fa\/[^.<]+\.wav|joined\/[0-9a-f]+\.wav)/g)].flatMap((m) => {
    const key = m[1] as string;
    if (key.startsWith('clips/')) return [clipKey(key)];
    const sidecar = JSON.parse(readFileSync(join(AUDIO_DIR, key.replace(/\.wav$/, '.json')), 'utf8')) as { pieces: string[] };
    return sidecar.pieces.map(clipKey);
  });
const clipKey = (key: string) => key.replace(/^clips\/fa\//, '').replace(/\.wav$/, '');
/** The amount's clips: between «مانده حساب شما» and «بدهکار است». */
const amountClips = (twiml: string) => {
  const all = clips(twiml);
  const from = all.indexOf('prompt-yourBalanceIs');
  const to = all.indexOf('prompt-owed');
  return from < 0 || to < 0 ? [] : all.slice(from + 1, to);
};
const tokenOf = (url: string) => /\/pay\/(\S+)/.exec(url)?.[1] as string;

async function adminOwed(id: string): Promise<{ owed: number; currency: string; raw: string }> {
  const reply = await admin.call('GET', `/ledger/customers/${id}`);
  expect(reply.status).toBe(200);
  return { owed: reply.json.customer.owed, currency: reply.json.customer.currency, raw: JSON.stringify(reply.json.customer.balances) };
}

describe('360,910,330,461,065 rials in a toman module', () => {
  it('is «…صد و هفت تومان» to the caller, in the SMS and on the page; the admin API lists the exact rials; paying clears it exactly', async () => {
    const debt = 360_910_330_461_065;
    const customer = await customerOwing(debt, 'acc-mellat');
    expect(await adminOwed(customer.id)).toEqual({ owed: debt, currency: 'IRR', raw: '[{"currency":"IRR","owed":360910330461065,"credit":0}]' });

    const { twiml, sms } = await callWithLink('toman-link', customer.phone, customer.mobileDigits);
    const heard = amountClips(twiml);
    expect(heard.slice(-4)).toEqual(['num-100', 'and', 'num-7', 'unit-toman']);
    expect(readPersianTokens(heard)).toEqual({ whole: 36_091_033_046_107n, fraction: 0n, unit: 'toman' });
    expect(sms).toContain('۳۶٬۰۹۱٬۰۳۳٬۰۴۶٬۱۰۷ تومان');

    const page = await pay(payEvent('GET', tokenOf(sms)), context);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('<p class="amount">۳۶٬۰۹۱٬۰۳۳٬۰۴۶٬۱۰۷ تومان</p>');
    expect(page.body).toMatch(/صد و هفت تومان<\/p>/);

    expect((await pay(payEvent('POST', tokenOf(sms)), context)).statusCode).toBe(200);
    const paid = await admin.dynamo.doc.send(
      new QueryCommand({
        TableName: admin.dynamo.tables.ledger,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :sk)',
        ExpressionAttributeValues: { ':pk': `CUST#${customer.id}`, ':sk': 'ITEM#onlinePayment#' },
      }),
    );
    expect(paid.Items?.[0]).toMatchObject({ fields: { FinalValue: debt }, currency: 'IRR' });
    expect((await adminOwed(customer.id)).owed).toBe(0);
  });
});

describe('a debt below half a toman', () => {
  it.each([1, 4])('of %p rials is announced in rials, not «صفر تومان», and the caller goes on as owing', async (rials) => {
    const customer = await customerOwing(rials, 'acc-mellat');
    calls += 1;
    const callSid = `CAsmall${String(calls).padStart(27, '0')}`;
    const entry = await voice(
      voiceEvent('/voice/toman-announce', '', { CallSid: callSid, From: customer.phone, To: '+15550001000', AccountSid: 'ACtest' }),
      context,
    );
    expect(amountClips(entry.body ?? '')).toEqual([`num-${rials}`, 'unit-rial']);
    expect(entry.body).not.toContain('num-0.wav');
    // The owed/no-debt decision is on the exact rials: owed → the next destination (sales).
    expect(entry.body).toContain('<Dial><Number>+982191000000</Number></Dial>');
  });

  it('is sent as rials in the SMS and on the page too', async () => {
    const customer = await customerOwing(3, 'acc-mellat');
    const { twiml, sms } = await callWithLink('toman-link', customer.phone, customer.mobileDigits);
    expect(amountClips(twiml)).toEqual(['num-3', 'unit-rial']);
    expect(sms).toContain('۳ ریال');
    expect((await pay(payEvent('GET', tokenOf(sms)), context)).body).toContain('<p class="amount">۳ ریال</p>');
  });
});

describe('every surface agrees with the admin API, for any amount', () => {
  const cases: Array<{ code: string; account: string; currency: ModuleCurrency; language: 'fa' | 'en' }> = [
    { code: 'toman-link', account: 'acc-mellat', currency: { code: 'IRR', unit: 'toman' }, language: 'fa' },
    { code: 'rial-link-en', account: 'acc-mellat', currency: { code: 'IRR', unit: 'rial' }, language: 'en' },
    { code: 'usd-link', account: 'acc-usd', currency: { code: 'USD' }, language: 'en' },
  ];
  const amounts = fc.oneof(
    fc.integer({ min: 1, max: 99 }),
    fc.bigInt({ min: 1n, max: 10n ** 15n }).map(Number),
    fc.bigInt({ min: 10n ** 15n, max: BigInt(Number.MAX_SAFE_INTEGER) }).map(Number),
  );

  it('the call, the SMS and the page say what the ledger holds, to the rial and the cent', async () => {
    await fc.assert(
      fc.asyncProperty(amounts, fc.constantFrom(...cases), async (minor, c) => {
        const customer = await customerOwing(minor, c.account);
        const listed = await adminOwed(customer.id);
        expect(listed).toMatchObject({ owed: minor, currency: c.currency.code });
        const expected = expectedSaid(BigInt(listed.owed), c.currency);

        const { twiml, sms } = await callWithLink(c.code, customer.phone, customer.mobileDigits);
        if (c.language === 'fa') expect(readPersianTokens(amountClips(twiml))).toEqual(expected);
        const smsFigure = c.language === 'fa' ? (/پرداخت (.+?)(?: روی|:)/.exec(sms)?.[1] ?? '') : (/pay (.+?)(?:, open|:) /.exec(sms)?.[1] ?? '');
        expect(readDisplayed(smsFigure, c.currency.code)).toEqual(expected);
        const page = await pay(payEvent('GET', tokenOf(sms)), context);
        expect(readDisplayed(/<p class="amount">([^<]+)<\/p>/.exec(page.body ?? '')?.[1] ?? '', c.currency.code)).toEqual(expected);
      }),
      { numRuns: 15, seed: 4242 },
    );
  }, 120_000);

  it('a cents module says dollars and cents', async () => {
    const customer = await customerOwing(1250, 'acc-usd');
    const { twiml, sms } = await callWithLink('usd-link', customer.phone, customer.mobileDigits);
    expect(twiml).toContain('Your account balance is twelve dollars and fifty cents due for payment.');
    expect(sms).toContain('to pay $12.50, open');
  });
});

/** Everything stored in the configuration and the ledger, in a comparable order. */
async function snapshot(): Promise<string> {
  const out: string[] = [];
  for (const table of [admin.dynamo.tables.config, admin.dynamo.tables.ledger]) {
    let start: Record<string, unknown> | undefined;
    do {
      const page = await admin.dynamo.doc.send(new ScanCommand({ TableName: table, ConsistentRead: true, ...(start ? { ExclusiveStartKey: start } : {}) }));
      out.push(...(page.Items ?? []).map((i) => JSON.stringify(i)));
      start = page.LastEvaluatedKey;
    } while (start);
  }
  return JSON.stringify(out.sort());
}

describe('imports never guess an amount', () => {
  const customer = { id: 'c-refused', phones: ['+989170000999'] };
  const item = (finalValue: unknown) => ({ customerId: 'c-refused', type: 'invoice', number: 'INV-R', fields: { FinalValue: finalValue } });

  it.each<[string, unknown, string]>([
    ['a string, even a readable one', '۳٬۵۰۰٬۰۰۰', 'amount_not_integer'],
    ['digits as text', '3500000', 'amount_not_integer'],
    ['a fraction of a rial', 1234.5, 'amount_not_integer'],
    ['a negative amount', -5, 'amount_negative'],
    ['beyond the safe range', 9_007_199_254_740_992, 'amount_too_large'],
    ['null (not a field value at all)', null, 'invalid'],
  ])('refuses a JSON FinalValue that is %s, names the field, and writes nothing', async (_what, value, code) => {
    const before = await snapshot();
    for (const language of ['en', 'fa'] as const) {
      const reply = await admin.call('POST', '/ledger/import', {
        body: { customers: [customer], items: [item(value)] },
        headers: { 'accept-language': language },
      });
      expect(reply.status).toBe(422);
      expect(reply.json.problems).toEqual([expect.objectContaining({ section: 'items', row: 0, field: 'fields.FinalValue', code })]);
      if (language === 'fa') expect(reply.json.problems[0].message).toMatch(/[\u0600-\u06FF]/);
    }
    expect(await snapshot()).toBe(before);
  });

  it('refuses a posted item without an amount', async () => {
    const before = await snapshot();
    const reply = await admin.call('POST', '/ledger/import', {
      body: { customers: [customer], items: [{ customerId: 'c-refused', type: 'invoice', number: 'INV-R', fields: {} }] },
    });
    expect(reply.json.problems).toEqual([expect.objectContaining({ field: 'fields.FinalValue', code: 'amount_missing' })]);
    expect(await snapshot()).toBe(before);
  });

  const csv = (amount: string, extra = '') =>
    `customerId,type,number,FinalValue,moneyAccount${extra ? ',currency' : ''}\nc-1001,invoice,INV-CSV,"${amount}",acc-mellat${extra ? `,${extra}` : ''}\n`;

  it.each<[string, string]>([
    ['۱۲ ۳۴۵', 'amount_format'],
    ['1.234.567', 'amount_format'],
    ['۱۲۳۴۵ ریال', 'amount_format'],
    ['1,5', 'amount_grouping'],
    ['abc', 'amount_format'],
    ['-', 'amount_negative'],
    ['1e6', 'amount_format'],
    ['0x10', 'amount_format'],
    ['12,34,567', 'amount_grouping'],
    ['12.50', 'amount_decimals'],
    ['-500', 'amount_negative'],
    ['9,007,199,254,740,992', 'amount_too_large'],
  ])('refuses the items-CSV amount %p on its line and field, in both languages, and writes nothing', async (amount, code) => {
    const before = await snapshot();
    for (const language of ['en', 'fa'] as const) {
      const reply = await admin.call('POST', '/ledger/import/items.csv', {
        raw: { data: csv(amount), type: 'text/csv' },
        headers: { 'accept-language': language },
      });
      expect(reply.status).toBe(422);
      expect(reply.json.problems).toEqual([expect.objectContaining({ section: 'items', line: 2, field: 'fields.FinalValue', code })]);
      if (language === 'fa') expect(reply.json.problems[0].message).toMatch(/[\u0600-\u06FF]/);
    }
    expect(await snapshot()).toBe(before);
  });

  it('reads amounts written the ways people write them, exactly, in the account’s currency', async () => {
    const rows = [
      'customerId,type,number,FinalValue,moneyAccount',
      'c-1001,proforma,PF-A,"۳٬۵۰۰٬۰۰۰",acc-mellat',
      "c-1001,proforma,PF-B,1'250'000,acc-mellat",
      'c-1001,proforma,PF-C,١٢٣٤٥,acc-cash',
      'c-5001,proforma,PF-D,"1,234.56",acc-usd',
    ].join('\n');
    const reply = await admin.call('POST', '/ledger/import/items.csv', { raw: { data: rows, type: 'text/csv' } });
    expect(reply.status).toBe(200);
    const stored = async (customerId: string, number: string) =>
      (
        await admin.dynamo.doc.send(
          new QueryCommand({
            TableName: admin.dynamo.tables.ledger,
            KeyConditionExpression: 'pk = :pk AND sk = :sk',
            ExpressionAttributeValues: { ':pk': `CUST#${customerId}`, ':sk': `ITEM#proforma#${number}` },
          }),
        )
      ).Items?.[0];
    expect(await stored('c-1001', 'PF-A')).toMatchObject({ fields: { FinalValue: 3_500_000 }, currency: 'IRR' });
    expect(await stored('c-1001', 'PF-B')).toMatchObject({ fields: { FinalValue: 1_250_000 } });
    expect(await stored('c-1001', 'PF-C')).toMatchObject({ fields: { FinalValue: 12_345 } });
    expect(await stored('c-5001', 'PF-D')).toMatchObject({ fields: { FinalValue: 123_456 }, currency: 'USD' });
  });

  it('refuses an item whose currency is not its money account’s', async () => {
    const before = await snapshot();
    const reply = await admin.call('POST', '/ledger/import/items.csv', { raw: { data: csv('12.50', 'USD'), type: 'text/csv' } });
    expect(reply.json.problems).toEqual([expect.objectContaining({ field: 'currency', code: 'currency_account' })]);
    expect(await snapshot()).toBe(before);
  });

  it('refuses a module whose currency is not its financial account’s, or a Persian module in pounds (no Persian words for them)', async () => {
    const before = await snapshot();
    const base = { name: 'x', nextDestination: 'sales', errorDestination: 'support' };
    const wrongAccount = await admin.call('POST', '/modules', {
      body: { ...base, code: 'usd-wrong', language: 'en', currency: 'USD', financialAccount: 'acc-mellat' },
    });
    expect(wrongAccount.status).toBe(422);
    expect(wrongAccount.json.errors).toEqual([expect.objectContaining({ field: 'financialAccount', code: 'currency_account' })]);
    const persian = await admin.call('POST', '/modules', {
      body: { ...base, code: 'fa-gbp', language: 'fa', currency: 'GBP' },
      headers: { 'accept-language': 'fa' },
    });
    expect(persian.json.errors).toEqual([
      expect.objectContaining({ field: 'currency', code: 'currency_language', message: expect.stringMatching(/[\u0600-\u06FF]/) }),
    ]);
    expect(await snapshot()).toBe(before);
  });
});

describe('modules and payment links from before currency codes', () => {
  it('a module stored as { unit: "toman", divisor: 10 } still announces tomans, and one with a custom divisor announces nothing rather than guess', async () => {
    const record = (code: string, currency: unknown) => ({
      pk: `MODULE#${code}`,
      record: {
        code,
        name: code,
        enabled: true,
        language: 'fa',
        currency,
        anonymousMode: false,
        forceMobileEntry: false,
        sendPaymentLink: false,
        askItemNumber: false,
        invoiceType: 'invoice',
        invoiceValueField: 'FinalValue',
        invoiceSearchField: 'Number',
        lookupSource: 'ledger',
        prompts: {},
        nextDestination: 'sales',
        errorDestination: 'goodbye',
        maxAttempts: 3,
        gatherTimeoutSeconds: 6,
        confirmBeforeNext: false,
      },
    });
    await admin.dynamo.doc.send(new PutCommand({ TableName: admin.dynamo.tables.config, Item: record('old-toman', { unit: 'toman', divisor: 10 }) }));
    await admin.dynamo.doc.send(new PutCommand({ TableName: admin.dynamo.tables.config, Item: record('old-custom', { unit: 'rial', divisor: 10_000 }) }));
    const params = (sid: string) => ({ CallSid: sid, From: '+989121111111', To: '+15550001000', AccountSid: 'ACtest' });
    const toman = await voice(voiceEvent('/voice/old-toman', '', params('CAlegacy0000000000000000000000001')), context);
    // Sara owes 1,250,000 rials: «صد و بیست و پنج هزار تومان».
    expect(readPersianTokens(amountClips(toman.body ?? ''))).toEqual({ whole: 125_000n, fraction: 0n, unit: 'toman' });
    const custom = await voice(voiceEvent('/voice/old-custom', '', params('CAlegacy0000000000000000000000002')), context);
    expect(custom.statusCode).toBe(200);
    // The apology, then the error destination (goodbye and hang up); no amount.
    expect(clips(custom.body ?? '')).toEqual(['prompt-intro', 'prompt-apology', 'prompt-goodbye']);
    expect(custom.body).toContain('<Hangup/>');
    // The operator sees the stored shape and is asked to choose rial or toman when saving it again.
    const resaved = await admin.call('PUT', '/modules/old-custom', {
      body: {
        code: 'old-custom',
        name: 'x',
        language: 'fa',
        currency: { unit: 'rial', divisor: 10_000 },
        nextDestination: 'sales',
        errorDestination: 'goodbye',
      },
    });
    expect(resaved.json.errors).toEqual([expect.objectContaining({ field: 'currency.divisor', code: 'currency_divisor' })]);
  });

  it('a link issued before currency codes (claims version 1) still opens, shows its tomans, and pays in rials', async () => {
    const id = linkIdFor(LINK_SECRET, 'CAversion1link000000000000000000');
    const claims = {
      id,
      customerId: 'c-1001',
      amount: 750_000,
      items: [],
      invoiceType: 'invoice',
      language: 'fa',
      display: { unit: 'toman', divisor: 10 },
      expiresAt: Math.floor(Date.now() / 1000) + 3600,
    };
    const token = signLinkToken(LINK_SECRET, claims as unknown as PaymentLinkClaims);
    await admin.dynamo.doc.send(
      new PutCommand({
        TableName: admin.dynamo.tables.payments,
        Item: { pk: `LINK#${id}`, sk: 'LINK', claims, status: 'open', createdAt: new Date().toISOString() },
      }),
    );
    const page = await pay(payEvent('GET', token), context);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('<p class="amount">۷۵٬۰۰۰ تومان</p>');
    expect((await pay(payEvent('POST', token), context)).statusCode).toBe(200);
    // One onlinePayment item per payment record id (the sandbox: sandbox:<link id>).
    const paid = await admin.dynamo.doc.send(
      new QueryCommand({
        TableName: admin.dynamo.tables.ledger,
        KeyConditionExpression: 'pk = :pk AND sk = :sk',
        ExpressionAttributeValues: { ':pk': 'CUST#c-1001', ':sk': `ITEM#onlinePayment#OP-sandbox:${id}` },
      }),
    );
    expect(paid.Items?.[0]).toMatchObject({ fields: { FinalValue: 750_000 }, currency: 'IRR' });
  });
});
