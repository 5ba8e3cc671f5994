/** HTML of the payment page and its outcomes: mobile-first, Persian RTL or English LTR, no scripts. */
import type { InvoiceType, Language } from '../config/module-schema';
import { formatMoney } from '../domain/money';
import { englishMoneyPhrase, persianMoneyPhrase } from '../domain/amount-words';
import type { PaymentLinkClaims } from '../domain/payment-token';
import { INVOICE_TYPE_NAMES_EN } from '../domain/billable-item';

export type PageProblem =
  | 'invalid'
  | 'expired'
  | 'used'
  /** A newer link for the same debt was sent: only that one can be paid. */
  | 'replaced'
  /** Nothing is owed any more (paid with another link, at the counter, or the invoice is paid). */
  | 'settled'
  | 'failed'
  /** The provider would not start a payment (a configuration problem); nothing was taken. */
  | 'refused'
  /** The provider took money for a debt already settled: it is recorded for a refund or credit. */
  | 'refund'
  /** Zarinpal: the debt was settled meanwhile, so this payment was not confirmed; the bank returns the money. */
  | 'not-verified'
  | 'unavailable';

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
    reduced: 'Less is owed now than when this link was sent ({0}): only what is still owed is taken.',
    pendingTitle: 'Confirming your payment',
    pending: 'We are waiting for the payment provider to confirm your payment. This page updates by itself; there is no need to pay again.',
    tryAgain: 'Try again',
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
    reduced: 'بدهی شما اکنون کمتر از زمان فرستادن این لینک ({0}) است: تنها آنچه هنوز بدهکار هستید دریافت می‌شود.',
    pendingTitle: 'در انتظار تأیید پرداخت',
    pending: 'منتظر تأیید پرداخت از سوی درگاه هستیم. این صفحه خودبه‌خود به‌روز می‌شود؛ نیازی به پرداخت دوباره نیست.',
    tryAgain: 'تلاش دوباره',
  },
} as const;

