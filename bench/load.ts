/**
 * Load: N concurrent simulated calls through the local HTTP stack (dynalite +
 * serverless-offline running the bundled handlers), signed exactly as Twilio signs, every
 * flow branch in the mix. Afterwards DynamoDB is checked call by call: a session that is
 * missing, not finished, or finished with the wrong outcome is lost/corrupted; so is a
 * missing call-log record. Loopback only; every call and the whole run are time-bounded.
 */
import { BatchGetCommand } from '@aws-sdk/lib-dynamodb';
import type { LocalStack } from '../infra/local-stack';
import { placeCall, type Transcript } from '../tools/simulator/call-simulator';
import { freePort } from '../infra/local/serverless-offline';
import { startLocalStack } from '../infra/local-stack';
import { AUTH_TOKEN, DEMO_SEED } from '../test/support/local-stack';
import { latency, percentile, type Latency } from './stats';

interface Scenario {
  readonly branch: string;
  readonly code: string;
  readonly from: string;
  readonly digits?: string[] | ((i: number) => string[]);
  readonly handedOn: Transcript['handedOn'];
  readonly outcome: string;
  /** The call must send exactly one SMS (the payment link). */
  readonly sms?: boolean;
}

/** A distinct valid mobile per call, so per-mobile link limits do not shape the result. */
const mobileFor = (i: number) => `0912${String(1_000_000 + (i % 8_000_000)).padStart(7, '0')}`;

/** Every branch of the flow, the payment link by SMS included. */
export const SCENARIOS: readonly Scenario[] = [
  { branch: 'owed → next', code: 'balance-en', from: '+15005550001', handedOn: { kind: 'dial', target: '+982191000000' }, outcome: 'next' },
  { branch: 'no debt', code: 'balance-en', from: '+15005550002', handedOn: { kind: 'dial', target: 'sip:support@pbx.example.com' }, outcome: 'no-debt' },
  { branch: 'unknown caller', code: 'balance-en', from: '+15009999999', handedOn: { kind: 'dial', target: 'sip:support@pbx.example.com' }, outcome: 'error' },
  {
    branch: 'anonymous (mobile identifies)',
    code: 'balance-anon',
    from: '+15009999999',
    digits: ['09124444444'],
    handedOn: { kind: 'dial', target: '+982191000000' },
    outcome: 'next',
  },
  {
    branch: 'invalid digits to max attempts',
    code: 'balance-anon',
    from: '+15009999999',
    digits: ['123', '', '0912'],
    handedOn: { kind: 'hangup' },
    outcome: 'error',
  },
  { branch: 'Persian, owed → next', code: 'balance-fa', from: '09121111111', handedOn: { kind: 'dial', target: '+982191000000' }, outcome: 'next' },
  {
    branch: 'confirm yes',
    code: 'balance-fa-mobile',
    from: '+989121111111',
    digits: ['09121111111', '1'],
    handedOn: { kind: 'dial', target: '+982191000000' },
    outcome: 'next',
  },
  { branch: 'confirm no', code: 'balance-fa-mobile', from: '+989121111111', digits: ['09121111111', '2'], handedOn: { kind: 'hangup' }, outcome: 'error' },
  {
    branch: 'payment link by SMS',
    code: 'pay-en',
    from: '+15005550001',
    digits: (i) => [mobileFor(i)],
    handedOn: { kind: 'dial', target: '+982191000000' },
    outcome: 'next',
    sms: true,
  },
];

const digitsOf = (s: Scenario, i: number) => (typeof s.digits === 'function' ? s.digits(i) : s.digits);

export interface LoadRun {
  readonly concurrency: number;
  readonly calls: number;
  readonly seconds: number;
  readonly callsPerSecond: number;
  readonly requestsPerSecond: number;
  readonly stepLatency: Record<string, Latency>;
  readonly p99AllSteps: number;
  readonly errors: number;
  readonly http5xx: number;
  readonly wrongDestination: number;
  readonly lostOrCorruptedSessions: number;
  readonly missingCallLogs: number;
  readonly duplicateSms: number;
  readonly missingSms: number;
  readonly branches: Record<string, number>;
  readonly errorSamples: string[];
}

function stepOf(url: string): string {
  const path = new URL(url).pathname;
  const step = /^\/voice\/[^/]+\/([^/]+)$/.exec(path)?.[1];
  return step ?? 'entry';
}

async function readAll(stack: LocalStack, table: string, sids: string[]): Promise<Map<string, Record<string, unknown>>> {
  const found = new Map<string, Record<string, unknown>>();
  for (let i = 0; i < sids.length; i += 100) {
    let keys: Record<string, unknown>[] | undefined = sids.slice(i, i + 100).map((callSid) => ({ callSid }));
    for (let round = 0; keys && keys.length > 0 && round < 10; round += 1) {
      const out = await stack.documentClient.send(new BatchGetCommand({ RequestItems: { [table]: { Keys: keys, ConsistentRead: true } } }));
      for (const item of out.Responses?.[table] ?? []) found.set(String(item.callSid), item);
      keys = out.UnprocessedKeys?.[table]?.Keys as Record<string, unknown>[] | undefined;
    }
  }
  return found;
}

