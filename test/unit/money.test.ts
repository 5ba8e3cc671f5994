/**
 * Money (lib/domain/money.ts): exact integers, the one rounding rule, the small-debt rule,
 * currencies, and the strict reader of written amounts. Property tests cover 0 … 10^15 and on
 * to the safe-integer limit (and the refusal past it), every toman boundary, and prove that
 * what the caller hears, the SMS, and the payment page say the same amount as a BigInt
 * reference, to the rial and the cent.
 */
import fc from 'fast-check';
import { englishMoneyPhrase, PERSIAN_NUMBER_WORDS, PERSIAN_UNIT_WORDS, persianMoneyTokens } from '../../lib/domain/amount-words';
import {
  addMinor,
  checkedMinor,
  CRM_TEXT,
  crmNumber,
  CURRENCIES,
  CURRENCY_CODES,
  decimalString,
  formatMoney,
  IMPORT_TEXT,
  MAX_MINOR,
  minorDigits,
  MoneyRangeError,
  parseCrmNumber,
  parseJsonAmount,
  parseTextAmount,
  readModuleCurrency,
  spokenAmount,
  sumMinor,
  UnknownCurrencyError,
  type CurrencyCode,
  type ModuleCurrency,
} from '../../lib/domain/money';
import type { PaymentLinkClaims } from '../../lib/domain/payment-token';
import { paymentLinkText } from '../../lib/domain/sms-text';
import { paymentPageHtml } from '../../lib/payments/payment-page-html';
import { expectedSaid, readDisplayed, readEnglishPhrase, readPersianTokens } from '../support/money-readback';

const RIAL: ModuleCurrency = { code: 'IRR', unit: 'rial' };
const TOMAN: ModuleCurrency = { code: 'IRR', unit: 'toman' };
const RUNS = { numRuns: 400, seed: 20260612 };

/** Amounts across every magnitude: small, toman boundaries, 10^15 and around it, up to the safe limit. */
const amounts = fc.oneof(
  fc.integer({ min: 0, max: 1000 }),
  fc.bigInt({ min: 0n, max: 10n ** 15n }).map(Number),
  fc.tuple(fc.bigInt({ min: 0n, max: 10n ** 14n }), fc.integer({ min: 0, max: 9 })).map(([tens, last]) => Number(tens * 10n + BigInt(last))),
  fc.bigInt({ min: 10n ** 15n, max: BigInt(MAX_MINOR) }).map(Number),
  fc.constantFrom(0, 1, 4, 5, 9, 10, 14, 15, 360_910_330_461_065, 10 ** 15, 10 ** 15 - 5, 10 ** 15 + 5, MAX_MINOR, MAX_MINOR - 1, MAX_MINOR - 5),
);

describe('currencies', () => {
  it('have the decimals Intl (CLDR) gives them, IRR excepted on purpose (its minor unit is the rial)', () => {
    for (const code of CURRENCY_CODES.filter((c) => c !== 'IRR')) {
      const digits = new Intl.NumberFormat('en', { style: 'currency', currency: code }).resolvedOptions().maximumFractionDigits;
      expect([code, minorDigits(code)]).toEqual([code, digits]);
    }
    expect(minorDigits('IRR')).toBe(0);
    expect(minorDigits('USD')).toBe(2);
    expect(minorDigits('JPY')).toBe(0);
    expect(minorDigits('KWD')).toBe(3);
  });

  it('name a minor unit exactly when they have one', () => {
    for (const code of CURRENCY_CODES) expect([code, 'minor' in CURRENCIES[code]]).toEqual([code, minorDigits(code) > 0]);
  });

  it.each<[unknown, ModuleCurrency | undefined]>([
    [undefined, { code: 'IRR', unit: 'rial' }],
    ['USD', { code: 'USD' }],
    ['IRR', { code: 'IRR', unit: 'rial' }],
    [
      { code: 'IRR', unit: 'toman' },
      { code: 'IRR', unit: 'toman' },
    ],
    [
      { unit: 'toman', divisor: 10 },
      { code: 'IRR', unit: 'toman' },
    ],
    [{ unit: 'rial' }, { code: 'IRR', unit: 'rial' }],
    [{ unit: 'rial', divisor: 10_000 }, undefined],
    [{ code: 'USD', unit: 'toman' }, undefined],
    ['usd', undefined],
    [{}, undefined],
    [42, undefined],
  ])('reads the stored currency %j as %j (old shapes migrate, nothing is guessed)', (raw, expected) => {
    expect(readModuleCurrency(raw)).toEqual(expected);
  });
});

