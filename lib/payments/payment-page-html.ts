/** HTML of the payment page and its outcomes: mobile-first, Persian RTL or English LTR, no scripts. */
import type { InvoiceType, Language } from '../config/module-schema';
import { formatMoney } from '../domain/money';
import { englishMoneyPhrase, persianMoneyPhrase } from '../domain/amount-words';
import type { PaymentLinkClaims } from '../domain/payment-token';

export type PageProblem = 'invalid' | 'expired' | 'used' | 'failed' | 'unavailable';

const escape = (s: string) => s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string);

const TEXT = {
  en: {
    title: 'Payment',
    for: 'Customer',
    amount: 'Amount',
    pays: 'For',
    balance: 'Your account balance',
    validUntil: 'Valid until',
    pay: 'Pay now',
    sandbox: 'SANDBOX / TEST — no real money is taken.',
    paidTitle: 'Payment received',
    paid: 'Thank you. Your payment has been recorded.',
    reference: 'Reference',
  },
  fa: {
    title: 'پرداخت',
    for: 'مشتری',
    amount: 'مبلغ',
    pays: 'بابت',
    balance: 'مانده حساب شما',
    validUntil: 'معتبر تا',
    pay: 'پرداخت',
    sandbox: 'محیط آزمایشی (سندباکس) — هیچ پولی برداشت نمی‌شود.',
    paidTitle: 'پرداخت انجام شد',
    paid: 'سپاسگزاریم. پرداخت شما ثبت شد.',
    reference: 'شماره پیگیری',
  },
} as const;

const ITEM_NAMES: Record<Language, Record<InvoiceType, string>> = {
  en: { invoice: 'Invoice', proforma: 'Proforma invoice', receipt: 'Receipt', payment: 'Payment', salesReturn: 'Sales return', onlinePayment: 'Online payment' },
  fa: { invoice: 'فاکتور', proforma: 'پیش‌فاکتور', receipt: 'رسید دریافت', payment: 'پرداخت', salesReturn: 'برگشت از فروش', onlinePayment: 'پرداخت آنلاین' },
};

const PROBLEMS: Record<PageProblem, Record<Language, string>> = {
  invalid: {
    fa: 'این لینک پرداخت معتبر نیست. لطفاً لینک را از پیامک دوباره باز کنید یا با ما تماس بگیرید.',
    en: 'This payment link is not valid. Please open the link from your text message again, or call us.',
  },
  expired: {
    fa: 'مهلت این لینک پرداخت به پایان رسیده است. برای دریافت لینک تازه با ما تماس بگیرید.',
    en: 'This payment link has expired. Please call us to get a new one.',
  },
  used: {
    fa: 'این لینک قبلاً پرداخت شده است و پرداخت دیگری لازم نیست.',
    en: 'This payment link has already been paid. There is nothing more to pay.',
  },
  failed: {
    fa: 'پرداخت انجام نشد و مبلغی برداشت نشد. لطفاً دوباره تلاش کنید.',
    en: 'The payment did not go through and no money was taken. Please try again.',
  },
  unavailable: {
    fa: 'پرداخت در حال حاضر ممکن نیست. لطفاً چند دقیقه دیگر دوباره تلاش کنید.',
    en: 'Payment is not available right now. Please try again in a few minutes.',
  },
};

const STYLE = `body{margin:0;font-family:Vazirmatn,Tahoma,system-ui,sans-serif;background:#f4f5f7;color:#1d2330;line-height:1.6}
main{max-width:28rem;margin:0 auto;padding:1.25rem}
.card{background:#fff;border-radius:.75rem;padding:1.25rem;box-shadow:0 1px 3px rgba(0,0,0,.08);margin-bottom:1rem}
h1{font-size:1.3rem;margin:0 0 .25rem}.biz{color:#5b6475;margin:0 0 1rem}
.amount{font-size:2rem;font-weight:700;margin:.25rem 0}.words{color:#5b6475;margin:0 0 1rem}
dl{margin:0}dt{color:#5b6475;font-size:.85rem}dd{margin:0 0 .75rem}
button{width:100%;font:inherit;font-size:1.15rem;padding:.9rem;border:0;border-radius:.6rem;background:#1f6feb;color:#fff}
.sandbox{background:#fff4d6;border:2px dashed #c98a00;color:#6b4a00;padding:.6rem;border-radius:.6rem;font-weight:700;text-align:center}
.problem{font-size:1.1rem}`;

