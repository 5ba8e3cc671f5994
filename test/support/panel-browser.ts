/**
 * The admin panel's browser tests share this: the whole local stack with an admin key,
 * Chromium headless through playwright-core (see chromium-executable.ts for which one),
 * signing in, and where screenshots go.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { ROOT, type LocalStack } from '../../infra/local-stack';
import { StopError } from '../../infra/local/cleanups';
import { CHROMIUM_ARGS, chromiumExecutable } from './chromium-executable';
import { startTestStack, useStarted } from './local-stack';

export const ADMIN_KEY = 'browser-test-admin-key';
export const ARTIFACTS = join(ROOT, 'test-artifacts');

export class BrowserLaunchError extends Error {
  override readonly name = 'BrowserLaunchError';
}

export class PanelBrowserStartError extends AggregateError {
  override readonly name = 'PanelBrowserStartError';
}

/** Launches the chosen Chromium; the error says which one failed and where it came from. */
export async function launchChromium(env: NodeJS.ProcessEnv = process.env): Promise<Browser> {
  const choice = await chromiumExecutable(env);
  try {
    return await chromium.launch({ executablePath: choice.executablePath, args: [...CHROMIUM_ARGS] });
  } catch (error) {
    const reason = error instanceof Error ? error.message.split('\n')[0] : String(error);
    throw new BrowserLaunchError(`could not launch Chromium ${choice.executablePath} (from ${choice.source}): ${reason}`, { cause: error });
  }
}

export interface PanelBrowser {
  readonly stack: LocalStack;
  readonly browser: Browser;
  stop(): Promise<void>;
}

/**
 * Starts the stack (with extra env) and the browser side by side; screenshots' folder is made.
 * Both starts run to their end: if either fails, the one that started is stopped before the
 * error is thrown (a stack left running would keep jest from exiting).
 */
export async function startPanelBrowser(env: Record<string, string> = {}): Promise<PanelBrowser> {
  mkdirSync(ARTIFACTS, { recursive: true });
  const [stack, browser] = await Promise.allSettled([startTestStack({ ADMIN_API_KEY: ADMIN_KEY, ...env }), launchChromium()]);
  if (stack.status === 'fulfilled' && browser.status === 'fulfilled') {
    return { stack: stack.value, browser: browser.value, stop: () => stopBoth(browser.value, stack.value) };
  }
  await Promise.allSettled([stack.status === 'fulfilled' && stack.value.stop(), browser.status === 'fulfilled' && browser.value.close()]);
  const failures = [stack, browser].flatMap((r) => (r.status === 'rejected' ? [r.reason as unknown] : []));
  throw failures.length === 1 ? failures[0] : new PanelBrowserStartError(failures, 'neither the test stack nor the browser started');
}

/** Closes the browser and stops the stack, each even if the other fails. */
async function stopBoth(browser: Browser, stack: LocalStack): Promise<void> {
  const results = await Promise.allSettled([browser.close(), stack.stop()]);
  const failures = results.flatMap((r) => (r.status === 'rejected' ? [r.reason as unknown] : []));
  if (failures.length > 0) throw failures.length === 1 ? failures[0] : new StopError(failures, 'stopping the panel browser failed');
}

/** startPanelBrowser in beforeAll, stopped in afterAll even when the start outlives beforeAll's timeout. */
export function usePanelBrowser(env: Record<string, string> = {}): () => PanelBrowser {
  return useStarted(() => startPanelBrowser(env), 'the panel browser', 180_000);
}

/** Opens the panel's sign-in page in the given language. */
export async function openPanel(page: Page, baseUrl: string, lang: 'en' | 'fa'): Promise<void> {
  await page.goto(`${baseUrl}/admin`);
  await page.getByTestId(`lang-${lang}`).click();
}

export async function submitAdminKey(page: Page, key: string): Promise<void> {
  await page.fill('#admin-key', key);
  await page.getByTestId('signin').click();
}

/** Signs in with the right key and waits for the modules page. */
export async function signIn(page: Page, baseUrl: string, lang: 'en' | 'fa'): Promise<void> {
  await openPanel(page, baseUrl, lang);
  await submitAdminKey(page, ADMIN_KEY);
  await page.getByTestId('add-module').waitFor();
}

/**
 * A page whose waits allow for a busy 2-core machine: jest runs other suites (each with its
 * own stack) beside the browser tests, and Playwright's default 30 s can run out there.
 */
export async function openPage(browser: Browser, options: Parameters<Browser['newPage']>[0] = {}): Promise<Page> {
  const page = await browser.newPage(options);
  page.setDefaultTimeout(60_000);
  return page;
}
