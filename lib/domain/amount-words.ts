/**
 * Amounts in words (English text and Persian clip tokens / text).
 *
 * Pure functions, no dependencies. Integer amounts are handled as BigInt
 * internally so the whole range 0 ..= 10^18 - 1 is exact.
 *
 * Note: a JS `number` cannot represent 10^18 - 1 (it rounds to 10^18), so
 * callers that need the very top of the range must pass a `bigint`.
 */

export type CurrencyUnit = 'rial' | 'toman';

/** Exclusive upper bound of the supported integer range (10^18). */
const LIMIT = 10n ** 18n;
const LIMIT_NUMBER = 1e18;

/**
 * Ledger amount (in rials, may be fractional) -> integer amount to announce
 * in the module's unit: divide by divisor, round half up.
 *
 * Throws RangeError for a negative, NaN, non-finite or > 10^18 amount, and
 * for a divisor that is not a finite number > 0.
 */
export function toAnnouncedAmount(amountInRials: number, divisor: number): number {
  if (typeof amountInRials !== 'number' || Number.isNaN(amountInRials)) {
    throw new RangeError(`amount must be a number, got ${String(amountInRials)}`);
  }
  if (!Number.isFinite(amountInRials)) throw new RangeError('amount must be finite');
  if (amountInRials < 0) throw new RangeError(`amount must not be negative, got ${amountInRials}`);
  if (amountInRials > LIMIT_NUMBER) throw new RangeError(`amount too large: ${amountInRials}`);
  if (typeof divisor !== 'number' || !Number.isFinite(divisor) || divisor <= 0) {
    throw new RangeError(`divisor must be a finite number > 0, got ${String(divisor)}`);
  }
  if (divisor === 1) return Math.floor(amountInRials + 0.5);

  // Work with quotient + remainder in rials rather than rounding the
  // (inexact) quotient directly: 12345 / 10 gives remainder exactly 5.
  let whole = Math.floor(amountInRials / divisor);
  let rest = amountInRials - whole * divisor;
  if (rest < 0) {
    whole -= 1;
    rest += divisor;
  } else if (rest >= divisor) {
    whole += 1;
    rest -= divisor;
  }
  return rest * 2 >= divisor ? whole + 1 : whole;
}

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
  'zero', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine',
  'ten', 'eleven', 'twelve', 'thirteen', 'fourteen', 'fifteen', 'sixteen', 'seventeen', 'eighteen', 'nineteen',
];
const EN_TENS: readonly string[] = ['', '', 'twenty', 'thirty', 'forty', 'fifty', 'sixty', 'seventy', 'eighty', 'ninety'];
const EN_SCALES: readonly string[] = ['', 'thousand', 'million', 'billion', 'trillion', 'quadrillion'];

function assertUnit(unit: unknown): asserts unit is CurrencyUnit {
  if (unit !== 'rial' && unit !== 'toman') throw new RangeError(`unknown currency unit: ${String(unit)}`);
}

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

/** "one million two hundred fifty thousand rials"; "one rial" / "one toman" for exactly 1. */
export function englishAmountPhrase(n: number | bigint, unit: CurrencyUnit): string {
  assertUnit(unit);
  const big = toBigAmount(n);
  const unitWord = big === 1n ? unit : `${unit}s`;
  return `${englishAmountWords(big)} ${unitWord}`;
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
export const PERSIAN_NUMBER_WORDS: Readonly<Record<string, string>> = Object.freeze(
  Object.fromEntries(PERSIAN_WORD_ENTRIES),
);

/** Every token key persianAmountTokens can ever emit (for manifest coverage tests). */
export const ALL_PERSIAN_NUMBER_TOKENS: readonly string[] = Object.freeze(
  PERSIAN_WORD_ENTRIES.map(([key]) => key),
);

const FA_SCALE_TOKENS: readonly string[] = [
  '',
  'scale-thousand',
  'scale-million',
  'scale-billion',
  'scale-trillion',
  'scale-quadrillion',
];

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

function persianText(tokens: readonly PersianToken[]): string {
  return tokens
    .map((t) => {
      const w = PERSIAN_NUMBER_WORDS[t];
      if (w === undefined) throw new Error(`internal: no Persian word for token ${t}`);
      return w;
    })
    .join(' ');
}

/** 1250000 -> 'یک میلیون و دویست و پنجاه هزار' */
export function persianAmountWords(n: number | bigint): string {
  return persianText(persianAmountTokens(n));
}

/** Currency unit clip keys and texts. */
export const PERSIAN_UNIT_WORDS: Readonly<Record<'unit-rial' | 'unit-toman', string>> = Object.freeze({
  'unit-rial': 'ریال',
  'unit-toman': 'تومان',
});

/** 'یک میلیون و دویست و پنجاه هزار ریال' (Persian nouns stay singular after numbers). */
export function persianAmountPhrase(n: number | bigint, unit: CurrencyUnit): string {
  assertUnit(unit);
  const unitWord = unit === 'toman' ? PERSIAN_UNIT_WORDS['unit-toman'] : PERSIAN_UNIT_WORDS['unit-rial'];
  return `${persianAmountWords(n)} ${unitWord}`;
}
