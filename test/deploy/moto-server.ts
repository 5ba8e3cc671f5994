/**
 * The moto AWS emulator (`moto_server`, a Python tool preinstalled on these machines; not an
 * npm dependency): started on a free port on 127.0.0.1, stopped with its whole process group.
 * `npm run test:deploy` starts one for the run (MOTO_ENDPOINT); a test file run on its own
 * starts its own.
 */
import { spawn, spawnSync } from 'node:child_process';
import { freePort, hasExited, stopProcessGroup } from '../../infra/local/serverless-offline';

export const INSTALL_HINT = "pip install cfn-lint 'moto[server]'";

export interface RunningMoto {
  readonly endpoint: string;
  stop(): Promise<void>;
}

/** Which of the two tools this machine lacks. */
export function missingTools(): string[] {
  const missing: string[] = [];
  if (spawnSync('cfn-lint', ['--version'], { stdio: 'ignore' }).status !== 0) missing.push('cfn-lint');
  if (spawnSync('moto_server', ['--help'], { stdio: 'ignore' }).status !== 0) missing.push('moto_server');
  return missing;
}

export async function startMoto(): Promise<RunningMoto> {
  const port = await freePort();
  const child = spawn('moto_server', ['-H', '127.0.0.1', '-p', String(port)], { detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  const collect = (chunk: Buffer) => {
    log = (log + chunk.toString()).slice(-5000);
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  const stop = () => stopProcessGroup(child, 5000);
  const endpoint = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    // Killed by a signal it has no exit code: hasExited sees that too, instead of waiting out the 30 s.
    if (hasExited(child)) throw new Error(`moto_server exited with ${child.exitCode ?? child.signalCode}: ${log}`);
    try {
      await fetch(`${endpoint}/moto-api/`, { signal: AbortSignal.timeout(1000) });
      return { endpoint, stop };
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
  await stop();
  throw new Error(`moto_server did not answer on ${endpoint} within 30 s: ${log}`);
}
