import { createLogger } from '../../lib/observability/logger';
import { ALARMED_METRICS, EmfMetrics } from '../../lib/observability/metrics';
import { maskPhonesIn } from '../../lib/observability/redact';
import { captureOutput } from '../support/capture-output';

describe('the log safety net', () => {
  it.each([
    ['+989121234567', '***4567'],
    ['09121234567', '***4567'],
    ['00989121234567', '***4567'],
    ['0912 123 4567', '***4567'],
    ['(021) 8877-6655', '***6655'],
    ['۰۹۱۲۱۲۳۴۵۶۷', '***۴۵۶۷'],
    ['٠٩١٢١٢٣٤٥٦٧', '***٤٥٦٧'],
    ['+1 500-555-0001', '***0001'],
  ])('masks %s to its last 4 digits', (phone, masked) => {
    expect(maskPhonesIn(`no customer for ${phone}.`)).toBe(`no customer for ${masked}.`);
  });

  it.each([
    'CA0123456789abcdef0123456789abcdef',
    'CA00000000000000000000000000000001',
    '2026-11-27T10:00:00.000Z',
    'owed 1250000 rials',
    'turn 12, attempt 3',
    'c6af9ac6-7b61-4e1a-9d6e-123456789012',
  ])('leaves %s readable', (text) => {
    expect(maskPhonesIn(text)).toBe(text);
  });

  it('masks phone numbers in messages, attributes and error texts written by the logger', async () => {
    const logger = createLogger('INFO');
    const { lines } = await captureOutput(async () => {
      logger.info('lookup for +989121234567', { from: '09121234567', nested: { to: '00989121234567' } });
      logger.error('failed', { error: new Error('CRM said: unknown customer 0912 123 4567') });
    });
    expect(lines).toHaveLength(2);
    expect(lines.join('\n')).not.toMatch(/9121234567|912 123 4567/);
    expect(JSON.parse(lines[0] as string)).toMatchObject({ message: 'lookup for ***4567', from: '***4567', nested: { to: '***4567' } });
  });

  it('writes nothing below the configured level', async () => {
    const logger = createLogger('WARN');
    const { lines } = await captureOutput(async () => {
      logger.info('quiet');
      logger.warn('loud');
    });
    expect(lines.map((l) => (JSON.parse(l) as { message: string }).message)).toEqual(['loud']);
  });
});

describe('EMF metrics', () => {
  it('writes one CloudWatch embedded-metric-format line per datum', () => {
    const lines: string[] = [];
    const metrics = new EmfMetrics({ namespace: 'BalanceIvr', service: 'balance-ivr', write: (l) => lines.push(l), clock: () => 1_700_000_000_000 });
    metrics.add('CallOutcome', 'Count', 1, { module: 'balance-en', outcome: 'next' });
    expect(lines.map((l) => JSON.parse(l))).toEqual([
      {
        _aws: {
          Timestamp: 1_700_000_000_000,
          CloudWatchMetrics: [{ Namespace: 'BalanceIvr', Dimensions: [['service', 'module', 'outcome']], Metrics: [{ Name: 'CallOutcome', Unit: 'Count' }] }],
        },
        service: 'balance-ivr',
        module: 'balance-en',
        outcome: 'next',
        CallOutcome: 1,
      },
    ]);
  });

  it('also publishes the alarmed metrics under the service dimension alone, so an alarm can watch them', () => {
    const lines: string[] = [];
    const metrics = new EmfMetrics({ namespace: 'BalanceIvr-prod', service: 'balance-ivr', rollup: ALARMED_METRICS, write: (l) => lines.push(l) });
    metrics.add('SmsFailed', 'Count', 1, { channel: 'twilio', reason: 'rate-limited' });
    metrics.add('CallOutcome', 'Count', 1, { module: 'balance-en', outcome: 'next' });
    const dimensions = lines.map((l) => (JSON.parse(l) as { _aws: { CloudWatchMetrics: { Dimensions: string[][] }[] } })._aws.CloudWatchMetrics[0]?.Dimensions);
    expect(dimensions).toEqual([[['service', 'channel', 'reason'], ['service']], [['service', 'module', 'outcome']]]);
    expect(ALARMED_METRICS).toEqual(['WebhookFailed', 'StepDeadlineExceeded', 'CrmCircuitOpen', 'SmsFailed']);
  });

  it('never lets a failing sink break the caller', () => {
    const metrics = new EmfMetrics({
      namespace: 'n',
      service: 's',
      write: () => {
        throw new Error('stdout closed');
      },
    });
    expect(() => metrics.add('X', 'Count', 1, {})).not.toThrow();
  });
});
