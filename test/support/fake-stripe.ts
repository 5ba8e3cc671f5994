/**
 * A local Stripe speaking the documented Checkout protocol (payments-and-voice.md §1), so the
 * StripeCheckout adapter's real code runs:
 *
 * - POST /v1/checkout/sessions: Bearer secret key, form-encoded bracket fields, Idempotency-Key
 *   (the first reply is stored and returned again for the same key, 5xx included; the same key
 *   with other parameters is an `idempotency_error`), Stripe's validation (currency it takes —
 *   no IRR —, integer unit_amount, expires_at 30 min to 24 h ahead), error bodies
 *   `{"error":{"type","code","param","message"}}`.
 * - GET /c/pay/<id>: a stand-in for the hosted page; POST /c/pay/<id> "pays" it, delivers the
 *   signed webhook and redirects to success_url, as Stripe does.
 * - `complete()` and `deliver()`: events signed `Stripe-Signature: t=…,v1=HMAC-SHA256(whsec,
 *   "t.body")`, for duplicate, late, out-of-order and forged deliveries.
 * Everything it received is kept for assertions.
 */
import { createHmac } from 'node:crypto';
import { startTestHttpServer, type TestHttpServer } from './test-http-server';

export interface StripeSessionState {
  readonly id: string;
  readonly form: Record<string, string>;
  status: 'open' | 'complete' | 'expired';
  paymentStatus: 'paid' | 'unpaid';
  paymentIntent: string | null;
  amountTotal: number;
  currency: string;
}

export interface StripeRequest {
  readonly method: string;
  readonly path: string;
  readonly authorization: string;
  readonly idempotencyKey: string | undefined;
  readonly form: Record<string, string>;
}

export interface FakeStripe {
  readonly url: string;
  readonly requests: StripeRequest[];
  readonly sessions: Map<string, StripeSessionState>;
  /** The next session creations answer this (status and Stripe error), or wait `delayMs` first (timeouts). */
  failNext(answer: { status: number; type?: string; code?: string } | { delayMs: number }, times?: number): void;
  /** Where POST /c/pay/<id> delivers its webhook. */
  webhookUrl: string;
  /** Marks a session paid (optionally for another amount than it was created with) and returns its event. */
  complete(sessionId: string, options?: { amountTotal?: number; type?: string }): StripeEvent;
  /** An event of another type for a session (expired, async_payment_failed, …). */
  event(sessionId: string, type: string): StripeEvent;
  /** POSTs an event to `to` signed with `secret` (or a given header), as Stripe delivers webhooks. */
  deliver(
    event: StripeEvent,
    options: { to?: string; secret: string; timestamp?: number; signature?: string | null; body?: string },
  ): Promise<{ status: number; body: Record<string, unknown> }>;
  stop(): Promise<void>;
}

export interface StripeEvent {
  readonly id: string;
  readonly type: string;
  readonly body: string;
}

export const FAKE_STRIPE_KEY = 'sk_test_local_fake';
export const FAKE_WEBHOOK_SECRET = 'whsec_local_fake_secret';

/** Stripe's presentment currencies this fake checks (a subset; IRR is not one of Stripe's). */
const STRIPE_CURRENCIES = new Set([
  'usd',
  'eur',
  'gbp',
  'cad',
  'aud',
  'nzd',
  'chf',
  'sek',
  'nok',
  'dkk',
  'aed',
  'sar',
  'try',
  'inr',
  'cny',
  'jpy',
  'krw',
  'kwd',
  'bhd',
  'omr',
]);

export function signStripePayload(secret: string, payload: string, timestamp: number): string {
  return `t=${timestamp},v1=${createHmac('sha256', secret).update(`${timestamp}.${payload}`, 'utf8').digest('hex')}`;
}

