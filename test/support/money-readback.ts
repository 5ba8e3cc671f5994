/**
 * Reads back what a caller hears or a customer reads (English words, Persian clip tokens, the
 * SMS and payment page figures) into numbers, so tests can check every surface against an
 * independent reference computed with BigInt — not against money.ts itself.
 */
import { minorDigits, type CurrencyCode, type ModuleCurrency } from '../../lib/domain/money';

/** What a surface says: `whole` units of `unit` and `fraction` minor units. */
export interface Said {
  readonly whole: bigint;
  readonly fraction: bigint;
  readonly unit: string;
}

/**
 * The reference: toman = rial / 10 rounded half up, except that a positive amount below half a
 * toman is said in rials; other currencies are whole major units and the minor remainder.
 */
export function expectedSaid(minor: bigint, currency: ModuleCurrency): Said {
  if (currency.code === 'IRR') {
    if (currency.unit === 'toman' && !(minor > 0n && minor < 5n)) return { whole: (minor + 5n) / 10n, fraction: 0n, unit: 'toman' };
    return { whole: minor, fraction: 0n, unit: 'rial' };
  }
  const scale = 10n ** BigInt(minorDigits(currency.code));
  return { whole: minor / scale, fraction: minor % scale, unit: currency.code };
}

const SMALL = [
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
const TENS = ['', '', 'twenty', 'thirty', 'forty', 'fifty', 'sixty', 'seventy', 'eighty', 'ninety'];
const SCALES: Record<string, bigint> = { thousand: 10n ** 3n, million: 10n ** 6n, billion: 10n ** 9n, trillion: 10n ** 12n, quadrillion: 10n ** 15n };

function isNumberWord(word: string): boolean {
  return word === 'hundred' || word in SCALES || word.split('-').every((w) => SMALL.includes(w) || TENS.includes(w));
}

/** 'one million two hundred fifty thousand' → 1250000n. */
export function englishNumber(words: readonly string[]): bigint {
  let total = 0n;
  let group = 0n;
  for (const word of words) {
    if (word === 'hundred') group *= 100n;
    else if (word in SCALES) {
      total += group * (SCALES[word] as bigint);
      group = 0n;
    } else {
      for (const part of word.split('-')) group += BigInt(SMALL.includes(part) ? SMALL.indexOf(part) : TENS.indexOf(part) * 10);
    }
  }
  return total + group;
}

/** The unit a phrase ends with, as a currency code or rial/toman. */
const UNIT_WORDS: Record<string, string> = {
  rial: 'rial',
  rials: 'rial',
  toman: 'toman',
  tomans: 'toman',
  dollar: 'USD',
  dollars: 'USD',
  euro: 'EUR',
  euros: 'EUR',
  pound: 'GBP',
  pounds: 'GBP',
  yen: 'JPY',
  'Kuwaiti dinar': 'KWD',
  'Kuwaiti dinars': 'KWD',
};
const MINOR_WORDS = new Set(['cent', 'cents', 'penny', 'pence', 'fils']);

/** 'twelve dollars and fifty cents' → { whole: 12n, fraction: 50n, unit: 'USD' }; 'fifty cents' is `code`'s. */
export function readEnglishPhrase(phrase: string, code: CurrencyCode): Said {
  const parts = phrase.split(' and ');
  let whole = 0n;
  let fraction = 0n;
  let unit = '';
  for (const part of parts) {
    const words = part.split(' ');
    let i = 0;
    while (i < words.length && isNumberWord(words[i] as string)) i += 1;
    const value = englishNumber(words.slice(0, i));
    const name = words.slice(i).join(' ');
    if (MINOR_WORDS.has(name)) fraction = value;
    else {
      whole = value;
      unit = UNIT_WORDS[name] ?? `?${name}`;
    }
  }
  if (!unit) unit = code;
  return { whole, fraction, unit };
}

const PERSIAN_SCALES: Record<string, bigint> = {
  'scale-thousand': 10n ** 3n,
  'scale-million': 10n ** 6n,
  'scale-billion': 10n ** 9n,
  'scale-trillion': 10n ** 12n,
  'scale-quadrillion': 10n ** 15n,
};

/** Clip tokens ['num-1','scale-million','and',…,'unit-toman'] → the number and the unit. */
export function readPersianTokens(tokens: readonly string[]): Said {
  let total = 0n;
  let group = 0n;
  let unit = '';
  for (const token of tokens) {
    if (token === 'and') continue;
    if (token.startsWith('unit-')) unit = token.slice(5);
    else if (token in PERSIAN_SCALES) {
      // «هزار» alone is one thousand.
      total += (group === 0n ? 1n : group) * (PERSIAN_SCALES[token] as bigint);
      group = 0n;
    } else if (token.startsWith('num-')) group += BigInt(token.slice(4));
    else throw new Error(`unexpected token ${token}`);
  }
  return { whole: total + group, fraction: 0n, unit };
}

const DIGITS = /[0-9\u06F0-\u06F9]/g;
const toLatin = (s: string) => s.replace(DIGITS, (d) => String(d.charCodeAt(0) >= 0x06f0 ? d.charCodeAt(0) - 0x06f0 : Number(d)));

/**
 * A displayed amount ('1,250,000 rials', '۱۲۵٬۰۰۰ تومان', '$12.50', 'KWD 1.500', '¥1,500')
 * → whole, fraction and unit, reading digits and separators independently of money.ts.
 */
export function readDisplayed(text: string, code: CurrencyCode): Said {
  const latin = toLatin(text).replace(/[\u200E\u200F\u061C]/g, '');
  if (code === 'IRR') {
    const m = /^([\d,\u066C]+) (rials?|tomans?|ریال|تومان)$/.exec(latin);
    if (!m) throw new Error(`not an IRR amount: ${text}`);
    const unit = /^(rial|ریال)/.test(m[2] as string) ? 'rial' : 'toman';
    return { whole: BigInt((m[1] as string).replace(/[,\u066C]/g, '')), fraction: 0n, unit };
  }
  const m = /([\d,\u066C]+)(?:[.\u066B](\d+))?/.exec(latin);
  if (!m) throw new Error(`no number in ${text}`);
  return { whole: BigInt((m[1] as string).replace(/[,\u066C]/g, '')), fraction: BigInt(m[2] ?? '0'), unit: code };
}
