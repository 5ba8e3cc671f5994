/**
 * The admin panel in a real browser (headless Chromium through playwright-core) against the
 * whole local stack: an operator signs in, adds a module with every field, sees the
 * send-payment-link rule, saves, copies the webhook URL, a simulated call reaches that
 * module and behaves as configured, and the call shows in the log. In English and Persian.
 * Screenshots of the main pages go to test-artifacts/.
 */
import { join } from 'node:path';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import type { Browser, Page } from 'playwright-core';
import type { LocalStack } from '../../infra/local-stack';
import { placeCall } from '../../tools/simulator/call-simulator';
import { heard } from '../support/call-transcripts';
import { AUTH_TOKEN } from '../support/local-stack';
import { ADMIN_KEY, ARTIFACTS, openPage, openPanel, submitAdminKey, usePanelBrowser } from '../support/panel-browser';

const panel = usePanelBrowser();
let stack: LocalStack;
let browser: Browser;

beforeAll(() => {
  ({ stack, browser } = panel());
});

/** A wrong key is refused in the chosen language before the right one is accepted. */
async function signIn(page: Page, lang: 'en' | 'fa') {
  await openPanel(page, stack.baseUrl, lang);
  await submitAdminKey(page, 'not-the-key');
  await page.getByRole('alert').waitFor();
  expect(await page.getByRole('alert').textContent()).toBe(lang === 'en' ? 'That key was not accepted.' : 'این کلید پذیرفته نشد.');
  await submitAdminKey(page, ADMIN_KEY);
  await page.getByTestId('add-module').waitFor();
}

/** The seed's rule: Send payment link stays off and says why until Force mobile entry is on. */
async function expectSendLinkRule(page: Page, reason: string) {
  const sendLink = page.locator('#m-sendPaymentLink');
  expect(await sendLink.isDisabled()).toBe(true);
  expect(await page.locator('#m-sendPaymentLink-reason').textContent()).toBe(reason);
  await page.locator('#m-forceMobileEntry').check();
  expect(await sendLink.isDisabled()).toBe(false);
  expect(await page.locator('#m-sendPaymentLink-reason').count()).toBe(0);
  await sendLink.check();
  // Turning mobile entry off again takes the link with it.
  await page.locator('#m-forceMobileEntry').uncheck();
  expect(await sendLink.isChecked()).toBe(false);
  expect(await sendLink.isDisabled()).toBe(true);
  await page.locator('#m-forceMobileEntry').check();
  await sendLink.check();
}

async function createInlineDestination(page: Page, field: 'nextDestination' | 'errorDestination', code: string, target: string) {
  await page.getByTestId(`m-${field}-new`).click();
  const prefix = `m-${field}-inline`;
  await page.fill(`#${prefix}-code`, code);
  await page.fill(`#${prefix}-name`, `Desk ${code}`);
  await page.selectOption(`#${prefix}-type`, 'dial');
  await page.fill(`#${prefix}-target`, target);
  await page.getByTestId(`${prefix}-save`).click();
  await page.getByTestId(`${prefix}-form`).waitFor({ state: 'detached' });
  expect(await page.locator(`#m-${field}`).inputValue()).toBe(code);
}

async function findCallInLog(page: Page, callSid: string) {
  await page.getByTestId('nav-calls').click();
  const row = page.getByTestId(`call-${callSid}`);
  await row.waitFor();
  await page.getByTestId('outcomes-chart').waitFor();
  return row;
}

/** Waits until the chosen file's text is in the import box (read through the locator: the panel's CSP forbids evaluating strings). */
async function importTextStartsWith(page: Page, start: string): Promise<void> {
  const box = page.locator('#import-text');
  for (const deadline = Date.now() + 10_000; Date.now() < deadline; await page.waitForTimeout(50)) {
    if ((await box.inputValue()).startsWith(start)) return;
  }
  throw new Error(`the import box never showed the file starting with ${start}`);
}