describe('exact integers', () => {
  it('accepts safe integers and refuses fractions, NaN and anything beyond ±9,007,199,254,740,991 with MoneyRangeError', () => {
    expect(checkedMinor(MAX_MINOR)).toBe(MAX_MINOR);
    expect(checkedMinor(-MAX_MINOR)).toBe(-MAX_MINOR);
    expect(Object.is(checkedMinor(-0), 0)).toBe(true);
    for (const bad of [MAX_MINOR + 1, -MAX_MINOR - 1, 0.5, Number.NaN, Number.POSITIVE_INFINITY, '12', undefined]) {
      expect(() => checkedMinor(bad)).toThrow(MoneyRangeError);
    }
  });

  it('adds exactly, and refuses a sum past the safe range instead of rounding it', () => {
    fc.assert(
      fc.property(fc.maxSafeInteger(), fc.maxSafeInteger(), (a, b) => {
        const exact = BigInt(a) + BigInt(b);
        if (exact > BigInt(MAX_MINOR) || exact < -BigInt(MAX_MINOR)) expect(() => addMinor(a, b)).toThrow(MoneyRangeError);
        else expect(BigInt(addMinor(a, b))).toBe(exact);
      }),
      RUNS,
    );
    expect(sumMinor([MAX_MINOR - 1, 1])).toBe(MAX_MINOR);
    expect(() => sumMinor([MAX_MINOR, 1])).toThrow(MoneyRangeError);
  });
});

describe('the one rounding rule: toman = rial / 10, half up; a debt below half a toman is said in rials', () => {
  it.each<[number, string, number]>([
    [12_340, 'toman', 1_234],
    [12_341, 'toman', 1_234],
    [12_344, 'toman', 1_234],
    [12_345, 'toman', 1_235],
    [12_349, 'toman', 1_235],
    [5, 'toman', 1],
    [9, 'toman', 1],
    [10, 'toman', 1],
    [14, 'toman', 1],
    [15, 'toman', 2],
    [0, 'toman', 0],
    [1, 'rial', 1],
    [4, 'rial', 4],
    [360_910_330_461_065, 'toman', 36_091_033_046_107],
    [MAX_MINOR, 'toman', 900_719_925_474_099],
  ])('%p rials are said as %s %p', (rials, unit, whole) => {
    expect(spokenAmount(rials, TOMAN)).toEqual({ code: 'IRR', unit, whole, fraction: 0 });
  });

  it('matches the BigInt reference for every amount up to the safe limit, at every last digit', () => {
    fc.assert(
      fc.property(amounts, (rials) => {
        const said = spokenAmount(rials, TOMAN);
        const expected = expectedSaid(BigInt(rials), TOMAN);
        expect({ whole: BigInt(said.whole), unit: said.unit }).toEqual({ whole: expected.whole, unit: expected.unit });
        // Never zero for a real debt.
        if (rials > 0) expect(said.whole).toBeGreaterThan(0);
      }),
      RUNS,
    );
  });

  it('keeps rials and cents whole: nothing else rounds', () => {
    fc.assert(
      fc.property(amounts, fc.constantFrom<CurrencyCode>('USD', 'EUR', 'GBP', 'JPY', 'KWD'), (minor, code) => {
        expect(spokenAmount(minor, RIAL)).toEqual({ code: 'IRR', unit: 'rial', whole: minor, fraction: 0 });
        const said = spokenAmount(minor, { code });
        expect(BigInt(said.whole) * 10n ** BigInt(minorDigits(code)) + BigInt(said.fraction)).toBe(BigInt(minor));
      }),
      RUNS,
    );
  });

  it('refuses past the safe limit, negative amounts and unknown currencies rather than say something wrong', () => {
    expect(() => spokenAmount(MAX_MINOR + 1, TOMAN)).toThrow(MoneyRangeError);
    expect(() => spokenAmount(2 ** 60, RIAL)).toThrow(MoneyRangeError);
    expect(() => spokenAmount(-1, RIAL)).toThrow(MoneyRangeError);
    expect(() => englishMoneyPhrase(MAX_MINOR + 1, { code: 'USD' })).toThrow(MoneyRangeError);
    expect(() => formatMoney(MAX_MINOR + 2, TOMAN, 'fa')).toThrow(MoneyRangeError);
    expect(() => spokenAmount(1, { unit: 'rial', divisor: 10_000 } as unknown as ModuleCurrency)).toThrow(UnknownCurrencyError);
  });
});

