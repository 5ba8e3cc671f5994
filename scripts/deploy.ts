/**
 * `npm run deploy -- --stage <stage> [--region <region>] [--param "name=value" …] [--aws-profile <p>]`
 *
 * One command to a working stage, on the first run:
 *   1. checks the stage's secrets are in SSM (npm run secret), and says how to set any missing;
 *   2. checks the settings resolve (serverless print): the SMS provider must be chosen;
 *   3. `serverless deploy` — the public URL is the HTTP API's own endpoint unless a custom domain
 *      is given, and the plugin infra/serverless-publish-audio.js publishes the Persian clip
 *      pack and the English prompts to the audio bucket right after;
 *   4. prints, per module, the webhook, fallback and status-callback URLs and the twilio CLI
 *      command that sets them on a number.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { createDocumentClient } from '../lib/aws/dynamodb-client';
import { DynamoModuleStore } from '../lib/config/dynamo-module-store';
import type { ModuleConfig } from '../lib/config/module-schema';
import { missingSecrets, parseArgs, ssmClient } from './secret';

const ROOT = join(__dirname, '..');

export class DeployError extends Error {
  override readonly name = 'DeployError';
}

export interface StageEndpoints {
  readonly stage: string;
  /** The URL Twilio calls (HTTP API endpoint or custom domain), no trailing slash. */
  readonly publicBaseUrl: string;
  readonly audioBaseUrl?: string;
}

/** What to tell Twilio, per module: URLs and the twilio CLI command; a pattern when no module exists yet. */
export function twilioSetup(
  endpoints: StageEndpoints,
  modules: readonly (Pick<ModuleConfig, 'code' | 'name' | 'enabled'> & { readonly kind?: ModuleConfig['kind'] })[],
): string {
  const base = endpoints.publicBaseUrl.replace(/\/+$/, '');
  const lines: string[] = [
    `Stage ${endpoints.stage} is deployed.`,
    `  Public base URL:  ${base}`,
    `  Admin panel:      ${base}/admin   (key: the SSM secret admin-api-key)`,
  ];
  if (endpoints.audioBaseUrl) lines.push(`  Audio (Twilio fetches prompts here): ${endpoints.audioBaseUrl}`);
  lines.push(`  Status callback:  POST ${base}/status`, '');
  const entries =
    modules.length > 0
      ? [...modules].sort((a, b) => a.code.localeCompare(b.code))
      : [{ code: '<module-code>', name: 'import your modules first (README "First day in production")', enabled: true }];
  lines.push(
    modules.length > 0 ? 'Modules (point a Twilio number at the one callers should reach first):' : 'No modules yet. Once imported, point a number at one:',
  );
  // The placeholder stays readable; a real code is safe in a path anyway (the schema allows [a-z0-9-]).
  const segment = (code: string) => (code === '<module-code>' ? code : encodeURIComponent(code));
  for (const m of entries) {
    const kind = 'kind' in m && m.kind === 'club' ? ' [customer club]' : '';
    lines.push(
      '',
      `  ${m.code}  ${m.name}${kind}${m.enabled ? '' : ' (disabled)'}`,
      `    A call comes in (webhook, POST):  ${base}/voice/${segment(m.code)}`,
      `    Primary handler fails (POST):     ${base}/fallback/${segment(m.code)}`,
      `    Call status changes (POST):       ${base}/status`,
      `    twilio phone-numbers:update <+E.164 number> \\`,
      `      --voice-url ${base}/voice/${segment(m.code)} --voice-method POST \\`,
      `      --voice-fallback-url ${base}/fallback/${segment(m.code)} --voice-fallback-method POST \\`,
      `      --status-callback ${base}/status --status-callback-method POST`,
    );
  }
  return lines.join('\n');
}

function run(command: string, args: readonly string[], options: { quiet?: boolean } = {}): Promise<{ code: number; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd: ROOT,
      stdio: options.quiet ? ['ignore', 'pipe', 'pipe'] : 'inherit',
      env: { ...process.env, SLS_TELEMETRY_DISABLED: '1' },
    });
    let output = '';
    child.stdout?.on('data', (c: Buffer) => (output += c.toString()));
    child.stderr?.on('data', (c: Buffer) => (output += c.toString()));
    child.once('error', reject);
    child.once('exit', (code) => resolve({ code: code ?? 1, output }));
  });
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const { flags } = parseArgs(argv);
  const stage = flags.stage;
  if (!stage) throw new DeployError('usage: npm run deploy -- --stage <stage> [--region <region>] [--param "smsProvider=twilio" …]');
  if (stage === 'local') throw new DeployError('stage "local" is npm start\'s (no AWS resources); deploy another stage name, e.g. --stage prod');
  const region = flags.region ?? process.env.AWS_REGION ?? 'eu-central-1';
  if (flags['aws-profile']) process.env.AWS_PROFILE = flags['aws-profile'];
  const serverless = join(ROOT, 'node_modules', '.bin', 'serverless');
  const passThrough = argv.includes('--region') || argv.some((a) => a.startsWith('--region=')) ? argv : [...argv, '--region', region];

  console.log(`1/4 Secrets of stage ${stage} in SSM (${region}) …`);
  const ssm = ssmClient({ stage, region });
  const missing = await missingSecrets(ssm, { stage, region }).finally(() => ssm.destroy());
  if (missing.length > 0) {
    throw new DeployError(
      [
        `Stage ${stage} lacks secrets (SSM SecureStrings). Set each, then deploy again:`,
        ...missing.map((name) => `  npm run secret -- set ${name} --stage ${stage} --region ${region}`),
      ].join('\n'),
    );
  }

  console.log('2/4 Settings …');
  const printed = await run(serverless, ['print', ...passThrough], { quiet: true });
  if (printed.code !== 0) {
    const hint = /SMS_PROVIDER/.test(printed.output)
      ? `Choose the SMS provider of stage ${stage}: --param "smsProvider=twilio" (with twilioAccountSid and twilioSmsFrom or twilioMessagingServiceSid) or --param "smsProvider=outbox" (messages stay in DynamoDB, nothing is sent); or set it under params.${stage} in serverless.yml.`
      : 'serverless could not resolve the configuration:';
    throw new DeployError(`${hint}\n${printed.output.trim().split('\n').slice(-6).join('\n')}`);
  }

  console.log('3/4 serverless deploy (then the audio is published) …');
  const deployed = await run(serverless, ['deploy', ...passThrough]);
  if (deployed.code !== 0) throw new DeployError(`serverless deploy failed (exit ${deployed.code})`);

  console.log('4/4 Twilio setup …');
  const cloudFormation = new CloudFormationClient({ region });
  const { Stacks } = await cloudFormation.send(new DescribeStacksCommand({ StackName: `balance-ivr-${stage}` })).finally(() => cloudFormation.destroy());
  const outputs = Object.fromEntries((Stacks?.[0]?.Outputs ?? []).map((o) => [o.OutputKey, o.OutputValue]));
  const publicBaseUrl = outputs.PublicBaseUrl ?? outputs.HttpApiUrl;
  if (!publicBaseUrl) throw new DeployError(`stack balance-ivr-${stage} has no PublicBaseUrl output`);
  const dynamo = createDocumentClient({ region });
  const modules = await new DynamoModuleStore(dynamo, `balance-ivr-${stage}-config`).listModules().finally(() => dynamo.destroy());
  console.log(`\n${twilioSetup({ stage, publicBaseUrl, ...(outputs.AudioBaseUrl ? { audioBaseUrl: outputs.AudioBaseUrl } : {}) }, modules)}`);
}

if (require.main === module) {
  main().catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  });
}
