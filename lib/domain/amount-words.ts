/**
 * Amounts in words (English text and Persian clip tokens / text).
 *
 * Numbers: pure functions, handled as BigInt internally so the whole range 0 ..= 10^18 - 1
 * is exact (a JS `number` cannot represent 10^18 - 1, so the very top needs a `bigint`).
 * Money: `englishMoneyPhrase` / `persianMoneyTokens` say what money.ts's `spokenAmount`
 * decided (rials or tomans, dollars and cents); they never round anything themselves.
 */
import { CURRENCIES, spokenAmount, unitWord, type CurrencyCode, type ModuleCurrency } from './money';

/** Exclusive upper bound of the supported integer range (10^18). */
const LIMIT = 10n ** 18n;

/** Validates and converts an amount to a BigInt in 0 ..= 10^18 - 1. */
function toBigAmount(n: number | bigint): bigint {
  if (typeof n === 'bigint') {
    if (n < 0n) throw new RangeError(`amount must not be negative, got ${n}`);
    if (n >= LIMIT) throw new RangeError(`amount too large (max 10^18 - 1), got ${n}`);
    return n;
  }
  if (typeof n !== 'number') throw new TypeError(`amount must be a number or bigint, got ${typeof n}`);
  if (!Number.isFinite(n)) throw new RangeError(`amount must be finite, got ${n}`);
  if (!Number.isInteger(n)) throw new RangeError(`amount must be an integer, got ${n}`);
  if (n < 0) throw new RangeError(`amount must not be negative, got ${n}`);
  const big = BigInt(n);
  if (big >= LIMIT) throw new RangeError(`amount too large (max 10^18 - 1), got ${n}`);
  return big;
}

/** Three-digit groups, most significant first; each entry is [groupValue 0..999, scaleIndex]. */
function groupsOf(n: bigint): Array<[number, number]> {
  const low: Array<[number, number]> = [];
  let rest = n;
  let scale = 0;
  while (rest > 0n) {
    low.push([Number(rest % 1000n), scale]);
    rest /= 1000n;
    scale += 1;
  }
  return low.reverse();
}

// ---------------------------------------------------------------- English

const EN_SMALL: readonly string[] = [
  'zero',
  'one',
  'two',
  'three',
  'four',
  'five',
  'six',
  'seven',
  'eight',
  'nine',
  'ten',
  'eleven',
  'twelve',
  'thirteen',
  'fourteen',
  'fifteen',
  'sixteen',
  'seventeen',
  'eighteen',
  'nineteen',
];
const EN_TENS: readonly string[] = ['', '', 'twenty', 'thirty', 'forty', 'fifty', 'sixty', 'seventy', 'eighty', 'ninety'];
const EN_SCALES: readonly string[] = ['', 'thousand', 'million', 'billion', 'trillion', 'quadrillion'];

function at(list: readonly string[], i: number): string {
  const v = list[i];
  if (v === undefined) throw new Error(`internal: no word at index ${i}`);
  return v;
}

/** Words for 1..999. */
function englishGroup(g: number): string[] {
  const out: string[] = [];
  const hundreds = Math.floor(g / 100);
  const rest = g % 100;
  if (hundreds > 0) out.push(at(EN_SMALL, hundreds), 'hundred');
  if (rest > 0) {
    if (rest < 20) {
      out.push(at(EN_SMALL, rest));
    } else {
      const tens = at(EN_TENS, Math.floor(rest / 10));
      const units = rest % 10;
      out.push(units === 0 ? tens : `${tens}-${at(EN_SMALL, units)}`);
    }
  }
  return out;
}

/**
 * English words: 0 -> "zero", 21 -> "twenty-one",
 * 1250000 -> "one million two hundred fifty thousand", 101 -> "one hundred one".
 * No "and". Integers 0 ..= 10^18 - 1; RangeError on negative / non-integer / too large.
 */
export function englishAmountWords(n: number | bigint): string {
  const big = toBigAmount(n);
  if (big === 0n) return 'zero';
  const words: string[] = [];
  for (const [g, scale] of groupsOf(big)) {
    if (g === 0) continue;
    words.push(...englishGroup(g));
    if (scale > 0) words.push(at(EN_SCALES, scale));
  }
  return words.join(' ');
}

function minorNames(code: CurrencyCode): readonly [string, string] | undefined {
  return (CURRENCIES[code] as { readonly minor?: readonly [string, string] }).minor;
}

