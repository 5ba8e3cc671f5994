/**
 * Money in the panel: the product's own money module (lib/domain/money.ts, pure, bundled by
 * esbuild), so the panel shows an amount exactly as the SMS and the payment page do and
 * never rounds on its own. Here only the currency picker's choices are added.
 */
import { formatMoney, moduleCurrency, readModuleCurrency, type CurrencyCode, type ModuleCurrency } from '../../lib/domain/money';
import type { Lang } from './i18n';

export { formatMoney, type CurrencyCode, type ModuleCurrency };

/**
 * A ledger amount (minor units of `code`) as the operator reads it; IRR in rials. A value
 * that is not a whole number of minor units (text or a fraction stored before amounts were
 * exact) is shown as stored, never rounded here.
 */
export function formatAmount(lang: Lang, minor: unknown, code: CurrencyCode | undefined): string {
  if (typeof minor !== 'number' || !Number.isSafeInteger(minor)) return minor === undefined || minor === null ? '' : String(minor);
  return formatMoney(minor, moduleCurrency(code ?? 'IRR'), lang);
}

/** One <select> value per choice: "IRR:rial", "IRR:toman", "USD", … */
export function currencyChoice(currency: unknown): string {
  const c = readModuleCurrency(currency) ?? moduleCurrency('IRR');
  return c.code === 'IRR' ? `IRR:${c.unit ?? 'rial'}` : c.code;
}

export function currencyFromChoice(choice: string): ModuleCurrency | CurrencyCode {
  const [code, unit] = choice.split(':');
  return code === 'IRR' ? { code: 'IRR', unit: unit === 'toman' ? 'toman' : 'rial' } : (code as CurrencyCode);
}

/** "US Dollar (USD)" in the panel's language, where the browser knows the name. */
export function currencyName(lang: Lang, code: string): string {
  try {
    const name = new Intl.DisplayNames([lang === 'fa' ? 'fa-IR' : 'en'], { type: 'currency' }).of(code);
    return name && name !== code ? `${name} (${code})` : code;
  } catch {
    return code;
  }
}
