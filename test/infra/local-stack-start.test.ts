/**
 * Starting the local stack (`npm start`, and the stack the e2e and browser tests use): a start
 * that fails half way stops everything it had started, and a second `npm start` on a data
 * folder in use says so in one line and exits 1, while the first one keeps working.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT, startLocalStack } from '../../infra/local-stack';
import { freePort, OfflineStartError, PortInUseError } from '../../infra/local/serverless-offline';
import { placeCall } from '../../tools/simulator/call-simulator';
import { AUTH_TOKEN, DEMO_SEED } from '../support/local-stack';
import { waitUntilGone, watchWhile } from '../support/process-census';

let scratch: string;
beforeAll(() => {
  scratch = mkdtempSync(join(tmpdir(), 'local-stack-start-'));
});
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** Resolves true when something accepts a connection on the port. */
function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/** Runs a command to its end: exit code and what it printed. */
function run(command: string, args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('a start that fails half way', () => {
  it('stops dynalite and serverless-offline when serverless-offline does not come up', async () => {
    // serverless-offline's process runs for a moment, then exits before it ever answers.
    const preload = join(scratch, 'exit-soon.js');
    writeFileSync(preload, 'setTimeout(() => process.exit(3), 1500);\n');
    const port = await freePort();
    const { outcome, seen } = await watchWhile(() =>
      startLocalStack({ port, audioDir: join(scratch, 'audio'), env: { NODE_OPTIONS: `--require=${preload}` } }),
    );

    expect(outcome.status).toBe('rejected');
    expect((outcome as PromiseRejectedResult).reason).toBeInstanceOf(OfflineStartError);
    expect(seen.ports.size).toBeGreaterThan(0); // dynalite was listening
    expect(seen.processes.size).toBeGreaterThan(0); // serverless-offline was running
    for (const p of seen.ports) expect(await accepts(p)).toBe(false);
    expect(await waitUntilGone(seen.processes.values())).toEqual([]);
    expect(await accepts(port)).toBe(false);
  }, 60_000);

  it('refuses a port in use before starting serverless-offline, and stops dynalite', async () => {
    const blocker = createServer();
    const port = await new Promise<number>((resolve) => blocker.listen(0, '127.0.0.1', () => resolve((blocker.address() as { port: number }).port)));
    try {
      const { outcome, seen } = await watchWhile(() => startLocalStack({ port, audioDir: join(scratch, 'audio') }));
      expect(outcome.status).toBe('rejected');
      expect((outcome as PromiseRejectedResult).reason).toEqual(new PortInUseError(port));
      expect(seen.processes.size).toBe(0);
      for (const p of seen.ports) expect(await accepts(p)).toBe(false);
    } finally {
      await new Promise((resolve) => blocker.close(resolve));
    }
  });
});

describe('a second npm start on a data folder in use', () => {
  it('says so in one line and exits 1, and the first stack keeps working', async () => {
    const dataDir = join(scratch, 'data');
    const first = await startLocalStack({
      port: await freePort(),
      dataDir: join(dataDir, 'dynalite'),
      audioDir: join(dataDir, 'audio'),
      seedFile: DEMO_SEED,
      env: { TWILIO_AUTH_TOKEN: AUTH_TOKEN, LOG_LEVEL: 'WARN' },
    });
    try {
      const second = await run(join(ROOT, 'node_modules', '.bin', 'tsx'), ['infra/local-stack.ts'], {
        ...process.env,
        DATA_DIR: dataDir,
        PORT: String(await freePort()),
      });

      expect(second.code).toBe(1);
      const lines = second.stderr.split('\n').filter((line) => line.trim() !== '');
      expect(lines).toEqual([
        expect.stringMatching(
          /^The data folder \S+dynalite is in use by another `npm start`: stop that one \(Ctrl-C in its terminal\), or start this one beside it with its own port and data folder: PORT=\d+ DATA_DIR=\.data-\d+ npm start$/,
        ),
      ]);
      expect(lines[0]).toContain(join(dataDir, 'dynalite'));

      const t = await placeCall({ baseUrl: first.baseUrl, code: 'balance-en', from: '+15005550001', authToken: AUTH_TOKEN });
      expect(t.handedOn).toEqual({ kind: 'dial', target: '+982191000000' });
    } finally {
      await first.stop();
    }
  }, 180_000);
});
