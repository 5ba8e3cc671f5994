/**
 * `npm run bench`: every figure beside its baseline measured in the same run, printed as
 * tables and written to bench/results.json.
 *
 *   BENCH_ITERATIONS  measured iterations of the in-process steps (default 300, +30 warm-up)
 *   BENCH_COLD_RUNS   fresh-process cold inits per bundle (default 7, median reported)
 *   BENCH_LOAD        concurrency levels of the load test (default 50,200,500; "0" skips it)
 *   BENCH_ONLY        persian: only the Persian speech table (about 10 s)
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { benchBundles, type BundlesResult } from './bundles';
import { ROOT } from './bundle-analysis';
import { benchLoad, type LoadRun } from './load';
import { kb, ms, table } from './stats';
import { benchSteps, type StepsResult } from './steps';
import { benchPersianSpeech, type PersianSpeechResult } from './persian-speech';

const int = (name: string, fallback: number) => {
  const n = Number(process.env[name] ?? fallback);
  return Number.isInteger(n) && n >= 0 ? n : fallback;
};

const TARGETS = { stepP99Ratio: 2, readsPerStep: 1, writesPerStep: 1, voiceBundleBytes: 150_000, coldInitRatio: 0.2 };
const verdict = (ok: boolean) => (ok ? 'meets' : 'MISSES');

function printSteps(r: StepsResult): void {
  console.log(`\n## Warm webhook steps, in-process against dynalite (${r.iterations} iterations each, real handler vs bare GetItem + static TwiML)\n`);
  console.log(
    table(
      ['step', 'real p50', 'real p95', 'real p99', 'baseline p50', 'baseline p99', 'p99 ratio (target ≤ 2)'],
      r.steps.map((s) => [
        s.step,
        ms(s.real.p50),
        ms(s.real.p95),
        ms(s.real.p99),
        ms(s.baseline.p50),
        ms(s.baseline.p99),
        `${s.p99Ratio}× ${verdict(s.p99Ratio <= TARGETS.stepP99Ratio)}`,
      ]),
    ),
  );
  console.log('\n## DynamoDB and CRM requests per step (SDK middleware on the client; CRM counted at the port)\n');
  console.log(
    table(
      ['step', 'round trips in sequence (baseline 1)', 'session+config reads (≤ 1)', 'writes (≤ 1)', 'ledger CRM reads', 'CRM requests', 'by table:operation'],
      r.steps.map((s) => [
        s.step,
        s.roundTrips,
        `${s.dynamo.reads} ${verdict(s.dynamo.reads <= TARGETS.readsPerStep)}`,
        `${s.dynamo.writes} ${verdict(s.dynamo.writes <= TARGETS.writesPerStep)}`,
        s.dynamo.crmReads,
        s.crmRequests,
        Object.entries(s.dynamo.byTable)
          .map(([k, v]) => `${k}=${v}`)
          .join(' '),
      ]),
    ),
  );
  console.log('\n## CRM requests per call (target: identity and balance looked up once each; the ledger answers both in one read)\n');
  console.log(
    table(
      ['call', 'identity lookups', 'balance lookups', 'identity + balance in one read', 'other CRM requests', 'verdict'],
      Object.entries(r.crmPerCall).map(([call, ops]) => {
        const identity = (ops.identifyByPhone ?? 0) + (ops.identifyByCustomerNumber ?? 0);
        const balance = ops.balance ?? 0;
        const both = ops.identifyWithBalance ?? 0;
        const other = Object.entries(ops).filter(([op]) => !['identifyByPhone', 'identifyByCustomerNumber', 'balance', 'identifyWithBalance'].includes(op));
        // A hand-over from a club: the entry's read beside the session read finds the caller is already known (unused).
        const ok = (both === 1 && identity === 0 && balance === 0) || (identity === 1 && balance === 1 && both <= 1);
        return [call, identity, balance, both, other.map(([op, n]) => `${op}=${n}`).join(' ') || 'none', verdict(ok)];
      }),
    ),
  );
  const p = r.polly;
  console.log('\n## Polly requests for cached prompts (TTS_MODE=polly against local Polly and S3 servers; target 0)\n');
  console.log(
    table(
      ['phase', 'English texts', 'Polly requests', 'S3 requests', 'verdict'],
      [
        ['warm-up (first use of each prompt and amount)', p.synthesizedInWarmup, p.synthesizedInWarmup, '—', 'expected'],
        [`measured iterations (${r.iterations} × every flow)`, '—', p.pollyRequestsMeasured, p.s3RequestsMeasured, verdict(p.pollyRequestsMeasured === 0)],
        [
          'new container, same bucket',
          p.newContainer.texts,
          p.newContainer.pollyRequests,
          p.newContainer.s3Requests,
          verdict(p.newContainer.pollyRequests === 0),
        ],
      ],
    ),
  );
}

function printPersian(r: PersianSpeechResult): void {
  console.log('\n## Persian speech: <Play> verbs, speaking rate, joining, synthesis requests, loudness (in-process, Azure against its local fake)\n');
  console.log(
    table(
      [
        'announcement (intro + balance sentence)',
        'words in the balance sentence',
        '<Play>s, one clip per word (before)',
        '<Play>s, clips joined per sentence (target ≤ 3)',
        '<Play>s, neural voice',
        'sentence length, clips one by one',
        'sentence length, joined',
        'words/s, joined',
      ],
      r.announcements.map((a) => [
        a.amount,
        a.words,
        a.perWordPlays,
        `${a.clipsPlays} ${verdict(a.clipsPlays <= 3)}`,
        `${a.neuralPlays} ${verdict(a.neuralPlays <= 3)}`,
        `${a.perWordSeconds} s + a fetch per clip`,
        `${a.joinedSeconds} s`,
        (a.words / a.joinedSeconds).toFixed(2),
      ]),
    ),
  );
  console.log('');
  console.log(
    table(
      ['figure', 'value', 'verdict'],
      [
        [`joining one balance sentence (${r.joinMs.sentences} distinct amounts), p50 / p99`, `${ms(r.joinMs.p50)} / ${ms(r.joinMs.p99)}`, '—'],
        ['whole Persian announcement step, sentence not yet joined (p50)', ms(r.joinMs.stepMissP50), '—'],
        ['whole Persian announcement step, sentence already joined (p50)', ms(r.joinMs.stepHitP50), '—'],
        [`Azure requests: first use of ${r.synthesis.sentences} neural sentences`, r.synthesis.warmup, 'expected'],
        [
          'Azure requests: the same sentences again, same container (target 0)',
          r.synthesis.cachedSameContainer,
          verdict(r.synthesis.cachedSameContainer === 0),
        ],
        ['Azure requests: the same sentences, new container over the same store (target 0)', r.synthesis.newContainer, verdict(r.synthesis.newContainer === 0)],
        [
          `clip pack loudness, active speech RMS over ${r.loudness.clips} clips (min … max)`,
          `${r.loudness.min} … ${r.loudness.max} dBFS`,
          verdict(r.loudness.max - r.loudness.min <= 1),
        ],
        [
          'largest step between neighbouring words inside joined sentences (target ≤ 1 dB)',
          `${r.loudness.maxAdjacentInJoins} dB`,
          verdict(r.loudness.maxAdjacentInJoins <= 1),
        ],
      ],
    ),
  );
}

function printBundles(r: BundlesResult): void {
  console.log('\n## Bundles (from `serverless package`) and cold init (require in a fresh Node process, median)\n');
  const rows = [...r.functions, r.baseline].map((f) => [
    f.name === 'baseline' ? 'baseline: handler importing whole twilio' : `${f.name} function`,
    kb(f.bytes),
    ms(f.coldInitMs),
    f.largestParts.map(([p, b]) => `${p} ${kb(b)}`).join(', '),
  ]);
  console.log(table(['bundle', 'minified size', 'cold init', 'largest parts'], rows));
  console.log(`\nother functions: ${r.otherSizes.map((f) => `${f.name} ${kb(f.bytes)}`).join(', ')}`);
  const voice = r.functions[0];
  console.log(
    `\nvoice bundle ${kb(voice?.bytes ?? 0)} (target ≤ 150 KB: ${verdict((voice?.bytes ?? Infinity) <= TARGETS.voiceBundleBytes)}), ` +
      `${r.sizeRatio}× the baseline's size; cold init ${r.coldInitRatio}× the baseline (target ≤ 0.2: ${verdict(r.coldInitRatio <= TARGETS.coldInitRatio)})`,
  );
  console.log(
    `AWS SDK (DynamoDB client) alone: ${ms(r.awsSdkInitMs)} of the voice init; without it the voice init is ${r.coldInitRatioWithoutSdk}× the baseline`,
  );
}

function printLoad(runs: LoadRun[]): void {
  if (runs.length === 0) return;
  console.log('\n## Load: concurrent simulated calls through serverless-offline (signed requests, every branch in the mix)\n');
  const steps = [...new Set(runs.flatMap((r) => Object.keys(r.stepLatency)))];
  console.log(
    table(
      [
        'calls at once',
        'wall time',
        'calls/s',
        'requests/s',
        ...steps.map((s) => `p99 ${s}`),
        'errors',
        '5xx',
        'wrong destination',
        'lost/corrupted sessions',
        'missing call logs',
        'duplicate SMS',
        'missing SMS',
      ],
      runs.map((r) => [
        r.concurrency,
        `${r.seconds} s`,
        r.callsPerSecond,
        r.requestsPerSecond,
        ...steps.map((s) => ms(r.stepLatency[s]?.p99 ?? Number.NaN)),
        r.errors,
        r.http5xx,
        r.wrongDestination,
        r.lostOrCorruptedSessions,
        r.missingCallLogs,
        r.duplicateSms,
        r.missingSms,
      ]),
    ),
  );
  console.log(`\nBranches in each run: ${Object.keys(runs[0]?.branches ?? {}).join('; ')}`);
}

async function main(): Promise<void> {
  const started = Date.now();
  const results: Record<string, unknown> = {
    at: new Date().toISOString(),
    node: process.version,
    platform: `${process.platform}/${process.arch}`,
    targets: TARGETS,
  };
  console.log('balance-ivr bench — each figure beside its baseline from this same run');
  const persian = await benchPersianSpeech();
  results.persianSpeech = persian;
  if (process.env.BENCH_ONLY === 'persian') {
    printPersian(persian);
    return;
  }

  const steps = await benchSteps(int('BENCH_ITERATIONS', 300), 30);
  results.steps = steps;
  printSteps(steps);
  printPersian(persian);

  const bundles = await benchBundles(Math.max(1, int('BENCH_COLD_RUNS', 7)));
  results.bundles = bundles;
  printBundles(bundles);

  const levels = (process.env.BENCH_LOAD ?? '50,200,500')
    .split(',')
    .map(Number)
    .filter((n) => Number.isInteger(n) && n > 0 && n <= 2000);
  const load = levels.length > 0 ? await benchLoad(levels, 180_000) : [];
  results.load = load;
  printLoad(load);

  results.seconds = Math.round((Date.now() - started) / 1000);
  writeFileSync(join(ROOT, 'bench', 'results.json'), `${JSON.stringify(results, null, 2)}\n`);
  console.log(`\nWrote bench/results.json (${results.seconds as number} s).`);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
