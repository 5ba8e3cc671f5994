/**
 * GET /pay/{token} shows what a link pays; POST /pay/{token} pays it through the
 * PaymentProvider port and settles the ledger.
 *
 * Settlement order, so no replay, double click or race records two payments:
 *   1. the link goes open → used with a conditional write (only one attempt can win);
 *   2. the provider charges (on failure the link is reopened for that attempt only);
 *   3. the ledger gets one onlinePayment item keyed by the link id, paid items are marked;
 *   4. the link is marked settled. A used link that is not settled (crash between 1 and 4)
 *      is settled again by the next POST — step 3 cannot add a second item.
 */
import { randomUUID } from 'node:crypto';
import type { LedgerAdmin } from '../ledger/ledger-admin';
import type { AppLogger } from '../observability/logger';
import type { PaymentProvider } from './payment-provider';
import type { PaymentLinkRecord, PaymentStore } from './payment-store';
import { paymentPageHtml, problemHtml, receiptHtml, type PageProblem } from './payment-page-html';
import { checkLinkToken, parseLinkToken } from '../domain/payment-token';

export interface PaymentPageDeps {
  readonly store: PaymentStore;
  readonly ledger: Pick<LedgerAdmin, 'recordOnlinePayment'>;
  readonly provider: PaymentProvider;
  /** Undefined when payment links are not configured: every page says payment is unavailable. */
  readonly secret: string | undefined;
  readonly businessName: string;
  readonly publicBaseUrl: string;
  readonly logger: AppLogger;
  readonly clock?: () => Date;
}

export interface PageResult {
  readonly statusCode: number;
  readonly html: string;
}

const PROBLEM_STATUS: Record<PageProblem, number> = { invalid: 404, expired: 410, used: 409, failed: 402, unavailable: 503 };

const problem = (deps: PaymentPageDeps, which: PageProblem): PageResult => ({ statusCode: PROBLEM_STATUS[which], html: problemHtml(which, deps.businessName, { sandbox: deps.provider.sandbox }) });

type Loaded = { readonly ok: true; readonly link: PaymentLinkRecord } | { readonly ok: false; readonly result: PageResult };

async function load(deps: PaymentPageDeps, token: string, now: Date): Promise<Loaded> {
  if (!deps.secret) return { ok: false, result: problem(deps, 'unavailable') };
  const parsed = parseLinkToken(token);
  if (!parsed) return { ok: false, result: problem(deps, 'invalid') };
  const link = await deps.store.getLink(parsed.id);
  if (!link) return { ok: false, result: problem(deps, 'invalid') };
  const check = checkLinkToken(deps.secret, token, link.claims, now);
  if (!check.ok) {
    deps.logger.warn('payment link refused', { reason: check.reason, linkId: parsed.id });
    // A tampered token is told only that it is not valid; an expired one why.
    return { ok: false, result: problem(deps, check.reason === 'expired' && link.status === 'open' ? 'expired' : check.reason === 'expired' ? 'used' : 'invalid') };
  }
  return { ok: true, link };
}

export async function showPaymentPage(deps: PaymentPageDeps, token: string): Promise<PageResult> {
  const loaded = await load(deps, token, now(deps));
  if (!loaded.ok) return loaded.result;
  const { link } = loaded;
  if (link.status === 'used') {
    return link.settledAt && link.reference
      ? { statusCode: 200, html: receiptHtml(link.claims, { businessName: deps.businessName, sandbox: deps.provider.sandbox, reference: link.reference }) }
      : problem(deps, 'used');
  }
  return { statusCode: 200, html: paymentPageHtml(link.claims, { businessName: deps.businessName, sandbox: deps.provider.sandbox, action: `${deps.publicBaseUrl}/pay/${token}` }) };
}

export async function payPaymentLink(deps: PaymentPageDeps, token: string): Promise<PageResult> {
  const at = now(deps);
  const loaded = await load(deps, token, at);
  if (!loaded.ok) return loaded.result;
  const { claims } = loaded.link;
  if (loaded.link.status === 'used') {
    if (loaded.link.settledAt || !loaded.link.reference) return problem(deps, 'used');
    // Paid before but not yet in the ledger: finish that settlement, never charge again.
    await settle(deps, loaded.link, loaded.link.reference, at);
    return problem(deps, 'used');
  }
  const attempt = `ATT-${randomUUID()}`;
  if (!(await deps.store.markUsed(claims.id, attempt, at.toISOString()))) return problem(deps, 'used');
  const charged = await deps.provider
    .charge({ linkId: claims.id, amount: claims.amount, currency: claims.currency.code, customerId: claims.customerId, description: claims.items.length ? claims.items.join(', ') : 'account balance' })
    .catch((error: unknown) => ({ status: 'failed' as const, reason: (error as Error).name || 'error' }));
  if (charged.status !== 'paid') {
    deps.logger.warn('payment not taken; link reopened', { linkId: claims.id, provider: deps.provider.name, status: charged.status, reason: charged.reason });
    await deps.store.reopen(claims.id, attempt);
    return problem(deps, 'failed');
  }
  await settle(deps, loaded.link, charged.reference, at);
  deps.logger.info('payment link paid', { linkId: claims.id, provider: deps.provider.name, amount: claims.amount });
  return { statusCode: 200, html: receiptHtml(claims, { businessName: deps.businessName, sandbox: deps.provider.sandbox, reference: charged.reference }) };
}

async function settle(deps: PaymentPageDeps, link: PaymentLinkRecord, reference: string, at: Date): Promise<void> {
  await deps.ledger.recordOnlinePayment(link.claims, reference, at.toISOString());
  await deps.store.markSettled(link.claims.id, at.toISOString(), reference);
}

function now(deps: PaymentPageDeps): Date {
  return (deps.clock ?? (() => new Date()))();
}

export function unavailablePage(businessName: string, options: { readonly sandbox?: boolean } = {}): PageResult {
  return { statusCode: PROBLEM_STATUS.unavailable, html: problemHtml('unavailable', businessName, options) };
}
