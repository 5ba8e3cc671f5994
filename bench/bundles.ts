/**
 * Per function: the bundle `serverless package` ships (size of the minified .js in the
 * zip) and its cold-init time — requiring it in a fresh Node process, as Lambda's init
 * does, several runs interleaved, median — against a baseline bundle built with the same
 * esbuild options from a handler that imports the whole twilio package.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { analyseBundle, ROOT } from './bundle-analysis';
import { median, ratio } from './stats';

const WORK = join(ROOT, 'bench', '.work');

export interface BundleFigures {
  readonly name: string;
  readonly bytes: number;
  readonly coldInitMs: number;
  readonly coldInitRuns: number[];
  readonly largestParts: [string, number][];
}

export interface BundlesResult {
  readonly functions: BundleFigures[];
  /** The other functions' bundle sizes (not on the call path, so no cold-init figure). */
  readonly otherSizes: { readonly name: string; readonly bytes: number }[];
  readonly baseline: BundleFigures;
  /** Voice function vs baseline. */
  readonly sizeRatio: number;
  readonly coldInitRatio: number;
  /** Requiring @aws-sdk/client-dynamodb + lib-dynamodb alone, in a fresh process. */
  readonly awsSdkInitMs: number;
  /** Voice init minus the AWS SDK's share, over the baseline (which loads no AWS SDK). */
  readonly coldInitRatioWithoutSdk: number;
}

function unzipEntry(zip: string, entry: string, to: string): number {
  const script = 'import sys,zipfile;d=zipfile.ZipFile(sys.argv[1]).read(sys.argv[2]);open(sys.argv[3],"wb").write(d);print(len(d))';
  return Number(execFileSync('python3', ['-c', script, zip, entry, to]).toString().trim());
}

/** Milliseconds to require `file` in a fresh Node process (the runtime's own start excluded). */
function requireTime(file: string): number {
  const probe = 'const t=process.hrtime.bigint();require(process.argv[1]);process.stdout.write(String(Number(process.hrtime.bigint()-t)/1e6))';
  const out = execFileSync(process.execPath, ['--enable-source-maps', '-e', probe, file], {
    cwd: ROOT,
    // As deployed: not local, so configuration must come from the environment.
    // (A deployed voice function refuses to start until its SMS provider is chosen.)
    env: {
      PATH: process.env.PATH ?? '',
      NODE_OPTIONS: '',
      AWS_LAMBDA_FUNCTION_NAME: 'bench',
      AWS_REGION: 'eu-central-1',
      PUBLIC_BASE_URL: 'https://ivr.example.com',
      SMS_PROVIDER: 'outbox',
      STAGE: 'bench',
    },
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  return Number(out.toString());
}

export async function benchBundles(runs: number): Promise<BundlesResult> {
  rmSync(WORK, { recursive: true, force: true });
  mkdirSync(WORK, { recursive: true });
  const packageDir = join(WORK, 'package');
  // A deployed stage must choose its SMS provider (issue 11); which one does not change the bundles.
  execFileSync(join(ROOT, 'node_modules', '.bin', 'serverless'), ['package', '--stage', 'bench', '--package', packageDir, '--param', 'smsProvider=outbox'], {
    cwd: ROOT,
    env: { ...process.env, AWS_ACCESS_KEY_ID: 'x', AWS_SECRET_ACCESS_KEY: 'x', SLS_TELEMETRY_DISABLED: '1', ESBUILD_WORK_FOLDER: '.esbuild/bench' },
    stdio: 'pipe',
    timeout: 180_000,
  });
  const names = ['voice', 'status'];
  const files: Record<string, string> = {};
  const bytes: Record<string, number> = {};
  for (const name of names) {
    const dir = join(WORK, 'bundles', name);
    mkdirSync(dir, { recursive: true });
    files[name] = join(dir, `${name}.js`);
    bytes[name] = unzipEntry(join(packageDir, `${name}.zip`), `functions/${name}.js`, files[name] as string);
  }
  const otherSizes = [
    ['pay', 'pay'],
    ['admin', 'admin'],
    ['panel', 'panel'],
    // The dev outbox is deployed only with npm start's stage; the fallback webhook in every deployed one.
    ['fallback', 'fallback'],
  ].map(([name, file]) => ({
    name: name as string,
    bytes: unzipEntry(join(packageDir, `${name}.zip`), `functions/${file}.js`, join(WORK, 'bundles', `${file}.js`)),
  }));
  const baselineFile = join(WORK, 'bundles', 'baseline', 'whole-twilio.js');
  await analyseBundle('bench/baseline/whole-twilio-handler.ts', baselineFile);
  files.baseline = baselineFile;
  const parts: Record<string, [string, number][]> = {};
  for (const [name, entry] of [
    ['voice', 'functions/voice.ts'],
    ['status', 'functions/status.ts'],
    ['baseline', 'bench/baseline/whole-twilio-handler.ts'],
  ] as const) {
    const report = await analyseBundle(entry);
    parts[name] = Object.entries(report.byPackage)
      .sort((a, b) => b[1] - a[1])
      .slice(0, 5);
    if (name === 'baseline') bytes.baseline = report.bytes;
  }
  writeFileSync(join(WORK, 'README'), 'Scratch space of `npm run bench`; safe to delete.\n');

  // The AWS SDK is external (the runtime provides it) but its loading is part of our init.
  const sdkProbe = join(WORK, 'bundles', 'aws-sdk-only.js');
  writeFileSync(sdkProbe, "require('@aws-sdk/client-dynamodb');require('@aws-sdk/lib-dynamodb');\n");
  files.sdk = sdkProbe;
  bytes.sdk = 0;
  const times: Record<string, number[]> = { voice: [], status: [], baseline: [], sdk: [] };
  requireTime(files.voice as string); // warm the file system cache once
  for (let i = 0; i < runs; i += 1) for (const name of Object.keys(times)) times[name]?.push(requireTime(files[name] as string));

  const figures = (name: string): BundleFigures => ({
    name,
    bytes: bytes[name] ?? 0,
    coldInitMs: Math.round(median(times[name] ?? []) * 100) / 100,
    coldInitRuns: (times[name] ?? []).map((t) => Math.round(t * 100) / 100),
    largestParts: parts[name] ?? [],
  });
  const voice = figures('voice');
  const baseline = figures('baseline');
  const sdk = figures('sdk');
  return {
    functions: [voice, figures('status')],
    otherSizes,
    baseline,
    awsSdkInitMs: sdk.coldInitMs,
    sizeRatio: ratio(voice.bytes, baseline.bytes),
    coldInitRatio: ratio(voice.coldInitMs, baseline.coldInitMs),
    coldInitRatioWithoutSdk: ratio(voice.coldInitMs - sdk.coldInitMs, baseline.coldInitMs),
  };
}
