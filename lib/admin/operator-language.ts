import { LANGUAGES, type Language } from '../config/module-schema';

/**
 * The operator's language: `?lang=` wins, then the best-weighted supported entry of
 * Accept-Language (`fa-IR,fa;q=0.9,en;q=0.8`), then the product default.
 */
export function operatorLanguage(queryLang: string | undefined, acceptLanguage: string | undefined, fallback: Language): Language {
  if (isLanguage(queryLang)) return queryLang;
  let best: { language: Language; q: number } | undefined;
  for (const part of (acceptLanguage ?? '').split(',')) {
    const [tag = '', ...params] = part.trim().split(';');
    const base = tag.trim().toLowerCase().split('-')[0];
    if (!isLanguage(base)) continue;
    const qParam = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
    const q = qParam ? Number(qParam.slice(2)) : 1;
    if (Number.isFinite(q) && q > 0 && (!best || q > best.q)) best = { language: base, q };
  }
  return best?.language ?? fallback;
}

function isLanguage(value: string | undefined): value is Language {
  return (LANGUAGES as readonly string[]).includes(value ?? '');
}
