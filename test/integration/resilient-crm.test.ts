/**
 * The time budget, retry and circuit breaker around a real adapter talking to a local
 * HTTP server that misbehaves on purpose.
 */
import { AlovoipHttpCrm } from '../../lib/crm/alovoip/alovoip-crm';
import { resilientCrm } from '../../lib/crm/resilient-crm';
import { CircuitBreaker } from '../../lib/domain/circuit-breaker';
import type { Customer } from '../../lib/domain/customer';
import { startFakeAlovoip, type FakeAlovoip } from '../support/fake-alovoip';
import { crmTransport } from '../../lib/crm/crm-http';
import { LOCAL_HOST_POLICY } from '../../lib/domain/crm-host-policy';

// The local stage's host policy: the fake CRMs listen on 127.0.0.1.
const transport = crmTransport(LOCAL_HOST_POLICY);

let server: FakeAlovoip;
let now = 0;
const clock = () => now;
const customer: Customer = { id: 'c-1' };
const found = () => ({ body: '{"id":"c-1","customerNumber":"1001"}' });

beforeEach(async () => {
  server = await startFakeAlovoip();
  now = 0;
});

afterEach(async () => {
  await server.stop();
});

function resilient(options: { timeoutMs?: number; failureThreshold?: number; openMs?: number; realClock?: boolean } = {}) {
  const inner = new AlovoipHttpCrm({ source: 'other', currency: 'IRR', host: server.url, auth: 'none', timeoutMs: 10_000, transport });
  const breaker = new CircuitBreaker(options.failureThreshold ?? 5, options.openMs ?? 30_000, options.realClock ? Date.now : clock);
  const failures: string[] = [];
  const crm = resilientCrm(inner, breaker, {
    timeoutMs: options.timeoutMs ?? 1000,
    failureThreshold: options.failureThreshold ?? 5,
    openMs: options.openMs ?? 30_000,
    onFailure: (_source, operation, reason) => failures.push(`${operation}:${reason}`),
  });
  return { crm, breaker, failures };
}

describe('the time budget', () => {
  it('gives up on a CRM slower than the budget within the budget and says it timed out', async () => {
    server.routes.set('/GetIdentityByPhoneNumber', () => ({ ...found(), delayMs: 3000 }));
    const { crm } = resilient({ timeoutMs: 400 });
    const started = Date.now();
    const result = await crm.identifyByPhone('+15005550001');
    const elapsed = Date.now() - started;
    expect(result).toEqual({ status: 'failed', source: 'other', reason: 'timeout' });
    expect(elapsed).toBeGreaterThanOrEqual(380);
    expect(elapsed).toBeLessThan(700);
  });

  it('retries a lookup once after a transient failure, inside the budget', async () => {
    let calls = 0;
    server.routes.set('/GetIdentityByPhoneNumber', () => (++calls === 1 ? { status: 503, body: '' } : found()));
    const { crm, failures } = resilient();
    expect(await crm.identifyByPhone('+15005550001')).toMatchObject({ status: 'found', customer: { id: 'c-1' } });
    expect(server.requests).toHaveLength(2);
    expect(failures).toEqual(['identifyByPhone:http-503']);
  });

  it('retries only once, and not at all for a non-transient failure', async () => {
    server.routes.set('/GetCustomerBalance', () => ({ status: 503, body: '' }));
    const { crm } = resilient();
    expect(await crm.balance(customer, 'IRR')).toEqual({ status: 'failed', source: 'other', reason: 'http-503' });
    expect(server.requests).toHaveLength(2);
    server.routes.set('/GetCustomerBalance', () => ({ status: 401, body: '' }));
    expect(await crm.balance(customer, 'IRR')).toMatchObject({ reason: 'http-401' });
    expect(server.requests).toHaveLength(3);
  });

  it('never retries creating a payment link (the CRM may already have texted the caller)', async () => {
    server.routes.set('/SendPaymentLinkToUser', () => ({ status: 502, body: '' }));
    const { crm } = resilient();
    const result = await crm.createPaymentLink({
      customer,
      amount: 1,
      mobile: '+989121111111',
      items: [],
      invoiceType: 'invoice',
      language: 'en',
      callSid: 'CA1',
      currency: { code: 'IRR' as const, unit: 'rial' as const },
    });
    expect(result).toEqual({ status: 'failed', source: 'other', reason: 'http-502' });
    expect(server.requests).toHaveLength(1);
  });

  it('reports an unreachable CRM as a network failure', async () => {
    await server.stop();
    const { crm } = resilient();
    expect(await crm.identifyByPhone('+1')).toEqual({ status: 'failed', source: 'other', reason: 'network' });
  });
});

describe('the circuit breaker', () => {
  it('opens after repeated failures, answers circuit-open without calling the CRM, and closes after a good trial', async () => {
    server.routes.set('/GetIdentityByPhoneNumber', () => ({ status: 500, body: '' }));
    const { crm, breaker } = resilient({ failureThreshold: 2, openMs: 10_000 });
    expect(await crm.identifyByPhone('+1')).toMatchObject({ reason: 'http-500' });
    expect(await crm.identifyByPhone('+1')).toMatchObject({ reason: 'http-500' });
    expect(breaker.state).toBe('open');
    const sent = server.requests.length;
    expect(await crm.identifyByPhone('+1')).toEqual({ status: 'failed', source: 'other', reason: 'circuit-open' });
    expect(server.requests).toHaveLength(sent);

    now += 10_001;
    server.routes.set('/GetIdentityByPhoneNumber', found);
    expect(breaker.state).toBe('half-open');
    expect(await crm.identifyByPhone('+1')).toMatchObject({ status: 'found' });
    expect(breaker.state).toBe('closed');
  });

  it('opens again at once when the trial call fails', async () => {
    server.routes.set('/GetIdentityByPhoneNumber', () => ({ status: 401, body: '' }));
    const { crm, breaker } = resilient({ failureThreshold: 1, openMs: 5000 });
    await crm.identifyByPhone('+1');
    now += 5001;
    expect(await crm.identifyByPhone('+1')).toMatchObject({ reason: 'http-401' });
    expect(breaker.state).toBe('open');
    expect(await crm.identifyByPhone('+1')).toMatchObject({ reason: 'circuit-open' });
  });

  it('does not count "not found" as a failure', async () => {
    server.routes.set('/GetIdentityByPhoneNumber', () => ({ body: 'null' }));
    const { crm, breaker } = resilient({ failureThreshold: 1 });
    for (let i = 0; i < 3; i += 1) expect(await crm.identifyByPhone('+1')).toEqual({ status: 'not-found' });
    expect(breaker.state).toBe('closed');
  });
});
