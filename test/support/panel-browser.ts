/**
 * The admin panel's browser tests share this: the whole local stack with an admin key, Debian's
 * chromium headless through playwright-core, signing in, and where screenshots go.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { ROOT, type LocalStack } from '../../infra/local-stack';
import { startTestStack } from './local-stack';

export const ADMIN_KEY = 'browser-test-admin-key';
export const ARTIFACTS = join(ROOT, 'test-artifacts');
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export interface PanelBrowser {
  readonly stack: LocalStack;
  readonly browser: Browser;
  stop(): Promise<void>;
}

/** Starts the stack (with extra env) and the browser side by side; screenshots' folder is made. */
export async function startPanelBrowser(env: Record<string, string> = {}): Promise<PanelBrowser> {
  mkdirSync(ARTIFACTS, { recursive: true });
  const [stack, browser] = await Promise.all([
    startTestStack({ ADMIN_API_KEY: ADMIN_KEY, ...env }),
    chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    }),
  ]);
  return {
    stack,
    browser,
    stop: async () => {
      await browser.close();
      await stack.stop();
    },
  };
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
