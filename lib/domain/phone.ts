/**
 * Phone number normalisation. Pure functions, no dependencies.
 *
 * Canonical form: E.164 ('+' followed by 3–15 digits, first digit not 0).
 * Digit strings that cannot be placed in a country (e.g. short codes such as
 * '12345') are returned as bare digits without '+'.
 */

const PERSIAN_ZERO = 0x06f0;
const ARABIC_INDIC_ZERO = 0x0660;

/** Persian (U+06F0–06F9) and Arabic-Indic (U+0660–0669) digits -> ASCII; other characters unchanged. */
export function toAsciiDigits(s: string): string {
  return s.replace(/[\u06F0-\u06F9\u0660-\u0669]/g, (ch) => {
    const code = ch.charCodeAt(0);
    const base = code >= PERSIAN_ZERO ? PERSIAN_ZERO : ARABIC_INDIC_ZERO;
    return String(code - base);
  });
}

/**
 * Separators people and CRMs put inside numbers: whitespace (incl. NBSP),
 * ASCII and Unicode dashes, dots, parentheses, and invisible direction /
 * joiner marks that copy-paste from RTL text tends to add.
 */
const SEPARATORS = /[\s\-.()\u2010-\u2015\u2212\u200B-\u200F\u202A-\u202E\u2066-\u2069\uFEFF]/g;

const MIN_DIGITS = 3;
const MAX_DIGITS = 15;

function e164(digits: string): string | undefined {
  if (!/^[1-9]\d*$/.test(digits)) return undefined;
  if (digits.length < MIN_DIGITS || digits.length > MAX_DIGITS) return undefined;
  return `+${digits}`;
}

/**
 * Canonical form used to match callers against CRM records.
 *
 * - strips spaces, dashes, dots, parentheses; converts Persian/Arabic digits;
 * - '+<digits>' kept; '00<digits>' -> '+<digits>';
 * - '0<national>' -> '+<cc><national>' (e.g. '09121234567' -> '+989121234567', '021…' -> '+9821…');
 * - '<cc><10 digits>' (e.g. '989121234567') -> '+<cc>…';
 * - 10 digits: for cc '98' only when starting with 9 ('9121234567' -> '+989121234567'),
 *   for other country codes any 10-digit national number;
 * - any other 3–15 digit string is returned as bare digits (no '+').
 *
 * Returns undefined when nothing phone-like remains (empty, letters,
 * Twilio 'client:'/'sip:' identities, 'anonymous', < 3 or > 15 digits).
 */
export function canonicalPhone(raw: string, defaultCountryCode = '98'): string | undefined {
  if (typeof raw !== 'string') return undefined;
  const cc = defaultCountryCode.replace(/^\+/, '');
  if (!/^[1-9]\d{0,2}$/.test(cc)) throw new RangeError(`invalid country code: ${defaultCountryCode}`);

  const s = toAsciiDigits(raw).replace(SEPARATORS, '');
  if (!/^\+?\d+$/.test(s)) return undefined; // empty, letters, client:, sip:, anonymous, '*', '#', ...

  if (s.startsWith('+')) return e164(s.slice(1));
  if (s.length < MIN_DIGITS || s.length > MAX_DIGITS + 2) return undefined;
  if (s.startsWith('00')) return e164(s.slice(2));
  if (s.startsWith('0')) return e164(cc + s.slice(1));
  if (s.startsWith(cc) && s.length === cc.length + 10) return e164(s);
  if (s.length === 10 && (cc !== '98' || s.startsWith('9'))) return e164(cc + s);
  if (s.length > MAX_DIGITS) return undefined;
  return s;
}

/** Result of parsing a mobile number typed on the keypad. */
export type MobileParse = { ok: true; e164: string } | { ok: false; reason: 'empty' | 'not-digits' | 'invalid' };

const IRAN_MOBILE = /^9\d{9}$/;

/**
 * Mobile number typed on a keypad (digits, maybe Persian/Arabic digits, maybe
 * with '*' or '#', which are ignored; spaces and dashes are ignored too).
 *
 * Accepted: '09XXXXXXXXX', '9XXXXXXXXX', '989XXXXXXXXX', '00989XXXXXXXXX',
 * '+989XXXXXXXXX' (any Iranian 9XXXXXXXXX mobile, no operator whitelist), and
 * international numbers '00<cc…>' / '+<cc…>' with a country code other than 98
 * and 8–15 digits after the prefix.
 *
 * 'empty': nothing but '*', '#' and blanks; 'not-digits': other characters;
 * 'invalid': digits that are not one of the accepted forms.
 */
export function parseMobile(input: string | undefined): MobileParse {
  if (typeof input !== 'string') return { ok: false, reason: 'empty' };
  const s = toAsciiDigits(input).replace(/[*#]/g, '').replace(SEPARATORS, '');
  if (s === '') return { ok: false, reason: 'empty' };
  if (!/^\+?\d+$/.test(s)) return { ok: false, reason: 'not-digits' };

  let international: string | undefined;
  if (s.startsWith('+')) international = s.slice(1);
  else if (s.startsWith('00')) international = s.slice(2);

  if (international !== undefined) {
    if (international.startsWith('98')) {
      const national = international.slice(2);
      return IRAN_MOBILE.test(national) ? { ok: true, e164: `+98${national}` } : { ok: false, reason: 'invalid' };
    }
    return /^[1-9]\d{7,14}$/.test(international) ? { ok: true, e164: `+${international}` } : { ok: false, reason: 'invalid' };
  }

  let national: string;
  if (s.startsWith('0')) national = s.slice(1);
  else if (s.length === 12 && s.startsWith('98')) national = s.slice(2);
  else national = s;
  return IRAN_MOBILE.test(national) ? { ok: true, e164: `+98${national}` } : { ok: false, reason: 'invalid' };
}

/**
 * Mask for logs: '***' followed by the last 4 digits ('+989121234567' -> '***4567').
 * Inputs with fewer than 5 digits (short codes, 'anonymous', 'client:alice',
 * undefined, …) give '***'. Never returns more than 4 digits of the input.
 */
export function maskPhone(raw: string | undefined): string {
  if (typeof raw !== 'string') return '***';
  const digits = toAsciiDigits(raw).replace(/\D/g, '');
  if (digits.length < 5) return '***';
  return `***${digits.slice(-4)}`;
}
