/** SMS metrics at the port: sent, failed by reason, and a sender that throws. */
import type { MetricsRecorder } from '../../lib/observability/metrics';
import type { SmsResult, SmsSender } from '../../lib/sms/sms-sender';
import { MeteredSmsSender } from '../../lib/sms/metered-sms-sender';

function recorder() {
  const data: Array<{ name: string; value: number; dimensions: Record<string, string> }> = [];
  const metrics: MetricsRecorder = { add: (name, _unit, value, dimensions) => void data.push({ name, value, dimensions: { ...dimensions } }) };
  return { data, metrics };
}

const sender = (answer: () => Promise<SmsResult>): SmsSender => ({ channel: 'twilio', send: answer });
const message = { to: '+989121111111', body: 'link', callSid: 'CA1' };

describe('SMS metrics', () => {
  it('counts a sent message and its segments', async () => {
    const { data, metrics } = recorder();
    const result = await new MeteredSmsSender(
      sender(async () => ({ status: 'sent', id: 'SM1', segments: 2 })),
      metrics,
    ).send(message);
    expect(result).toEqual({ status: 'sent', id: 'SM1', segments: 2 });
    expect(data).toEqual([
      { name: 'SmsSent', value: 1, dimensions: { channel: 'twilio' } },
      { name: 'SmsSegments', value: 2, dimensions: { channel: 'twilio' } },
    ]);
  });

  it('counts a refused message under its reason and passes the refusal on', async () => {
    const { data, metrics } = recorder();
    const result = await new MeteredSmsSender(
      sender(async () => ({ status: 'failed', reason: 'rate-limited', httpStatus: 429 })),
      metrics,
    ).send(message);
    expect(result).toMatchObject({ status: 'failed', reason: 'rate-limited' });
    expect(data).toEqual([{ name: 'SmsFailed', value: 1, dimensions: { channel: 'twilio', reason: 'rate-limited' } }]);
  });

  it('counts a sender that throws as failed and rethrows', async () => {
    const { data, metrics } = recorder();
    const metered = new MeteredSmsSender(
      sender(async () => Promise.reject(new Error('outbox write failed'))),
      metrics,
    );
    await expect(metered.send(message)).rejects.toThrow('outbox write failed');
    expect(data).toEqual([{ name: 'SmsFailed', value: 1, dimensions: { channel: 'twilio', reason: 'error' } }]);
  });
});
