import { canonicalPhone, maskPhone, parseMobile, toAsciiDigits } from '../../lib/domain/phone';
import { mulberry32 } from '../support/prng';

const PERSIAN = '۰۱۲۳۴۵۶۷۸۹';
const ARABIC = '٠١٢٣٤٥٦٧٨٩';
const toPersian = (s: string): string => s.replace(/\d/g, (d) => PERSIAN[Number(d)] ?? d);
const toArabic = (s: string): string => s.replace(/\d/g, (d) => ARABIC[Number(d)] ?? d);

describe('toAsciiDigits', () => {
  it('converts Persian digits', () => {
    expect(toAsciiDigits('۰۱۲۳۴۵۶۷۸۹')).toBe('0123456789');
  });

  it('converts Arabic-Indic digits', () => {
    expect(toAsciiDigits('٠١٢٣٤٥٦٧٨٩')).toBe('0123456789');
  });

  it('leaves other characters unchanged', () => {
    expect(toAsciiDigits('+98 (۹۱۲) 12-٣٤ abc ریال')).toBe('+98 (912) 12-34 abc ریال');
    expect(toAsciiDigits('')).toBe('');
  });
});

describe('canonicalPhone', () => {
  it.each<[string, string]>([
    ['09121234567', '+989121234567'],
    ['989121234567', '+989121234567'],
    ['9121234567', '+989121234567'],
    ['+989121234567', '+989121234567'],
    ['00989121234567', '+989121234567'],
    ['02112345678', '+982112345678'],
    ['982112345678', '+982112345678'],
    ['+15551234567', '+15551234567'],
    ['0015551234567', '+15551234567'],
    ['+44 20 7946 0958', '+442079460958'],
  ])('canonicalises %p to %p', (raw, canonical) => {
    expect(canonicalPhone(raw)).toBe(canonical);
  });

  it('strips spaces, dashes, dots and parentheses', () => {
    expect(canonicalPhone('0912 123 4567')).toBe('+989121234567');
    expect(canonicalPhone('0912-123-4567')).toBe('+989121234567');
    expect(canonicalPhone('(0912) 123.45.67')).toBe('+989121234567');
    expect(canonicalPhone(' +98 912 123 4567 ')).toBe('+989121234567');
    expect(canonicalPhone('+1 (555) 123-4567')).toBe('+15551234567');
    expect(canonicalPhone('\u200E+98\u00A0912\u00A0123\u00A04567\u200F')).toBe('+989121234567');
  });

  it('converts Persian and Arabic-Indic digits', () => {
    expect(canonicalPhone('۰۹۱۲۱۲۳۴۵۶۷')).toBe('+989121234567');
    expect(canonicalPhone('٠٩١٢١٢٣٤٥٦٧')).toBe('+989121234567');
    expect(canonicalPhone('+۹۸ ۹۱۲ ۱۲۳ ۴۵۶۷')).toBe('+989121234567');
    expect(canonicalPhone('۰۲۱-۱۲۳۴۵۶۷۸')).toBe('+982112345678');
  });

  it.each<[string, string]>([
    ['anonymous', 'anonymous'],
    ['Anonymous', 'capitalised anonymous'],
    ['client:alice', 'Twilio client identity'],
    ['sip:1@x', 'SIP URI'],
    ['sip:+989121234567@sip.example.com', 'SIP URI with a number'],
    ['', 'empty'],
    ['   ', 'blank'],
    ['abc', 'letters'],
    ['0912abc4567', 'digits mixed with letters'],
    ['12', 'fewer than 3 digits'],
    ['+12', '+ and fewer than 3 digits'],
    ['+1234567890123456', 'more than 15 digits after +'],
    ['1234567890123456', 'more than 15 bare digits'],
    ['+', 'lone plus'],
    ['++989121234567', 'double plus'],
    ['98+9121234567', 'plus in the middle'],
    ['*#', 'keypad symbols'],
  ])('returns undefined for %p (%s)', (raw) => {
    expect(canonicalPhone(raw)).toBeUndefined();
  });

  it('returns undefined for non-string input', () => {
    expect(canonicalPhone(undefined as unknown as string)).toBeUndefined();
  });

  it('keeps short codes and other unplaceable digit strings as bare digits', () => {
    expect(canonicalPhone('123')).toBe('123');
    expect(canonicalPhone('12345')).toBe('12345');
  });

  it('uses the default country code parameter', () => {
    expect(canonicalPhone('07911123456', '44')).toBe('+447911123456');
    expect(canonicalPhone('5551234567', '1')).toBe('+15551234567');
    expect(canonicalPhone('15551234567', '1')).toBe('+15551234567');
    expect(canonicalPhone('+989121234567', '44')).toBe('+989121234567');
  });

  it('defaults the country code to 98', () => {
    expect(canonicalPhone('09121234567')).toBe(canonicalPhone('09121234567', '98'));
  });

  it('is idempotent on its own output', () => {
    for (const raw of ['09121234567', '+15551234567', '02112345678', '12345']) {
      const c = canonicalPhone(raw);
      expect(c).toBeDefined();
      expect(canonicalPhone(c as string)).toBe(c);
    }
  });
});

