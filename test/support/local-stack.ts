/** End-to-end tests: the whole local stack (dynalite + serverless-offline) on free ports, demo data loaded. */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../../infra/local/serverless-offline';
import { ROOT, startLocalStack, type LocalStack } from '../../infra/local-stack';

export const DEMO_SEED = join(ROOT, 'infra', 'seed', 'demo.json');
export const AUTH_TOKEN = 'local-dev-auth-token';

export async function startTestStack(env: Record<string, string> = {}): Promise<LocalStack> {
  const port = await freePort();
  // Uploads and cached audio of a test stack stay out of the repository's .data folder.
  const audioDir = mkdtempSync(join(tmpdir(), 'balance-ivr-audio-'));
  return startLocalStack({ port, seedFile: DEMO_SEED, audioDir, env: { TWILIO_AUTH_TOKEN: AUTH_TOKEN, LOG_LEVEL: 'WARN', ...env }, echo: process.env.ECHO_OFFLINE === '1' });
}

/**
 * One test stack for the whole test file: started before its tests, stopped after them.
 * Returns a getter, since the stack exists only once `beforeAll` has run.
 */
export function useTestStack(env: Record<string, string> = {}): () => LocalStack {
  let stack: LocalStack | undefined;
  beforeAll(async () => {
    stack = await startTestStack(env);
  }, 120_000);
  afterAll(async () => {
    await stack?.stop();
  });
  return () => {
    if (!stack) throw new Error('the test stack has not started (use it inside a test)');
    return stack;
  };
}
