/**
 * Payments, end to end in headless Chromium against the whole local stack (serverless-offline)
 * with Stripe for dollars and the sandbox for rials (PAYMENT_PROVIDER=stripe,sandbox), Stripe
 * being a local server speaking its protocol: a caller gets a link, pays it on Stripe's page
 * (the payment page's Content-Security-Policy lets its form go there), Stripe's signed webhook
 * settles it, the success page shows the receipt. A payment Stripe took for a checkout the
 * product has no record of is flagged "refund or credit needed": the operator sees it on the
 * Payments page (and on its call in the call log), filters by status, marks it handled, and
 * finds that on the Activity page. Then the same page in Persian on a phone-sized screen.
 */
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import type { LocalStack } from '../../infra/local-stack';
import { placeCall } from '../../tools/simulator/call-simulator';
import { FAKE_STRIPE_KEY, FAKE_WEBHOOK_SECRET, startFakeStripe, type FakeStripe } from '../support/fake-stripe';
import { AUTH_TOKEN, useStarted } from '../support/local-stack';
import { ARTIFACTS, openPage, signIn as signInAt, startPanelBrowser } from '../support/panel-browser';

let stack: LocalStack;
let browser: Browser;
let stripe: FakeStripe;

const started = useStarted(
  async () => {
    const fake = await startFakeStripe();
    try {
      const panel = await startPanelBrowser({
        PAYMENT_PROVIDER: 'stripe,sandbox',
        STRIPE_API_BASE_URL: fake.url,
        STRIPE_CHECKOUT_ORIGIN: fake.url,
        STRIPE_SECRET_KEY: FAKE_STRIPE_KEY,
        STRIPE_WEBHOOK_SECRET: FAKE_WEBHOOK_SECRET,
      });
      return { ...panel, stripe: fake, stop: () => panel.stop().finally(() => fake.stop()) };
    } catch (error) {
      await fake.stop();
      throw error;
    }
  },
  'the panel browser and a local Stripe',
  180_000,
);

beforeAll(() => {
  ({ stack, browser, stripe } = started());
  stripe.webhookUrl = `${stack.baseUrl}/pay/stripe/webhook`;
});

const signIn = (page: Page, lang: 'en' | 'fa') => signInAt(page, stack.baseUrl, lang);

function linkOf(t: { sms: { body: string }[] }): string {
  const url = /https?:\/\/\S+\/pay\/\S+/.exec(t.sms[0]?.body ?? '')?.[0];
  if (!url) throw new Error('no payment link in the SMS');
  return url;
}

