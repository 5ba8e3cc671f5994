/**
 * Warm webhook steps in-process against dynalite: the real middy handler of
 * functions/voice.ts (signature check, composition, DynamoDB adapters, ledger CRM, EMF,
 * logs at INFO) against a bare handler doing one GetItem and returning static TwiML,
 * interleaved in the same loop so machine noise hits both alike.
 * DynamoDB requests are counted by an SDK middleware on the handlers' client, CRM
 * requests at the port (the CrmLatency metric the metered CRM emits per request).
 * English speech runs as deployed (TTS_MODE=polly, audio cached in S3) against local
 * servers speaking the Polly and S3 protocols, which count every request they get.
 */
import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { getExpectedTwilioSignature } from 'twilio/lib/webhooks/webhooks';
import { loadConfig } from '../lib/config/app-config';
import { createAudioStore, createSpeechSynthesizer } from '../lib/composition/audio-clients';
import { SynthesizedAudioCache } from '../lib/speech/synthesized-audio-cache';
import { startFakePolly, startFakeS3 } from '../test/support/fake-aws-audio';
import { startInProcessStack, webhookEvent, type InProcessStack } from '../test/support/in-process-stack';
import { lambdaContext } from '../test/support/lambda-context';
import { DynamoLedgerWriter } from '../lib/ledger/dynamo-ledger-writer';
import { latency, ratio, type Latency } from './stats';

const STATIC_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response><Say>Hello</Say><Hangup/></Response>';

const READS = new Set(['GetItemCommand', 'QueryCommand', 'ScanCommand', 'BatchGetItemCommand']);
const WRITES = new Set(['PutItemCommand', 'UpdateItemCommand', 'DeleteItemCommand', 'BatchWriteItemCommand']);

export interface StepFigures {
  readonly step: string;
  readonly real: Latency;
  readonly baseline: Latency;
  readonly p99Ratio: number;
  /** Per step, averaged over the measured runs. */
  readonly dynamo: { readonly reads: number; readonly writes: number; readonly crmReads: number; readonly byTable: Record<string, number> };
  /** DynamoDB requests one after another on the step's critical path (overlapping requests count once), averaged; the baseline makes 1. */
  readonly roundTrips: number;
  readonly crmRequests: number;
}

export interface StepsResult {
  readonly iterations: number;
  readonly steps: StepFigures[];
  /** Per call (a call = every step of its flow). */
  readonly crmPerCall: Record<string, Record<string, number>>;
  readonly polly: PollyFigures;
}

/** Polly and S3 requests seen by the local servers (TTS_MODE=polly). */
export interface PollyFigures {
  /** Distinct English texts synthesized during the warm-up (first use of each prompt/amount). */
  readonly synthesizedInWarmup: number;
  /** Polly requests during the measured iterations: every prompt already cached (target 0). */
  readonly pollyRequestsMeasured: number;
  /** S3 requests during the measured iterations (a warm container remembers what it stored). */
  readonly s3RequestsMeasured: number;
  /** A new container (fresh cache, same bucket) asking for every text synthesized so far. */
  readonly newContainer: { readonly texts: number; readonly pollyRequests: number; readonly s3Requests: number };
}

interface Counters {
  dynamo: { op: string; table: string; start: number; end: number }[];
  emf: Record<string, unknown>[];
}

const callSid = () => `CA${randomBytes(16).toString('hex')}`;

