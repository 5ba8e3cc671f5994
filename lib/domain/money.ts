/**
 * Money, exactly: the one place that knows currencies, keeps amounts as integers, reads
 * amounts people and CRMs write, and turns an amount into what a caller hears and a
 * customer reads. The ledger, the flow, speech, the SMS, the payment page, the admin API
 * and the panel all go through here; nothing else rounds or formats money.
 *
 * Representation. An amount is a safe integer (|n| ≤ 9,007,199,254,740,991) in the minor
 * unit of its currency: rials for IRR, cents for USD, yen for JPY, fils for KWD. Every sum
 * is checked; an amount or a sum beyond the safe range throws MoneyRangeError instead of
 * being silently rounded by floating point.
 *
 * Rounding. The only conversion that rounds is rial → toman for a module that announces
 * tomans: toman = rial / 10, **round half up** (12,345 rials → 1,235 tomans; 12,344 → 1,234),
 * computed from the integer remainder, so it is exact for every safe integer. A positive
 * amount below 5 rials would round to zero tomans: it is **announced in rials** instead
 * ("4 rials"), so nobody who owes money hears "zero". Which unit is used is decided once
 * (`spokenAmount`) and the words, the SMS, the payment page and the panel all show that.
 *
 * Pure and dependency-free (the admin panel's browser bundle imports it too).
 */
import type { Language } from '../config/module-constants';

// ------------------------------------------------------------------ currencies

interface CurrencyInfo {
  /** Decimal places of the minor unit: 0 (amounts are whole units), 2 (cents), 3 (fils). */
  readonly exponent: 0 | 2 | 3;
  /** English names of one and several major units, and of the minor unit when there is one. */
  readonly major: readonly [one: string, other: string];
  readonly minor?: readonly [one: string, other: string];
}

/**
 * The currencies a module or the ledger can use, with their ISO 4217 minor units. IRR is the
 * exception kept on purpose: ISO still lists two decimals (the dinar, unused for decades);
 * here its minor unit is the rial, as Iranian ledgers and CRMs keep it.
 */
export const CURRENCIES = {
  IRR: { exponent: 0, major: ['rial', 'rials'] },
  USD: { exponent: 2, major: ['dollar', 'dollars'], minor: ['cent', 'cents'] },
  EUR: { exponent: 2, major: ['euro', 'euros'], minor: ['cent', 'cents'] },
  GBP: { exponent: 2, major: ['pound', 'pounds'], minor: ['penny', 'pence'] },
  CAD: { exponent: 2, major: ['Canadian dollar', 'Canadian dollars'], minor: ['cent', 'cents'] },
  AUD: { exponent: 2, major: ['Australian dollar', 'Australian dollars'], minor: ['cent', 'cents'] },
  NZD: { exponent: 2, major: ['New Zealand dollar', 'New Zealand dollars'], minor: ['cent', 'cents'] },
  CHF: { exponent: 2, major: ['Swiss franc', 'Swiss francs'], minor: ['centime', 'centimes'] },
  SEK: { exponent: 2, major: ['Swedish krona', 'Swedish kronor'], minor: ['ore', 'ore'] },
  NOK: { exponent: 2, major: ['Norwegian krone', 'Norwegian kroner'], minor: ['ore', 'ore'] },
  DKK: { exponent: 2, major: ['Danish krone', 'Danish kroner'], minor: ['ore', 'ore'] },
  AED: { exponent: 2, major: ['dirham', 'dirhams'], minor: ['fils', 'fils'] },
  SAR: { exponent: 2, major: ['riyal', 'riyals'], minor: ['halala', 'halalas'] },
  TRY: { exponent: 2, major: ['lira', 'lira'], minor: ['kurus', 'kurus'] },
  INR: { exponent: 2, major: ['rupee', 'rupees'], minor: ['paisa', 'paise'] },
  CNY: { exponent: 2, major: ['yuan', 'yuan'], minor: ['fen', 'fen'] },
  JPY: { exponent: 0, major: ['yen', 'yen'] },
  KRW: { exponent: 0, major: ['won', 'won'] },
  KWD: { exponent: 3, major: ['Kuwaiti dinar', 'Kuwaiti dinars'], minor: ['fils', 'fils'] },
  BHD: { exponent: 3, major: ['Bahraini dinar', 'Bahraini dinars'], minor: ['fils', 'fils'] },
  OMR: { exponent: 3, major: ['Omani rial', 'Omani rials'], minor: ['baisa', 'baisa'] },
} as const satisfies Record<string, CurrencyInfo>;

