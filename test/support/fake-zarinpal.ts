/**
 * A local Zarinpal speaking REST v4 as documented (payments-and-voice.md §2), so the
 * ZarinpalGateway adapter's real code runs:
 *
 * - POST /pg/v4/payment/request.json: { merchant_id (UUID-shaped), amount, currency IRR|IRT,
 *   description (≤ 500), callback_url, metadata } → { data: { code: 100, authority: "S…" }, errors: [] },
 *   or { data: [], errors: { code: -9, … } } for invalid input.
 * - GET /pg/StartPay/<authority>: a stand-in for the bank's page, with "pay" and "cancel" that
 *   send the browser to callback_url?Authority=…&Status=OK|NOK, as Zarinpal does.
 * - POST /pg/v4/payment/verify.json: { merchant_id, amount, authority } → 100 with ref_id and a
 *   masked card_pan the first time, 101 after, -50 when the amount is not the paid one, -51 when
 *   the payment was not made, -54 for an unknown authority.
 * Controls for 5xx, timeouts and codes; every request is kept.
 */
import { startTestHttpServer, type TestHttpServer } from './test-http-server';

export interface ZarinpalPayment {
  readonly authority: string;
  readonly request: Record<string, unknown>;
  state: 'started' | 'paid' | 'cancelled';
  verified: number;
  readonly refId: number;
}

export interface FakeZarinpal {
  readonly url: string;
  readonly requests: { path: string; body: Record<string, unknown> }[];
  readonly payments: Map<string, ZarinpalPayment>;
  /** The next calls to `path` (request or verify) answer this instead, or wait `delayMs` first. */
  failNext(path: 'request' | 'verify', answer: { status: number; code?: number } | { delayMs: number }, times?: number): void;
  /** The payer pays or cancels at the bank; returns the callback URL the browser is sent to. */
  pay(authority: string): string;
  cancel(authority: string): string;
  verifyCalls(authority?: string): number;
  stop(): Promise<void>;
}

