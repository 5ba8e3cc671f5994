/**
 * Card payment in the call, in the panel (headless Chromium against the whole local stack): the
 * module form's section (off and explained on an IRR module, the connector name required, the
 * API's field errors beside their fields), a call that pays by card, and the call log counting it.
 */
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import type { LocalStack } from '../../infra/local-stack';
import { placeCall } from '../../tools/simulator/call-simulator';
import { said } from '../support/call-transcripts';
import { AUTH_TOKEN } from '../support/local-stack';
import { ARTIFACTS, openPage, signIn, usePanelBrowser } from '../support/panel-browser';

const panel = usePanelBrowser();
let stack: LocalStack;
let browser: Browser;

beforeAll(() => {
  ({ stack, browser } = panel());
});

const errorFor = (page: Page, id: string) => page.locator(`[data-error-for="${id}"]`);

describe('card payment in the call, in the panel', () => {
  it('is explained and off on an IRR module, needs a connector name, and a card payment shows in the call log', async () => {
    const page = await openPage(browser, { viewport: { width: 1280, height: 900 } });
    await signIn(page, stack.baseUrl, 'en');

    await page.getByTestId('add-module').click();
    await page.fill('#m-name', 'Card line');
    await page.fill('#m-code', 'panel-card');
    await page.selectOption('#m-language', 'en');
    const enabled = page.locator('#m-cardPayment-enabled');
    // New modules start in IRR: no connector takes rials, and the form says so.
    expect(await enabled.isDisabled()).toBe(true);
    expect(await page.locator('#m-cardPayment-enabled-reason').textContent()).toBe(
      'Choose a currency other than IRR first: payment connectors do not take rials.',
    );

    await page.selectOption('#m-currency', 'USD');
    expect(await enabled.isDisabled()).toBe(false);
    await enabled.check();
    expect(await page.locator('#m-cardPayment-currency').inputValue()).toContain('USD');
    expect(await page.locator('#m-cardPayment-postalCode').isChecked()).toBe(true);
    await page.locator('#m-cardPayment-postalCode').uncheck();
    await page.fill('#m-cardPayment-maxAttempts', '3');
    await page.locator('#m-financialAccount option[value="acc-usd"]').waitFor({ state: 'attached' });
    await page.selectOption('#m-financialAccount', 'acc-usd');
    await page.selectOption('#m-nextDestination', 'sales');
    await page.selectOption('#m-errorDestination', 'support');

    // No connector name: the API refuses, next to the field.
    await page.getByTestId('save-module').click();
    await errorFor(page, 'm-cardPayment-connector').waitFor();
    expect(await errorFor(page, 'm-cardPayment-connector').textContent()).toBe('This field is required.');

    await page.fill('#m-cardPayment-connector', 'Stripe Test!');
    await page.getByTestId('save-module').click();
    await page.locator('[data-error-for="m-cardPayment-connector"]', { hasText: 'Unique Name' }).waitFor();

    await page.fill('#m-cardPayment-connector', 'Stripe_Test');
    await page.getByTestId('save-module').click();
    await page.getByTestId('module-webhook-url').waitFor();
    await page.screenshot({ path: join(ARTIFACTS, 'module-form-card-payment-en.png'), fullPage: true });

    // Olivia Davis owes $12.50: she pays it by card in the call.
    const call = await placeCall({ baseUrl: stack.baseUrl, code: 'panel-card', from: '+15005550005', digits: ['2'], pay: ['success'], authToken: AUTH_TOKEN });
    expect(said(call)).toContain('Your payment of twelve dollars and fifty cents was received. Thank you.');
    const pay = call.events.find((e) => e.type === 'pay');
    expect(pay).toMatchObject({ chargeAmount: '12.50', currency: 'usd', connector: 'Stripe_Test', postalCode: false });

    await page.getByTestId('nav-calls').click();
    const row = page.getByTestId(`call-${call.callSid}`);
    await row.waitFor();
    expect(await row.getAttribute('data-outcome')).toBe('paid-in-call');
    expect(await row.textContent()).toContain('Paid by card in the call');
    expect(await row.getByTestId('call-paid').textContent()).toMatch(/^Paid \$12\.50 by card \*\*\*\*4242 \(confirmation ch_sim_[0-9a-f]{24}\)$/);
    await page.getByTestId('outcomes-chart').waitFor();
    expect(await page.locator('[data-testid="outcomes-chart"] rect[data-outcome="paid-in-call"]').count()).toBeGreaterThan(0);
    expect(await page.getByTestId('outcomes-chart').textContent()).toContain('Paid by card in the call');
    await page.screenshot({ path: join(ARTIFACTS, 'call-log-card-payment-en.png'), fullPage: true });

    // Back on the module, switched to IRR: the API refuses it on the card payment field.
    await page.goto(`${stack.baseUrl}/admin#/modules/panel-card`);
    await page.locator('#m-cardPayment-connector').waitFor();
    expect(await page.locator('#m-cardPayment-connector').inputValue()).toBe('Stripe_Test');
    await page.selectOption('#m-currency', 'IRR:rial');
    await page.getByTestId('save-module').click();
    await errorFor(page, 'm-cardPayment-enabled').waitFor();
    expect(await errorFor(page, 'm-cardPayment-enabled').textContent()).toContain('not available in IRR');
    await page.close();
  }, 180_000);

  it('shows the section and the IRR refusal in Persian', async () => {
    const page = await openPage(browser, { viewport: { width: 375, height: 812 }, locale: 'fa-IR' });
    await signIn(page, stack.baseUrl, 'fa');
    await page.goto(`${stack.baseUrl}/admin#/modules/pay-card-fa`);
    await page.locator('#m-cardPayment-connector').waitFor();
    expect(await page.getByTestId('card-payment').locator('legend').textContent()).toBe('پرداخت با کارت در تماس (Twilio Pay)');
    expect(await page.locator('#m-cardPayment-postalCode').isChecked()).toBe(false);
    await page.selectOption('#m-currency', 'IRR:toman');
    expect(await page.locator('#m-cardPayment-enabled-reason').textContent()).toContain('ریال نمی‌پذیرند');
    await page.getByTestId('save-module').click();
    await errorFor(page, 'm-cardPayment-enabled').waitFor();
    expect(await errorFor(page, 'm-cardPayment-enabled').textContent()).toContain('ریال (IRR) ممکن نیست');
    expect(await page.evaluate<number>('document.documentElement.scrollWidth')).toBeLessThanOrEqual(375);
    await page.close();
  }, 120_000);
});