export type CurrencyCode = keyof typeof CURRENCIES;
export const CURRENCY_CODES = Object.keys(CURRENCIES) as [CurrencyCode, ...CurrencyCode[]];

/** How an IRR module announces amounts: in rials, or in tomans (10 rials). */
export const IRR_UNITS = ['rial', 'toman'] as const;
export type IrrUnit = (typeof IRR_UNITS)[number];

/**
 * A module's currency: the ISO code its amounts are kept in and, for IRR only, whether the
 * caller hears rials or tomans. Payment links carry the same value, so the SMS and the page
 * show what the caller heard.
 */
export interface ModuleCurrency {
  readonly code: CurrencyCode;
  /** Present exactly when `code` is IRR. */
  readonly unit?: IrrUnit;
}

export const IRR_RIAL: ModuleCurrency = Object.freeze({ code: 'IRR', unit: 'rial' });

export function isCurrencyCode(value: unknown): value is CurrencyCode {
  return typeof value === 'string' && Object.prototype.hasOwnProperty.call(CURRENCIES, value);
}

/** Decimal places of a currency's minor unit. */
export function minorDigits(code: CurrencyCode): number {
  return CURRENCIES[code].exponent;
}

/**
 * A currency as stored, from any shape this product has written: the current
 * `{ code, unit? }`, a bare code (`"USD"`), or the shape from before ISO codes
 * (`{ unit: 'rial' | 'toman', divisor }`, which was always IRR). Absent means IRR in rials.
 * Undefined for anything else (the schema reports it; the voice path never sees it).
 */
export function readModuleCurrency(raw: unknown): ModuleCurrency | undefined {
  if (raw === undefined || raw === null) return IRR_RIAL;
  if (typeof raw === 'string') return isCurrencyCode(raw) ? moduleCurrency(raw) : undefined;
  if (typeof raw !== 'object') return undefined;
  const { code, unit, divisor } = raw as { code?: unknown; unit?: unknown; divisor?: unknown };
  const irrUnit = unit === undefined ? undefined : (IRR_UNITS as readonly unknown[]).includes(unit) ? (unit as IrrUnit) : null;
  if (irrUnit === null) return undefined;
  if (code === undefined) {
    // Before ISO codes: { unit, divisor }, always rials in the ledger.
    if (irrUnit === undefined) return undefined;
    if (divisor !== undefined && divisor !== (irrUnit === 'toman' ? 10 : 1)) return undefined;
    return { code: 'IRR', unit: irrUnit };
  }
  if (!isCurrencyCode(code) || divisor !== undefined) return undefined;
  if (code !== 'IRR' && irrUnit !== undefined) return undefined;
  return moduleCurrency(code, irrUnit);
}

/** `{ code }`, or `{ code: 'IRR', unit }` (rial unless told toman). */
export function moduleCurrency(code: CurrencyCode, unit?: IrrUnit): ModuleCurrency {
  return code === 'IRR' ? { code, unit: unit ?? 'rial' } : { code };
}

// ------------------------------------------------------------------ integers

/** An amount or a sum outside ±9,007,199,254,740,991 minor units, or not an integer. */
export class MoneyRangeError extends RangeError {
  override readonly name = 'MoneyRangeError';
}

export const MAX_MINOR = Number.MAX_SAFE_INTEGER;

/** A currency this product does not know (a stored value it cannot read): nothing is said or shown rather than guessed. */
export class UnknownCurrencyError extends Error {
  override readonly name = 'UnknownCurrencyError';
}

/** The amount itself when it is a safe integer; MoneyRangeError otherwise. */
export function checkedMinor(value: unknown, what = 'amount'): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value)) {
    throw new MoneyRangeError(`${what} must be a whole number of minor units within ±${MAX_MINOR}, got ${String(value)}`);
  }
  return value === 0 ? 0 : value; // never -0
}

/** a + b, refused (MoneyRangeError) rather than rounded when it leaves the safe range. */
export function addMinor(a: number, b: number): number {
  // Both safe: a true sum beyond 2^53 - 1 comes out of the float addition as ≥ 2^53, never as a safe integer.
  return checkedMinor(checkedMinor(a) + checkedMinor(b), 'sum');
}

export function sumMinor(amounts: Iterable<number>): number {
  let total = 0;
  for (const amount of amounts) total = addMinor(total, amount);
  return total;
}

/** n / divisor, half up, for n ≥ 0 — from the integer remainder, so exact for every safe integer. */
function divideHalfUp(n: number, divisor: number): number {
  const rest = n % divisor;
  const whole = (n - rest) / divisor;
  return rest * 2 >= divisor ? whole + 1 : whole;
}

