/**
 * POST /pay/stripe/webhook: a provider tells the product server to server that a payment
 * was taken (PaymentNotifications: Stripe's signed `checkout.session.completed`). Settled
 * once per checkout, whatever duplicate, late or out-of-order deliveries (payment-settlement.ts).
 *
 * What the provider is answered, so it retries only when retrying can help:
 *   403  signature missing, wrong, or its timestamp outside the tolerance — nothing read;
 *   400  signed, but not an event this endpoint can read — nothing done;
 *   200  read and done: settled, recorded as refund or credit needed (a taken payment for a
 *        settled debt, the wrong amount, an unknown checkout), recorded as failed, a repeat
 *        of one already done, or an event this product does not act on;
 *   503  a genuine transient failure (the webhook secret or DynamoDB could not be read,
 *        another settlement of the same customer held on too long): the provider's retry
 *        is wanted, and the retry finds whatever was done already.
 */
import type { PaymentNotifications, ProviderPayment } from './payment-provider';
import { checkoutRecordId } from './payment-records';
import { paymentFromCheckout, recordFailure, settleUnderLease, underCustomerLease, type SettlementDeps, type TakenPayment } from './payment-settlement';

export interface WebhookDeps extends SettlementDeps {
  readonly notifications: PaymentNotifications;
}

export interface WebhookAnswer {
  readonly statusCode: number;
  readonly body: Readonly<Record<string, unknown>>;
}

export async function handlePaymentWebhook(deps: WebhookDeps, rawBody: string, signature: string | undefined): Promise<WebhookAnswer> {
  try {
    return await handle(deps, rawBody, signature);
  } catch (error) {
    deps.logger.error('payment webhook not processed; the provider will deliver it again', { error: error as Error });
    return { statusCode: 503, body: { error: 'temporarily-unavailable' } };
  }
}

async function handle(deps: WebhookDeps, rawBody: string, signature: string | undefined): Promise<WebhookAnswer> {
  const at = (deps.clock ?? (() => new Date()))();
  const note = await deps.notifications.read(rawBody, signature, at);
  if (note.kind === 'refused') {
    deps.logger.warn('payment webhook refused', { reason: note.reason });
    return { statusCode: note.reason === 'malformed-event' ? 400 : 403, body: { error: note.reason } };
  }
  if (note.kind === 'ignored') return { statusCode: 200, body: { received: true, ignored: note.reason } };
  if (note.kind === 'failed') {
    const checkout = await deps.store.getCheckout(note.provider, note.checkoutId);
    if (!checkout) return { statusCode: 200, body: { received: true, ignored: 'unknown-checkout' } };
    const link = await deps.store.getLink(checkout.linkId);
    const record = await recordFailure(deps, { ...paymentFromCheckout(checkout), reference: note.checkoutId, reason: note.reason }, link);
    return { statusCode: 200, body: { received: true, payment: record.id, status: record.status } };
  }
  const taken = await takenPayment(deps, note.payment);
  if (!taken) {
    // Another integration on the same provider account: not ours to settle or to keep.
    deps.logger.warn('payment webhook for a checkout this product did not start; ignored', { checkoutId: note.payment.checkoutId, eventId: note.eventId });
    return { statusCode: 200, body: { received: true, ignored: 'not-ours' } };
  }
  const settled = await underCustomerLease(deps, taken.customerId, () => settleUnderLease(deps, taken));
  if (settled.duplicate) deps.logger.info('payment webhook repeated; already settled', { paymentId: settled.record.id, eventId: note.eventId });
  return { statusCode: 200, body: { received: true, payment: settled.record.id, status: settled.record.status, duplicate: settled.duplicate } };
}

/** The payment with what its checkout expected; one naming our link but no checkout of ours is kept, flagged. */
async function takenPayment(deps: WebhookDeps, payment: ProviderPayment): Promise<TakenPayment | undefined> {
  const id = checkoutRecordId(payment.provider, payment.checkoutId);
  const common = {
    id,
    provider: payment.provider,
    amount: payment.amount,
    currency: payment.currency,
    reference: payment.reference,
    ...(payment.maskedCard ? { maskedCard: payment.maskedCard } : {}),
  };
  const checkout = await deps.store.getCheckout(payment.provider, payment.checkoutId);
  if (checkout)
    return { ...common, linkId: checkout.linkId, customerId: checkout.customerId, expected: { amount: checkout.amount, currency: checkout.currency } };
  const link = payment.linkId ? await deps.store.getLink(payment.linkId) : undefined;
  if (!link) return undefined;
  return {
    ...common,
    linkId: link.claims.id,
    customerId: link.claims.customerId,
    expected: { amount: link.claims.amount, currency: link.claims.currency.code },
    refuse: 'unknown-checkout',
  };
}
