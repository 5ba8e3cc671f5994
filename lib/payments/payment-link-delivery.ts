/**
 * Performs the flow's payment-link need exactly once per call: claim the call's guard,
 * apply the daily limits, have the CRM create the link, send the SMS unless the CRM did.
 * Every later or concurrent delivery of the same step gets the first one's outcome.
 */
import type { AppLogger } from '../observability/logger';
import { maskPhone } from '../domain/phone';
import type { Crm } from '../crm/crm';
import type { PaymentLinkOutcome, PaymentLinkRequest } from '../domain/payment-link';
import type { SmsSender } from '../sms/sms-sender';
import { paymentLinkText } from '../domain/sms-text';
import type { PaymentStore } from './payment-store';

export interface PaymentLinkDeliveryOptions {
  readonly store: PaymentStore;
  readonly sms: SmsSender;
  readonly logger: AppLogger;
  readonly businessName: string;
  readonly dailyLimitPerMobile: number;
  readonly dailyLimitPerCaller: number;
  readonly clock?: () => Date;
  /** How long a concurrent twin waits for the first delivery's outcome (well inside Twilio's 15 s). */
  readonly waitMs?: number;
  readonly pollMs?: number;
}

const GUARD_TTL_SECONDS = 7 * 86_400;

export class PaymentLinkDelivery {
  constructor(private readonly options: PaymentLinkDeliveryOptions) {}

  async deliver(crm: Crm, request: PaymentLinkRequest, caller: string): Promise<PaymentLinkOutcome> {
    const { store, logger } = this.options;
    const now = this.now();
    const key = `${request.callSid}#payment-link`;
    const claim = await store.claimOnce(key, now, GUARD_TTL_SECONDS);
    if (!claim.claimed) {
      const outcome = claim.outcome ?? (await this.waitForOutcome(key));
      logger.info('payment link already handled for this call', { status: outcome.status });
      return outcome;
    }
    let outcome: PaymentLinkOutcome;
    try {
      outcome = await this.firstDelivery(crm, request, caller, now);
    } catch (error) {
      logger.error('payment link delivery failed', { error: error as Error });
      outcome = { status: 'not-sent', reason: `internal-error:${(error as Error).name}` };
    }
    await store.completeOnce(key, outcome);
    logger.info('payment link outcome', { ...outcome, mobile: maskPhone(request.mobile) });
    return outcome;
  }

  private async firstDelivery(crm: Crm, request: PaymentLinkRequest, caller: string, now: Date): Promise<PaymentLinkOutcome> {
    const { store, sms } = this.options;
    const day = now.toISOString().slice(0, 10);
    const countersExpire = Math.floor(now.getTime() / 1000) + 2 * 86_400;
    if (!(await store.countDaily('mobile', request.mobile, day, this.options.dailyLimitPerMobile, countersExpire))) return { status: 'limit-reached', limit: 'mobile' };
    if (caller && !(await store.countDaily('caller', caller, day, this.options.dailyLimitPerCaller, countersExpire))) {
      await store.uncountDaily('mobile', request.mobile, day);
      return { status: 'limit-reached', limit: 'caller' };
    }
    let link;
    try {
      link = await crm.createPaymentLink(request);
    } catch (error) {
      return { status: 'not-sent', reason: `link-failed:${crm.source}:${(error as Error).name || 'error'}` };
    }
    if (link.status === 'failed') return { status: 'not-sent', reason: `link-failed:${link.source}:${link.reason}` };
    if (link.deliveredByCrm) return { status: 'sent', deliveredByCrm: true };
    const message = paymentLinkText({
      language: request.language,
      amount: request.amount,
      currency: request.currency,
      url: link.url,
      businessName: this.options.businessName,
    });
    const sent = await sms.send({ to: request.mobile, body: message.text, callSid: request.callSid });
    if (sent.status === 'failed') return { status: 'not-sent', reason: `sms-failed:${sms.channel}:${sent.reason}${sent.code ? `:${sent.code}` : ''}` };
    return { status: 'sent', deliveredByCrm: false, segments: sent.segments };
  }

  private async waitForOutcome(key: string): Promise<PaymentLinkOutcome> {
    const deadline = Date.now() + (this.options.waitMs ?? 4000);
    while (Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, this.options.pollMs ?? 100));
      const { outcome } = await this.options.store.onceOutcome(key);
      if (outcome) return outcome;
    }
    // The first delivery is still running (or died): never send a second SMS on a guess.
    return { status: 'not-sent', reason: 'in-progress-elsewhere' };
  }

  private now(): Date {
    return (this.options.clock ?? (() => new Date()))();
  }
}