// ------------------------------------------------------------------ what is said and shown

/**
 * An amount as the caller hears it and the customer reads it: `whole` units of `unit`
 * (rials, tomans, or the currency's major unit) and, for currencies with cents, `fraction`
 * minor units.
 */
export interface SpokenAmount {
  readonly code: CurrencyCode;
  readonly unit: IrrUnit | 'major';
  readonly whole: number;
  readonly fraction: number;
}

/**
 * The one conversion from the ledger's minor unit to what is announced (see the rounding
 * rule at the top of this file). `minor` must be a safe integer ≥ 0: owed and credit are
 * announced separately, each as a positive amount.
 */
export function spokenAmount(minor: number, currency: ModuleCurrency): SpokenAmount {
  if (!isCurrencyCode(currency?.code)) throw new UnknownCurrencyError(`unknown currency ${JSON.stringify(currency)}`);
  const amount = checkedMinor(minor);
  if (amount < 0) throw new MoneyRangeError(`an announced amount is never negative, got ${amount}`);
  if (currency.code === 'IRR') {
    if (currency.unit === 'toman') {
      const tomans = divideHalfUp(amount, 10);
      // Below half a toman: say the rials rather than "zero" for a real debt.
      if (tomans === 0 && amount > 0) return { code: 'IRR', unit: 'rial', whole: amount, fraction: 0 };
      return { code: 'IRR', unit: 'toman', whole: tomans, fraction: 0 };
    }
    return { code: 'IRR', unit: 'rial', whole: amount, fraction: 0 };
  }
  const scale = 10 ** minorDigits(currency.code);
  const fraction = amount % scale;
  return { code: currency.code, unit: 'major', whole: (amount - fraction) / scale, fraction };
}

const PERSIAN_DIGITS = '۰۱۲۳۴۵۶۷۸۹';

/** 1250000 → '1,250,000' (en) or '۱٬۲۵۰٬۰۰۰' (fa: Persian digits and the Arabic thousands separator). */
export function groupDigits(n: number, language: Language): string {
  const whole = checkedMinor(n, 'number');
  const grouped = String(Math.abs(whole)).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  const signed = whole < 0 ? `-${grouped}` : grouped;
  if (language === 'en') return signed;
  return signed.replace(/\d/g, (d) => PERSIAN_DIGITS[Number(d)] as string).replace(/,/g, '٬');
}

const IRR_WORDS: Record<Language, Record<IrrUnit, readonly [string, string]>> = {
  en: { rial: ['rial', 'rials'], toman: ['toman', 'tomans'] },
  // Persian nouns stay singular after a number.
  fa: { rial: ['ریال', 'ریال'], toman: ['تومان', 'تومان'] },
};

/** The unit word after `count` in the customer's language: 'rial'/'rials', 'تومان', 'dollar'/'dollars'. */
export function unitWord(spoken: Pick<SpokenAmount, 'code' | 'unit'>, language: Language, count: number): string {
  const [one, other] = spoken.unit === 'major' ? CURRENCIES[spoken.code].major : IRR_WORDS[language][spoken.unit];
  return count === 1 ? one : other;
}

/** A decimal string of a minor amount in major units: 1250 USD → '12.50', -5 USD → '-0.05', 1250000 IRR → '1250000'. */
export function decimalString(minor: number, code: CurrencyCode): string {
  const amount = checkedMinor(minor);
  const digits = minorDigits(code);
  const abs = String(Math.abs(amount));
  const sign = amount < 0 ? '-' : '';
  if (digits === 0) return `${sign}${abs}`;
  const padded = abs.padStart(digits + 1, '0');
  return `${sign}${padded.slice(0, -digits)}.${padded.slice(-digits)}`;
}

/** Intl.NumberFormat.format also takes a decimal string and formats it exactly (ES2023); the panel's lib types predate that. */
type ExactFormat = { format(value: string): string };

const formats = new Map<string, ExactFormat>();

function currencyFormat(code: CurrencyCode, language: Language): ExactFormat {
  const key = `${language}:${code}`;
  let format = formats.get(key);
  if (!format) {
    const digits = minorDigits(code);
    format = new Intl.NumberFormat(language === 'fa' ? 'fa-IR' : 'en-US', {
      style: 'currency',
      currency: code,
      minimumFractionDigits: digits,
      maximumFractionDigits: digits,
    }) as unknown as ExactFormat;
    formats.set(key, format);
  }
  return format;
}