const ITEM_NAMES: Record<Language, Readonly<Record<InvoiceType, string>>> = {
  en: INVOICE_TYPE_NAMES_EN,
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
  replaced: {
    fa: 'این لینک پرداخت با لینک تازه‌تری جایگزین شده است. لطفاً از آخرین لینکی که برایتان پیامک شده پرداخت کنید.',
    en: 'This payment link was replaced by a newer one. Please pay with the latest link we sent you by text message.',
  },
  settled: {
    fa: 'این بدهی پیش‌تر پرداخت شده است و پرداخت دیگری لازم نیست.',
    en: 'This debt has already been settled. There is nothing more to pay.',
  },
  refused: {
    fa: 'درگاه پرداخت این پرداخت را نپذیرفت و مبلغی برداشت نشد. لطفاً با ما تماس بگیرید.',
    en: 'The payment provider did not accept this payment and no money was taken. Please call us.',
  },
  refund: {
    fa: 'پرداخت شما دریافت شد، اما این بدهی پیش از آن تسویه شده بود. مبلغ برای بازپرداخت یا ثبت به‌عنوان اعتبار نزد ما ثبت شده است و با شما تماس می‌گیریم.',
    en: 'Your payment was received, but this debt had already been settled. It is recorded for a refund or a credit, and we will contact you.',
  },
  'not-verified': {
    fa: 'این بدهی پیش‌تر پرداخت شده است، پس این پرداخت تأیید نشد. اگر مبلغی از کارت شما کسر شده باشد، بانک آن را حداکثر تا ۷۲ ساعت بازمی‌گرداند.',
    en: 'This debt had already been settled, so this payment was not confirmed. If money was taken from your card, your bank returns it within 72 hours.',
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
.problem{font-size:1.1rem}.note{background:#eef4ff;border-radius:.5rem;padding:.6rem;margin:0}`;

function page(language: Language | 'both', title: string, body: string, refreshSeconds?: number): string {
  const attrs = language === 'fa' ? 'lang="fa" dir="rtl"' : 'lang="en" dir="ltr"';
  const refresh = refreshSeconds ? `<meta http-equiv="refresh" content="${refreshSeconds}">` : '';
  return `<!doctype html><html ${attrs}><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><meta name="robots" content="noindex">${refresh}<title>${escape(title)}</title><style>${STYLE}</style></head><body><main>${body}</main></body></html>`;
}

/** The amount in words, exactly as the caller heard it (money.ts decides rials or tomans, dollars and cents). */
function words(claims: PaymentLinkClaims, amount: number): string {
  if (claims.language === 'fa' && claims.currency.code === 'IRR') return persianMoneyPhrase(amount, claims.currency);
  const phrase = englishMoneyPhrase(amount, claims.currency);
  return phrase.charAt(0).toUpperCase() + phrase.slice(1);
}

function validUntil(claims: PaymentLinkClaims): string {
  const locale = claims.language === 'fa' ? 'fa-IR' : 'en-GB';
  // Persian callers read Tehran time; English text says UTC explicitly.
  const zone = claims.language === 'fa' ? 'Asia/Tehran' : 'UTC';
  const when = new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short', timeZone: zone }).format(new Date(claims.expiresAt * 1000));
  return claims.language === 'fa' ? `${when} (به وقت تهران)` : `${when} UTC`;
}

/** `amount`: what is paid now (the link's amount, or less when less is still owed). */
function summary(claims: PaymentLinkClaims, businessName: string, amount: number): string {
  const t = TEXT[claims.language];
  const pays = claims.items.length ? claims.items.map((n) => `${ITEM_NAMES[claims.language][claims.invoiceType]} ${n}`).join('، ') : t.balance;
  return `<h1>${t.title}</h1><p class="biz">${escape(businessName)}</p>
<p class="amount">${escape(formatMoney(amount, claims.currency, claims.language))}</p>
<p class="words">${escape(words(claims, amount))}</p>
<dl>${claims.customerName ? `<dt>${t.for}</dt><dd>${escape(claims.customerName)}</dd>` : ''}<dt>${t.pays}</dt><dd>${escape(pays)}</dd>`;
}

export interface PayPageOptions {
  readonly businessName: string;
  readonly sandbox: boolean;
  readonly action: string;
  /** What is owed now and will be taken (default: the link's amount); less when part was paid meanwhile. */
  readonly amount?: number;
}

export function paymentPageHtml(claims: PaymentLinkClaims, options: PayPageOptions): string {
  const t = TEXT[claims.language];
  const amount = options.amount ?? claims.amount;
  const reduced =
    amount < claims.amount ? `<p class="note">${escape(t.reduced.replace('{0}', formatMoney(claims.amount, claims.currency, claims.language)))}</p>` : '';
  const body = `${options.sandbox ? `<p class="sandbox">${t.sandbox}</p>` : ''}<section class="card">${summary(claims, options.businessName, amount)}<dt>${t.validUntil}</dt><dd>${escape(validUntil(claims))}</dd></dl>${reduced}</section>
<form method="post" action="${escape(options.action)}"><button type="submit">${t.pay}</button></form>`;
  return page(claims.language, `${t.title} — ${options.businessName}`, body);
}

/** `amount`: what was taken (default: the link's amount). */
export function receiptHtml(claims: PaymentLinkClaims, options: { businessName: string; sandbox: boolean; reference: string; amount?: number }): string {
  const t = TEXT[claims.language];
  const body = `${options.sandbox ? `<p class="sandbox">${t.sandbox}</p>` : ''}<section class="card"><h1>${t.paidTitle}</h1><p>${t.paid}</p></section>
<section class="card">${summary(claims, options.businessName, options.amount ?? claims.amount)}<dt>${t.reference}</dt><dd dir="ltr">${escape(options.reference)}</dd></dl></section>`;
  return page(claims.language, `${t.paidTitle} — ${options.businessName}`, body);
}

/** Back from the provider's page before its confirmation arrived: the page waits, it never settles. */
export function pendingHtml(claims: PaymentLinkClaims, options: { businessName: string }): string {
  const t = TEXT[claims.language];
  const body = `<section class="card"><p class="biz">${escape(options.businessName)}</p><h1>${t.pendingTitle}</h1><p class="problem">${t.pending}</p></section>`;
  return page(claims.language, `${t.pendingTitle} — ${options.businessName}`, body, 5);
}

/**
 * Problems are told in both languages: a broken link may not say which language it was for.
 * `retry`: the link's page, to pay again; `sandbox`: the stage takes no money, and says so here too.
 */
export function problemHtml(problem: PageProblem, businessName: string, options: { readonly retry?: string; readonly sandbox?: boolean } = {}): string {
  const retry = (lang: Language) => (options.retry ? `<p><a href="${escape(options.retry)}">${TEXT[lang].tryAgain}</a></p>` : '');
  const sandbox = options.sandbox
    ? `<p class="sandbox" lang="fa" dir="rtl">${TEXT.fa.sandbox}</p><p class="sandbox" lang="en" dir="ltr">${TEXT.en.sandbox}</p>`
    : '';
  const body = `${sandbox}<section class="card" lang="fa" dir="rtl"><p class="biz">${escape(businessName)}</p><p class="problem">${PROBLEMS[problem].fa}</p>${retry('fa')}</section>
<section class="card" lang="en" dir="ltr"><p class="problem">${PROBLEMS[problem].en}</p>${retry('en')}</section>`;
  return page('fa', `${TEXT.fa.title} / ${TEXT.en.title} — ${businessName}`, body);
}
