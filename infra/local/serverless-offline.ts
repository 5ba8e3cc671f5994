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

export class OfflineStartError extends Error {
  override readonly name = 'OfflineStartError';
}

/** A child that ended by a signal has exitCode null and signalCode set: both mean it is gone. */
export function hasExited(child: ChildProcess): boolean {
  return child.exitCode !== null || child.signalCode !== null;
}

export class PortInUseError extends Error {
  override readonly name = 'PortInUseError';
  constructor(readonly port: number) {
    super(`port ${port} on 127.0.0.1 is in use`);
  }
}

/** Throws PortInUseError when something already listens on the port. */
export async function assertPortFree(port: number): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    const server = createServer();
    server.once('error', (error: NodeJS.ErrnoException) => reject(error.code === 'EADDRINUSE' ? new PortInUseError(port) : error));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve()));
  });
}

async function waitForHttp(url: string, child: ChildProcess, timeoutMs: number, output: () => string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (hasExited(child)) throw new OfflineStartError(`serverless offline exited (${child.exitCode ?? child.signalCode}) before answering:\n${output()}`);
    try {
      const res = await fetch(url, { method: 'GET', signal: AbortSignal.timeout(1000) });
      // An unread body keeps fetch's pooled connection busy until garbage collection.
      await res.body?.cancel();
      return;
    } catch {
      await new Promise((r) => setTimeout(r, 250));
    }
  }
  throw new OfflineStartError(`serverless offline did not answer on ${url} within ${timeoutMs} ms:\n${output()}`);
}

/** A signal to the child's whole process group, if it is still there. */
function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  try {
    if (child.pid !== undefined) process.kill(-child.pid, signal);
  } catch {
    /* already gone */
  }
}

/** SIGTERM to a detached child's whole process group, SIGKILL after `graceMs`; resolves once the child has exited. */
export async function stopProcessGroup(child: ChildProcess, graceMs: number): Promise<void> {
  if (hasExited(child) || child.pid === undefined) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  killGroup(child, 'SIGTERM');
  const timer = setTimeout(() => killGroup(child, 'SIGKILL'), graceMs);
  await exited;
  clearTimeout(timer);
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
  // A failed spawn (no node_modules/.bin/serverless) emits 'error' instead of 'exit'.
  child.once('error', (error) => collect(Buffer.from(`\n${error.message}\n`)));
  const baseUrl = `http://127.0.0.1:${options.port}`;
  // The child runs detached (its own process group, so Ctrl-C in a terminal reaches only the
  // parent, which stops it in order). If the parent exits without stopping it (an error, or
  // Ctrl-C while `npm start` is still starting), the group would live on holding its ports:
  // kill it on the way out. (In jest, `process` is the test file's own copy, whose 'exit'
  // never fires: there the helpers' stop() is what stops it.)
  const killOnExit = () => killGroup(child, 'SIGKILL');
  process.on('exit', killOnExit);
  let stopped: Promise<void> | undefined;
  const stop = () =>
    (stopped ??= (async () => {
      await stopProcessGroup(child, 3000); // the whole group: osls and its esbuild/worker children
      process.off('exit', killOnExit);
      await rm(join(options.root, '.esbuild', `offline-${options.port}`), { recursive: true, force: true });
    })());
  try {
    await waitForHttp(`${baseUrl}/`, child, options.timeoutMs ?? 60000, () => log);
  } catch (error) {
    await stop();
    throw error;
  }
  return { baseUrl, process: child, stop };
}