/**
 * An amount as a customer reads it (SMS, payment page, panel): '1,250,000 rials',
 * '۱۲۵٬۰۰۰ تومان', '$12.50', '€0.05'. IRR keeps its words (Intl has no toman); other
 * currencies use Intl.NumberFormat with the currency, fed the exact decimal string so no
 * float ever rounds a cent. No-break spaces become plain spaces so English stays GSM-7 in an SMS.
 */
export function formatMoney(minor: number, currency: ModuleCurrency, language: Language): string {
  const amount = checkedMinor(minor);
  const sign = amount < 0 ? '-' : '';
  const spoken = spokenAmount(Math.abs(amount), currency);
  if (spoken.unit !== 'major') return `${sign}${groupDigits(spoken.whole, language)} ${unitWord(spoken, language, spoken.whole)}`;
  return currencyFormat(currency.code, language)
    .format(decimalString(amount, currency.code))
    .replace(/[\u00A0\u202F]/g, ' ');
}

// ------------------------------------------------------------------ reading amounts

/**
 * Why an amount was refused. Message texts for operators are in admin-messages.ts
 * (codes `amount_<problem>`).
 */
export type AmountProblem =
  /** Not a number as written: words, units, spaces inside, exponents, hex, a lone "-", mixed digit scripts, … */
  | 'format'
  /** Thousands separators not in whole groups of three, or two different separators. */
  | 'grouping'
  /** A decimal point in a currency without a minor unit, or not exactly its number of decimals. */
  | 'decimals'
  /** A sign where amounts cannot be negative. */
  | 'negative'
  /** Beyond ±9,007,199,254,740,991 minor units. */
  | 'too_large'
  /** Text where a JSON number is required, or a JSON number with a fraction (JSON amounts are whole minor units). */
  | 'not_integer'
  | 'missing';

export type AmountRead = { readonly ok: true; readonly minor: number } | { readonly ok: false; readonly problem: AmountProblem };

const refused = (problem: AmountProblem): AmountRead => ({ ok: false, problem });

const DIGIT_SCRIPTS = [
  { zero: 0x30, name: 'latin' },
  { zero: 0x06f0, name: 'persian' },
  { zero: 0x0660, name: 'arabic' },
] as const;

function digitValue(ch: string): { value: number; script: number } | undefined {
  const code = ch.charCodeAt(0);
  for (let script = 0; script < DIGIT_SCRIPTS.length; script += 1) {
    const zero = (DIGIT_SCRIPTS[script] as (typeof DIGIT_SCRIPTS)[number]).zero;
    if (code >= zero && code <= zero + 9) return { value: code - zero, script };
  }
  return undefined;
}

const THOUSANDS = [',', '\u066C', "'"]; // , ٬ '
const DECIMAL_POINTS = ['.', '\u066B']; // . ٫
const MINUS = ['-', '\u2212'];
/** Direction marks that copying from right-to-left text leaves at the ends of a value. */
const EDGE_MARKS = /^[\u200E\u200F\u061C\u202A-\u202E\u2066-\u2069]+|[\u200E\u200F\u061C\u202A-\u202E\u2066-\u2069]+$/g;

export interface TextAmountRules {
  /** Whether a leading sign (-, −, +) may appear (CRM balances) or not (import amounts). */
  readonly signed: boolean;
  /**
   * 'exact': a decimal part, if any, has exactly the currency's number of decimals (what an
   * operator types: 12.50); 'zero-padded': any number of decimals, as long as those beyond the
   * currency's are zeros (what CRMs print: -1250000.0000, 1234.5 USD).
   */
  readonly decimals: 'exact' | 'zero-padded';
}

export const IMPORT_TEXT: TextAmountRules = { signed: false, decimals: 'exact' };
export const CRM_TEXT: TextAmountRules = { signed: true, decimals: 'zero-padded' };

/**
 * Reads an amount written as text, exactly or not at all. Accepted: Latin, Persian or
 * Arabic-Indic digits (one script per number), thousands separators `,` `٬` or `'` in whole
 * groups of three (one kind per number), and — for a currency with a minor unit — one
 * decimal point (`.`, or the Persian `٫`) followed by its decimals (see `rules`). Everything
 * else is refused with the reason: decimal commas, unit words, spaces inside, exponents, hex,
 * a lone sign, signs where not allowed.
 */