export async function startFakeStripe(options: { secretKey?: string } = {}): Promise<FakeStripe> {
  const secretKey = options.secretKey ?? FAKE_STRIPE_KEY;
  const requests: StripeRequest[] = [];
  const sessions = new Map<string, StripeSessionState>();
  const stored = new Map<string, { params: string; status: number; body: unknown }>();
  const failures: ({ status: number; type?: string; code?: string } | { delayMs: number })[] = [];
  let counter = 0;
  let eventCounter = 0;

  const sessionJson = (s: StripeSessionState) => ({
    id: s.id,
    object: 'checkout.session',
    url: s.status === 'open' ? `${server.url}/c/pay/${s.id}` : null,
    status: s.status,
    payment_status: s.paymentStatus,
    amount_total: s.amountTotal,
    currency: s.currency,
    client_reference_id: s.form.client_reference_id ?? null,
    metadata: Object.fromEntries(
      Object.entries(s.form)
        .filter(([k]) => k.startsWith('metadata['))
        .map(([k, v]) => [k.slice(9, -1), v]),
    ),
    payment_intent: s.paymentIntent,
    expires_at: Number(s.form.expires_at),
    success_url: s.form.success_url,
    cancel_url: s.form.cancel_url,
  });

  const makeEvent = (s: StripeSessionState, type: string): StripeEvent => {
    eventCounter += 1;
    const id = `evt_test_${eventCounter}`;
    return {
      id,
      type,
      body: JSON.stringify({
        id,
        object: 'event',
        type,
        created: Math.floor(Date.now() / 1000),
        livemode: false,
        api_version: '2026-10-28.endive',
        data: { object: sessionJson(s) },
      }),
    };
  };

  const fake: Omit<FakeStripe, 'url' | 'stop'> & { webhookUrl: string } = {
    requests,
    sessions,
    webhookUrl: '',
    failNext(answer, times = 1) {
      for (let i = 0; i < times; i += 1) failures.push(answer);
    },
    complete(sessionId, opts = {}) {
      const s = sessions.get(sessionId);
      if (!s) throw new Error(`no session ${sessionId}`);
      s.status = 'complete';
      s.paymentStatus = 'paid';
      s.paymentIntent ??= `pi_test_${sessionId.slice(8)}`;
      if (opts.amountTotal !== undefined) s.amountTotal = opts.amountTotal;
      return makeEvent(s, opts.type ?? 'checkout.session.completed');
    },
    event(sessionId, type) {
      const s = sessions.get(sessionId);
      if (!s) throw new Error(`no session ${sessionId}`);
      if (type === 'checkout.session.expired') s.status = 'expired';
      return makeEvent(s, type);
    },
    async deliver(event, opts) {
      const body = opts.body ?? event.body;
      const headers: Record<string, string> = {
        'Content-Type': 'application/json; charset=utf-8',
        'User-Agent': 'Stripe/1.0 (+https://stripe.com/docs/webhooks)',
      };
      if (opts.signature !== null)
        headers['Stripe-Signature'] = opts.signature ?? signStripePayload(opts.secret, body, opts.timestamp ?? Math.floor(Date.now() / 1000));
      const response = await fetch(opts.to ?? fake.webhookUrl, { method: 'POST', headers, body });
      return { status: response.status, body: (await response.json().catch(() => ({}))) as Record<string, unknown> };
    },
  };

  const server: TestHttpServer = await startTestHttpServer(({ incoming, body, res, answer }) => {
    const path = (incoming.url ?? '').split('?')[0] ?? '';
    const form = Object.fromEntries(new URLSearchParams(body));
    const json = (status: number, value: unknown) => res.writeHead(status, { 'Content-Type': 'application/json' }).end(JSON.stringify(value));
    const error = (status: number, type: string, code: string, message: string, param?: string) =>
      json(status, { error: { type, code, message, ...(param ? { param } : {}) } });

    const hosted = /^\/c\/pay\/(cs_test_\w+)$/.exec(path);
    if (hosted) {
      const s = sessions.get(hosted[1] as string);
      if (!s) return res.writeHead(404).end('no such session');
      if (incoming.method === 'GET') {
        return res
          .writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' })
          .end(
            `<!doctype html><html><body><h1>Stripe Checkout (local)</h1><p data-amount="${s.amountTotal}">${s.amountTotal} ${s.currency}</p><form method="post"><button type="submit" id="stripe-pay">Pay</button></form></body></html>`,
          );
      }
      // "Pays", then tells the product and sends the customer back, in Stripe's order.
      const event = fake.complete(s.id);
      void fake
        .deliver(event, { secret: FAKE_WEBHOOK_SECRET })
        .catch(() => undefined)
        .finally(() => res.writeHead(303, { Location: s.form.success_url ?? '/' }).end());
      return;
    }

    requests.push({
      method: incoming.method ?? '',
      path,
      authorization: incoming.headers.authorization ?? '',
      idempotencyKey: incoming.headers['idempotency-key'] as string | undefined,
      form,
    });
    if (incoming.headers.authorization !== `Bearer ${secretKey}`) return error(401, 'invalid_request_error', 'api_key_invalid', 'Invalid API Key provided.');
    if (incoming.method !== 'POST' || path !== '/v1/checkout/sessions')
      return error(404, 'invalid_request_error', 'resource_missing', 'Unrecognized request URL.');

    const key = incoming.headers['idempotency-key'] as string | undefined;
    const params = new URLSearchParams(Object.entries(form).sort(([a], [b]) => a.localeCompare(b))).toString();
    if (key) {
      const replay = stored.get(key);
      if (replay) {
        if (replay.params !== params)
          return error(
            400,
            'idempotency_error',
            'idempotency_key_in_use',
            'Keys for idempotent requests can only be used with the same parameters they were first used with.',
          );
        return res.writeHead(replay.status, { 'Content-Type': 'application/json', 'Idempotent-Replayed': 'true' }).end(JSON.stringify(replay.body));
      }
    }
    const respond = (status: number, value: unknown) => {
      if (key) stored.set(key, { params, status, body: value });
      json(status, value);
    };
    const failure = failures.shift();
    if (failure && 'delayMs' in failure) {
      // Too late for the client: it has given up (and may retry with the same key).
      return answer(() => json(500, { error: { type: 'api_error', message: 'late' } }), failure.delayMs);
    }
    if (failure)
      return respond(failure.status, {
        error: { type: failure.type ?? 'api_error', code: failure.code ?? 'internal', message: 'An error occurred with our connection to Stripe.' },
      });

    if (form.mode !== 'payment') return error(400, 'invalid_request_error', 'parameter_invalid', 'Invalid mode', 'mode');
    const currency = form['line_items[0][price_data][currency]'] ?? '';
    if (!STRIPE_CURRENCIES.has(currency))
      return error(400, 'invalid_request_error', 'parameter_invalid_string', `Invalid currency: ${currency}.`, 'line_items[0][price_data][currency]');
    const unit = form['line_items[0][price_data][unit_amount]'] ?? '';
    if (!/^\d+$/.test(unit))
      return error(400, 'invalid_request_error', 'parameter_invalid_integer', 'Invalid integer', 'line_items[0][price_data][unit_amount]');
    if (['kwd', 'bhd', 'omr'].includes(currency) && !unit.endsWith('0'))
      return error(400, 'invalid_request_error', 'invalid_charge_amount', 'The last digit must be 0.', 'line_items[0][price_data][unit_amount]');
    for (const required of ['success_url', 'cancel_url', 'line_items[0][price_data][product_data][name]', 'line_items[0][quantity]']) {
      if (!form[required]) return error(400, 'invalid_request_error', 'parameter_missing', `Missing required param: ${required}.`, required);
    }
    const expiresAt = Number(form.expires_at);
    const now = Math.floor(Date.now() / 1000);
    if (form.expires_at !== undefined && !(expiresAt >= now + 1800 && expiresAt <= now + 86_400))
      return error(400, 'invalid_request_error', 'parameter_invalid_integer', 'expires_at must be 30 minutes to 24 hours from now.', 'expires_at');
    for (const k of Object.keys(form))
      if (k.startsWith('metadata[') && k.slice(9, -1).length > 40)
        return error(400, 'invalid_request_error', 'parameter_invalid_string', 'Metadata keys are at most 40 characters.', k);

    counter += 1;
    const id = `cs_test_${String(counter).padStart(6, '0')}`;
    const session: StripeSessionState = {
      id,
      form,
      status: 'open',
      paymentStatus: 'unpaid',
      paymentIntent: null,
      amountTotal: Number(unit) * Number(form['line_items[0][quantity]']),
      currency,
    };
    sessions.set(id, session);
    respond(200, sessionJson(session));
  });

  return Object.assign(fake, { url: server.url, stop: () => server.stop() }) as FakeStripe;
}
