/**
 * startPanelBrowser starts the test stack and Chromium side by side. When either fails, the
 * other is stopped before the error is thrown: nothing of it may keep running (a stack left
 * behind kept jest from exiting). Which Chromium is used: CHROMIUM_PATH, Debian's, or the one
 * from the @sparticuz/chromium npm package.
 */
import { accessSync, constants, existsSync } from 'node:fs';
import { connect } from 'node:net';
import { chromiumExecutable, DEBIAN_CHROMIUM } from '../support/chromium-executable';
import { BrowserLaunchError, startPanelBrowser } from '../support/panel-browser';
import { waitUntilGone, watchWhile } from '../support/process-census';

const saved = process.env.CHROMIUM_PATH;
afterEach(() => {
  if (saved === undefined) delete process.env.CHROMIUM_PATH;
  else process.env.CHROMIUM_PATH = saved;
});

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

describe('starting the panel browser', () => {
  it('rejects a browser that cannot launch, naming it, and stops the stack it had started', async () => {
    process.env.CHROMIUM_PATH = '/nonexistent/chromium';
    const { outcome, seen } = await watchWhile(() => startPanelBrowser());

    expect(outcome.status).toBe('rejected');
    const error = (outcome as PromiseRejectedResult).reason as Error;
    expect(error).toBeInstanceOf(BrowserLaunchError);
    expect(error.message).toContain('/nonexistent/chromium (from CHROMIUM_PATH)');
    // While it started, the stack listened here (dynalite at least) and ran serverless-offline.
    expect(seen.ports.size).toBeGreaterThan(0);
    expect([...seen.processes.values()].map((p) => p.command).join(' ')).toMatch(/node|serverless/);
    // Now: nothing listens there, and no process it started (or their groups) is alive.
    for (const port of seen.ports) expect(await accepts(port)).toBe(false);
    expect(await waitUntilGone(seen.processes.values())).toEqual([]);
  }, 120_000);

  it('closes the browser it launched when the stack cannot start', async () => {
    const { outcome, seen } = await watchWhile(() => startPanelBrowser({ DEFAULT_LANGUAGE: 'xx' }));

    expect(outcome.status).toBe('rejected');
    const error = (outcome as PromiseRejectedResult).reason as Error;
    expect(error.name).toBe('ConfigurationError');
    expect(error.message).toContain('DEFAULT_LANGUAGE');
    // Chromium did start (its processes were seen), and was closed.
    expect(seen.processes.size).toBeGreaterThan(0);
    expect(await waitUntilGone(seen.processes.values())).toEqual([]);
    for (const port of seen.ports) expect(await accepts(port)).toBe(false);
  }, 120_000);
});

describe('which Chromium', () => {
  it('takes CHROMIUM_PATH first', async () => {
    expect(await chromiumExecutable({ CHROMIUM_PATH: '/opt/my-chromium' })).toEqual({ executablePath: '/opt/my-chromium', source: 'CHROMIUM_PATH' });
  });

  it("takes Debian's when installed, else unpacks the npm package's, an executable file either way", async () => {
    const choice = await chromiumExecutable({});
    expect(choice.source).toBe(existsSync(DEBIAN_CHROMIUM) ? 'Debian' : '@sparticuz/chromium');
    expect(() => accessSync(choice.executablePath, constants.X_OK)).not.toThrow();
  }, 60_000);
});