export const FAKE_MERCHANT_ID = '1344b5d4-0048-11e8-94db-005056a205be';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export async function startFakeZarinpal(): Promise<FakeZarinpal> {
  const requests: { path: string; body: Record<string, unknown> }[] = [];
  const payments = new Map<string, ZarinpalPayment>();
  const failures: Record<'request' | 'verify', ({ status: number; code?: number } | { delayMs: number })[]> = { request: [], verify: [] };
  let counter = 0;

  const callback = (p: ZarinpalPayment, status: 'OK' | 'NOK') => `${String(p.request.callback_url)}?Authority=${p.authority}&Status=${status}`;

  const server: TestHttpServer = await startTestHttpServer(({ incoming, body, res, answer }) => {
    const path = (incoming.url ?? '').split('?')[0] ?? '';
    const json = (status: number, value: unknown) => res.writeHead(status, { 'Content-Type': 'application/json' }).end(JSON.stringify(value));
    const fail = (status: number, code: number, message: string) => json(status, { data: [], errors: { code, message, validations: [] } });

    const start = /^\/pg\/StartPay\/(\w+)$/.exec(path);
    if (start && incoming.method === 'GET') {
      const p = payments.get(start[1] as string);
      if (!p) return res.writeHead(404).end('unknown authority');
      return res
        .writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' })
        .end(
          `<!doctype html><html><body><h1>Zarinpal (local)</h1><p>${String(p.request.amount)} ${String(p.request.currency ?? 'IRR')}</p><a id="zp-pay" href="/pg/StartPay/${p.authority}/pay">pay</a> <a id="zp-cancel" href="/pg/StartPay/${p.authority}/cancel">cancel</a></body></html>`,
        );
    }
    const decide = /^\/pg\/StartPay\/(\w+)\/(pay|cancel)$/.exec(path);
    if (decide) {
      const p = payments.get(decide[1] as string);
      if (!p) return res.writeHead(404).end('unknown authority');
      p.state = decide[2] === 'pay' ? 'paid' : 'cancelled';
      return res.writeHead(302, { Location: callback(p, p.state === 'paid' ? 'OK' : 'NOK') }).end();
    }

    let parsed: Record<string, unknown>;
    try {
      parsed = JSON.parse(body) as Record<string, unknown>;
    } catch {
      return fail(400, -9, 'The input params invalid, validation error.');
    }
    const which = path === '/pg/v4/payment/request.json' ? 'request' : path === '/pg/v4/payment/verify.json' ? 'verify' : undefined;
    if (!which || incoming.method !== 'POST') return res.writeHead(404).end();
    requests.push({ path, body: parsed });
    const failure = failures[which].shift();
    if (failure && 'delayMs' in failure) return answer(() => fail(200, -52, 'late'), failure.delayMs);
    if (failure)
      return failure.code !== undefined
        ? fail(failure.status, failure.code, 'failure')
        : res.writeHead(failure.status, { 'Content-Type': 'text/html' }).end('<html>Bad Gateway</html>');
    if (typeof parsed.merchant_id !== 'string' || !UUID.test(parsed.merchant_id))
      return fail(401, -10, 'Terminal is not valid, please check merchant_id or ip address.');

    if (which === 'request') {
      const { amount, description, callback_url: callbackUrl, currency } = parsed;
      if (!Number.isSafeInteger(amount) || (amount as number) < 1000 / (currency === 'IRT' ? 10 : 1))
        return fail(400, -9, 'The input params invalid, validation error.');
      if (typeof description !== 'string' || description.length === 0 || description.length > 500)
        return fail(400, -9, 'The input params invalid, validation error.');
      if (typeof callbackUrl !== 'string' || !/^https?:\/\//.test(callbackUrl)) return fail(400, -9, 'The input params invalid, validation error.');
      if (currency !== undefined && currency !== 'IRR' && currency !== 'IRT') return fail(400, -9, 'The input params invalid, validation error.');
      counter += 1;
      const authority = `S${String(counter).padStart(35, '0')}`;
      payments.set(authority, { authority, request: parsed, state: 'started', verified: 0, refId: 200 + counter });
      return json(200, { data: { code: 100, message: 'Success', authority, fee_type: 'Merchant', fee: 100 }, errors: [] });
    }
    const p = typeof parsed.authority === 'string' ? payments.get(parsed.authority) : undefined;
    if (!p) return fail(404, -54, 'Invalid authority.');
    if (p.request.merchant_id !== parsed.merchant_id) return fail(400, -53, 'Session is not this merchant_id session.');
    if (p.state !== 'paid') return fail(400, -51, 'Session is not valid, session is not active paid try.');
    if (parsed.amount !== p.request.amount) return fail(400, -50, 'Session is not valid, amounts values is not the same.');
    p.verified += 1;
    const data = {
      message: p.verified === 1 ? 'Verified' : 'Verified',
      card_hash: 'E2D6C27A8B44B3E0A6E2E3F1',
      card_pan: '502229******5995',
      ref_id: p.refId,
      fee_type: 'Merchant',
      fee: 0,
    };
    return json(200, { data: { code: p.verified === 1 ? 100 : 101, ...data }, errors: [] });
  });

  return {
    url: server.url,
    requests,
    payments,
    failNext(path, answer, times = 1) {
      for (let i = 0; i < times; i += 1) failures[path].push(answer);
    },
    pay(authority) {
      const p = payments.get(authority);
      if (!p) throw new Error(`no authority ${authority}`);
      p.state = 'paid';
      return callback(p, 'OK');
    },
    cancel(authority) {
      const p = payments.get(authority);
      if (!p) throw new Error(`no authority ${authority}`);
      p.state = 'cancelled';
      return callback(p, 'NOK');
    },
    verifyCalls: (authority) => requests.filter((r) => r.path.endsWith('verify.json') && (authority === undefined || r.body.authority === authority)).length,
    stop: () => server.stop(),
  };
}
