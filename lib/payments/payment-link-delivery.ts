/**
 * Performs the flow's payment-link need exactly once per call: claim the call's guard,
 * apply the daily limits, have the CRM create the link, send the SMS unless the CRM did.
 * Every later or concurrent delivery of the same step gets the first one's outcome.
 *
 * Writes, without transactions: the claim (conditional put), the limits (one conditional
 * counter write, two when the mobile is not the calling number), the link (the issuer's
 * conditional put), and the outcome — which also carries the SMS when the sender only holds
 * messages (the outbox), so the message is stored exactly when the outcome says sent.
 */
import type { AppLogger } from '../observability/logger';
import { maskPhone } from '../domain/phone';
import type { Crm } from '../crm/crm';
import type { PaymentLinkOutcome, PaymentLinkRequest } from '../domain/payment-link';
import type { HeldSms, SmsSender } from '../sms/sms-sender';
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
    let held: HeldSms | undefined;
    try {
      ({ outcome, held } = await this.firstDelivery(crm, request, caller, now));
    } catch (error) {
      logger.error('payment link delivery failed', { error: error as Error });
      outcome = { status: 'not-sent', reason: `internal-error:${(error as Error).name}` };
    }
    await store.completeOnce(key, outcome, held);
    logger.info('payment link outcome', { ...outcome, mobile: maskPhone(request.mobile) });
    return outcome;
  }

  private async firstDelivery(crm: Crm, request: PaymentLinkRequest, caller: string, now: Date): Promise<{ outcome: PaymentLinkOutcome; held?: HeldSms }> {
    const { store, sms } = this.options;
    const limits = await store.countLinkLimits({
      mobile: request.mobile,
      ...(caller ? { caller } : {}),
      day: now.toISOString().slice(0, 10),
      perMobile: this.options.dailyLimitPerMobile,
      perCaller: this.options.dailyLimitPerCaller,
      expiresAt: Math.floor(now.getTime() / 1000) + 2 * 86_400,
    });
    if (!limits.counted) return { outcome: { status: 'limit-reached', limit: limits.limit } };
    let link;
    try {
      link = await crm.createPaymentLink(request);
    } catch (error) {
      return { outcome: { status: 'not-sent', reason: `link-failed:${crm.source}:${(error as Error).name || 'error'}` } };
    }
    if (link.status === 'failed') return { outcome: { status: 'not-sent', reason: `link-failed:${link.source}:${link.reason}` } };
    if (link.deliveredByCrm) return { outcome: { status: 'sent', deliveredByCrm: true } };
    const message = paymentLinkText({
      language: request.language,
      amount: request.amount,
      currency: request.currency,
      url: link.url,
      businessName: this.options.businessName,
    });
    const text = { to: request.mobile, body: message.text, callSid: request.callSid };
    // An outbox only stores messages: it is stored with the outcome, in one write.
    const held = sms.hold?.(text);
    if (held) return { outcome: { status: 'sent', deliveredByCrm: false, segments: held.segments }, held };
    const sent = await sms.send(text);
    if (sent.status === 'failed')
      return { outcome: { status: 'not-sent', reason: `sms-failed:${sms.channel}:${sent.reason}${sent.code ? `:${sent.code}` : ''}` } };
    return { outcome: { status: 'sent', deliveredByCrm: false, segments: sent.segments } };
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
