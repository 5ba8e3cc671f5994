import {
  ALL_PERSIAN_NUMBER_TOKENS,
  PERSIAN_NUMBER_WORDS,
  PERSIAN_UNIT_WORDS,
  NoPersianWordsError,
  englishAmountWords,
  englishMoneyPhrase,
  persianAmountTokens,
  persianAmountWords,
  persianMoneyPhrase,
  persianMoneyTokens,
} from '../../lib/domain/amount-words';
import type { ModuleCurrency } from '../../lib/domain/money';

const RIAL: ModuleCurrency = { code: 'IRR', unit: 'rial' };
const TOMAN: ModuleCurrency = { code: 'IRR', unit: 'toman' };
import { mulberry32 } from '../support/prng';

const Q = 10n ** 15n;
const MAX = 10n ** 18n - 1n;

/** Pseudo-random amounts in 0 ..= 10^15, with a spread of magnitudes (and many zero groups). */
function randomAmounts(count: number, seed: number): bigint[] {
  const rnd = mulberry32(seed);
  const out: bigint[] = [];
  for (let i = 0; i < count; i++) {
    const digits = 1 + Math.floor(rnd() * 16); // 1..16 digits
    let s = '';
    for (let d = 0; d < digits; d++) {
      // bias towards zeros so that skipped groups and round numbers are frequent
      s += rnd() < 0.35 ? '0' : String(Math.floor(rnd() * 10));
    }
    let n = BigInt(s);
    if (n > Q) n = Q;
    out.push(n);
  }
  return out;
}

describe('englishAmountWords', () => {
  const cases: Array<[number | bigint, string]> = [
    [0, 'zero'],
    [1, 'one'],
    [10, 'ten'],
    [11, 'eleven'],
    [19, 'nineteen'],
    [20, 'twenty'],
    [21, 'twenty-one'],
    [99, 'ninety-nine'],
    [100, 'one hundred'],
    [101, 'one hundred one'],
    [110, 'one hundred ten'],
    [999, 'nine hundred ninety-nine'],
    [1000, 'one thousand'],
    [1001, 'one thousand one'],
    [1010, 'one thousand ten'],
    [2000, 'two thousand'],
    [1_000_000, 'one million'],
    [1_000_001, 'one million one'],
    [1_250_000, 'one million two hundred fifty thousand'],
    [1_000_000_001, 'one billion one'],
    [999_999_999_999, 'nine hundred ninety-nine billion nine hundred ninety-nine million nine hundred ninety-nine thousand nine hundred ninety-nine'],
    [1_000_000_000_000_000, 'one quadrillion'],
    [1_000_000_000_000_001, 'one quadrillion one'],
    [
      MAX,
      'nine hundred ninety-nine quadrillion nine hundred ninety-nine trillion nine hundred ninety-nine billion ' +
        'nine hundred ninety-nine million nine hundred ninety-nine thousand nine hundred ninety-nine',
    ],
  ];

  it.each(cases)('spells %p as %p', (n, words) => {
    expect(englishAmountWords(n)).toBe(words);
  });

  it('gives the same words for a number and the equal bigint', () => {
    expect(englishAmountWords(1_250_000n)).toBe(englishAmountWords(1_250_000));
    expect(englishAmountWords(10n ** 15n + 1n)).toBe('one quadrillion one');
  });

  it('uses trillion for 10^12 and never says "and"', () => {
    expect(englishAmountWords(10n ** 12n)).toBe('one trillion');
    for (const n of randomAmounts(500, 7)) expect(englishAmountWords(n)).not.toMatch(/\band\b/);
  });

  it.each<[string, number | bigint]>([
    ['negative', -1],
    ['negative bigint', -1n],
    ['non-integer', 1.5],
    ['NaN', Number.NaN],
    ['Infinity', Number.POSITIVE_INFINITY],
    ['10^18 as number', 1e18],
    ['10^18 as bigint', 10n ** 18n],
  ])('throws RangeError for %s', (_label, n) => {
    expect(() => englishAmountWords(n)).toThrow(RangeError);
  });
});

