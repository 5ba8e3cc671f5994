/** Runs `serverless offline` (osls + serverless-offline + serverless-esbuild) as a child process. */
import { spawn, type ChildProcess } from 'node:child_process';
import { rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join } from 'node:path';

export interface RunningOffline {
  readonly baseUrl: string;
  readonly process: ChildProcess;
  stop(): Promise<void>;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

async function waitForHttp(url: string, child: ChildProcess, timeoutMs: number, output: () => string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`serverless offline exited with code ${child.exitCode}:\n${output()}`);
    try {
      await fetch(url, { method: 'GET', signal: AbortSignal.timeout(1000) });
      return;
    } catch {
      await new Promise((r) => setTimeout(r, 250));
    }
  }
  throw new Error(`serverless offline did not answer on ${url} within ${timeoutMs} ms:\n${output()}`);
}

export async function startServerlessOffline(options: {
  root: string;
  port: number;
  lambdaPort?: number;
  env: Record<string, string>;
  stage?: string;
  echo?: boolean;
  timeoutMs?: number;
  /** Run handlers inside serverless-offline's process (one warm instance) instead of a worker thread per concurrent request. */
  inProcess?: boolean;
}): Promise<RunningOffline> {
  const lambdaPort = options.lambdaPort ?? (await freePort());
  const bin = join(options.root, 'node_modules', '.bin', 'serverless');
  const args = ['offline', 'start', '--stage', options.stage ?? 'local', '--region', 'us-east-1', ...(options.inProcess ? ['--useInProcess'] : [])];
  const child = spawn(bin, args, {
    cwd: options.root,
    env: {
      ...process.env,
      ...options.env,
      PORT: String(options.port),
      ESBUILD_WORK_FOLDER: `.esbuild/offline-${options.port}`,
      LAMBDA_PORT: String(lambdaPort),
      AWS_ACCESS_KEY_ID: process.env.AWS_ACCESS_KEY_ID ?? 'local',
      AWS_SECRET_ACCESS_KEY: process.env.AWS_SECRET_ACCESS_KEY ?? 'local',
      SLS_TELEMETRY_DISABLED: '1',
      SLS_NOTIFICATIONS_MODE: 'off',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  let log = '';
  const collect = (chunk: Buffer) => {
    const text = chunk.toString();
    log = (log + text).slice(-20000);
    if (options.echo) process.stderr.write(text);
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  const baseUrl = `http://127.0.0.1:${options.port}`;
  const stop = async () => {
    if (child.exitCode !== null || child.pid === undefined) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    try {
      process.kill(-child.pid, 'SIGTERM'); // the whole group: osls and its esbuild/worker children
    } catch {
      /* already gone */
    }
    const timer = setTimeout(() => {
      try {
        if (child.pid) process.kill(-child.pid, 'SIGKILL');
      } catch {
        /* already gone */
      }
    }, 3000);
    await exited;
    clearTimeout(timer);
    await rm(join(options.root, '.esbuild', `offline-${options.port}`), { recursive: true, force: true });
  };
  try {
    await waitForHttp(`${baseUrl}/`, child, options.timeoutMs ?? 60000, () => log);
  } catch (error) {
    await stop();
    throw error;
  }
  return { baseUrl, process: child, stop };
}
