/**
 * GET /pay/{token} shows what a link pays; POST /pay/{token} pays it through the link's
 * payment provider. A link pays only what is still owed:
 *
 *   - a customer's newer link for the same purpose replaces the older ones ("replaced", 410);
 *   - the debt is read again before the page is shown and before the customer is sent to a
 *     provider: a settled debt gets a clear page (409), a smaller one is paid as it is now;
 *   - the sandbox settles at once, under the customer's settlement lease, after reading the
 *     debt once more (payment-settlement.ts); Stripe and Zarinpal redirect, and only their own
 *     confirmation settles (payment-webhook.ts, payment-return.ts) — coming back to this page
 *     from the provider shows "confirming" until it has arrived, and never settles anything.
 */
import type { PaymentLinkClaims } from '../domain/payment-token';
import { checkLinkToken, linkPurpose, parseLinkToken } from '../domain/payment-token';
import type { CheckoutRequest, PaymentProvider } from './payment-provider';
import { checkoutRecordId } from './payment-records';
import type { PaymentLinkRecord } from './payment-store';
import { paymentPageHtml, pendingHtml, problemHtml, receiptHtml, type PageProblem } from './payment-page-html';
import { settleUnderLease, underCustomerLease, type SettlementDeps } from './payment-settlement';

export interface PaymentPageDeps extends SettlementDeps {
  /** The link's provider for this amount (its module's own, else the stage's; see chooseProvider); undefined: payment unavailable. */
  readonly providerFor: (link: PaymentLinkRecord, amount: number) => PaymentProvider | undefined;
  /** Undefined when payment links are not configured: every page says payment is unavailable. */
  readonly secret: string | undefined;
  readonly businessName: string;
  readonly publicBaseUrl: string;
  /** The stage runs the sandbox (it takes no money): every page says so, problem pages too. */
  readonly sandbox?: boolean;
}

export interface PageResult {
  readonly statusCode: number;
  readonly html: string;
  /** A redirect (303) to the provider's page. */
  readonly location?: string;
  /** Origins the page's form may send the customer to (Content-Security-Policy form-action). */
  readonly formTargets?: readonly string[];
}

export const PROBLEM_STATUS: Record<PageProblem, number> = {
  invalid: 404,
  expired: 410,
  used: 409,
  replaced: 410,
  settled: 409,
  failed: 402,
  refused: 502,
  refund: 200,
  'not-verified': 409,
  unavailable: 503,
};

export const problem = (deps: Pick<PaymentPageDeps, 'businessName' | 'sandbox'>, which: PageProblem, options: { retry?: string } = {}): PageResult => ({
  statusCode: PROBLEM_STATUS[which],
  html: problemHtml(which, deps.businessName, { ...options, sandbox: deps.sandbox === true }),
});

type Loaded = { readonly ok: true; readonly link: PaymentLinkRecord } | { readonly ok: false; readonly result: PageResult };

/** `returned`: back from a provider's page, which may have taken a payment even if a newer link replaced this one since. */
async function load(deps: PaymentPageDeps, token: string, now: Date, returned = false): Promise<Loaded> {
  if (!deps.secret) return { ok: false, result: problem(deps, 'unavailable') };
  const parsed = parseLinkToken(token);
  if (!parsed) return { ok: false, result: problem(deps, 'invalid') };
  const link = await deps.store.getLink(parsed.id);
  if (!link) return { ok: false, result: problem(deps, 'invalid') };
  const check = checkLinkToken(deps.secret, token, link.claims, now);
  if (!check.ok) {
    deps.logger.warn('payment link refused', { reason: check.reason, linkId: parsed.id });
    // A tampered token is told only that it is not valid; an expired one why.
    return {
      ok: false,
      result: problem(deps, check.reason === 'expired' && link.status === 'open' ? 'expired' : check.reason === 'expired' ? 'used' : 'invalid'),
    };
  }
  if (link.status === 'open' && !(returned && link.checkout) && (await isReplaced(deps, link))) return { ok: false, result: problem(deps, 'replaced') };
  return { ok: true, link };
}

async function isReplaced(deps: PaymentPageDeps, link: PaymentLinkRecord): Promise<boolean> {
  const current = await deps.store.currentLink(link.claims.customerId, linkPurpose(link.claims));
  // Links issued before replacement existed have no current entry: they stand.
  return current !== undefined && current !== link.claims.id;
}

const sandboxPaymentId = (linkId: string) => `sandbox:${linkId}`;
/** A sandbox payment claimed longer ago than a settlement's lease and not settled was interrupted, not in progress. */
const SANDBOX_CRASH_AFTER_MS = 30_000;