describe('englishMoneyPhrase', () => {
  it('says rials and tomans with the singular for exactly one', () => {
    expect(englishMoneyPhrase(1, RIAL)).toBe('one rial');
    expect(englishMoneyPhrase(10, TOMAN)).toBe('one toman');
    expect(englishMoneyPhrase(1_250_000, RIAL)).toBe('one million two hundred fifty thousand rials');
    expect(englishMoneyPhrase(20, TOMAN)).toBe('two tomans');
    expect(englishMoneyPhrase(0, RIAL)).toBe('zero rials');
    expect(englishMoneyPhrase(10_010, TOMAN)).toBe('one thousand one tomans');
  });

  it('says a toman module’s debt below half a toman in rials, never zero', () => {
    expect(englishMoneyPhrase(4, TOMAN)).toBe('four rials');
    expect(englishMoneyPhrase(1, TOMAN)).toBe('one rial');
    expect(englishMoneyPhrase(5, TOMAN)).toBe('one toman');
    expect(englishMoneyPhrase(0, TOMAN)).toBe('zero tomans');
  });

  it.each<[number, ModuleCurrency, string]>([
    [1250, { code: 'USD' }, 'twelve dollars and fifty cents'],
    [100, { code: 'USD' }, 'one dollar'],
    [50, { code: 'USD' }, 'fifty cents'],
    [1, { code: 'USD' }, 'one cent'],
    [0, { code: 'USD' }, 'zero dollars'],
    [101, { code: 'EUR' }, 'one euro and one cent'],
    [1_000_005, { code: 'EUR' }, 'ten thousand euros and five cents'],
    [201, { code: 'GBP' }, 'two pounds and one penny'],
    [99, { code: 'GBP' }, 'ninety-nine pence'],
    [1250, { code: 'CAD' }, 'twelve Canadian dollars and fifty cents'],
    [1500, { code: 'JPY' }, 'one thousand five hundred yen'],
    [1500, { code: 'KWD' }, 'one Kuwaiti dinar and five hundred fils'],
  ])('says %p minor units of %j as "%s"', (minor, currency, words) => {
    expect(englishMoneyPhrase(minor, currency)).toBe(words);
  });

  it('refuses negative, fractional and unsafe amounts rather than round them', () => {
    expect(() => englishMoneyPhrase(-1, RIAL)).toThrow(RangeError);
    expect(() => englishMoneyPhrase(12.5, { code: 'USD' })).toThrow(RangeError);
    expect(() => englishMoneyPhrase(2 ** 53, RIAL)).toThrow(RangeError);
  });
});

