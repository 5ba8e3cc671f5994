/**
 * Money amounts as CRMs write them, read the same on every server whatever its culture:
 * `1234.5`, `1,234.5`, `-1250000.0000`, Persian or Arabic-Indic digits with the Arabic
 * separators (٬ thousands, ٫ decimal). Anything else is refused (undefined), never read
 * as 0 — the anchor implementation's silent zero is how a caller hears a wrong balance.
 */
import { toAsciiDigits } from './phone';

const GROUPED = /^\d{1,3}(,\d{3})+(\.\d+)?$/;
const PLAIN = /^\d+(\.\d+)?$/;

export function parseAmount(raw: unknown): number | undefined {
  if (typeof raw === 'number') return Number.isFinite(raw) ? raw : undefined;
  if (typeof raw !== 'string') return undefined;
  let s = toAsciiDigits(raw.trim())
    .replace(/\u066C/g, ',')
    .replace(/\u066B/g, '.')
    .replace(/[\u200E\u200F\u202A-\u202E\u00A0\s]/g, '');
  let sign = 1;
  if (/^[-\u2212]/.test(s)) {
    sign = -1;
    s = s.slice(1);
  } else if (s.startsWith('+')) s = s.slice(1);
  if (!PLAIN.test(s) && !GROUPED.test(s)) return undefined;
  const value = Number(s.replace(/,/g, ''));
  return Number.isFinite(value) ? sign * value : undefined;
}
