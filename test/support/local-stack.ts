/** End-to-end tests: the whole local stack (dynalite + serverless-offline) on free ports, demo data loaded. */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../../infra/local/serverless-offline';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { ROOT, startLocalStack, type LocalStack } from '../../infra/local-stack';
import { placeCall } from '../../tools/simulator/call-simulator';

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

/**
 * Calls into a test stack, signed with the stack's auth token, and reads of its call log.
 * The stack is a getter because tests assign it in `beforeAll`, after this runs.
 */
export function stackCalls(stack: () => LocalStack) {
  return {
    call: (code: string, from: string, digits?: string[]) => placeCall({ baseUrl: stack().baseUrl, code, from, authToken: AUTH_TOKEN, ...(digits ? { digits } : {}) }),
    callLog: async (callSid: string) => {
      const { Item } = await stack().documentClient.send(new GetCommand({ TableName: stack().config.tables.callLog, Key: { callSid } }));
      return Item;
    },
  };
}
