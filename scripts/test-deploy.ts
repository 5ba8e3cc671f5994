/**
 * `npm run test:deploy`: proves a production stage without an AWS account. Packages the stage
 * (offline), lints its CloudFormation with cfn-lint and creates it in the moto AWS emulator
 * (jest.deploy.config.js → test/deploy/). Both tools are Python programs outside npm; without
 * them this fails at once with one line saying how to install them. The moto_server it starts
 * is stopped whatever happens: success, failure, Ctrl-C or a kill.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { INSTALL_HINT, missingTools, startMoto, type RunningMoto } from '../test/deploy/moto-server';

const ROOT = join(__dirname, '..');

async function main(): Promise<number> {
  const missing = missingTools();
  if (missing.length > 0) {
    console.error(`test:deploy needs ${missing.join(' and ')} (not found on PATH): install with ${INSTALL_HINT}`);
    return 1;
  }
  const started = Date.now();
  let moto: RunningMoto | undefined;
  let jest: ChildProcess | undefined;
  const stopMoto = async () => {
    const running = moto;
    moto = undefined;
    await running?.stop();
  };
  // Ctrl-C or a kill of this script: stop jest and moto first, then go.
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.once(signal, () => {
      if (jest && jest.exitCode === null) jest.kill('SIGTERM');
      void stopMoto().finally(() => process.exit(128 + (signal === 'SIGINT' ? 2 : signal === 'SIGTERM' ? 15 : 1)));
    });
  }
  try {
    moto = await startMoto();
    jest = spawn(
      process.execPath,
      [join(ROOT, 'node_modules', 'jest', 'bin', 'jest.js'), '--config', join(ROOT, 'jest.deploy.config.js'), ...process.argv.slice(2)],
      {
        cwd: ROOT,
        stdio: 'inherit',
        env: { ...process.env, MOTO_ENDPOINT: moto.endpoint },
      },
    );
    const child = jest;
    const code = await new Promise<number>((resolve) => {
      child.once('exit', (exitCode, signal) => resolve(exitCode ?? (signal ? 1 : 0)));
      child.once('error', () => resolve(1));
    });
    console.log(`test:deploy finished in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    return code;
  } finally {
    await stopMoto();
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  },
);