/**
 * An amount of money in English words, as the caller hears it: 'one million two hundred
 * fifty thousand rials', 'four rials' (a toman module's debt below half a toman), 'twelve
 * dollars and fifty cents', 'one dollar', 'fifty cents', 'one euro and one cent',
 * 'two pounds and one penny', 'zero dollars'.
 */
export function englishMoneyPhrase(minor: number, currency: ModuleCurrency): string {
  const spoken = spokenAmount(minor, currency);
  const whole = `${englishAmountWords(spoken.whole)} ${unitWord(spoken, 'en', spoken.whole)}`;
  const names = minorNames(spoken.code);
  if (spoken.fraction === 0 || !names) return whole;
  const fraction = `${englishAmountWords(spoken.fraction)} ${spoken.fraction === 1 ? names[0] : names[1]}`;
  return spoken.whole === 0 ? fraction : `${whole} and ${fraction}`;
}

// ---------------------------------------------------------------- Persian

/** Persian clip tokens. Each token is a clip key of the Persian voice pack. */
export type PersianToken = string;

const PERSIAN_WORD_ENTRIES: ReadonlyArray<readonly [string, string]> = [
  ['num-0', 'صفر'],
  ['num-1', 'یک'],
  ['num-2', 'دو'],
  ['num-3', 'سه'],
  ['num-4', 'چهار'],
  ['num-5', 'پنج'],
  ['num-6', 'شش'],
  ['num-7', 'هفت'],
  ['num-8', 'هشت'],
  ['num-9', 'نه'],
  ['num-10', 'ده'],
  ['num-11', 'یازده'],
  ['num-12', 'دوازده'],
  ['num-13', 'سیزده'],
  ['num-14', 'چهارده'],
  ['num-15', 'پانزده'],
  ['num-16', 'شانزده'],
  ['num-17', 'هفده'],
  ['num-18', 'هجده'],
  ['num-19', 'نوزده'],
  ['num-20', 'بیست'],
  ['num-30', 'سی'],
  ['num-40', 'چهل'],
  ['num-50', 'پنجاه'],
  ['num-60', 'شصت'],
  ['num-70', 'هفتاد'],
  ['num-80', 'هشتاد'],
  ['num-90', 'نود'],
  ['num-100', 'صد'],
  ['num-200', 'دویست'],
  ['num-300', 'سیصد'],
  ['num-400', 'چهارصد'],
  ['num-500', 'پانصد'],
  ['num-600', 'ششصد'],
  ['num-700', 'هفتصد'],
  ['num-800', 'هشتصد'],
  ['num-900', 'نهصد'],
  ['scale-thousand', 'هزار'],
  ['scale-million', 'میلیون'],
  ['scale-billion', 'میلیارد'],
  ['scale-trillion', 'تریلیون'],
  ['scale-quadrillion', 'کوادریلیون'],
  ['and', 'و'],
];

/** Persian text of every number clip key ('num-*', 'scale-*', 'and'). */
export const PERSIAN_NUMBER_WORDS: Readonly<Record<string, string>> = Object.freeze(Object.fromEntries(PERSIAN_WORD_ENTRIES));

/** Every token key persianAmountTokens can ever emit (for manifest coverage tests). */
export const ALL_PERSIAN_NUMBER_TOKENS: readonly string[] = Object.freeze(PERSIAN_WORD_ENTRIES.map(([key]) => key));

const FA_SCALE_TOKENS: readonly string[] = ['', 'scale-thousand', 'scale-million', 'scale-billion', 'scale-trillion', 'scale-quadrillion'];

/** Tokens for 1..999: hundreds, tens, units joined with 'and'; 11–19 and hundreds are single words. */
function persianGroup(g: number): PersianToken[] {
  const parts: PersianToken[] = [];
  const hundreds = Math.floor(g / 100);
  const rest = g % 100;
  if (hundreds > 0) parts.push(`num-${hundreds * 100}`);
  if (rest > 0 && rest < 20) {
    parts.push(`num-${rest}`);
  } else if (rest >= 20) {
    const tens = Math.floor(rest / 10) * 10;
    const units = rest % 10;
    parts.push(`num-${tens}`);
    if (units > 0) parts.push(`num-${units}`);
  }
  return joinWithAnd(parts.map((p) => [p]));
}

function joinWithAnd(parts: PersianToken[][]): PersianToken[] {
  const out: PersianToken[] = [];
  parts.forEach((part, i) => {
    if (i > 0) out.push('and');
    out.push(...part);
  });
  return out;
}

/**
 * Token list for an amount following Persian grammar, e.g.
 * 1250000 -> ['num-1','scale-million','and','num-200','and','num-50','scale-thousand'].
 * A thousands group of exactly 1 is just ['scale-thousand'] («هزار», not «یک هزار»).
 */
