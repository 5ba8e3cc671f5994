/**
 * `serverless package` (osls) for a stage, offline with dummy credentials, into a temporary
 * folder: the CloudFormation a deploy would create, and the function bundles.
 */
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rm, rmdir, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

export const ROOT = join(__dirname, '..', '..');

export interface CfnResource {
  readonly Type: string;
  readonly Properties?: Record<string, unknown>;
  readonly DeletionPolicy?: string;
  readonly UpdateReplacePolicy?: string;
  readonly DependsOn?: string | string[];
  readonly Condition?: string;
}

export interface CfnTemplate {
  readonly Resources: Record<string, CfnResource>;
  readonly Outputs?: Record<string, { Value: unknown }>;
  readonly Conditions?: Record<string, unknown>;
}

export interface PackagedStage {
  readonly dir: string;
  /** cloudformation-template-update-stack.json: everything the stage deploys. */
  readonly template: CfnTemplate;
  readonly templateFile: string;
  /** cloudformation-template-create-stack.json: the deployment bucket serverless creates first. */
  readonly createTemplateFile: string;
  remove(): Promise<void>;
}

/** The settings a production stage is deployed with in these tests (no secrets: those are SSM's). */
export const PROD_PARAMS: Readonly<Record<string, string>> = {
  smsProvider: 'twilio',
  twilioAccountSid: 'AC00000000000000000000000000000001',
  twilioSmsFrom: '+15005550006',
  paymentProvider: 'sandbox',
};

/**
 * One packaging at a time per checkout, across jest's worker processes: serverless-esbuild
 * passes every artifact through the service's own .serverless folder.
 */
async function withPackageLock<T>(work: () => Promise<T>): Promise<T> {
  const lock = join(tmpdir(), `balance-ivr-package-${Buffer.from(ROOT).toString('base64url').slice(-40)}.lock`);
  const giveUpAt = Date.now() + 300_000;
  for (;;) {
    try {
      await mkdir(lock);
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      // A lock left by a killed run is stale after three minutes.
      const age =
        Date.now() -
        (await stat(lock).then(
          (s) => s.mtimeMs,
          () => Date.now(),
        ));
      if (age > 180_000) await rmdir(lock).catch(() => undefined);
      if (Date.now() > giveUpAt) throw new Error(`waited too long for ${lock}`);
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }
  try {
    return await work();
  } finally {
    await rmdir(lock).catch(() => undefined);
  }
}

export async function packageStage(options: { stage: string; region?: string; params?: Record<string, string> }): Promise<PackagedStage> {
  const dir = await mkdtemp(join(tmpdir(), `sls-package-${options.stage}-`));
  const params = Object.entries(options.params ?? {}).flatMap(([k, v]) => ['--param', `${k}=${v}`]);
  // Relative to the service: serverless-esbuild builds under it.
  const workFolder = join('.esbuild', `package-${randomUUID()}`);
  try {
    await withPackageLock(() =>
      promisify(execFile)(
        join(ROOT, 'node_modules', '.bin', 'serverless'),
        ['package', '--stage', options.stage, '--region', options.region ?? 'us-east-1', '--package', dir, ...params],
        {
          cwd: ROOT,
          env: {
            ...process.env,
            AWS_ACCESS_KEY_ID: 'x',
            AWS_SECRET_ACCESS_KEY: 'x',
            SLS_TELEMETRY_DISABLED: '1',
            SLS_NOTIFICATIONS_MODE: 'off',
            ESBUILD_WORK_FOLDER: workFolder,
          },
          timeout: 180_000,
          maxBuffer: 16 * 1024 * 1024,
        },
      ),
    );
  } catch (error) {
    await rm(dir, { recursive: true, force: true });
    const { stdout = '', stderr = '' } = error as { stdout?: string; stderr?: string };
    throw new Error(`serverless package failed:\n${stdout}\n${stderr}`, { cause: error });
  } finally {
    await rm(join(ROOT, workFolder), { recursive: true, force: true });
  }
  const templateFile = join(dir, 'cloudformation-template-update-stack.json');
  return {
    dir,
    template: JSON.parse(await readFile(templateFile, 'utf8')) as CfnTemplate,
    templateFile,
    createTemplateFile: join(dir, 'cloudformation-template-create-stack.json'),
    remove: () => rm(dir, { recursive: true, force: true }),
  };
}