async function runLoad(stack: LocalStack, concurrency: number, deadlineMs: number): Promise<LoadRun> {
  const deadline = AbortSignal.timeout(deadlineMs);
  const started = performance.now();
  const plan = Array.from({ length: concurrency }, (_, i) => SCENARIOS[i % SCENARIOS.length] as Scenario);
  const transcripts = await Promise.all(
    plan.map((s, i) =>
      placeCall({
        baseUrl: stack.baseUrl,
        code: s.code,
        from: s.from,
        authToken: AUTH_TOKEN,
        // Twilio gives up after 15 s; the bench waits longer so queueing on a small machine is measured, not hidden.
        timeoutMs: 60_000,
        maxRequests: 12,
        ...(s.digits ? { digits: digitsOf(s, i + concurrency * 10) } : {}),
        fetchImpl: (input, init) => (deadline.aborted ? Promise.reject(new Error('load deadline passed')) : fetch(input, init)),
      }).catch((error: Error) => error),
    ),
  );
  const seconds = (performance.now() - started) / 1000;
  const byStep: Record<string, number[]> = {};
  let errors = 0;
  let http5xx = 0;
  let wrongDestination = 0;
  let duplicateSms = 0;
  let missingSms = 0;
  let requests = 0;
  const samples: string[] = [];
  const branches: Record<string, number> = {};
  const sids: string[] = [];
  transcripts.forEach((t, i) => {
    const s = plan[i] as Scenario;
    if (t instanceof Error) {
      errors += 1;
      if (samples.length < 3) samples.push(t.message);
      return;
    }
    sids.push(t.callSid);
    branches[s.branch] = (branches[s.branch] ?? 0) + 1;
    for (const e of t.events) {
      if (e.type === 'request') {
        requests += 1;
        (byStep[stepOf(e.url)] ??= []).push(e.ms);
      }
      if (e.type === 'http-error') {
        errors += 1;
        if (samples.length < 3) samples.push(`${e.status} ${e.body.slice(0, 120)}`);
        if (e.status >= 500) http5xx += 1;
      }
    }
    if (t.statusCallback?.status !== 200) errors += 1;
    if (JSON.stringify(t.handedOn) !== JSON.stringify(s.handedOn)) wrongDestination += 1;
    const expectedSms = s.sms ? 1 : 0;
    if (t.sms.length > expectedSms) duplicateSms += t.sms.length - expectedSms;
    if (t.sms.length < expectedSms) missingSms += 1;
  });
  const sessions = await readAll(stack, stack.config.tables.sessions, sids);
  const logs = await readAll(stack, stack.config.tables.callLog, sids);
  let lost = 0;
  let missingLogs = 0;
  transcripts.forEach((t, i) => {
    if (t instanceof Error) return;
    const s = plan[i] as Scenario;
    const session = sessions.get(t.callSid);
    if (!session || session.step !== 'done' || session.outcome !== s.outcome || session.moduleCode !== s.code) lost += 1;
    const log = logs.get(t.callSid);
    if (!log || log.outcome !== s.outcome) missingLogs += 1;
  });
  const all = Object.values(byStep).flat();
  return {
    concurrency,
    calls: concurrency,
    seconds: Math.round(seconds * 100) / 100,
    callsPerSecond: Math.round((concurrency / seconds) * 10) / 10,
    requestsPerSecond: Math.round((requests / seconds) * 10) / 10,
    stepLatency: Object.fromEntries(Object.entries(byStep).map(([k, v]) => [k, latency(v)])),
    p99AllSteps: percentile(all, 99),
    errors,
    http5xx,
    wrongDestination,
    lostOrCorruptedSessions: lost,
    missingCallLogs: missingLogs,
    duplicateSms,
    missingSms,
    branches,
    errorSamples: samples,
  };
}

export async function benchLoad(levels: readonly number[], deadlineMs: number): Promise<LoadRun[]> {
  // In-process: on a small machine a worker thread per concurrent request (serverless-offline's
  // default) measures the emulator's cold starts, not the product.
  const stack = await startLocalStack({
    port: await freePort(),
    seedFile: DEMO_SEED,
    inProcess: true,
    // Abuse limits per caller/mobile and day would otherwise turn most SMS calls into "limit reached".
    env: {
      TWILIO_AUTH_TOKEN: AUTH_TOKEN,
      LOG_LEVEL: 'ERROR',
      CONFIG_CACHE_SECONDS: '15',
      PAYMENT_LINK_DAILY_LIMIT_PER_CALLER: '1000000',
      PAYMENT_LINK_DAILY_LIMIT_PER_MOBILE: '1000000',
    },
  });
  try {
    // One sequential pass first so every worker is warm and the bundle compiled.
    for (const [i, s] of SCENARIOS.entries())
      await placeCall({ baseUrl: stack.baseUrl, code: s.code, from: s.from, authToken: AUTH_TOKEN, ...(s.digits ? { digits: digitsOf(s, i) } : {}) });
    const runs: LoadRun[] = [];
    for (const n of levels) runs.push(await runLoad(stack, n, deadlineMs));
    return runs;
  } finally {
    await stack.stop();
  }
}
