/**
 * Counts every SMS at the port: SmsSent (with the segments billed) or SmsFailed, by channel,
 * and for failures by reason, so a provider outage or rate limiting shows on a dashboard
 * rather than only as "link not sent" in call logs.
 */
import type { MetricsRecorder } from '../observability/metrics';
import type { HeldSms, SmsMessage, SmsResult, SmsSender } from './sms-sender';

export class MeteredSmsSender implements SmsSender {
  readonly channel: string;
  /** Present exactly when the wrapped sender has it: a held message counts as sent (the caller stores it with its outcome). */
  readonly hold?: (message: SmsMessage) => HeldSms;

  constructor(
    private readonly inner: SmsSender,
    private readonly metrics: MetricsRecorder,
  ) {
    this.channel = inner.channel;
    const hold = inner.hold?.bind(inner);
    if (hold) {
      this.hold = (message) => {
        const held = hold(message);
        this.metrics.add('SmsSent', 'Count', 1, { channel: this.channel });
        this.metrics.add('SmsSegments', 'Count', held.segments, { channel: this.channel });
        return held;
      };
    }
  }

  async send(message: SmsMessage): Promise<SmsResult> {
    let result: SmsResult | undefined;
    try {
      result = await this.inner.send(message);
      return result;
    } finally {
      if (result?.status === 'sent') {
        this.metrics.add('SmsSent', 'Count', 1, { channel: this.channel });
        this.metrics.add('SmsSegments', 'Count', result.segments, { channel: this.channel });
      } else {
        // A thrown error is a failure too (the outbox's DynamoDB write, say).
        this.metrics.add('SmsFailed', 'Count', 1, { channel: this.channel, reason: result?.status === 'failed' ? result.reason : 'error' });
      }
    }
  }
}
