/**
 * Stripe Checkout with plain fetch (the stripe package would add megabytes for two calls):
 *
 * - start: POST /v1/checkout/sessions (form-encoded, Bearer secret key `stripe-secret-key`)
 *   with the amount, the currency, metadata naming the link, customer and items, and an
 *   Idempotency-Key. The key is the same for every start of one link and amount within a
 *   10-minute window, and so are the parameters (expires_at is derived from the window), so
 *   two tabs, a double click or our own retry after a timeout get the same session back;
 *   after a failed start the key changes (Stripe replays a stored 5xx for the same key).
 * - read: the webhook. `Stripe-Signature: t=<unix>,v1=<hex>[,v1=…]` is checked against
 *   HMAC-SHA256(`stripe-webhook-secret`, `<t>.<raw body>`) in constant time, and t must be
 *   at most `webhookToleranceSeconds` old (as stripe-node: only the past is checked). Only
 *   `checkout.session.completed` (and `…async_payment_succeeded`) with payment_status `paid`
 *   is a payment; the success page never is.
 *
 * Amounts are the currency's minor unit, which is Stripe's too for every currency this
 * product knows (JPY and KRW are zero-decimal at both; KWD, BHD and OMR take three decimals
 * whose last must be 0). Stripe takes no IRR (see README "Payment providers").
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { StripeConfig } from '../config/app-config';
import { minorDigits, type CurrencyCode } from '../domain/money';
import type { SecretResolver } from '../secrets/secret-resolver';
import type { CheckoutRequest, CheckoutStart, Notification, PaymentNotifications, PaymentProvider } from './payment-provider';

export const STRIPE_SECRET_KEY = 'stripe-secret-key';
export const STRIPE_WEBHOOK_SECRET = 'stripe-webhook-secret';

const WINDOW_SECONDS = 600;

export interface StripeCheckoutOptions extends StripeConfig {
  readonly secrets: SecretResolver;
  readonly fetchImpl?: typeof fetch;
}

interface StripeSession {
  readonly id?: unknown;
  readonly url?: unknown;
  readonly amount_total?: unknown;
  readonly currency?: unknown;
  readonly payment_status?: unknown;
  readonly payment_intent?: unknown;
  readonly client_reference_id?: unknown;
  readonly metadata?: Record<string, unknown> | null;
}

export class StripeCheckout implements PaymentProvider, PaymentNotifications {
  readonly name = 'stripe';
  readonly sandbox = false;
  readonly checkoutOrigins: readonly string[];

  constructor(private readonly options: StripeCheckoutOptions) {
    this.checkoutOrigins = [options.checkoutOrigin];
  }

  accepts(currency: CurrencyCode, amount: number): boolean {
    if (currency === 'IRR' || amount <= 0) return false;
    // Three-decimal currencies: Stripe wants the last digit 0, and we never round.
    return minorDigits(currency) !== 3 || amount % 10 === 0;
  }

  async start(request: CheckoutRequest): Promise<CheckoutStart> {
    const o = this.options;
    const nowSeconds = Math.floor(request.now.getTime() / 1000);
    const windowStart = nowSeconds - (nowSeconds % WINDOW_SECONDS);
    // 30 min to 24 h after creation, whatever moment of the window it is created in.
    const expiresAt = windowStart + WINDOW_SECONDS + o.sessionMinutes * 60;
    const form = new URLSearchParams({
      mode: 'payment',
      'payment_method_types[0]': 'card',
      'line_items[0][quantity]': '1',
      'line_items[0][price_data][currency]': request.currency.toLowerCase(),
      'line_items[0][price_data][unit_amount]': String(request.amount),
      'line_items[0][price_data][product_data][name]': request.description.slice(0, 250),
      success_url: `${request.returnUrl}?checkout=return`,
      cancel_url: request.returnUrl,
      client_reference_id: request.linkId,
      'metadata[link_id]': request.linkId,
      'metadata[customer_id]': request.customerId.slice(0, 500),
      'metadata[items]': request.items.join(',').slice(0, 500),
      'payment_intent_data[metadata][link_id]': request.linkId,
      locale: request.language === 'fa' ? 'auto' : 'en',
      expires_at: String(expiresAt),
    });
    // After a failed start a new key: Stripe answers a key it stored a failure for with that failure again.
    const idempotencyKey = `balance-ivr-${request.linkId}-${request.amount}-${windowStart}-${request.attempt}`;
    let secretKey: string;
    try {
      secretKey = await o.secrets.resolve(STRIPE_SECRET_KEY);
    } catch (error) {
      return { status: 'failed', reason: `secret-unavailable:${(error as Error).name}`, transient: true };
    }
    // One retry with the same key after a timeout or a dropped connection: Stripe answers it
    // with the first request's stored reply (or runs it, if the first never arrived).
    for (let attempt = 1; ; attempt += 1) {
      let response: Response;
      try {
        response = await (o.fetchImpl ?? fetch)(`${o.apiBaseUrl}/v1/checkout/sessions`, {
          method: 'POST',
          headers: {
            Authorization: `Bearer ${secretKey}`,
            'Content-Type': 'application/x-www-form-urlencoded',
            'Idempotency-Key': idempotencyKey,
            Accept: 'application/json',
          },
          body: form.toString(),
          signal: AbortSignal.timeout(o.timeoutMs),
        });
      } catch (error) {
        if (attempt < 2) continue;
        return { status: 'failed', reason: (error as Error).name === 'TimeoutError' ? 'timeout' : 'unreachable', transient: true };
      }
      const json = (await response.json().catch(() => undefined)) as (StripeSession & { error?: { type?: unknown; code?: unknown } }) | undefined;
      // 409: the same key is still running elsewhere (a concurrent twin); its session is the one to use.
      if (response.status === 409 && attempt < 2) {
        await new Promise((resolve) => setTimeout(resolve, 300));
        continue;
      }
      if (response.ok && typeof json?.id === 'string' && typeof json.url === 'string') {
        return { status: 'redirect', checkoutId: json.id, url: json.url, payableUntil: expiresAt - 300 };
      }
      const code = typeof json?.error?.code === 'string' ? json.error.code : typeof json?.error?.type === 'string' ? json.error.type : 'no-session';
      // A stored 5xx comes back for the same key: trying again now would not help, later might.
      return { status: 'failed', reason: `stripe-${response.status}:${code}`, transient: response.status >= 500 || response.status === 429 };
    }
  }

  async read(rawBody: string, signature: string | undefined, now: Date): Promise<Notification> {
    if (!signature) return { kind: 'refused', reason: 'missing-signature' };
    let timestamp: number | undefined;
    const candidates: string[] = [];
    for (const part of signature.split(',')) {
      const at = part.indexOf('=');
      const [key, value] = [part.slice(0, at).trim(), part.slice(at + 1).trim()];
      if (key === 't' && /^\d{1,12}$/.test(value)) timestamp = Number(value);
      else if (key === 'v1' && /^[0-9a-f]{64}$/.test(value)) candidates.push(value);
    }
    if (timestamp === undefined || candidates.length === 0) return { kind: 'refused', reason: 'bad-signature' };
    const secret = await this.options.secrets.resolve(STRIPE_WEBHOOK_SECRET);
    const expected = Buffer.from(createHmac('sha256', secret).update(`${timestamp}.${rawBody}`, 'utf8').digest('hex'));
    if (!candidates.some((candidate) => timingSafeEqual(Buffer.from(candidate), expected))) return { kind: 'refused', reason: 'bad-signature' };
    const tolerance = this.options.webhookToleranceSeconds;
    if (tolerance > 0 && Math.floor(now.getTime() / 1000) - timestamp > tolerance) return { kind: 'refused', reason: 'stale-timestamp' };
    let event: { id?: unknown; type?: unknown; data?: { object?: StripeSession } };
    try {
      event = JSON.parse(rawBody) as typeof event;
    } catch {
      return { kind: 'refused', reason: 'malformed-event' };
    }
    if (typeof event?.id !== 'string' || typeof event.type !== 'string') return { kind: 'refused', reason: 'malformed-event' };
    const eventId = event.id;
    const session = event.data?.object;
    if (!event.type.startsWith('checkout.session.')) return { kind: 'ignored', reason: `event ${event.type}`, eventId };
    if (typeof session?.id !== 'string') return { kind: 'refused', reason: 'malformed-event' };
    if (event.type === 'checkout.session.async_payment_failed')
      return { kind: 'failed', provider: 'stripe', checkoutId: session.id, reason: 'async-payment-failed', eventId };
    if (event.type !== 'checkout.session.completed' && event.type !== 'checkout.session.async_payment_succeeded')
      return { kind: 'ignored', reason: `event ${event.type}`, eventId };
    // A delayed payment method completes unpaid; its async_payment_succeeded settles it.
    if (session.payment_status !== 'paid') return { kind: 'ignored', reason: `payment_status ${String(session.payment_status)}`, eventId };
    if (!Number.isSafeInteger(session.amount_total) || typeof session.currency !== 'string') return { kind: 'refused', reason: 'malformed-event' };
    const metadataLink = session.metadata?.link_id ?? session.client_reference_id;
    return {
      kind: 'paid',
      eventId,
      payment: {
        provider: 'stripe',
        checkoutId: session.id,
        amount: session.amount_total as number,
        currency: session.currency.toUpperCase(),
        reference: typeof session.payment_intent === 'string' ? session.payment_intent : session.id,
        ...(typeof metadataLink === 'string' ? { linkId: metadataLink } : {}),
      },
    };
  }
}