describe('every surface says the same amount', () => {
  const CHOICES: Array<{ currency: ModuleCurrency; languages: Array<'en' | 'fa'> }> = [
    { currency: RIAL, languages: ['en', 'fa'] },
    { currency: TOMAN, languages: ['en', 'fa'] },
    { currency: { code: 'USD' }, languages: ['en'] },
    { currency: { code: 'EUR' }, languages: ['en'] },
    { currency: { code: 'GBP' }, languages: ['en'] },
    { currency: { code: 'JPY' }, languages: ['en'] },
    { currency: { code: 'KWD' }, languages: ['en'] },
  ];
  const PERSIAN_TOKEN_OF = new Map<string, string>(
    [...Object.entries(PERSIAN_NUMBER_WORDS), ...Object.entries(PERSIAN_UNIT_WORDS)].map(([key, word]) => [word, key]),
  );
  const URL = 'https://ivr.example.com/pay/AbCdEfGhIjKlMnOp.mabc12.AbCdEfGhIjKlMnOpQrStUv';

  function claims(amount: number, currency: ModuleCurrency, language: 'en' | 'fa'): PaymentLinkClaims {
    return { id: 'AbCdEfGhIjKlMnOp', customerId: 'c-1', amount, items: [], invoiceType: 'invoice', language, currency, expiresAt: 1_900_000_000 };
  }

  function smsAmount(text: string, language: 'en' | 'fa'): string {
    const m = language === 'en' ? /pay (.+?)(?:, open |: )https/.exec(text) : /(?:پرداخت )(.+?)(?: روی لینک|:\n)/.exec(text);
    if (!m) throw new Error(`no amount in SMS: ${text}`);
    return m[1] as string;
  }

  it('the caller’s words, the SMS, the payment page figure and its words agree with the reference for every amount', () => {
    fc.assert(
      fc.property(amounts, fc.constantFrom(...CHOICES), fc.boolean(), (minor, choice, persian) => {
        const language = persian && choice.languages.includes('fa') ? 'fa' : 'en';
        const { currency } = choice;
        const expected = expectedSaid(BigInt(minor), currency);

        const heard =
          language === 'fa' ? readPersianTokens(persianMoneyTokens(minor, currency)) : readEnglishPhrase(englishMoneyPhrase(minor, currency), currency.code);
        expect(heard).toEqual(expected);

        const sms = paymentLinkText({ language, amount: minor, currency, url: URL, businessName: 'Acme' });
        expect(readDisplayed(smsAmount(sms.text, language), currency.code)).toEqual(expected);

        const page = paymentPageHtml(claims(minor, currency, language), { businessName: 'Acme', sandbox: true, action: URL });
        const figure = /<p class="amount">([^<]+)<\/p>/.exec(page)?.[1] ?? '';
        expect(readDisplayed(figure.replace(/&#39;/g, "'"), currency.code)).toEqual(expected);
        const words = /<p class="words">([^<]+)<\/p>/.exec(page)?.[1] ?? '';
        const pageHeard =
          language === 'fa'
            ? readPersianTokens(words.split(' ').map((w) => PERSIAN_TOKEN_OF.get(w) ?? `?${w}`))
            : readEnglishPhrase(words.charAt(0).toLowerCase() + words.slice(1), currency.code);
        expect(pageHeard).toEqual(expected);
      }),
      RUNS,
    );
  });

  it('the 360,910,330,461,065-rial debt is «…صد و هفت تومان» everywhere', () => {
    const tokens = persianMoneyTokens(360_910_330_461_065, TOMAN);
    expect(readPersianTokens(tokens)).toEqual({ whole: 36_091_033_046_107n, fraction: 0n, unit: 'toman' });
    expect(tokens.slice(-4)).toEqual(['num-100', 'and', 'num-7', 'unit-toman']);
    expect(formatMoney(360_910_330_461_065, TOMAN, 'fa')).toBe('۳۶٬۰۹۱٬۰۳۳٬۰۴۶٬۱۰۷ تومان');
  });

  it('formats for the customer: Persian digits and ٬ for fa, Intl currency style for cents currencies', () => {
    expect(formatMoney(1_250_000, RIAL, 'en')).toBe('1,250,000 rials');
    expect(formatMoney(1, RIAL, 'en')).toBe('1 rial');
    expect(formatMoney(12_345, TOMAN, 'fa')).toBe('۱٬۲۳۵ تومان');
    expect(formatMoney(3, TOMAN, 'fa')).toBe('۳ ریال');
    expect(formatMoney(1250, { code: 'USD' }, 'en')).toBe('$12.50');
    expect(formatMoney(5, { code: 'EUR' }, 'en')).toBe('€0.05');
    expect(formatMoney(123_456, { code: 'GBP' }, 'en')).toBe('£1,234.56');
    expect(formatMoney(1500, { code: 'JPY' }, 'en')).toBe('¥1,500');
    expect(formatMoney(1500, { code: 'KWD' }, 'en')).toBe('KWD 1.500');
    expect(formatMoney(MAX_MINOR, { code: 'USD' }, 'en')).toBe('$90,071,992,547,409.91');
    expect(formatMoney(-1250, { code: 'USD' }, 'en')).toBe('-$12.50');
    expect(formatMoney(1250, { code: 'USD' }, 'fa')).toContain('۱۲٫۵۰');
  });

  it('writes decimals exactly', () => {
    expect(decimalString(1250, 'USD')).toBe('12.50');
    expect(decimalString(-5, 'USD')).toBe('-0.05');
    expect(decimalString(1500, 'KWD')).toBe('1.500');
    expect(decimalString(1_250_000, 'IRR')).toBe('1250000');
    expect(decimalString(MAX_MINOR, 'USD')).toBe('90071992547409.91');
  });
});

describe('reading written amounts: exactly, or refused with the reason', () => {
  it.each<[string, CurrencyCode, number]>([
    ['1250000', 'IRR', 1_250_000],
    ['1,250,000', 'IRR', 1_250_000],
    ['۱٬۲۵۰٬۰۰۰', 'IRR', 1_250_000],
    ['١٬٢٥٠٬٠٠٠', 'IRR', 1_250_000],
    ["1'250'000", 'IRR', 1_250_000],
    ['۳,۵۰۰,۰۰۰', 'IRR', 3_500_000],
    [' 42 ', 'IRR', 42],
    ['\u200F۴۲\u200F', 'IRR', 42],
    ['0', 'IRR', 0],
    ['007', 'IRR', 7],
    ['12.50', 'USD', 1250],
    ['12', 'USD', 1200],
    ['0.05', 'USD', 5],
    ['1,234.56', 'USD', 123_456],
    ['١٢٫٥٠', 'USD', 1250],
    ['1,234', 'JPY', 1234],
    ['1.500', 'KWD', 1500],
    ['9,007,199,254,740,991', 'IRR', MAX_MINOR],
    ['90,071,992,547,409.91', 'USD', MAX_MINOR],
  ])('import reads %p (%s) as %p', (text, code, minor) => {
    expect(parseTextAmount(text, code, IMPORT_TEXT)).toEqual({ ok: true, minor });
  });

  it.each<[string, CurrencyCode, string]>([
    ['۱۲ ۳۴۵', 'IRR', 'format'],
    ['1.234.567', 'IRR', 'format'],
    ['۱۲۳۴۵ ریال', 'IRR', 'format'],
    ['1,5', 'IRR', 'grouping'],
    ['abc', 'IRR', 'format'],
    ['-', 'IRR', 'negative'],
    ['1e6', 'IRR', 'format'],
    ['0x10', 'IRR', 'format'],
    ['12,34,567', 'IRR', 'grouping'],
    ['1.250.000,00', 'IRR', 'format'],
    ['1234,5', 'IRR', 'grouping'],
    ['12.50', 'IRR', 'decimals'],
    ['1.0', 'JPY', 'decimals'],
    ['12.5', 'USD', 'decimals'],
    ['12.505', 'USD', 'decimals'],
    ['12,50', 'USD', 'grouping'],
    ['12.', 'USD', 'format'],
    ['.50', 'USD', 'format'],
    ['$12.50', 'USD', 'format'],
    ['12.50 USD', 'USD', 'format'],
    ['-5', 'IRR', 'negative'],
    ['−5', 'IRR', 'negative'],
    ['+5', 'IRR', 'format'],
    ['۱2۳', 'IRR', 'format'],
    ['1,234٬567', 'IRR', 'grouping'],
    ['1\u00A0234', 'IRR', 'format'],
    ['1234,567', 'IRR', 'grouping'],
    [',123', 'IRR', 'grouping'],
    ['', 'IRR', 'missing'],
    ['  ', 'IRR', 'missing'],
    ['NaN', 'IRR', 'format'],
    ['Infinity', 'IRR', 'format'],
    ['9,007,199,254,740,992', 'IRR', 'too_large'],
    ['90,071,992,547,409.92', 'USD', 'too_large'],
    ['99999999999999999999', 'IRR', 'too_large'],
  ])('import refuses %p (%s): %s', (text, code, problem) => {
    expect(parseTextAmount(text, code, IMPORT_TEXT)).toEqual({ ok: false, problem });
  });

  it.each<[string, CurrencyCode, number]>([
    ['-1250000.0000', 'IRR', -1_250_000],
    ['-1,250,000', 'IRR', -1_250_000],
    ['−۲۰۰', 'IRR', -200],
    ['+300000', 'IRR', 300_000],
    ['1234.5', 'USD', 123_450],
    ['-0.00', 'USD', 0],
  ])('CRM text %p (%s) is read as %p', (text, code, minor) => {
    expect(parseTextAmount(text, code, CRM_TEXT)).toEqual({ ok: true, minor });
  });

  it.each<[string, CurrencyCode]>([
    ['1234.5', 'IRR'],
    ['12.345', 'USD'],
    ['-', 'IRR'],
    ['--5', 'IRR'],
    ['n/a', 'IRR'],
    ['1e6', 'IRR'],
  ])('CRM text %p (%s) is refused, never read as 0', (text, code) => {
    expect(parseTextAmount(text, code, CRM_TEXT).ok).toBe(false);
  });

  it('reads back exactly whatever it is given in any accepted spelling', () => {
    const spelled = fc.record({
      minor: fc.maxSafeNat(),
      code: fc.constantFrom<CurrencyCode>('IRR', 'USD', 'JPY', 'KWD'),
      script: fc.constantFrom(0x30, 0x06f0, 0x0660),
      separator: fc.constantFrom('', ',', '٬', "'"),
      point: fc.constantFrom('.', '٫'),
    });
    fc.assert(
      fc.property(spelled, ({ minor, code, script, separator, point }) => {
        const [whole, fraction] = decimalString(minor, code).split('.') as [string, string | undefined];
        const grouped = separator ? whole.replace(/\B(?=(\d{3})+(?!\d))/g, separator) : whole;
        const text = `${grouped}${fraction === undefined ? '' : `${point}${fraction}`}`.replace(/\d/g, (d) => String.fromCharCode(script + Number(d)));
        expect(parseTextAmount(text, code, IMPORT_TEXT)).toEqual({ ok: true, minor });
      }),
      RUNS,
    );
  });

  it('never reads arbitrary text as something other than what it exactly says', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: fc.constantFrom('0', '1', '5', '9', '۵', ',', '.', "'", '٬', '-', ' ', 'e', 'x') }),
        fc.constantFrom<CurrencyCode>('IRR', 'USD'),
        (text, code) => {
          const read = parseTextAmount(text, code, IMPORT_TEXT);
          if (!read.ok) return;
          // Whatever was accepted is the same number once separators are dropped and digits are Latin.
          const plain = text.trim().replace(/[,'٬]/g, '').replace(/۵/g, '5');
          const [whole, fraction = ''] = plain.split('.') as [string, string?];
          expect(BigInt(`${whole}${fraction.padEnd(minorDigits(code), '0')}`)).toBe(BigInt(read.minor));
        },
      ),
      { numRuns: 2000, seed: 7 },
    );
  });

  it('reads JSON import amounts only as whole minor units', () => {
    expect(parseJsonAmount(1250)).toEqual({ ok: true, minor: 1250 });
    expect(parseJsonAmount(0)).toEqual({ ok: true, minor: 0 });
    expect(parseJsonAmount(MAX_MINOR)).toEqual({ ok: true, minor: MAX_MINOR });
    expect(parseJsonAmount('۳٬۵۰۰٬۰۰۰')).toEqual({ ok: false, problem: 'not_integer' });
    expect(parseJsonAmount('3500000')).toEqual({ ok: false, problem: 'not_integer' });
    expect(parseJsonAmount(12.5)).toEqual({ ok: false, problem: 'not_integer' });
    expect(parseJsonAmount(-1)).toEqual({ ok: false, problem: 'negative' });
    expect(parseJsonAmount(MAX_MINOR + 1)).toEqual({ ok: false, problem: 'too_large' });
    expect(parseJsonAmount(1e300)).toEqual({ ok: false, problem: 'too_large' });
    expect(parseJsonAmount(null)).toEqual({ ok: false, problem: 'missing' });
    expect(parseJsonAmount(true)).toEqual({ ok: false, problem: 'not_integer' });
  });

  it('reads a CRM’s JSON numbers in major units exactly, refusing what a double cannot be trusted with', () => {
    expect(parseCrmNumber(1_250_000, 'IRR')).toEqual({ ok: true, minor: 1_250_000 });
    expect(parseCrmNumber(12.5, 'USD')).toEqual({ ok: true, minor: 1250 });
    expect(parseCrmNumber(0.1, 'USD')).toEqual({ ok: true, minor: 10 });
    expect(parseCrmNumber(-1_250_000, 'IRR')).toEqual({ ok: true, minor: -1_250_000 });
    expect(parseCrmNumber(1234.5, 'IRR')).toEqual({ ok: false, problem: 'decimals' });
    expect(parseCrmNumber(12.345, 'USD')).toEqual({ ok: false, problem: 'decimals' });
    expect(parseCrmNumber(90_071_992_547_409.91, 'USD')).toEqual({ ok: false, problem: 'too_large' });
    expect(parseCrmNumber(9_999_999_999_999.99, 'USD')).toEqual({ ok: true, minor: 999_999_999_999_999 });
    expect(parseCrmNumber(1e-7, 'USD')).toEqual({ ok: false, problem: 'format' });
    expect(parseCrmNumber(1e21, 'IRR')).toEqual({ ok: false, problem: 'too_large' });
    expect(parseCrmNumber(MAX_MINOR, 'USD')).toEqual({ ok: false, problem: 'too_large' });
    expect(parseCrmNumber(Number.NaN, 'IRR')).toEqual({ ok: false, problem: 'format' });
    expect(crmNumber(1250, 'USD')).toBe(12.5);
    expect(crmNumber(1_250_000, 'IRR')).toBe(1_250_000);
  });
});