describe('the Payments page', () => {
  let dollarCall: string;
  let sessionId: string;

  it('a caller pays a link on Stripe’s page; the signed webhook settles it and the success page shows the receipt', async () => {
    const t = await placeCall({ baseUrl: stack.baseUrl, code: 'pay-usd', from: '+15005550005', digits: ['09125550005'], authToken: AUTH_TOKEN });
    dollarCall = t.callSid;
    const page = await openPage(browser, { viewport: { width: 412, height: 860 } });
    await page.goto(linkOf(t));
    expect(await page.locator('p.amount').textContent()).toBe('$12.50');
    await page.getByRole('button', { name: 'Pay now' }).click();
    // On "Stripe": the amount it was asked for.
    await page.locator('#stripe-pay').waitFor();
    expect(page.url().startsWith(`${stripe.url}/c/pay/cs_test_`)).toBe(true);
    expect(await page.locator('[data-amount]').getAttribute('data-amount')).toBe('1250');
    sessionId = page.url().split('/c/pay/')[1] as string;
    await page.locator('#stripe-pay').click();
    await page.waitForURL(/checkout=return/);
    await page.getByText('Payment received').waitFor();
    expect(await page.content()).toContain(`pi_test_${sessionId.slice(8)}`);
    await page.screenshot({ path: join(ARTIFACTS, 'payment-stripe-receipt.png'), fullPage: true });
    await page.close();

    // A rial link of another caller goes to the sandbox (Stripe takes no IRR).
    const rials = await placeCall({ baseUrl: stack.baseUrl, code: 'pay-en', from: '+15005550001', digits: ['09125550001'], authToken: AUTH_TOKEN });
    expect((await fetch(linkOf(rials), { method: 'POST' })).status).toBe(200);

    // Stripe tells of a payment for this link through a checkout the product never started.
    const linkId = stripe.sessions.get(sessionId)!.form['metadata[link_id]'];
    const body = JSON.stringify({
      id: 'evt_unknown_1',
      object: 'event',
      type: 'checkout.session.completed',
      data: {
        object: {
          id: 'cs_test_unknown1',
          payment_status: 'paid',
          amount_total: 1250,
          currency: 'usd',
          payment_intent: 'pi_unknown1',
          metadata: { link_id: linkId },
        },
      },
    });
    const flagged = await stripe.deliver({ id: 'evt_unknown_1', type: 'checkout.session.completed', body }, { secret: FAKE_WEBHOOK_SECRET });
    expect(flagged).toEqual({ status: 200, body: { received: true, payment: 'stripe:cs_test_unknown1', status: 'refund-needed', duplicate: false } });
  }, 120_000);

  it('lists the payments, flags the one needing a refund (also on its call), filters by status, and marks it handled (on the Activity page)', async () => {
    const page = await openPage(browser, { viewport: { width: 1280, height: 900 } });
    page.on('dialog', (dialog) => void dialog.accept());
    await signIn(page, 'en');
    await page.getByTestId('nav-payments').click();
    await page.getByTestId('payments-table').waitFor();

    const paid = page.getByTestId(`payment-stripe:${sessionId}`);
    expect(await paid.getAttribute('data-status')).toBe('paid');
    expect(await paid.getByTestId('payment-amount').textContent()).toBe('$12.50');
    expect(await paid.textContent()).toContain(`pi_test_${sessionId.slice(8)}`);
    expect(await paid.getByTestId('payment-source').textContent()).toContain(`Call ${dollarCall}`);
    expect(await paid.getByTestId('payment-source').textContent()).toContain('Module pay-usd');
    expect(await paid.getByTestId('refund-flag').count()).toBe(0);
    const sandbox = page.locator('[data-provider="sandbox"]');
    expect(await sandbox.getByTestId('payment-amount').textContent()).toBe('1,250,000 rials');
    expect(await sandbox.locator('td').nth(1).textContent()).toBe('Sandbox (test)');

    const row = page.getByTestId('payment-stripe:cs_test_unknown1');
    expect(await row.getByTestId('refund-flag').textContent()).toBe('Refund or credit needed');
    expect(await row.getByTestId('refund-reason').textContent()).toBe('A checkout this product has no record of');

    await page.selectOption('#p-status', 'refund-needed');
    await page.getByTestId('apply-payment-filters').click();
    await page.locator('[data-testid="payments-table"] tbody tr[data-status="paid"]').first().waitFor({ state: 'detached' });
    await row.waitFor();
    expect(await page.locator('[data-testid="payments-table"] tbody tr').evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-testid')))).toEqual([
      'payment-stripe:cs_test_unknown1',
    ]);
    await page.screenshot({ path: join(ARTIFACTS, 'payments-en.png'), fullPage: true });

    await row.getByTestId('mark-handled').click();
    await row.getByTestId('payment-handled').waitFor();
    expect(await row.getAttribute('data-handled')).toBe('true');
    expect(await row.getByTestId('mark-handled').count()).toBe(0);

    // The call the link came from carries the flag in the call log.
    await page.getByTestId('nav-calls').click();
    await page.getByTestId('calls-table').waitFor();
    expect(await page.getByTestId(`call-${dollarCall}`).getByTestId('call-refund-flag').textContent()).toBe(
      'Refund or credit needed (stripe:cs_test_unknown1)',
    );

    await page.getByTestId('nav-activity').click();
    await page.getByTestId('activity-table').waitFor();
    const entry = page.locator('[data-testid^="activity-"][data-area="payment"][data-action="handle"]');
    await entry.waitFor();
    expect(await entry.getAttribute('data-target')).toBe('stripe:cs_test_unknown1');
    expect(await entry.locator('td').nth(2).textContent()).toBe('Marked handled');
    await page.close();
  }, 120_000);

  it('in Persian on a phone: the same payments, right to left, in Persian words and digits', async () => {
    const page = await openPage(browser, { viewport: { width: 390, height: 844 } });
    await signIn(page, 'fa');
    await page.getByTestId('nav-payments').click();
    await page.getByTestId('payments-table').waitFor();
    expect(await page.evaluate('document.documentElement.dir')).toBe('rtl');
    // Nothing wider than the phone: the table scrolls inside its own box.
    expect(await page.evaluate<number>('document.documentElement.scrollWidth')).toBeLessThanOrEqual(390);
    expect(await page.locator('h1').textContent()).toBe('پرداخت‌ها');
    const row = page.getByTestId('payment-stripe:cs_test_unknown1');
    expect(await row.getByTestId('refund-flag').textContent()).toBe('نیازمند بازپرداخت یا اعتبار');
    expect(await row.getByTestId('payment-handled').textContent()).toMatch(/^رسیدگی شد در /);
    expect(await page.locator('[data-provider="sandbox"]').getByTestId('payment-amount').textContent()).toBe('۱٬۲۵۰٬۰۰۰ ریال');
    expect(await page.getByTestId(`payment-stripe:${sessionId}`).getByTestId('payment-status').textContent()).toBe('پرداخت‌شده');
    await page.screenshot({ path: join(ARTIFACTS, 'payments-fa-phone.png'), fullPage: true });
    await page.close();
  }, 120_000);
});