/** The page of a used link: its receipt once settled, else "paid" (a sandbox settlement is finished by the next POST). */
async function usedLinkPage(deps: PaymentPageDeps, link: PaymentLinkRecord): Promise<PageResult> {
  if (!link.settledAt || !link.reference) return problem(deps, 'used');
  const record = link.paidBy ? await deps.records.get(link.paidBy) : undefined;
  return {
    statusCode: 200,
    html: receiptHtml(link.claims, {
      businessName: deps.businessName,
      sandbox: record?.provider === 'sandbox',
      reference: link.reference,
      amount: record?.amount ?? link.claims.amount,
    }),
  };
}

export async function showPaymentPage(deps: PaymentPageDeps, token: string, options: { returned?: boolean } = {}): Promise<PageResult> {
  const loaded = await load(deps, token, now(deps), options.returned);
  if (!loaded.ok) return loaded.result;
  const { link } = loaded;
  if (link.status === 'used') return usedLinkPage(deps, link);
  if (options.returned && link.checkout) {
    // Back from the provider's page: what its confirmation decided, or "confirming" until it arrives.
    const record = await deps.records.get(checkoutRecordId(link.checkout.provider, link.checkout.checkoutId));
    if (record?.status === 'refund-needed') return problem(deps, 'refund');
    if (!record) return { statusCode: 200, html: pendingHtml(link.claims, { businessName: deps.businessName }) };
    if (await isReplaced(deps, link)) return problem(deps, 'replaced');
  }
  const debt = await deps.debts.debtFor(link.claims);
  if (debt.status === 'settled') return problem(deps, 'settled');
  const provider = deps.providerFor(link, debt.amount);
  if (!provider) return problem(deps, 'unavailable');
  return {
    statusCode: 200,
    html: paymentPageHtml(link.claims, { businessName: deps.businessName, sandbox: provider.sandbox, action: linkUrl(deps, token), amount: debt.amount }),
    formTargets: provider.checkoutOrigins,
  };
}

export async function payPaymentLink(deps: PaymentPageDeps, token: string): Promise<PageResult> {
  const at = now(deps);
  const loaded = await load(deps, token, at);
  if (!loaded.ok) return loaded.result;
  const { link } = loaded;
  const { claims } = link;
  if (link.status === 'used') {
    const claimedAgo = link.paidAt ? at.getTime() - Date.parse(link.paidAt) : 0;
    if (!link.settledAt && link.paidBy === sandboxPaymentId(claims.id) && claimedAgo > SANDBOX_CRASH_AFTER_MS) {
      // A sandbox payment interrupted long ago (a crash): finish it if it was decided, never charge again;
      // else the sandbox took nothing, so the link is open again.
      const record = await deps.records.get(link.paidBy);
      if (record) {
        await underCustomerLease(deps, claims.customerId, () => settleUnderLease(deps, sandboxPayment(link, record.amount, record.reference)));
        return problem(deps, 'used');
      }
      await deps.store.reopen(claims.id, link.paidBy);
      return problem(deps, 'failed');
    }
    return problem(deps, 'used');
  }
  const debt = await deps.debts.debtFor(claims);
  if (debt.status === 'settled') return problem(deps, 'settled');
  const provider = deps.providerFor(link, debt.amount);
  if (!provider) {
    deps.logger.error('no payment provider takes this link', { linkId: claims.id, currency: claims.currency.code, moduleCode: link.moduleCode });
    return problem(deps, 'unavailable');
  }
  if (provider.name === 'sandbox') return paySandbox(deps, provider, link, token, at);
  // A second tab, a double click or a back button: the same checkout while it can still be paid.
  const reusable = link.checkout;
  if (reusable && reusable.provider === provider.name && reusable.amount === debt.amount && reusable.payableUntil > Math.floor(at.getTime() / 1000)) {
    // Unless it ended already (cancelled at the bank, failed): then a new one.
    if (!(await deps.records.get(checkoutRecordId(reusable.provider, reusable.checkoutId)))) return redirect(deps, reusable.url);
  }
  const started = await provider.start(checkoutRequest(deps, link, token, debt.amount, at));
  if (started.status === 'failed') {
    deps.logger.error('payment provider did not start a payment', {
      linkId: claims.id,
      provider: provider.name,
      reason: started.reason,
      transient: started.transient,
    });
    await deps.store.countStartFailure(claims.id);
    return problem(deps, started.transient ? 'unavailable' : 'refused');
  }
  if (started.status === 'paid') throw new Error(`provider ${provider.name} settled without a redirect; only the sandbox does`);
  await deps.store.putCheckout({
    provider: provider.name as 'stripe' | 'zarinpal',
    checkoutId: started.checkoutId,
    linkId: claims.id,
    customerId: claims.customerId,
    amount: debt.amount,
    currency: claims.currency.code,
    ...(started.sent ? { sent: started.sent } : {}),
    url: started.url,
    createdAt: at.toISOString(),
    payableUntil: started.payableUntil,
  });
  deps.logger.info('customer sent to the payment provider', {
    linkId: claims.id,
    provider: provider.name,
    checkoutId: started.checkoutId,
    amount: debt.amount,
  });
  return redirect(deps, started.url);
}

