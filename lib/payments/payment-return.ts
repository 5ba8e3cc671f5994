/**
 * GET /pay/zarinpal/callback?Authority=…&Status=OK|NOK: the customer's browser comes back
 * from a provider whose payments the product confirms itself (PaymentVerification: Zarinpal's
 * verify). The query string is never trusted: the checkout is looked up by its authority and
 * verified for the amount in our own records; Status only decides nothing.
 *
 * Under the customer's settlement lease, the debt is read again *before* verifying: a debt
 * settled meanwhile (another tab, another link, the counter) is not confirmed, so Zarinpal
 * returns the money to the payer by itself — recorded as failed (`not-verified:<why>`),
 * and the customer is told so. Otherwise verify: 100 settles, 101 ("already verified") is
 * the same payment and settles nothing twice (the record id is the authority), -51 and -50
 * are recorded as failed, and a timeout or a 5xx asks the customer to reload (503; nothing
 * recorded, so the reload verifies again). Every answer is a page in Persian and English.
 */
import { signLinkToken } from '../domain/payment-token';
import { checkoutRecordId, type PaymentRecord } from './payment-records';
import type { PaymentVerification } from './payment-provider';
import type { Checkout, PaymentLinkRecord } from './payment-store';
import { problem, type PageResult, type PaymentPageDeps } from './payment-page';
import { receiptHtml } from './payment-page-html';
import { paymentFromCheckout, recordFailure, refusalReason, settleUnderLease, SettlementBusyError, underCustomerLease } from './payment-settlement';

export interface PaymentReturnDeps extends PaymentPageDeps {
  readonly verification: PaymentVerification;
}

const AUTHORITY = /^[A-Za-z0-9]{8,64}$/;

export async function handlePaymentReturn(
  deps: PaymentReturnDeps,
  provider: Checkout['provider'],
  query: Readonly<Record<string, string | undefined>>,
): Promise<PageResult> {
  const authority = query.Authority ?? '';
  if (!AUTHORITY.test(authority)) return problem(deps, 'invalid');
  const checkout = await deps.store.getCheckout(provider, authority);
  if (!checkout) {
    deps.logger.warn('payment return for an unknown checkout', { provider, checkoutId: authority.slice(0, 64) });
    return problem(deps, 'invalid');
  }
  const id = checkoutRecordId(provider, authority);
  const earlier = await deps.records.get(id);
  if (earlier) return pageFor(deps, earlier, await deps.store.getLink(checkout.linkId));
  try {
    return await underCustomerLease(deps, checkout.customerId, () => verifyAndSettle(deps, checkout, id, query.Status));
  } catch (error) {
    if (!(error instanceof SettlementBusyError)) throw error;
    return problem(deps, 'unavailable');
  }
}

async function verifyAndSettle(deps: PaymentReturnDeps, checkout: Checkout, id: string, status: string | undefined): Promise<PageResult> {
  const link = await deps.store.getLink(checkout.linkId);
  const decided = await deps.records.get(id);
  if (decided) return pageFor(deps, decided, link);
  const payment = paymentFromCheckout(checkout);
  // Not confirmed, so the provider gives the money back: a settled debt is never paid twice.
  const refusal = await refusalReason(deps, payment, link);
  if (refusal !== undefined) {
    const record = await recordFailure(deps, { ...payment, reference: checkout.checkoutId, reason: `not-verified:${refusal}` }, link);
    deps.logger.warn('payment not verified: the debt cannot take it; the provider returns the money', { paymentId: id, reason: refusal, status });
    return pageFor(deps, record, link);
  }
  const verified = await deps.verification.verify(checkout);
  if (verified.status === 'unavailable') {
    deps.logger.warn('payment verification unavailable; the customer is asked to reload', { paymentId: id, reason: verified.reason });
    return problem(deps, 'unavailable');
  }
  if (verified.status === 'not-paid') {
    if (verified.reason === 'amount-mismatch' || !verified.final)
      deps.logger.error('payment verification refused', { paymentId: id, reason: verified.reason, status });
    if (!verified.final) return problem(deps, 'failed', retry(deps, link));
    return pageFor(deps, await recordFailure(deps, { ...payment, reference: checkout.checkoutId, reason: verified.reason }, link), link);
  }
  const settled = await settleUnderLease(deps, {
    ...payment,
    reference: verified.reference,
    ...(verified.maskedCard ? { maskedCard: verified.maskedCard } : {}),
  });
  if (verified.alreadyVerified) deps.logger.info('payment verified before (101); settled once', { paymentId: id });
  return pageFor(deps, settled.record, settled.link ?? link);
}

function pageFor(deps: PaymentReturnDeps, record: PaymentRecord, link: PaymentLinkRecord | undefined): PageResult {
  if (record.status === 'refund-needed') return problem(deps, 'refund');
  if (record.status === 'failed')
    return record.refundReason?.startsWith('not-verified:') ? problem(deps, 'not-verified') : problem(deps, 'failed', retry(deps, link));
  if (!link) return problem(deps, 'used');
  return {
    statusCode: 200,
    html: receiptHtml(link.claims, { businessName: deps.businessName, sandbox: false, reference: record.reference, amount: record.amount }),
  };
}

/** The link's page again, to pay once more after a payment that did not go through (while it is open). */
function retry(deps: PaymentReturnDeps, link: PaymentLinkRecord | undefined): { retry?: string } {
  if (!deps.secret || !link || link.status !== 'open') return {};
  return { retry: `${deps.publicBaseUrl}/pay/${signLinkToken(deps.secret, link.claims)}` };
}