describe('the admin panel in English', () => {
  it('adds a module with every field, and a call to its webhook behaves as configured and shows in the log', async () => {
    const page = await openPage(browser, { viewport: { width: 1280, height: 900 } });
    await signIn(page, 'en');
    expect(await page.evaluate('document.documentElement.dir')).toBe('ltr');
    await page.screenshot({ path: join(ARTIFACTS, 'modules-en.png'), fullPage: true });

    await page.getByTestId('add-module').click();
    await page.fill('#m-name', 'Acme balance line');
    await page.fill('#m-code', 'panel-en');
    await page.selectOption('#m-language', 'en');
    await page.selectOption('#m-currency', 'IRR:toman');
    await expectSendLinkRule(page, 'Turn on “Force mobile entry” first: the payment link is sent to the mobile number the caller types.');
    await page.locator('#m-confirmBeforeNext').check();
    await page.fill('#m-maxAttempts', '2');
    await page.fill('#m-gatherTimeoutSeconds', '8');
    await page.selectOption('#m-invoiceType', 'invoice');
    await page.fill('#m-invoiceValueField', 'FinalValue');
    await page.fill('#m-invoiceSearchField', 'Number');
    await page.locator('#m-financialAccount option[value="acc-mellat"]').waitFor({ state: 'attached' });
    await page.selectOption('#m-financialAccount', 'acc-mellat');
    await page.locator('.prompts summary').click();
    await page.fill('#prompt-intro', 'Welcome to the Acme balance line.');
    await page.getByTestId('prompt-intro-play').click();
    await page.getByTestId('prompt-intro-heard').waitFor();
    expect(await page.getByTestId('prompt-intro-heard').textContent()).toContain('Welcome to the Acme balance line.');
    await createInlineDestination(page, 'nextDestination', 'panel-desk', '+982133333333');
    await page.selectOption('#m-errorDestination', 'goodbye');
    await page.screenshot({ path: join(ARTIFACTS, 'module-form-en.png'), fullPage: true });

    await page.getByTestId('save-module').click();
    await page.getByTestId('module-webhook-url').waitFor();
    expect(await page.getByTestId('module-webhook-url').inputValue()).toBe(`${stack.baseUrl}/voice/panel-en`);

    await page.getByTestId('nav-modules').click();
    const webhookUrl = await page.getByTestId('webhook-panel-en').inputValue();
    expect(webhookUrl).toBe(`${stack.baseUrl}/voice/panel-en`);
    const code = new URL(webhookUrl).pathname.split('/').pop() ?? '';

    // John Smith (+15005550001) owes 1,250,000 rials = 125,000 tomans.
    const call = await placeCall({ baseUrl: stack.baseUrl, code, from: '+15005550001', digits: ['09125550001', '1'], authToken: AUTH_TOKEN });
    expect(heard(call)).toContain('Welcome to the Acme balance line.');
    expect(heard(call)).toContain('one hundred twenty-five thousand tomans');
    expect(call.events.filter((e) => e.type === 'gather').map((e) => (e as { timeout?: number }).timeout)).toEqual([8, 8]);
    expect(call.handedOn).toEqual({ kind: 'dial', target: '+982133333333' });

    const row = await findCallInLog(page, call.callSid);
    expect(await row.getAttribute('data-outcome')).toBe('next');
    expect(await row.textContent()).toContain('panel-en');
    expect(await row.textContent()).toContain('Handed on');
    await page.screenshot({ path: join(ARTIFACTS, 'call-log-en.png'), fullPage: true });

    for (const [nav, name] of [
      ['destinations', 'destinations-en'],
      ['ledger', 'ledger-en'],
      ['outbox', 'outbox-en'],
    ] as const) {
      await page.getByTestId(`nav-${nav}`).click();
      await page.waitForLoadState('networkidle');
      await page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: true });
    }
    await page.close();
  }, 120_000);
});

