/**
 * Zarinpal REST v4 (JSON), with plain fetch:
 *
 * - start: POST <base>/pg/v4/payment/request.json { merchant_id, amount, currency, description,
 *   callback_url, metadata.order_id } → data.code 100 and an authority → the customer goes to
 *   <base>/pg/StartPay/<authority>.
 * - verify: when the customer comes back (GET callback_url?Authority=…&Status=OK|NOK), POST
 *   <base>/pg/v4/payment/verify.json { merchant_id, amount, authority } with the amount from
 *   our own checkout record, never from the query string. 100 = verified now, 101 = verified
 *   before (the same payment: settled once, by its record id); a payment never verified is
 *   returned to the payer by Zarinpal (within 72 h).
 *
 * Branches on `code`, never on `message`; the body is read whatever the HTTP status. The
 * merchant id is the secret `zarinpal-merchant-id`. Amounts go as rials (IRR) or tomans (IRT)
 * as configured; an amount of rials that is not whole tomans goes as IRR, exactly.
 */
import type { ZarinpalConfig } from '../config/app-config';
import type { CurrencyCode } from '../domain/money';
import type { SecretResolver } from '../secrets/secret-resolver';
import type { CheckoutRequest, CheckoutStart, PaymentProvider, PaymentVerification, Verification } from './payment-provider';
import type { Checkout } from './payment-store';

export const ZARINPAL_MERCHANT_ID = 'zarinpal-merchant-id';

/** How long a started payment is offered again to a second tab before a new authority is asked for. */
const REUSE_SECONDS = 600;
/** Codes worth asking again for later: too many attempts, Zarinpal's own unexpected error. */
const TRANSIENT_CODES = new Set([-12, -52]);
/** Verify codes that end a checkout for good: amount differs from the paid one, not paid (failed or cancelled). */
const FINAL_CODES: Record<number, string> = { [-50]: 'amount-mismatch', [-51]: 'not-paid' };

export interface ZarinpalOptions extends ZarinpalConfig {
  readonly secrets: SecretResolver;
  /** `<PUBLIC_BASE_URL>/pay/zarinpal/callback`; its domain must be the terminal's registered one. */
  readonly callbackUrl: string;
  readonly fetchImpl?: typeof fetch;
}

interface ZarinpalAnswer {
  readonly data?: { readonly code?: unknown; readonly authority?: unknown; readonly ref_id?: unknown; readonly card_pan?: unknown } | readonly unknown[];
  readonly errors?: { readonly code?: unknown; readonly message?: unknown } | readonly unknown[];
}

type Call =
  | { readonly ok: true; readonly code: number; readonly data: Record<string, unknown>; readonly httpStatus: number }
  | { readonly ok: false; readonly reason: string };

export class ZarinpalGateway implements PaymentProvider, PaymentVerification {
  readonly name = 'zarinpal';
  readonly sandbox: boolean;
  readonly checkoutOrigins: readonly string[];

  constructor(private readonly options: ZarinpalOptions) {
    this.checkoutOrigins = [new URL(options.apiBaseUrl).origin];
    this.sandbox = new URL(options.apiBaseUrl).hostname.startsWith('sandbox.');
  }

  accepts(currency: CurrencyCode, amount: number): boolean {
    return currency === 'IRR' && amount > 0;
  }

  /** What Zarinpal is sent for an amount of rials: tomans when configured and exact, else rials. */
  sent(amount: number): { amount: number; currency: 'IRR' | 'IRT' } {
    return this.options.currency === 'IRT' && amount % 10 === 0 ? { amount: amount / 10, currency: 'IRT' } : { amount, currency: 'IRR' };
  }

  async start(request: CheckoutRequest): Promise<CheckoutStart> {
    const sent = this.sent(request.amount);
    const answer = await this.call('/pg/v4/payment/request.json', {
      amount: sent.amount,
      currency: sent.currency,
      description: request.description.slice(0, 500),
      callback_url: this.options.callbackUrl,
      metadata: { order_id: request.linkId },
    });
    if (!answer.ok) return { status: 'failed', reason: answer.reason, transient: true };
    const authority = answer.data.authority;
    if (answer.code === 100 && typeof authority === 'string' && /^[A-Za-z0-9]{8,64}$/.test(authority)) {
      return {
        status: 'redirect',
        checkoutId: authority,
        url: `${this.options.apiBaseUrl}/pg/StartPay/${authority}`,
        payableUntil: Math.floor(request.now.getTime() / 1000) + REUSE_SECONDS,
        sent,
      };
    }
    return { status: 'failed', reason: `zarinpal:${answer.code}`, transient: answer.httpStatus >= 500 || TRANSIENT_CODES.has(answer.code) };
  }

  async verify(checkout: Checkout): Promise<Verification> {
    // Exactly what the request said: the amount and unit stored with the checkout.
    const sent = checkout.sent ?? this.sent(checkout.amount);
    const answer = await this.call('/pg/v4/payment/verify.json', { amount: sent.amount, authority: checkout.checkoutId });
    if (!answer.ok) return { status: 'unavailable', reason: answer.reason };
    if (answer.code === 100 || answer.code === 101) {
      const refId = answer.data.ref_id;
      const pan = answer.data.card_pan;
      return {
        status: 'paid',
        // 101 may come without the RefID: the authority then stands for it.
        reference: typeof refId === 'number' || (typeof refId === 'string' && refId !== '') ? String(refId) : checkout.checkoutId,
        ...(typeof pan === 'string' && /^[0-9*]{12,19}$/.test(pan) && pan.includes('*') ? { maskedCard: pan } : {}),
        alreadyVerified: answer.code === 101,
      };
    }
    if (answer.httpStatus >= 500 || TRANSIENT_CODES.has(answer.code)) return { status: 'unavailable', reason: `zarinpal:${answer.code}` };
    const final = FINAL_CODES[answer.code];
    return { status: 'not-paid', reason: final ?? `zarinpal:${answer.code}`, final: final !== undefined };
  }

  private async call(path: string, body: Record<string, unknown>): Promise<Call> {
    let merchantId: string;
    try {
      merchantId = await this.options.secrets.resolve(ZARINPAL_MERCHANT_ID);
    } catch (error) {
      return { ok: false, reason: `secret-unavailable:${(error as Error).name}` };
    }
    let response: Response;
    try {
      response = await (this.options.fetchImpl ?? fetch)(`${this.options.apiBaseUrl}${path}`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
        body: JSON.stringify({ merchant_id: merchantId, ...body }),
        signal: AbortSignal.timeout(this.options.timeoutMs),
      });
    } catch (error) {
      return { ok: false, reason: (error as Error).name === 'TimeoutError' ? 'timeout' : 'unreachable' };
    }
    const json = (await response.json().catch(() => undefined)) as ZarinpalAnswer | undefined;
    const data = json?.data && !Array.isArray(json.data) ? (json.data as Record<string, unknown>) : {};
    const errors = json?.errors && !Array.isArray(json.errors) ? (json.errors as Record<string, unknown>) : {};
    const code = typeof data.code === 'number' ? data.code : typeof errors.code === 'number' ? errors.code : undefined;
    if (code === undefined) return { ok: false, reason: `zarinpal-http-${response.status}` };
    return { ok: true, code, data, httpStatus: response.status };
  }
}
