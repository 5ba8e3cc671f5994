/**
 * Logs and metrics of whole calls through the real handlers: structured JSON, CallSid and
 * module code on every voice-step line, no full phone number anywhere, EMF metrics for
 * outcomes, step latency and CRM requests.
 */
import { placeCall } from '../../tools/simulator/call-simulator';
import { captureOutput } from '../support/capture-output';
import { startInProcessStack, type InProcessStack } from '../support/in-process-stack';

let stack: InProcessStack;

beforeAll(async () => {
  stack = await startInProcessStack({ env: { LOG_LEVEL: 'DEBUG', CONFIG_CACHE_SECONDS: '0', POWERTOOLS_METRICS_DISABLED: 'false' } });
}, 60_000);

afterAll(async () => {
  await stack?.stop();
});

const call = (code: string, from: string, digits?: string[], statusCallback = true) =>
  placeCall({ baseUrl: stack.baseUrl, code, from, authToken: stack.authToken, fetchImpl: stack.fetch, statusCallback, ...(digits ? { digits } : {}) });

/** Every spelling of the numbers these calls use, down to the last 8 digits. */
const PHONES = ['+15005550001', '+15009999999', '+989121111111', '09124444444', '+15005550002', '09121111111'];
const fullNumberPatterns = PHONES.map((p) => p.replace(/\D/g, '').slice(-8));

type Line = Record<string, unknown>;
const parse = (lines: string[]): Line[] => lines.map((l) => JSON.parse(l) as Line);
const isEmf = (l: Line) => typeof l._aws === 'object';

describe('logs of whole calls', () => {
  it('writes only structured JSON and never a full phone number, even in errors and rejections', async () => {
    const { lines } = await captureOutput(async () => {
      await call('balance-en', '+15005550001');
      await call('balance-en', '+15009999999');
      await call('balance-anon', '+15009999999', ['09124444444']);
      await call('balance-fa-mobile', '+989121111111', ['0912 111 1111', '1']);
      await placeCall({ baseUrl: stack.baseUrl, code: 'balance-en', from: '+15005550002', authToken: 'wrong', fetchImpl: stack.fetch });
    });
    expect(lines.length).toBeGreaterThan(10);
    const parsed = parse(lines); // throws on a non-JSON line
    expect(parsed.filter((l) => !isEmf(l)).every((l) => typeof l.level === 'string' && typeof l.message === 'string')).toBe(true);
    for (const line of lines) for (const digits of fullNumberPatterns) expect(line).not.toContain(digits);
    // The masked form is what operators see instead.
    expect(lines.some((l) => l.includes('***0001'))).toBe(true);
  });

  it('puts the CallSid and the module code on every line a voice step writes', async () => {
    const { result, lines } = await captureOutput(() => call('balance-anon', '+15009999999', ['123', '09124444444'], false));
    const logs = parse(lines).filter((l) => !isEmf(l));
    expect(logs.length).toBeGreaterThanOrEqual(2);
    for (const log of logs) expect(log).toMatchObject({ callSid: result.callSid, moduleCode: 'balance-anon', service: 'balance-ivr' });
  });
});

describe('metrics in embedded metric format', () => {
  it('reports the call outcome, the latency of every step and every CRM request', async () => {
    const { result, lines } = await captureOutput(() => call('balance-en', '+15005550001', undefined, false));
    expect(result.handedOn.kind).toBe('dial');
    const emf = parse(lines).filter(isEmf);
    const named = (name: string) => emf.filter((l) => name in l);
    for (const line of emf) {
      const directive = (line._aws as { CloudWatchMetrics: { Namespace: string; Dimensions: string[][]; Metrics: { Name: string }[] }[] }).CloudWatchMetrics[0];
      expect(directive?.Namespace).toBe('BalanceIvr');
      for (const dimension of directive?.Dimensions[0] ?? []) expect(typeof line[dimension]).toBe('string');
      expect(typeof line[directive?.Metrics[0]?.Name ?? '']).toBe('number');
    }
    expect(named('CallOutcome')).toEqual([expect.objectContaining({ CallOutcome: 1, module: 'balance-en', outcome: 'next' })]);
    expect(named('StepLatency')).toEqual([expect.objectContaining({ function: 'voice', step: 'entry', status: '200' })]);
    // The built-in ledger answers who is calling and what they owe in one keyed read.
    expect(
      named('CrmLatency')
        .map((l) => l.operation)
        .sort(),
    ).toEqual(['identifyWithBalance']);
    expect(named('CrmFailure')).toEqual([]);
  });

  it('reports the club outcome like the balance flow, then the balance module outcome after the hand-over', async () => {
    const { result, lines } = await captureOutput(() => call('club-en', '+15009999999', ['2001'], false));
    expect(result.modulesVisited).toEqual(['club-en', 'balance-en']);
    const outcomes = parse(lines).filter((l) => isEmf(l) && 'CallOutcome' in l);
    expect(outcomes).toEqual([
      expect.objectContaining({ CallOutcome: 1, module: 'club-en', outcome: 'next' }),
      expect.objectContaining({ CallOutcome: 1, module: 'balance-en', outcome: 'next' }),
    ]);
  });

  it('reports a club call that ends at its error destination under outcome "error"', async () => {
    const { result, lines } = await captureOutput(() => call('club-en', '+15009999999', ['9999', '9999', '9999'], false));
    expect(result.handedOn).toEqual({ kind: 'dial', target: 'sip:support@pbx.example.com' });
    expect(parse(lines).filter((l) => isEmf(l) && 'CallOutcome' in l)).toEqual([
      expect.objectContaining({ CallOutcome: 1, module: 'club-en', outcome: 'error' }),
    ]);
  });

  it('counts a payment link SMS as sent, with its segments, by channel', async () => {
    const { result, lines } = await captureOutput(() => call('pay-en', '+15005550001', ['09125550001'], false));
    expect(result.events).toContainEqual(
      expect.objectContaining({ type: 'say', text: expect.stringContaining('A payment link has been sent to your mobile') }),
    );
    const emf = parse(lines).filter(isEmf);
    expect(emf.filter((l) => 'SmsSent' in l)).toEqual([expect.objectContaining({ SmsSent: 1, channel: 'outbox' })]);
    expect(emf.filter((l) => 'SmsSegments' in l)).toEqual([expect.objectContaining({ SmsSegments: expect.any(Number), channel: 'outbox' })]);
    expect(emf.filter((l) => 'SmsFailed' in l)).toEqual([]);
  });

  it('counts a rejected signature under its HTTP status', async () => {
    const { lines } = await captureOutput(() => stack.post('/voice/balance-en', { CallSid: 'CA0123456789abcdef0123456789abcdef' }, { signature: 'forged' }));
    expect(parse(lines).filter(isEmf)).toContainEqual(expect.objectContaining({ StepLatency: expect.any(Number), status: '403' }));
  });
});