describe('the admin panel in Persian', () => {
  it('works right to left with Persian digits, shows API errors next to their field, and the call reaches the new module', async () => {
    const page = await openPage(browser, { viewport: { width: 375, height: 812 }, locale: 'fa-IR' });
    await signIn(page, 'fa');
    expect(await page.evaluate('[document.documentElement.dir, document.documentElement.lang]')).toEqual(['rtl', 'fa']);
    // Usable on a phone: nothing wider than the screen.
    expect(await page.evaluate<number>('document.documentElement.scrollWidth')).toBeLessThanOrEqual(375);
    await page.screenshot({ path: join(ARTIFACTS, 'modules-fa-375.png'), fullPage: true });

    await page.getByTestId('add-module').click();
    await page.fill('#m-name', 'مانده حساب پنل');
    await page.fill('#m-code', 'balance-fa'); // taken: the API must say so next to the field
    await page.selectOption('#m-language', 'fa');
    await expectSendLinkRule(page, 'ابتدا «اجبار ورود موبایل» را روشن کنید: لینک پرداخت به شماره موبایلی که تماس‌گیرنده وارد می‌کند فرستاده می‌شود.');
    await page.fill('#m-maxAttempts', '۲');
    expect(await page.locator('#m-maxAttempts').inputValue()).toBe('۲');
    await page.selectOption('#m-nextDestination', 'sales');
    await page.selectOption('#m-errorDestination', 'goodbye');
    await page.getByTestId('save-module').click();
    const codeError = page.locator('[data-error-for="m-code"]');
    await codeError.waitFor();
    expect(await codeError.textContent()).toBe('این کد قبلاً استفاده شده است.');
    expect(await page.getByRole('alert').first().textContent()).toContain('برخی فیلدها نیاز به اصلاح دارند.');
    expect(await page.evaluate<number>('document.documentElement.scrollWidth')).toBeLessThanOrEqual(375);
    await page.screenshot({ path: join(ARTIFACTS, 'module-form-fa-375.png'), fullPage: true });

    await page.fill('#m-code', 'panel-fa');
    await page.getByTestId('save-module').click();
    await page.getByTestId('module-webhook-url').waitFor();
    await page.getByTestId('nav-modules').click();
    const webhookUrl = await page.getByTestId('webhook-panel-fa').inputValue();
    expect(webhookUrl).toBe(`${stack.baseUrl}/voice/panel-fa`);

    // Sara (09121111111) owes 1,250,000 rials; the module asks her mobile, then reads the amount from clips joined into one sentence.
    const call = await placeCall({ baseUrl: stack.baseUrl, code: 'panel-fa', from: '09121111111', digits: ['09121111111'], authToken: AUTH_TOKEN });
    const plays = call.events.flatMap((e) => (e.type === 'play' ? [e] : []));
    expect(plays.map((p) => p.url.split('/').pop())).toContain('prompt-enterMobile.wav');
    expect(plays.map((p) => p.transcript)).toContain('مانده حساب شما یک میلیون و دویست و پنجاه هزار ریال بدهکار است.');
    expect(call.events.filter((e) => e.type === 'gather')).toHaveLength(1);
    expect(call.handedOn).toEqual({ kind: 'dial', target: '+982191000000' });

    const row = await findCallInLog(page, call.callSid);
    expect(await row.textContent()).toContain('سپرده به مقصد بعدی');
    expect(await row.textContent()).toContain('۱٬۲۵۰٬۰۰۰');
    await page.screenshot({ path: join(ARTIFACTS, 'call-log-fa-375.png'), fullPage: true });

    const wide = await openPage(browser, { viewport: { width: 1280, height: 900 }, locale: 'fa-IR' });
    await signIn(wide, 'fa');
    await wide.goto(`${stack.baseUrl}/admin#/modules/panel-fa`);
    await wide.getByTestId('module-webhook-url').waitFor();
    await wide.screenshot({ path: join(ARTIFACTS, 'module-form-fa.png'), fullPage: true });
    await wide.getByTestId('nav-calls').click();
    await wide.getByTestId(`call-${call.callSid}`).waitFor();
    await wide.screenshot({ path: join(ARTIFACTS, 'call-log-fa.png'), fullPage: true });
    await wide.close();
    await page.close();
  }, 120_000);
});

describe('a bulk import from the panel', () => {
  it('imports a customers file as a job with visible progress, then finds the customers; a file with a bad row writes nothing and says which line', async () => {
    const page = await openPage(browser, { viewport: { width: 1280, height: 900 } });
    await signIn(page, 'en');
    await page.getByTestId('nav-ledger').click();
    await page.getByTestId('import-card').waitFor();

    const csv = [
      'id,customerNumber,name,phones',
      ...Array.from({ length: 300 }, (_, i) => `pb-${i},${70000 + i},Panel Bulk ${i},+1500666${String(i).padStart(4, '0')}`),
    ].join('\n');
    await page.selectOption('#import-kind', 'customers');
    await page.setInputFiles('#import-file', { name: 'panel-bulk.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
    await importTextStartsWith(page, 'id,customerNumber');
    await page.getByTestId('import-run').click();
    // Progress shows while the worker writes: rows checked, rows written, elapsed time.
    await page.getByTestId('import-written').waitFor();
    await page.getByTestId('import-timing').filter({ hasText: 'Elapsed' }).waitFor();
    await page.locator('[data-testid="import-job"][data-state="done"]').waitFor({ timeout: 120_000 });
    expect(await page.getByTestId('import-result').textContent()).toBe('Imported: 300 customers.');
    expect(await page.getByTestId('import-written').getAttribute('value')).toBe('300');
    await page.screenshot({ path: join(ARTIFACTS, 'ledger-import-en.png'), fullPage: true });

    await page.fill('input[type="search"]', 'panel bulk 217');
    await page.getByRole('button', { name: 'Search' }).click();
    await page.getByTestId('customer-pb-217').waitFor();

    const bad = 'customerId,type,number,FinalValue\npb-1,invoice,PB-1,1000\npb-2,invoice,PB-2,12.5\nnobody,invoice,PB-3,1000\n';
    await page.selectOption('#import-kind', 'items');
    await page.setInputFiles('#import-file', { name: 'bad-items.csv', mimeType: 'text/csv', buffer: Buffer.from(bad) });
    await importTextStartsWith(page, 'customerId');
    await page.getByTestId('import-run').click();
    await page.locator('[data-testid="import-job"][data-state="rejected"]').waitFor({ timeout: 60_000 });
    const problems = await page.getByTestId('import-problems').locator('tbody tr').allTextContents();
    expect(problems).toHaveLength(2);
    expect(problems[0]).toContain('3');
    expect(problems[1]).toContain('No customer has id "nobody".');
    const customer = await stack.documentClient.send(
      new GetCommand({ TableName: stack.config.tables.ledger, Key: { pk: 'CUST#pb-1', sk: 'ITEM#invoice#PB-1' } }),
    );
    expect(customer.Item).toBeUndefined();
    await page.close();
  }, 180_000);
});