function page(language: Language | 'both', title: string, body: string): string {
  const attrs = language === 'fa' ? 'lang="fa" dir="rtl"' : 'lang="en" dir="ltr"';
  return `<!doctype html><html ${attrs}><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><meta name="robots" content="noindex"><title>${escape(title)}</title><style>${STYLE}</style></head><body><main>${body}</main></body></html>`;
}

/** The amount in words, exactly as the caller heard it (money.ts decides rials or tomans, dollars and cents). */
function words(claims: PaymentLinkClaims): string {
  if (claims.language === 'fa' && claims.currency.code === 'IRR') return persianMoneyPhrase(claims.amount, claims.currency);
  const phrase = englishMoneyPhrase(claims.amount, claims.currency);
  return phrase.charAt(0).toUpperCase() + phrase.slice(1);
}

function validUntil(claims: PaymentLinkClaims): string {
  const locale = claims.language === 'fa' ? 'fa-IR' : 'en-GB';
  // Persian callers read Tehran time; English text says UTC explicitly.
  const zone = claims.language === 'fa' ? 'Asia/Tehran' : 'UTC';
  const when = new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short', timeZone: zone }).format(new Date(claims.expiresAt * 1000));
  return claims.language === 'fa' ? `${when} (به وقت تهران)` : `${when} UTC`;
}

function summary(claims: PaymentLinkClaims, businessName: string): string {
  const t = TEXT[claims.language];
  const pays = claims.items.length ? claims.items.map((n) => `${ITEM_NAMES[claims.language][claims.invoiceType]} ${n}`).join('، ') : t.balance;
  return `<h1>${t.title}</h1><p class="biz">${escape(businessName)}</p>
<p class="amount">${escape(formatMoney(claims.amount, claims.currency, claims.language))}</p>
<p class="words">${escape(words(claims))}</p>
<dl>${claims.customerName ? `<dt>${t.for}</dt><dd>${escape(claims.customerName)}</dd>` : ''}<dt>${t.pays}</dt><dd>${escape(pays)}</dd>`;
}

export function paymentPageHtml(claims: PaymentLinkClaims, options: { businessName: string; sandbox: boolean; action: string }): string {
  const t = TEXT[claims.language];
  const body = `${options.sandbox ? `<p class="sandbox">${t.sandbox}</p>` : ''}<section class="card">${summary(claims, options.businessName)}<dt>${t.validUntil}</dt><dd>${escape(validUntil(claims))}</dd></dl></section>
<form method="post" action="${escape(options.action)}"><button type="submit">${t.pay}</button></form>`;
  return page(claims.language, `${t.title} — ${options.businessName}`, body);
}

export function receiptHtml(claims: PaymentLinkClaims, options: { businessName: string; sandbox: boolean; reference: string }): string {
  const t = TEXT[claims.language];
  const body = `${options.sandbox ? `<p class="sandbox">${t.sandbox}</p>` : ''}<section class="card"><h1>${t.paidTitle}</h1><p>${t.paid}</p></section>
<section class="card">${summary(claims, options.businessName)}<dt>${t.reference}</dt><dd dir="ltr">${escape(options.reference)}</dd></dl></section>`;
  return page(claims.language, `${t.paidTitle} — ${options.businessName}`, body);
}

/** Problems are told in both languages: a broken link may not say which language it was for. */
export function problemHtml(problem: PageProblem, businessName: string, options: { readonly sandbox?: boolean } = {}): string {
  // With the sandbox provider every page says so, not only the ones that show a payment.
  const sandbox = options.sandbox ? `<p class="sandbox" lang="fa" dir="rtl">${TEXT.fa.sandbox}</p><p class="sandbox" lang="en" dir="ltr">${TEXT.en.sandbox}</p>` : '';
  const body = `${sandbox}<section class="card" lang="fa" dir="rtl"><p class="biz">${escape(businessName)}</p><p class="problem">${PROBLEMS[problem].fa}</p></section>
<section class="card" lang="en" dir="ltr"><p class="problem">${PROBLEMS[problem].en}</p></section>`;
  return page('fa', `${TEXT.fa.title} / ${TEXT.en.title} — ${businessName}`, body);
}
