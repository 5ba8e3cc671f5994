/** PaymentLinkDelivery on dynalite: CRM-delivered links, failures, and the per-caller limit. */
import type { Crm } from '../../lib/crm/crm';
import type { PaymentLinkRequest, PaymentLinkResult } from '../../lib/domain/payment-link';
import type { SmsMessage, SmsResult, SmsSender } from '../../lib/sms/sms-sender';
import { PaymentLinkDelivery } from '../../lib/payments/payment-link-delivery';
import { DynamoPaymentStore } from '../../lib/payments/dynamo-payment-store';
import { createLogger } from '../../lib/observability/logger';
import { startTestDynamo, type TestDynamo } from '../support/local-dynamo';

let dynamo: TestDynamo;
beforeAll(async () => {
  dynamo = await startTestDynamo();
});
afterAll(async () => {
  await dynamo?.stop();
});

class CountingSms implements SmsSender {
  readonly channel = 'counting';
  readonly sent: SmsMessage[] = [];
  constructor(private readonly result: SmsResult = { status: 'sent', id: 'SM1', segments: 1 }) {}
  async send(message: SmsMessage): Promise<SmsResult> {
    this.sent.push(message);
    return this.result;
  }
}

const crmAnswering = (answer: () => Promise<PaymentLinkResult>): Crm => ({ source: 'test-crm', createPaymentLink: answer }) as unknown as Crm;

let n = 0;
function request(mobile = '+989121111111'): PaymentLinkRequest {
  n += 1;
  return { customer: { id: 'c-1' }, amount: 1000, mobile, items: [], invoiceType: 'invoice', language: 'en', callSid: `CAdelivery${n}`, currency: { code: 'IRR', unit: 'rial' } };
}

function delivery(sms: SmsSender, limits = { mobile: 5, caller: 5 }) {
  return new PaymentLinkDelivery({
    store: new DynamoPaymentStore(dynamo.doc, dynamo.tables.payments),
    sms,
    logger: createLogger('ERROR'),
    businessName: 'Acme',
    dailyLimitPerMobile: limits.mobile,
    dailyLimitPerCaller: limits.caller,
  });
}

describe('delivering a payment link', () => {
  it('sends no SMS of its own when the CRM delivered the link', async () => {
    const sms = new CountingSms();
    const outcome = await delivery(sms).deliver(crmAnswering(async () => ({ status: 'created', url: 'https://crm/pay/1', deliveredByCrm: true })), request(), '+15005550001');
    expect(outcome).toEqual({ status: 'sent', deliveredByCrm: true });
    expect(sms.sent).toHaveLength(0);
  });

  it('reports a CRM that fails or throws as not sent, with the reason', async () => {
    const sms = new CountingSms();
    const failed = await delivery(sms).deliver(crmAnswering(async () => ({ status: 'failed', source: 'test-crm', reason: 'timeout' })), request(), '+15005550001');
    expect(failed).toEqual({ status: 'not-sent', reason: 'link-failed:test-crm:timeout' });
    const thrown = await delivery(sms).deliver(crmAnswering(async () => Promise.reject(new TypeError('boom'))), request(), '+15005550001');
    expect(thrown).toEqual({ status: 'not-sent', reason: 'link-failed:test-crm:TypeError' });
    expect(sms.sent).toHaveLength(0);
  });

  it('reports an SMS the provider refused as not sent, with the provider’s code', async () => {
    const sms = new CountingSms({ status: 'failed', reason: 'invalid-number', code: 21211, httpStatus: 400 });
    const outcome = await delivery(sms).deliver(crmAnswering(async () => ({ status: 'created', url: 'https://x/pay/1', deliveredByCrm: false })), request(), '+15005550001');
    expect(outcome).toEqual({ status: 'not-sent', reason: 'sms-failed:counting:invalid-number:21211' });
  });

  it('stops at the per-caller daily limit even for different mobiles', async () => {
    const sms = new CountingSms();
    const d = delivery(sms, { mobile: 5, caller: 2 });
    const crm = crmAnswering(async () => ({ status: 'created', url: 'https://x/pay/1', deliveredByCrm: false }));
    const outcomes = [];
    for (const mobile of ['+989120000001', '+989120000002', '+989120000003']) outcomes.push(await d.deliver(crm, request(mobile), '+15009990000'));
    expect(outcomes.map((o) => o.status)).toEqual(['sent', 'sent', 'limit-reached']);
    expect(outcomes[2]).toEqual({ status: 'limit-reached', limit: 'caller' });
    expect(sms.sent.map((m) => m.to)).toEqual(['+989120000001', '+989120000002']);
  });
});
