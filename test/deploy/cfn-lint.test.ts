/**
 * cfn-lint (AWS's CloudFormation linter, preinstalled on these machines) finds no error in the
 * templates a production stage deploys: the stack serverless creates first (its deployment
 * bucket) and the whole stage, with and without the optional alarm topic and tracing.
 * Warnings are reported, not failed: the only ones are W3005, a DependsOn that serverless
 * itself writes next to a Ref. Run by `npm run test:deploy`, not `npm test`.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { packageStage, PROD_PARAMS, type PackagedStage } from '../support/packaged-template';

interface Finding {
  readonly Level: 'Error' | 'Warning' | 'Informational';
  readonly Rule: { readonly Id: string };
  readonly Message: string;
  readonly Location: { readonly Path: (string | number)[] };
}

let plain: PackagedStage;
let watched: PackagedStage;

beforeAll(async () => {
  plain = await packageStage({ stage: 'prod', params: PROD_PARAMS });
  watched = await packageStage({
    stage: 'prod',
    params: { ...PROD_PARAMS, alarmEmail: 'ops@example.com', tracing: 'true', publicBaseUrl: 'https://ivr.example.com' },
  });
}, 240_000);

afterAll(async () => {
  await plain?.remove();
  await watched?.remove();
});

/** cfn-lint's findings as JSON (its exit code is a bit mask of the levels found). */
async function lint(file: string): Promise<Finding[]> {
  const { stdout } = await promisify(execFile)('cfn-lint', ['--format', 'json', file], { maxBuffer: 16 * 1024 * 1024 }).catch(
    (error: { stdout?: string; code?: number }) => {
      if (typeof error.stdout === 'string' && error.stdout.trim().startsWith('[')) return { stdout: error.stdout };
      throw error;
    },
  );
  return JSON.parse(stdout) as Finding[];
}

describe('cfn-lint', () => {
  it.each([
    ['the stage', () => plain.templateFile],
    ['the stage with an alarm topic, tracing and a custom domain', () => watched.templateFile],
    ['the deployment bucket stack serverless creates first', () => plain.createTemplateFile],
  ])('finds no error in %s', async (_name, file) => {
    const findings = await lint(file());
    const errors = findings.filter((f) => f.Level === 'Error').map((f) => `${f.Rule.Id} ${f.Location.Path.join('/')}: ${f.Message}`);
    expect(errors).toEqual([]);
    const warnings = [...new Set(findings.filter((f) => f.Level === 'Warning').map((f) => f.Rule.Id))];
    expect(warnings.filter((id) => id !== 'W3005')).toEqual([]);
    process.stdout.write(
      `cfn-lint ${file().split('/').pop()}: 0 errors, ${findings.filter((f) => f.Level === 'Warning').length} warnings (${warnings.join(', ') || 'none'})\n`,
    );
  });
});