export function parseTextAmount(raw: string, code: CurrencyCode, rules: TextAmountRules): AmountRead {
  const text = raw.trim().replace(EDGE_MARKS, '');
  if (text === '') return refused('missing');
  let i = 0;
  let negative = false;
  const first = text[0] as string;
  if (MINUS.includes(first) || first === '+') {
    if (!rules.signed) return refused(MINUS.includes(first) ? 'negative' : 'format');
    negative = first !== '+';
    i = 1;
  }
  let script: number | undefined;
  let separator: string | undefined;
  const groups: string[] = [''];
  let fraction: string | undefined;
  for (; i < text.length; i += 1) {
    const ch = text[i] as string;
    const digit = digitValue(ch);
    if (digit) {
      if (script !== undefined && script !== digit.script) return refused('format');
      script = digit.script;
      if (fraction !== undefined) fraction += String(digit.value);
      else groups[groups.length - 1] += String(digit.value);
    } else if (THOUSANDS.includes(ch) && fraction === undefined) {
      if (separator !== undefined && separator !== ch) return refused('grouping');
      separator = ch;
      groups.push('');
    } else if (DECIMAL_POINTS.includes(ch) && fraction === undefined) {
      fraction = '';
    } else {
      return refused('format');
    }
  }
  if (script === undefined) return refused('format');
  const [lead, ...rest] = groups as [string, ...string[]];
  if (lead === '') return refused(groups.length > 1 ? 'grouping' : 'format');
  if (rest.length > 0 && (lead.length > 3 || rest.some((g) => g.length !== 3))) return refused('grouping');
  if (fraction === '') return refused('format');
  const digits = minorDigits(code);
  let minorPart = '';
  if (fraction !== undefined) {
    if (digits === 0 && rules.decimals === 'exact') return refused('decimals');
    if (rules.decimals === 'exact' && fraction.length !== digits) return refused('decimals');
    const beyond = fraction.slice(digits);
    if (/[^0]/.test(beyond)) return refused('decimals');
    minorPart = fraction.slice(0, digits);
  }
  return wholeMinor(`${groups.join('')}${minorPart.padEnd(digits, '0')}`, negative);
}

/** Decimal digits of a minor amount → the safe integer, or too_large. */
function wholeMinor(digits: string, negative: boolean): AmountRead {
  const significant = digits.replace(/^0+(?=\d)/, '');
  if (significant.length > 16 || BigInt(significant) > BigInt(MAX_MINOR)) return refused('too_large');
  const value = Number(significant);
  return { ok: true, minor: negative && value !== 0 ? -value : value };
}

/**
 * An amount in a JSON import document or a stored ledger item: a JSON number that is a whole
 * number of minor units (1250 is $12.50), ≥ 0. Text ("3,500,000") and fractions (12.5) are
 * refused rather than guessed at: a binary fraction may not be the decimal the file says.
 */
export function parseJsonAmount(value: unknown): AmountRead {
  if (value === undefined || value === null) return refused('missing');
  if (typeof value !== 'number') return refused('not_integer');
  if (!Number.isFinite(value)) return refused('too_large');
  if (!Number.isInteger(value)) return refused('not_integer');
  if (value < 0) return refused('negative');
  if (!Number.isSafeInteger(value)) return refused('too_large');
  return { ok: true, minor: value === 0 ? 0 : value };
}

/**
 * An amount a CRM sent as a JSON number in major units (AloVoIP: 1250000 rials, 12.5
 * dollars). Whole numbers are exact up to the safe limit. A number with a fraction is read
 * through its shortest decimal form, which is the decimal the CRM wrote only while that
 * decimal has at most 15 significant digits: so it must stay below 10^15 minor units
 * (10 trillion dollars), and have no more decimals than the currency — else it is refused.
 */
export function parseCrmNumber(value: number, code: CurrencyCode): AmountRead {
  if (!Number.isFinite(value)) return refused('format');
  const digits = minorDigits(code);
  if (Number.isInteger(value)) {
    if (!Number.isSafeInteger(value)) return refused('too_large');
    return wholeMinor(`${Math.abs(value)}${'0'.repeat(digits)}`, value < 0);
  }
  // 90071992547409.91 arrives as the double whose shortest form is 90071992547409.9: not trusted.
  if (Math.abs(value) >= 10 ** (15 - digits)) return refused('too_large');
  const written = String(value);
  if (/e/i.test(written)) return refused(digits === 0 ? 'decimals' : 'format');
  return parseTextAmount(written, code, CRM_TEXT);
}

/** A minor amount as the JSON number a CRM expects in major units (1250 USD → 12.5); undefined when a double cannot hold it exactly. */
export function crmNumber(minor: number, code: CurrencyCode): number | undefined {
  const decimal = decimalString(minor, code);
  const value = Number(decimal);
  const back = parseCrmNumber(value, code);
  return back.ok && back.minor === minor ? value : undefined;
}
