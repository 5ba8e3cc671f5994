/** End-to-end tests: the whole local stack (dynalite + serverless-offline) on free ports, demo data loaded. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, OfflineStartError, PortInUseError } from '../../infra/local/serverless-offline';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { ROOT, startLocalStack, type LocalStack } from '../../infra/local-stack';
import { placeCall } from '../../tools/simulator/call-simulator';

export const DEMO_SEED = join(ROOT, 'infra', 'seed', 'demo.json');
export const AUTH_TOKEN = 'local-dev-auth-token';

/**
 * The whole stack on a free port; its stop() also removes the temporary audio folder it made.
 * A free port is only free when asked: another test's server may take it in the seconds before
 * the stack listens on it. Then the stack (which stops what it started) is started again on another.
 */
export async function startTestStack(env: Record<string, string> = {}): Promise<LocalStack> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await startTestStackOnce(env);
    } catch (error) {
      const taken =
        (error as NodeJS.ErrnoException).code === 'EADDRINUSE' ||
        error instanceof PortInUseError ||
        (error instanceof OfflineStartError && error.message.includes('EADDRINUSE'));
      if (!taken || attempt >= 3) throw error;
    }
  }
}

async function startTestStackOnce(env: Record<string, string>): Promise<LocalStack> {
  const port = await freePort();
  // Uploads and cached audio of a test stack stay out of the repository's .data folder.
  const audioDir = mkdtempSync(join(tmpdir(), 'balance-ivr-audio-'));
  const removeAudioDir = () => rmSync(audioDir, { recursive: true, force: true });
  try {
    const stack = await startLocalStack({
      port,
      seedFile: DEMO_SEED,
      audioDir,
      env: { TWILIO_AUTH_TOKEN: AUTH_TOKEN, LOG_LEVEL: 'WARN', ...env },
      echo: process.env.ECHO_OFFLINE === '1',
    });
    return {
      ...stack,
      stop: async () => {
        try {
          await stack.stop();
        } finally {
          removeAudioDir();
        }
      },
    };
  } catch (error) {
    removeAudioDir(); // startLocalStack has stopped whatever it had started
    throw error;
  }
}

export class StackNotStartedError extends Error {
  override readonly name = 'StackNotStartedError';
}

/**
 * One test stack for the whole test file: started before its tests, stopped after them.
 * Returns a getter, since the stack exists only once `beforeAll` has run.
 */
export function useTestStack(env: Record<string, string> = {}): () => LocalStack {
  return useStarted(() => startTestStack(env), 'the test stack');
}

/**
 * `beforeAll` starts, `afterAll` stops. afterAll waits for the start itself, not for a variable
 * it may have set: when beforeAll times out, jest moves on while the start goes on, and what
 * it starts after that must still be stopped, or the worker (and jest) never exits.
 */
export function useStarted<T extends { stop(): Promise<void> }>(start: () => Promise<T>, what: string, timeoutMs = 120_000): () => T {
  let starting: Promise<T> | undefined;
  let started: T | undefined;
  beforeAll(async () => {
    starting = start();
    started = await starting;
  }, timeoutMs);
  afterAll(async () => {
    const settled = await starting?.then(
      (value) => value,
      () => undefined, // a failed start has stopped what it started; beforeAll reported the error
    );
    await settled?.stop();
  }, timeoutMs);
  return () => {
    if (!started) throw new StackNotStartedError(`${what} has not started (use it inside a test)`);
    return started;
  };
}

/**
 * Calls into a test stack, signed with the stack's auth token, and reads of its call log.
 * The stack is a getter because tests assign it in `beforeAll`, after this runs.
 */
export function stackCalls(stack: () => LocalStack) {
  return {
    call: (code: string, from: string, digits?: string[]) =>
      placeCall({ baseUrl: stack().baseUrl, code, from, authToken: AUTH_TOKEN, ...(digits ? { digits } : {}) }),
    callLog: async (callSid: string) => {
      const { Item } = await stack().documentClient.send(new GetCommand({ TableName: stack().config.tables.callLog, Key: { callSid } }));
      return Item;
    },
  };
}
