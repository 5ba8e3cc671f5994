/**
 * Builds a function the way serverless-esbuild does (options mirrored from serverless.yml
 * custom.esbuild) and reports what its bytes are made of, from esbuild's metafile.
 */
import { build, type BuildOptions } from 'esbuild';
import { join } from 'node:path';

export const ROOT = join(__dirname, '..');

/** The options serverless.yml gives serverless-esbuild. */
export const LAMBDA_BUILD_OPTIONS: BuildOptions = {
  bundle: true,
  minify: true,
  target: 'node22',
  platform: 'node',
  format: 'cjs',
  external: ['@aws-sdk/*'],
  keepNames: true,
};

export interface BundleReport {
  readonly bytes: number;
  /** Output bytes per package (node_modules) or per top-level source folder. */
  readonly byPackage: Readonly<Record<string, number>>;
  readonly inputs: readonly string[];
}

export async function analyseBundle(entry: string, outfile?: string): Promise<BundleReport> {
  const result = await build({
    ...LAMBDA_BUILD_OPTIONS,
    entryPoints: [join(ROOT, entry)],
    absWorkingDir: ROOT,
    metafile: true,
    write: outfile !== undefined,
    outfile: outfile ?? join(ROOT, '.esbuild', 'analysis.js'),
    logLevel: 'silent',
  });
  const output = Object.values(result.metafile.outputs).find((o) => o.entryPoint !== undefined);
  if (!output) throw new Error(`esbuild produced no output for ${entry}`);
  const byPackage: Record<string, number> = {};
  for (const [file, info] of Object.entries(output.inputs)) {
    const match = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(file);
    const key = match?.[1] ?? file.split('/').slice(0, 2).join('/');
    byPackage[key] = (byPackage[key] ?? 0) + info.bytesInOutput;
  }
  return { bytes: output.bytes, byPackage, inputs: Object.keys(output.inputs) };
}
