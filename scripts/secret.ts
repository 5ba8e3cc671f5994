/**
 * `npm run secret -- <command>`: the stage's secrets, as SSM Parameter Store SecureStrings
 * (encrypted with the account's AWS managed key aws/ssm). Values are read from stdin (piped,
 * or typed without echo) or from an environment variable, never from the command line, and
 * never printed.
 *
 *   npm run secret -- set <name> --stage prod [--region eu-central-1] [--from-env VAR]
 *   npm run secret -- list --stage prod        names, versions, dates (no values)
 *   npm run secret -- check --stage prod       which secrets a deploy needs are missing
 *
 * <name> is a product secret (twilio-auth-token, twilio-api-key-secret, payment-link-secret,
 * admin-api-key) or a lookup source's password, crm/<name> (the name its passwordSecret gives).
 */
import { DescribeParametersCommand, ParameterNotFound, PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { isCrmPasswordSecret, isProductSecretName, PRODUCT_SECRETS, type ProductSecretName } from '../lib/secrets/secret-names';

export class SecretCommandError extends Error {
  override readonly name = 'SecretCommandError';
}

/** Secrets a deployed stage cannot work without (twilio-api-key-secret only with an API key SID). */
export const REQUIRED_SECRETS: readonly ProductSecretName[] = ['twilio-auth-token', 'payment-link-secret', 'admin-api-key'];

export interface SecretOptions {
  readonly stage: string;
  readonly region: string;
}

export function parameterName(stage: string, name: string): string {
  if (isProductSecretName(name)) return `/balance-ivr/${stage}/${name}`;
  if (isCrmPasswordSecret(name)) return `/balance-ivr/${stage}/${name}`;
  throw new SecretCommandError(`unknown secret "${name}": use one of ${Object.keys(PRODUCT_SECRETS).join(', ')}, or crm/<lookup source secret name>`);
}

/** Refuses a value the functions would refuse: blank, or shorter than the secret's minimum. */
export function checkValue(name: string, value: string): string {
  const trimmed = value.replace(/\r?\n$/, '');
  if (trimmed.trim() === '') throw new SecretCommandError(`the value for ${name} is empty`);
  const minLength = isProductSecretName(name) ? (PRODUCT_SECRETS[name] as { readonly minLength?: number }).minLength : undefined;
  if (minLength !== undefined && trimmed.length < minLength) throw new SecretCommandError(`${name} must be at least ${minLength} characters`);
  return trimmed;
}

export async function setSecret(ssm: SSMClient, options: SecretOptions, name: string, value: string): Promise<{ parameter: string; version: number }> {
  const parameter = parameterName(options.stage, name);
  const { Version } = await ssm.send(
    new PutParameterCommand({
      Name: parameter,
      Value: checkValue(name, value),
      Type: 'SecureString',
      Overwrite: true,
      Tier: 'Standard',
      Description: `balance-ivr ${options.stage}: ${name}`,
    }),
  );
  return { parameter, version: Version ?? 0 };
}

export async function listSecrets(ssm: SSMClient, options: SecretOptions): Promise<{ name: string; version: number; lastModified?: Date }[]> {
  const prefix = `/balance-ivr/${options.stage}/`;
  const found: { name: string; version: number; lastModified?: Date }[] = [];
  let NextToken: string | undefined;
  do {
    const page = await ssm.send(
      new DescribeParametersCommand({ ParameterFilters: [{ Key: 'Name', Option: 'BeginsWith', Values: [prefix] }], ...(NextToken ? { NextToken } : {}) }),
    );
    for (const p of page.Parameters ?? [])
      if (p.Name?.startsWith(prefix))
        found.push({ name: p.Name.slice(prefix.length), version: Number(p.Version ?? 0), ...(p.LastModifiedDate ? { lastModified: p.LastModifiedDate } : {}) });
    NextToken = page.NextToken;
  } while (NextToken);
  return found.sort((a, b) => a.name.localeCompare(b.name));
}

/** The required secrets this stage lacks. */
export async function missingSecrets(ssm: SSMClient, options: SecretOptions): Promise<ProductSecretName[]> {
  const present = new Set((await listSecrets(ssm, options)).map((s) => s.name));
  return REQUIRED_SECRETS.filter((name) => !present.has(name));
}

export function ssmClient(options: SecretOptions, endpoint = process.env.SSM_ENDPOINT): SSMClient {
  return new SSMClient({ region: options.region, ...(endpoint ? { endpoint } : {}) });
}

/** --name value pairs and positional words. */
export function parseArgs(argv: readonly string[]): { words: string[]; flags: Record<string, string> } {
  const words: string[] = [];
  const flags: Record<string, string> = {};
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i] as string;
    if (arg.startsWith('--')) {
      const [key, inline] = arg.slice(2).split('=', 2) as [string, string | undefined];
      flags[key] = inline ?? argv[(i += 1)] ?? '';
    } else words.push(arg);
  }
  return { words, flags };
}