/**
 * The sandbox takes the money itself: the link is claimed first (a double click or a
 * concurrent twin gets "paid"), then, under the customer's lease, the debt is read again and
 * only then taken and settled.
 */
async function paySandbox(deps: PaymentPageDeps, provider: PaymentProvider, link: PaymentLinkRecord, token: string, at: Date): Promise<PageResult> {
  const { claims } = link;
  const id = sandboxPaymentId(claims.id);
  if (!(await deps.store.claimLink(claims.id, id, at.toISOString()))) return problem(deps, 'used');
  return underCustomerLease(deps, claims.customerId, async () => {
    const debt = await deps.debts.debtFor(claims);
    if (debt.status === 'settled') {
      await deps.store.reopen(claims.id, id);
      return problem(deps, 'settled');
    }
    const started = await provider
      .start(checkoutRequest(deps, link, token, debt.amount, at))
      .catch((error: unknown) => ({ status: 'failed' as const, reason: (error as Error).name || 'error', transient: true }));
    if (started.status !== 'paid') {
      deps.logger.warn('payment not taken; link reopened', {
        linkId: claims.id,
        provider: provider.name,
        status: started.status,
        ...(started.status === 'failed' ? { reason: started.reason } : {}),
      });
      await deps.store.reopen(claims.id, id);
      return problem(deps, 'failed');
    }
    const settled = await settleUnderLease(deps, sandboxPayment({ ...link, status: 'used', paidBy: id }, debt.amount, started.reference));
    if (settled.record.status !== 'paid') return problem(deps, 'refund');
    deps.logger.info('payment link paid', { linkId: claims.id, provider: provider.name, amount: debt.amount });
    return {
      statusCode: 200,
      html: receiptHtml(claims, { businessName: deps.businessName, sandbox: true, reference: started.reference, amount: debt.amount }),
    };
  });
}

function sandboxPayment(link: PaymentLinkRecord, amount: number, reference: string) {
  const { claims } = link;
  return {
    id: sandboxPaymentId(claims.id),
    provider: 'sandbox' as const,
    linkId: claims.id,
    customerId: claims.customerId,
    amount,
    currency: claims.currency.code,
    expected: { amount, currency: claims.currency.code },
    reference,
  };
}

function checkoutRequest(deps: PaymentPageDeps, link: PaymentLinkRecord, token: string, amount: number, at: Date): CheckoutRequest {
  const { claims } = link;
  return {
    linkId: claims.id,
    amount,
    currency: claims.currency.code,
    customerId: claims.customerId,
    items: claims.items,
    description: describe(claims),
    language: claims.language,
    returnUrl: linkUrl(deps, token),
    now: at,
    attempt: link.startFailures ?? 0,
  };
}

/** What the customer sees at the provider (its page is not ours to translate). */
function describe(claims: PaymentLinkClaims): string {
  const what = claims.items.length ? `${claims.invoiceType === 'invoice' ? 'Invoice' : claims.invoiceType} ${claims.items.join(', ')}` : 'Account balance';
  return claims.customerName ? `${what} — ${claims.customerName}` : what;
}

function redirect(deps: PaymentPageDeps, url: string): PageResult {
  // A page as well as the Location: a browser that does not follow shows where to go.
  const escaped = url.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
  return {
    statusCode: 303,
    location: url,
    html: `<!doctype html><html><head><meta charset="utf-8"><title>${deps.businessName.replace(/[&<>"']/g, '')}</title></head><body><p><a href="${escaped}">${escaped}</a></p></body></html>`,
  };
}

function linkUrl(deps: Pick<PaymentPageDeps, 'publicBaseUrl'>, token: string): string {
  return `${deps.publicBaseUrl}/pay/${token}`;
}

function now(deps: Pick<PaymentPageDeps, 'clock'>): Date {
  return (deps.clock ?? (() => new Date()))();
}

/**
 * The provider for a link: its module's own (PAYMENT_PROVIDER_BY_MODULE), else the first of
 * the stage's providers (PAYMENT_PROVIDER) that takes its currency and amount. A module's own
 * provider that cannot take it is not replaced by another: the page says unavailable and the
 * log says why.
 */
export function chooseProvider(
  providers: readonly PaymentProvider[],
  byModule: Readonly<Record<string, PaymentProvider>>,
): (link: PaymentLinkRecord, amount: number) => PaymentProvider | undefined {
  return (link, amount) => {
    const own = link.moduleCode ? byModule[link.moduleCode] : undefined;
    const candidates = own ? [own] : providers;
    return candidates.find((p) => p.accepts(link.claims.currency.code, amount));
  };
}