function signedEvent(stack: InProcessStack, path: string, params: Record<string, string>, query = ''): APIGatewayProxyEventV2 {
  const url = `${stack.baseUrl}${path}${query ? `?${query}` : ''}`;
  const signature = getExpectedTwilioSignature(stack.authToken, url, params);
  return webhookEvent(
    path,
    new URLSearchParams(params).toString(),
    { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': signature },
    query,
  );
}

/** The action URL's path and query of the TwiML answer's <Gather> or <Pay>. */
function actionOf(verb: 'Gather' | 'Pay', twiml: string, base: string): { path: string; query: string } {
  const match = new RegExp(`<${verb}[^>]*action="([^"]+)"`).exec(twiml);
  if (!match?.[1]) throw new Error(`expected a <${verb}> in ${twiml.slice(0, 300)}`);
  const url = new URL(match[1].replace(/&amp;/g, '&'), base);
  return { path: url.pathname, query: url.search.slice(1) };
}

export async function benchSteps(iterations: number, warmup: number): Promise<StepsResult> {
  const counters: Counters = { dynamo: [], emf: [] };
  // Swallow the handlers' output (logs still formatted, as in Lambda) and keep the EMF lines.
  const originalWrite = process.stdout.write.bind(process.stdout);
  process.stdout.write = ((chunk: string | Uint8Array, ...rest: unknown[]) => {
    const text = typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
    for (const line of text.split('\n')) if (line.includes('"_aws"')) counters.emf.push(JSON.parse(line) as Record<string, unknown>);
    const callback = rest.find((r) => typeof r === 'function') as (() => void) | undefined;
    callback?.();
    return true;
  }) as typeof process.stdout.write;

  const [polly, s3] = await Promise.all([startFakePolly(), startFakeS3('bench-audio')]);
  // A deployed stage has the clip pack in its bucket (npm run synthesize-prompts uploads it):
  // Persian sentences are joined from it.
  const clips = join(__dirname, '..', 'infra', 'audio', 'clips');
  for (const pack of readdirSync(clips)) {
    for (const file of readdirSync(join(clips, pack))) {
      s3.objects.set(`clips/${pack}/${file}`, {
        body: readFileSync(join(clips, pack, file)),
        contentType: file.endsWith('.json') ? 'application/json' : 'audio/wav',
        cacheControl: undefined,
      });
    }
  }
  const speechEnv = {
    TTS_MODE: 'polly',
    POLLY_ENDPOINT: polly.endpoint,
    AUDIO_BUCKET: 'bench-audio',
    S3_ENDPOINT: s3.endpoint,
    AWS_ACCESS_KEY_ID: 'bench',
    AWS_SECRET_ACCESS_KEY: 'bench',
  };
  const stack = await startInProcessStack({
    // Daily link limits per caller/mobile would otherwise end the SMS branch after a few iterations.
    env: {
      LOG_LEVEL: 'INFO',
      POWERTOOLS_METRICS_DISABLED: 'false',
      PAYMENT_LINK_DAILY_LIMIT_PER_CALLER: '1000000',
      PAYMENT_LINK_DAILY_LIMIT_PER_MOBILE: '1000000',
      ...speechEnv,
    },
  });
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { dynamo } = require('../lib/composition/core') as typeof import('../lib/composition/core');
    dynamo.middlewareStack.add(
      (next, context) => async (args) => {
        const entry = {
          op: context.commandName ?? 'unknown',
          table: String((args.input as { TableName?: string }).TableName ?? ''),
          start: performance.now(),
          end: Number.NaN,
        };
        counters.dynamo.push(entry);
        try {
          return await next(args);
        } finally {
          entry.end = performance.now();
        }
      },
      { step: 'initialize', name: 'benchRequestCounter' },
    );
    const ledger = new DynamoLedgerWriter(stack.db.doc, stack.tables.ledger);
    const baseline = async (sid: string) => {
      await dynamo.send(new GetCommand({ TableName: stack.tables.sessions, Key: { callSid: sid } }));
      return { statusCode: 200, headers: { 'Content-Type': 'text/xml' }, body: STATIC_TWIML };
    };

    const samples: Record<
      string,
      {
        real: number[];
        baseline: number[];
        reads: number;
        writes: number;
        crmReads: number;
        byTable: Record<string, number>;
        crm: number;
        runs: number;
        roundTrips: number;
      }
    > = {};
    const crmPerCall: Record<string, Record<string, number>> = {};
    const tableName = (t: string) => Object.entries(stack.tables).find(([, name]) => name === t)?.[0] ?? t;

    const step = async (name: string, event: APIGatewayProxyEventV2, measure: boolean): Promise<string> => {
      counters.dynamo.length = 0;
      counters.emf.length = 0;
      const baseSid = callSid();
      const t0 = performance.now();
      await baseline(baseSid);
      const t1 = performance.now();
      counters.dynamo.length = 0;
      const result = await stack.voice(event, lambdaContext('voice'));
      const t2 = performance.now();
      if (result.statusCode !== 200) throw new Error(`${name}: HTTP ${result.statusCode}`);
      if (measure) {
        const s = (samples[name] ??= { real: [], baseline: [], reads: 0, writes: 0, crmReads: 0, byTable: {}, crm: 0, runs: 0, roundTrips: 0 });
        s.roundTrips += sequentialRounds(counters.dynamo);
        s.baseline.push(t1 - t0);
        s.real.push(t2 - t1);
        s.runs += 1;
        for (const { op, table } of counters.dynamo) {
          const logical = tableName(table);
          s.byTable[`${logical}:${op.replace(/Command$/, '')}`] = (s.byTable[`${logical}:${op.replace(/Command$/, '')}`] ?? 0) + 1;
          if (logical === 'ledger') {
            if (READS.has(op)) s.crmReads += 1;
          } else if (READS.has(op)) s.reads += 1;
          else if (WRITES.has(op)) s.writes += 1;
        }
        s.crm += counters.emf.filter((l) => 'CrmLatency' in l).length;
      }
      return result.body ?? '';
    };

    const crmOf = (flow: string) => {
      const per = (crmPerCall[flow] ??= {});
      for (const l of counters.emf) if ('CrmLatency' in l) per[String(l.operation)] = (per[String(l.operation)] ?? 0) + 1;
    };

    let pollyAtWarmupEnd = 0;
    let s3AtWarmupEnd = 0;
    for (let i = 0; i < warmup + iterations; i += 1) {
      const measure = i >= warmup;
      if (i === warmup) {
        pollyAtWarmupEnd = polly.requests.length;
        s3AtWarmupEnd = s3.requests.length;
      }
      // Known English caller who owes: one step, identify + balance, hand on to next.
      let sid = callSid();
      await step(
        'entry → announce → next (balance-en)',
        signedEvent(stack, '/voice/balance-en', { CallSid: sid, From: '+15005550001', To: '+15550001000' }),
        measure,
      );
      if (measure && i === warmup) crmOf('balance-en: owed → next');

      // Persian module with mobile entry and confirmation: three steps.
      sid = callSid();
      const perCall: Record<string, unknown>[] = [];
      let twiml = await step(
        'entry → gather mobile (balance-fa-mobile)',
        signedEvent(stack, '/voice/balance-fa-mobile', { CallSid: sid, From: '+989121111111', To: '+15550001000' }),
        measure,
      );
      perCall.push(...counters.emf);
      let next = actionOf('Gather', twiml, stack.baseUrl);
      twiml = await step(
        'mobile → announce → gather confirm',
        signedEvent(stack, next.path, { CallSid: sid, From: '+989121111111', To: '+15550001000', Digits: '09121111111' }, next.query),
        measure,
      );
      perCall.push(...counters.emf);
      next = actionOf('Gather', twiml, stack.baseUrl);
      await step(
        'confirm "1" → next',
        signedEvent(stack, next.path, { CallSid: sid, From: '+989121111111', To: '+15550001000', Digits: '1' }, next.query),
        measure,
      );
      perCall.push(...counters.emf);
      if (measure && i === warmup) {
        counters.emf = perCall;
        crmOf('balance-fa-mobile: mobile → confirm yes');
      }

      // Payment link by SMS (outbox): the mobile step creates the link and sends it once.
      sid = callSid();
      const payCall: Record<string, unknown>[] = [];
      twiml = await step(
        'entry → gather mobile (pay-en)',
        signedEvent(stack, '/voice/pay-en', { CallSid: sid, From: '+15005550001', To: '+15550001000' }),
        measure,
      );
      payCall.push(...counters.emf);
      next = actionOf('Gather', twiml, stack.baseUrl);
      const mobile = `0912${String(1_000_000 + i).padStart(7, '0')}`;
      await step(
        'mobile → announce → link by SMS → next',
        signedEvent(stack, next.path, { CallSid: sid, From: '+15005550001', To: '+15550001000', Digits: mobile }, next.query),
        measure,
      );
      payCall.push(...counters.emf);
      if (measure && i === warmup) {
        counters.emf = payCall;
        crmOf('pay-en: link by SMS → next');
      }

      // Customer club by customer number, handing over to the balance module: the club's
      // identity travels in the session, so the balance module looks up no one again.
      sid = callSid();
      const clubCall: Record<string, unknown>[] = [];
      twiml = await step(
        'entry → gather customer number (club-en)',
        signedEvent(stack, '/voice/club-en', { CallSid: sid, From: '+15009999999', To: '+15550001000' }),
        measure,
      );
      clubCall.push(...counters.emf);
      next = actionOf('Gather', twiml, stack.baseUrl);
      twiml = await step(
        'customer number → redirect to balance-en',
        signedEvent(stack, next.path, { CallSid: sid, From: '+15009999999', To: '+15550001000', Digits: '2001' }, next.query),
        measure,
      );
      clubCall.push(...counters.emf);
      const redirect = redirectPath(twiml, stack.baseUrl);
      await step(
        'balance-en after the club → announce → next',
        signedEvent(stack, redirect, { CallSid: sid, From: '+15009999999', To: '+15550001000' }),
        measure,
      );
      clubCall.push(...counters.emf);
      if (measure && i === warmup) {
        counters.emf = clubCall;
        crmOf('club-en → balance-en: customer number → next');
      }

      // Card payment in the call (Twilio <Pay>): a customer of this iteration's own owes $48.20
      // (written before the call, outside the timing), pays it, and the success is settled.
      const payer = `c-bench-${i}`;
      const phone = `+1500700${String(i).padStart(4, '0')}`;
      await ledger.putCustomers([{ id: payer, phones: [phone] }]);
      await ledger.putItems([
        { customerId: payer, type: 'invoice', number: `INV-B${i}`, fields: { FinalValue: 4820 }, moneyAccount: 'acc-usd', currency: 'USD', status: 'open' },
      ]);
      sid = callSid();
      const cardCall: Record<string, unknown>[] = [];
      twiml = await step(
        'entry → announce → offer card (pay-card-en)',
        signedEvent(stack, '/voice/pay-card-en', { CallSid: sid, From: phone, To: '+15550001000' }),
        measure,
      );
      cardCall.push(...counters.emf);
      next = actionOf('Gather', twiml, stack.baseUrl);
      twiml = await step(
        'offer "2" → <Pay>',
        signedEvent(stack, next.path, { CallSid: sid, From: phone, To: '+15550001000', Digits: '2' }, next.query),
        measure,
      );
      cardCall.push(...counters.emf);
      const pay = actionOf('Pay', twiml, stack.baseUrl);
      await step(
        '<Pay> success → settle once → next',
        signedEvent(
          stack,
          pay.path,
          {
            CallSid: sid,
            From: phone,
            To: '+15550001000',
            Result: 'success',
            PaymentConfirmationCode: `ch_bench_${sid}`,
            PaymentCardNumber: 'xxxx-xxxx-xxxx-4242',
            PaymentCardType: 'visa',
          },
          pay.query,
        ),
        measure,
      );
      cardCall.push(...counters.emf);
      if (measure && i === warmup) {
        counters.emf = cardCall;
        crmOf('pay-card-en: offer → <Pay> → settled → next');
      }
    }
    const pollyFigures = await newContainerPolly(polly, s3, speechEnv, {
      synthesizedInWarmup: pollyAtWarmupEnd,
      pollyRequestsMeasured: polly.requests.length - pollyAtWarmupEnd,
      s3RequestsMeasured: s3.requests.length - s3AtWarmupEnd,
    });

    const steps: StepFigures[] = Object.entries(samples).map(([name, s]) => {
      const real = latency(s.real);
      const base = latency(s.baseline);
      const avg = (n: number) => Math.round((n / s.runs) * 100) / 100;
      return {
        step: name,
        real,
        baseline: base,
        p99Ratio: ratio(real.p99, base.p99),
        dynamo: {
          reads: avg(s.reads),
          writes: avg(s.writes),
          crmReads: avg(s.crmReads),
          byTable: Object.fromEntries(Object.entries(s.byTable).map(([k, v]) => [k, avg(v)])),
        },
        crmRequests: avg(s.crm),
        roundTrips: avg(s.roundTrips),
      };
    });
    return { iterations, steps, crmPerCall, polly: pollyFigures };
  } finally {
    process.stdout.write = originalWrite;
    await stack.stop();
    await Promise.all([polly.stop(), s3.stop()]);
  }
}