describe('persianAmountTokens', () => {
  const cases: Array<[number | bigint, string[]]> = [
    [0, ['num-0']],
    [1, ['num-1']],
    [10, ['num-10']],
    [11, ['num-11']],
    [19, ['num-19']],
    [20, ['num-20']],
    [21, ['num-20', 'and', 'num-1']],
    [99, ['num-90', 'and', 'num-9']],
    [100, ['num-100']],
    [101, ['num-100', 'and', 'num-1']],
    [110, ['num-100', 'and', 'num-10']],
    [999, ['num-900', 'and', 'num-90', 'and', 'num-9']],
    [1000, ['scale-thousand']],
    [1001, ['scale-thousand', 'and', 'num-1']],
    [1010, ['scale-thousand', 'and', 'num-10']],
    [2000, ['num-2', 'scale-thousand']],
    [1_000_000, ['num-1', 'scale-million']],
    [1_000_001, ['num-1', 'scale-million', 'and', 'num-1']],
    [1_250_000, ['num-1', 'scale-million', 'and', 'num-200', 'and', 'num-50', 'scale-thousand']],
    [1_000_000_001, ['num-1', 'scale-billion', 'and', 'num-1']],
    [
      999_999_999_999,
      [
        'num-900',
        'and',
        'num-90',
        'and',
        'num-9',
        'scale-billion',
        'and',
        'num-900',
        'and',
        'num-90',
        'and',
        'num-9',
        'scale-million',
        'and',
        'num-900',
        'and',
        'num-90',
        'and',
        'num-9',
        'scale-thousand',
        'and',
        'num-900',
        'and',
        'num-90',
        'and',
        'num-9',
      ],
    ],
    [Q, ['num-1', 'scale-quadrillion']],
    [Q + 1n, ['num-1', 'scale-quadrillion', 'and', 'num-1']],
    [
      MAX,
      [
        'num-900',
        'and',
        'num-90',
        'and',
        'num-9',
        'scale-quadrillion',
        'and',
        'num-900',
        'and',
        'num-90',
        'and',
        'num-9',
        'scale-trillion',
        'and',
        'num-900',
        'and',
        'num-90',
        'and',
        'num-9',
        'scale-billion',
        'and',
        'num-900',
        'and',
        'num-90',
        'and',
        'num-9',
        'scale-million',
        'and',
        'num-900',
        'and',
        'num-90',
        'and',
        'num-9',
        'scale-thousand',
        'and',
        'num-900',
        'and',
        'num-90',
        'and',
        'num-9',
      ],
    ],
  ];

  it.each(cases)('tokenises %p', (n, tokens) => {
    expect(persianAmountTokens(n)).toEqual(tokens);
  });

  it('keeps «یک» for a scale of exactly one other than thousand', () => {
    expect(persianAmountTokens(1_001_000)).toEqual(['num-1', 'scale-million', 'and', 'scale-thousand']);
    expect(persianAmountTokens(10n ** 12n)).toEqual(['num-1', 'scale-trillion']);
    expect(persianAmountTokens(1_000_000_000)).toEqual(['num-1', 'scale-billion']);
  });

  it('only drops «یک» for a thousands group that is exactly 1 (not 11, 101, 1 in other groups)', () => {
    expect(persianAmountTokens(11_000)).toEqual(['num-11', 'scale-thousand']);
    expect(persianAmountTokens(101_000)).toEqual(['num-100', 'and', 'num-1', 'scale-thousand']);
    expect(persianAmountTokens(21_000)).toEqual(['num-20', 'and', 'num-1', 'scale-thousand']);
  });

  it.each<[string, number | bigint]>([
    ['negative', -1],
    ['non-integer', 1.5],
    ['NaN', Number.NaN],
    ['10^18', 10n ** 18n],
    ['10^18 as number', 1e18],
  ])('throws RangeError for %s', (_label, n) => {
    expect(() => persianAmountTokens(n)).toThrow(RangeError);
    expect(() => persianAmountWords(n)).toThrow(RangeError);
  });

  it('emits only known tokens, listed in both PERSIAN_NUMBER_WORDS and ALL_PERSIAN_NUMBER_TOKENS', () => {
    const all = new Set(ALL_PERSIAN_NUMBER_TOKENS);
    const amounts = [...randomAmounts(3000, 20240601), 0n, Q, MAX];
    for (const n of amounts) {
      for (const token of persianAmountTokens(n)) {
        expect(PERSIAN_NUMBER_WORDS[token]).toEqual(expect.any(String));
        expect(all.has(token)).toBe(true);
      }
    }
  });

  it('can emit every token listed in ALL_PERSIAN_NUMBER_TOKENS', () => {
    const emitted = new Set<string>();
    for (let i = 0; i < 1000; i++) for (const t of persianAmountTokens(i)) emitted.add(t);
    for (const n of [1000n, 10n ** 6n, 10n ** 9n, 10n ** 12n, Q]) for (const t of persianAmountTokens(n)) emitted.add(t);
    expect([...emitted].sort()).toEqual([...ALL_PERSIAN_NUMBER_TOKENS].sort());
  });

  it('has a Persian word for every listed token and no duplicate keys', () => {
    expect(new Set(ALL_PERSIAN_NUMBER_TOKENS).size).toBe(ALL_PERSIAN_NUMBER_TOKENS.length);
    expect(Object.keys(PERSIAN_NUMBER_WORDS).sort()).toEqual([...ALL_PERSIAN_NUMBER_TOKENS].sort());
    for (const key of ALL_PERSIAN_NUMBER_TOKENS) expect(PERSIAN_NUMBER_WORDS[key]).toMatch(/^[\u0600-\u06FF]+$/);
  });
});

describe('PERSIAN_NUMBER_WORDS', () => {
  it.each<[string, string]>([
    ['num-0', 'صفر'],
    ['num-1', 'یک'],
    ['num-12', 'دوازده'],
    ['num-200', 'دویست'],
    ['num-300', 'سیصد'],
    ['num-500', 'پانصد'],
    ['num-900', 'نهصد'],
    ['scale-thousand', 'هزار'],
    ['scale-million', 'میلیون'],
    ['scale-billion', 'میلیارد'],
    ['scale-trillion', 'تریلیون'],
    ['scale-quadrillion', 'کوادریلیون'],
    ['and', 'و'],
  ])('maps %s to %s', (key, word) => {
    expect(PERSIAN_NUMBER_WORDS[key]).toBe(word);
  });

  it('maps unit keys to ریال and تومان', () => {
    expect(PERSIAN_UNIT_WORDS['unit-rial']).toBe('ریال');
    expect(PERSIAN_UNIT_WORDS['unit-toman']).toBe('تومان');
  });
});