async function readValue(name: string, fromEnv: string | undefined): Promise<string> {
  if (fromEnv) {
    const value = process.env[fromEnv];
    if (value === undefined) throw new SecretCommandError(`environment variable ${fromEnv} is not set`);
    return value;
  }
  if (!process.stdin.isTTY) {
    const chunks: Buffer[] = [];
    for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks).toString('utf8');
  }
  // Typed: no echo, ended by Enter.
  process.stdout.write(`Value for ${name} (not shown): `);
  process.stdin.setRawMode(true);
  process.stdin.resume();
  return new Promise((resolve, reject) => {
    let value = '';
    const onData = (chunk: Buffer) => {
      for (const char of chunk.toString('utf8')) {
        if (char === '\r' || char === '\n') {
          process.stdin.setRawMode(false);
          process.stdin.pause();
          process.stdin.off('data', onData);
          process.stdout.write('\n');
          resolve(value);
          return;
        }
        if (char === '\u0003') {
          process.stdin.setRawMode(false);
          reject(new SecretCommandError('cancelled'));
          return;
        }
        value = char === '\u007f' ? value.slice(0, -1) : value + char;
      }
    };
    process.stdin.on('data', onData);
  });
}

async function main(): Promise<void> {
  const { words, flags } = parseArgs(process.argv.slice(2));
  const [command, name] = words;
  const stage = flags.stage ?? process.env.STAGE;
  if (!stage || stage === 'local')
    throw new SecretCommandError('say which deployed stage: --stage <name> (stage local takes its secrets from environment variables)');
  const options: SecretOptions = { stage, region: flags.region ?? process.env.AWS_REGION ?? 'eu-central-1' };
  const ssm = ssmClient(options);
  try {
    if (command === 'set') {
      if (!name) throw new SecretCommandError('usage: npm run secret -- set <name> --stage <stage>');
      parameterName(stage, name);
      const { parameter, version } = await setSecret(ssm, options, name, await readValue(name, flags['from-env']));
      console.log(`${parameter} stored (SecureString, version ${version}). Running functions pick it up within 5 minutes (their secret cache).`);
    } else if (command === 'list') {
      for (const s of await listSecrets(ssm, options))
        console.log(`${s.name.padEnd(28)} version ${s.version}${s.lastModified ? `, changed ${s.lastModified.toISOString()}` : ''}`);
    } else if (command === 'check') {
      const missing = await missingSecrets(ssm, options);
      if (missing.length === 0) console.log(`stage ${stage}: every required secret is set (${REQUIRED_SECRETS.join(', ')})`);
      else {
        for (const m of missing) console.log(`missing: npm run secret -- set ${m} --stage ${stage} --region ${options.region}`);
        process.exitCode = 1;
      }
    } else {
      throw new SecretCommandError('usage: npm run secret -- set <name> | list | check --stage <stage> [--region <region>]');
    }
  } catch (error) {
    if (error instanceof ParameterNotFound) throw new SecretCommandError(error.message);
    throw error;
  } finally {
    ssm.destroy();
  }
}

if (require.main === module) {
  main().catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  });
}