/** How many requests ran one after another: overlapping requests are one round trip. */
function sequentialRounds(requests: readonly { start: number; end: number }[]): number {
  const sorted = [...requests].sort((a, b) => a.start - b.start);
  let rounds = 0;
  let until = Number.NEGATIVE_INFINITY;
  for (const r of sorted) {
    if (r.start >= until) rounds += 1;
    until = Math.max(until, r.end);
  }
  return rounds;
}

/** The <Redirect> target's path in a TwiML answer (a hand-over to another module). */
function redirectPath(twiml: string, base: string): string {
  const match = /<Redirect[^>]*>([^<]+)<\/Redirect>/.exec(twiml);
  if (!match?.[1]) throw new Error(`expected a <Redirect> in ${twiml.slice(0, 300)}`);
  return new URL(match[1].replace(/&amp;/g, '&'), base).pathname;
}

/**
 * A new container: the production clients and cache, built from the same configuration, with
 * nothing in memory; every text the warm container synthesized must come from S3 (one HEAD
 * each), none from Polly.
 */
async function newContainerPolly(
  polly: Awaited<ReturnType<typeof startFakePolly>>,
  s3: Awaited<ReturnType<typeof startFakeS3>>,
  env: Record<string, string>,
  warm: Omit<PollyFigures, 'newContainer'>,
): Promise<PollyFigures> {
  const config = loadConfig({ ...process.env, ...env });
  const cache = new SynthesizedAudioCache(createSpeechSynthesizer(config), createAudioStore(config), {
    voice: config.speech.pollyVoice,
    engine: config.speech.pollyEngine,
    format: 'mp3',
    sampleRate: config.speech.pollySampleRate,
  });
  const texts = [...new Set(polly.synthesized)];
  const [pollyBefore, s3Before] = [polly.requests.length, s3.requests.length];
  for (const text of texts) await cache.audioKeyFor(text);
  return { ...warm, newContainer: { texts: texts.length, pollyRequests: polly.requests.length - pollyBefore, s3Requests: s3.requests.length - s3Before } };
}