describe('persianAmountWords', () => {
  const cases: Array<[number | bigint, string]> = [
    [0, 'صفر'],
    [1, 'یک'],
    [10, 'ده'],
    [11, 'یازده'],
    [19, 'نوزده'],
    [20, 'بیست'],
    [21, 'بیست و یک'],
    [99, 'نود و نه'],
    [100, 'صد'],
    [101, 'صد و یک'],
    [110, 'صد و ده'],
    [999, 'نهصد و نود و نه'],
    [1000, 'هزار'],
    [1001, 'هزار و یک'],
    [1010, 'هزار و ده'],
    [2000, 'دو هزار'],
    [1_000_000, 'یک میلیون'],
    [1_000_001, 'یک میلیون و یک'],
    [1_250_000, 'یک میلیون و دویست و پنجاه هزار'],
    [1_000_000_001, 'یک میلیارد و یک'],
    [999_999_999_999, 'نهصد و نود و نه میلیارد و نهصد و نود و نه میلیون و نهصد و نود و نه هزار و نهصد و نود و نه'],
    [Q, 'یک کوادریلیون'],
    [Q + 1n, 'یک کوادریلیون و یک'],
    [
      MAX,
      'نهصد و نود و نه کوادریلیون و نهصد و نود و نه تریلیون و نهصد و نود و نه میلیارد و ' + 'نهصد و نود و نه میلیون و نهصد و نود و نه هزار و نهصد و نود و نه',
    ],
  ];

  it.each(cases)('writes %p as %p', (n, words) => {
    expect(persianAmountWords(n)).toBe(words);
  });

  it('never has two consecutive «و» and never starts or ends with «و»', () => {
    for (const n of [...randomAmounts(3000, 42), MAX]) {
      const words = persianAmountWords(n).split(' ');
      expect(words[0]).not.toBe('و');
      expect(words[words.length - 1]).not.toBe('و');
      for (let i = 1; i < words.length; i++) {
        if (words[i] === 'و') expect(words[i - 1]).not.toBe('و');
      }
    }
  });
});

describe('persianMoneyTokens and persianMoneyPhrase', () => {
  it('append the unit word the amount is said in', () => {
    expect(persianMoneyPhrase(1_250_000, RIAL)).toBe('یک میلیون و دویست و پنجاه هزار ریال');
    expect(persianMoneyPhrase(10, TOMAN)).toBe('یک تومان');
    expect(persianMoneyPhrase(0, TOMAN)).toBe('صفر تومان');
    expect(persianMoneyTokens(12_345, TOMAN)).toEqual(['scale-thousand', 'and', 'num-200', 'and', 'num-30', 'and', 'num-5', 'unit-toman']);
  });

  it('say a toman module’s debt of 1–4 rials in rials, never «صفر تومان»', () => {
    for (const rials of [1, 2, 3, 4]) expect(persianMoneyTokens(rials, TOMAN)).toEqual([`num-${rials}`, 'unit-rial']);
    expect(persianMoneyPhrase(4, TOMAN)).toBe('چهار ریال');
  });

  it('say dollars, Canadian dollars and euros with their cents, for Persian-speaking businesses abroad', () => {
    expect(persianMoneyPhrase(1250, { code: 'USD' })).toBe('دوازده دلار و پنجاه سنت');
    expect(persianMoneyTokens(1250, { code: 'USD' })).toEqual(['num-12', 'unit-usd', 'and', 'num-50', 'unit-cent']);
    expect(persianMoneyPhrase(8540, { code: 'CAD' })).toBe('هشتاد و پنج دلار کانادا و چهل سنت');
    expect(persianMoneyPhrase(100, { code: 'EUR' })).toBe('یک یورو');
    expect(persianMoneyPhrase(50, { code: 'EUR' })).toBe('پنجاه سنت');
    expect(persianMoneyPhrase(0, { code: 'USD' })).toBe('صفر دلار');
  });

  it('have no Persian words for other currencies (the schema refuses those modules)', () => {
    expect(() => persianMoneyTokens(1250, { code: 'GBP' })).toThrow(NoPersianWordsError);
    expect(() => persianMoneyTokens(1500, { code: 'JPY' })).toThrow(NoPersianWordsError);
  });

  it('reject invalid amounts', () => {
    expect(() => persianMoneyPhrase(-1, RIAL)).toThrow(RangeError);
  });
});