describe('parseMobile', () => {
  it.each<[string, string]>([
    ['09121234567', '+989121234567'],
    ['9121234567', '+989121234567'],
    ['989121234567', '+989121234567'],
    ['00989121234567', '+989121234567'],
    ['+989121234567', '+989121234567'],
    // no operator whitelist: any 9XXXXXXXXX is an Iranian mobile
    ['09901234567', '+989901234567'],
    ['09001234567', '+989001234567'],
    ['09981234567', '+989981234567'],
    // international numbers typed with 00
    ['0015551234567', '+15551234567'],
    ['00447911123456', '+447911123456'],
    ['0012345678', '+12345678'],
    ['00123456789012345', '+123456789012345'],
  ])('accepts %p as %p', (input, e164) => {
    expect(parseMobile(input)).toEqual({ ok: true, e164 });
  });

  it('accepts Persian and Arabic-Indic digits', () => {
    expect(parseMobile(toPersian('09121234567'))).toEqual({ ok: true, e164: '+989121234567' });
    expect(parseMobile(toArabic('09121234567'))).toEqual({ ok: true, e164: '+989121234567' });
    expect(parseMobile(toPersian('00989121234567'))).toEqual({ ok: true, e164: '+989121234567' });
  });

  it("ignores '*' and '#' typed on the keypad", () => {
    expect(parseMobile('09121234567#')).toEqual({ ok: true, e164: '+989121234567' });
    expect(parseMobile('*09121234567#')).toEqual({ ok: true, e164: '+989121234567' });
  });

  it('ignores whitespace and dashes', () => {
    expect(parseMobile(' 0912-123 4567 ')).toEqual({ ok: true, e164: '+989121234567' });
  });

  it.each<[string | undefined]>([[undefined], [''], ['   '], ['#'], ['*#']])('refuses %p as empty', (input) => {
    expect(parseMobile(input)).toEqual({ ok: false, reason: 'empty' });
  });

  it.each([['abc'], ['0912abc4567'], ['0912+1234567'], ['client:alice']])('refuses %p as not-digits', (input) => {
    expect(parseMobile(input)).toEqual({ ok: false, reason: 'not-digits' });
  });

  it.each([
    ['0912123456', 'too short 09 form'],
    ['091212345678', 'too long 09 form'],
    ['912123456', 'too short 9 form'],
    ['02112345678', 'Iranian landline'],
    ['2112345678', 'bare landline'],
    ['98912123456', 'too short 98 form'],
    ['982112345678', '98 landline'],
    ['00982112345678', '0098 landline'],
    ['+982112345678', '+98 landline'],
    ['0098912123456', 'too short 0098 form'],
    ['001234567', 'international with 7 digits after 00'],
    ['001234567890123456', 'international with 16 digits after 00'],
    ['000123456789', '00 followed by 0'],
    ['0', 'single zero'],
    ['123', 'short code'],
  ])('refuses %p as invalid (%s)', (input) => {
    expect(parseMobile(input)).toEqual({ ok: false, reason: 'invalid' });
  });
});

describe('maskPhone', () => {
  it('keeps only the last 4 digits behind ***', () => {
    expect(maskPhone('+989121234567')).toBe('***4567');
    expect(maskPhone('09121234567')).toBe('***4567');
    expect(maskPhone('+1 (555) 123-9876')).toBe('***9876');
    expect(maskPhone('۰۹۱۲۱۲۳۴۵۶۷')).toBe('***4567');
  });

  it('returns *** for undefined, empty, and non-phone or short strings', () => {
    expect(maskPhone(undefined)).toBe('***');
    expect(maskPhone('')).toBe('***');
    expect(maskPhone('abc')).toBe('***');
    expect(maskPhone('1234')).toBe('***');
    expect(maskPhone('anonymous')).toBe('***');
    expect(maskPhone('client:alice')).toBe('***');
  });

  it('never leaks more than 4 digits of the input', () => {
    const rnd = mulberry32(1234);
    const formats: Array<(d: string) => string> = [
      (d) => d,
      (d) => `+${d}`,
      (d) => `00${d}`,
      (d) => d.replace(/(\d{3})/g, '$1 '),
      (d) => d.replace(/(\d{2})/g, '$1-'),
      toPersian,
      toArabic,
      (d) => `sip:${d}@example.com`,
      (d) => `client:user${d}`,
    ];
    for (let i = 0; i < 3000; i++) {
      const len = 1 + Math.floor(rnd() * 18);
      let digits = '';
      for (let j = 0; j < len; j++) digits += String(Math.floor(rnd() * 10));
      const format = formats[i % formats.length] ?? ((d: string) => d);
      const input = format(digits);
      const inputDigits = toAsciiDigits(input).replace(/\D/g, '');
      const masked = maskPhone(input);
      const leaked = toAsciiDigits(masked).replace(/\D/g, '');
      expect(leaked.length).toBeLessThanOrEqual(4);
      expect(inputDigits.endsWith(leaked)).toBe(true);
      if (inputDigits.length < 5) expect(masked).toBe('***');
      else expect(masked).toBe(`***${inputDigits.slice(-4)}`);
    }
  });
});