export function persianAmountTokens(n: number | bigint): PersianToken[] {
  const big = toBigAmount(n);
  if (big === 0n) return ['num-0'];
  const parts: PersianToken[][] = [];
  for (const [g, scale] of groupsOf(big)) {
    if (g === 0) continue;
    const scaleToken = scale > 0 ? at(FA_SCALE_TOKENS, scale) : undefined;
    if (scale === 1 && g === 1) {
      parts.push(['scale-thousand']);
    } else {
      const groupTokens = persianGroup(g);
      parts.push(scaleToken === undefined ? groupTokens : [...groupTokens, scaleToken]);
    }
  }
  return joinWithAnd(parts);
}

/** 1250000 -> 'یک میلیون و دویست و پنجاه هزار' */
export function persianAmountWords(n: number | bigint): string {
  return persianTokensText(persianAmountTokens(n));
}

/**
 * Currency unit clip keys and texts: rial and toman, and the few other currencies a
 * Persian-speaking business abroad bills in (card payment in the call needs a currency the
 * payment connector takes, which IRR is not). Persian nouns stay singular after a number.
 */
export const PERSIAN_UNIT_WORDS = Object.freeze({
  'unit-rial': 'ریال',
  'unit-toman': 'تومان',
  'unit-usd': 'دلار',
  'unit-cad': 'دلار کانادا',
  'unit-eur': 'یورو',
  'unit-cent': 'سنت',
} as const satisfies Record<string, string>);
export type PersianUnitToken = keyof typeof PERSIAN_UNIT_WORDS;

/** Major and minor unit clips of the currencies Persian can speak besides IRR. */
const PERSIAN_CURRENCY_UNITS = {
  USD: { major: 'unit-usd', minor: 'unit-cent' },
  CAD: { major: 'unit-cad', minor: 'unit-cent' },
  EUR: { major: 'unit-eur', minor: 'unit-cent' },
} as const satisfies Partial<Record<CurrencyCode, { major: PersianUnitToken; minor: PersianUnitToken }>>;

/** The currencies a Persian module can announce: the module schema refuses any other for Persian. */
export const PERSIAN_SPOKEN_CURRENCIES: readonly CurrencyCode[] = Object.freeze(['IRR', ...(Object.keys(PERSIAN_CURRENCY_UNITS) as CurrencyCode[])]);

/** A currency the clip pack has no words for (the module schema refuses it for Persian). */
export class NoPersianWordsError extends RangeError {
  override readonly name = 'NoPersianWordsError';
}

/**
 * Clip tokens of an amount of money: the number, then «ریال» or «تومان», as `spokenAmount`
 * decided (a toman module's debt below half a toman is said in rials); for dollars and euros
 * «دوازده دلار و پنجاه سنت», «پنجاه سنت», «دوازده یورو».
 */
export function persianMoneyTokens(minor: number, currency: ModuleCurrency): PersianToken[] {
  const spoken = spokenAmount(minor, currency);
  if (currency.code === 'IRR') return [...persianAmountTokens(spoken.whole), spoken.unit === 'toman' ? 'unit-toman' : 'unit-rial'];
  const units = (PERSIAN_CURRENCY_UNITS as Partial<Record<CurrencyCode, { major: PersianUnitToken; minor: PersianUnitToken }>>)[currency.code];
  if (!units) throw new NoPersianWordsError(`no Persian words for ${currency.code}`);
  const whole = [...persianAmountTokens(spoken.whole), units.major];
  if (spoken.fraction === 0) return whole;
  const fraction = [...persianAmountTokens(spoken.fraction), units.minor];
  return spoken.whole === 0 ? fraction : [...whole, 'and', ...fraction];
}

/** The text of Persian clip tokens: 'یک میلیون و دویست و پنجاه هزار ریال'. */
export function persianTokensText(tokens: readonly PersianToken[]): string {
  return tokens
    .map((t) => {
      const w = PERSIAN_NUMBER_WORDS[t] ?? PERSIAN_UNIT_WORDS[t as keyof typeof PERSIAN_UNIT_WORDS];
      if (w === undefined) throw new Error(`internal: no Persian word for token ${t}`);
      return w;
    })
    .join(' ');
}

/** An amount of money in Persian words: 'یک میلیون و دویست و پنجاه هزار ریال' (nouns stay singular after numbers). */
export function persianMoneyPhrase(minor: number, currency: ModuleCurrency): string {
  return persianTokensText(persianMoneyTokens(minor, currency));
}
