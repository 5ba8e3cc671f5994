/**
 * Lookup sources and customer-club modules in the panel, in headless Chromium against the
 * whole local stack: an operator adds a lookup source for a local CRM speaking the AloVoIP
 * contract and tests its connection, adds a customer club in front of a balance module,
 * and a simulated call goes club → balance and shows in the call log. In Persian on a
 * phone-sized screen: a source's field error in Persian, and a demo club edited so one
 * prompt is not played, which the next call proves.
 */
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import type { LocalStack } from '../../infra/local-stack';
import { placeCall } from '../../tools/simulator/call-simulator';
import { heard, played } from '../support/call-transcripts';
import { startFakeAlovoip, type FakeAlovoip } from '../support/fake-alovoip';
import { AUTH_TOKEN } from '../support/local-stack';
import { ARTIFACTS, openPage, signIn as signInAt, usePanelBrowser } from '../support/panel-browser';

const CRM_PASSWORD = 'acme-crm-password';

let stack: LocalStack;
let browser: Browser;
let crm: FakeAlovoip;

beforeAll(async () => {
  crm = await startFakeAlovoip();
  crm.routes.set('/GetMoneyAccounts', () => ({ body: '{"moneyAccounts":[{"key":"m1","name":"Main"},{"key":"m2","name":"Cash"},{"key":"m3","name":"Card"}]}' }));
});
// The password of source acme-crm is its own secret crm/acme-crm: locally CRM_SECRET_ACME_CRM.
const panel = usePanelBrowser({ CRM_SECRET_ACME_CRM: CRM_PASSWORD });
beforeAll(() => {
  ({ stack, browser } = panel());
});

afterAll(async () => {
  await crm?.stop();
});

const signIn = (page: Page, lang: 'en' | 'fa') => signInAt(page, stack.baseUrl, lang);

describe('lookup sources and a customer club in English', () => {
  it('adds a tested lookup source, then a club in front of a balance module that a call goes through', async () => {
    const page = await openPage(browser, { viewport: { width: 1280, height: 900 } });
    await signIn(page, 'en');

    // A lookup source of type Other (AloVoIP HTTP contract) with Basic auth; the password stays in CRM_SECRET_ACME_CRM.
    await page.getByTestId('nav-sources').click();
    await page.getByTestId('source-ledger').waitFor();
    await page.getByTestId('add-source').click();
    await page.fill('#s-name', 'acme-crm');
    await page.selectOption('#s-type', 'http');
    await page.fill('#s-host', crm.url);
    await page.selectOption('#s-auth', 'basic');
    await page.fill('#s-username', 'ivr');
    // No password field, and no secret name to choose: the form says where this source's password is.
    expect(await page.locator('#s-passwordSecret').count()).toBe(0);
    expect(await page.getByTestId('source-password-where').textContent()).toContain('crm/acme-crm');
    expect(await page.getByTestId('source-password-where').textContent()).toContain('CRM_SECRET_ACME_CRM');
    await page.getByTestId('save-source').click();
    await page.getByTestId('source-acme-crm').waitFor();
    expect(await page.getByTestId('source-acme-crm-secret').textContent()).toBe('CRM_SECRET_ACME_CRM');

    await page.getByTestId('test-source-acme-crm').click();
    const result = page.getByTestId('source-acme-crm-test-result');
    await result.waitFor();
    expect(await result.getAttribute('data-ok')).toBe('true');
    expect(await result.textContent()).toBe('Connected (3 money accounts).');
    expect(crm.requests.at(-1)!.headers.authorization).toBe(`Basic ${Buffer.from(`ivr:${CRM_PASSWORD}`).toString('base64')}`);
    await page.screenshot({ path: join(ARTIFACTS, 'lookup-sources-en.png'), fullPage: true });

    // Moving the source to another host: warned before saving and after, and on the Activity page.
    await page.getByTestId('edit-source-acme-crm').click();
    expect(await page.getByTestId('source-host-warning').count()).toBe(0);
    await page.fill('#s-host', `${crm.url}/v2`);
    await page.getByTestId('source-host-warning').waitFor();
    expect(await page.getByTestId('source-host-warning').textContent()).toBe(
      `The host changed: this source’s password will be sent to ${crm.url}/v2 when you save.`,
    );
    await page.getByTestId('save-source').click();
    await page.getByTestId('source-saved-warning').waitFor();
    expect(await page.getByTestId('source-saved-warning').textContent()).toBe("The host changed: this source's password will be sent to the new host.");
    // The Activity page's unfiltered first read is held back until the operator's filtered read
    // has answered: the late, superseded answer must not replace the filtered list.
    const isAuditRead = (url: URL, area: string) => url.pathname.endsWith('/audit') && (url.searchParams.get('area') ?? '') === area;
    let releaseUnfiltered = () => {};
    const unfilteredHeld = new Promise<void>((resolve) => {
      releaseUnfiltered = resolve;
    });
    await page.route(
      (url) => isAuditRead(url, ''),
      async (route) => {
        await unfilteredHeld;
        await route.continue();
      },
    );
    const unfiltered = page.waitForResponse((response) => isAuditRead(new URL(response.url()), ''));
    await page.getByTestId('nav-activity').click();
    await page.getByTestId('activity-filters').waitFor();
    await page.selectOption('#a-area', 'lookup-source');
    await page.selectOption('#a-action', 'update');
    await page.fill('#a-target', 'acme-crm');
    const filtered = page.waitForResponse((response) => isAuditRead(new URL(response.url()), 'lookup-source'));
    await page.getByTestId('apply-activity-filters').click();
    await filtered;
    await page.locator('[data-testid^="activity-"][data-action="update"][data-target="acme-crm"]').waitFor();
    releaseUnfiltered();
    await (await unfiltered).finished();
    await page.evaluate(() => new Promise((resolve) => setTimeout(resolve, 200)));
    await page.unroute((url) => isAuditRead(url, ''));
    const rows = page.locator('[data-testid="activity-table"] tbody tr');
    expect(await rows.evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-action')))).toEqual(['update']);

    // Every change to the source, newest first.
    const allActions = page.waitForResponse((response) => {
      const url = new URL(response.url());
      return isAuditRead(url, 'lookup-source') && !url.searchParams.has('action');
    });
    await page.selectOption('#a-action', '');
    await page.getByTestId('apply-activity-filters').click();
    await allActions;
    await page.locator('[data-testid^="activity-"][data-action="create"][data-target="acme-crm"]').waitFor();
    expect(
      await rows.evaluateAll((trs) => trs.map((tr) => `${tr.getAttribute('data-area')}:${tr.getAttribute('data-action')}:${tr.getAttribute('data-key')}`)),
    ).toEqual(['lookup-source:update:current', 'lookup-source:create:current']);
    expect(await page.getByTestId('activity-warning').textContent()).toBe('Password now sent to the new host');
    await page.locator('[data-action="update"] summary').click();
    expect(JSON.parse((await page.getByTestId('activity-after').first().textContent()) ?? '{}')).toMatchObject({ host: `${crm.url}/v2` });
    expect(await page.content()).not.toContain(CRM_PASSWORD);
    await page.screenshot({ path: join(ARTIFACTS, 'activity-en.png'), fullPage: true });
    await page.getByTestId('nav-sources').click();
    await page.getByTestId('source-acme-crm').waitFor();

    // The club: Add → choose the kind → every club field.
    await page.getByTestId('nav-modules').click();
    await page.getByTestId('add-module').click();
    await page.selectOption('#m-kind', 'club');
    await page.getByTestId('club-form').waitFor();
    await page.fill('#c-name', 'Acme customer club');
    await page.fill('#c-code', 'panel-club');
    await page.selectOption('#c-language', 'en');
    await page.selectOption('#c-identification', 'customer-number');
    await page.fill('#c-customerNumberPrefix', '');
    // The picker lists the new source beside the ledger; this club keeps the demo ledger's customers.
    await page.locator('#c-lookupSource option[value="acme-crm"]').waitFor({ state: 'attached' });
    expect(await page.locator('#c-lookupSource option[value="acme-crm"]').textContent()).toBe('acme-crm — Other (AloVoIP HTTP contract)');
    await page.selectOption('#c-lookupSource', 'ledger');
    await page.fill('#c-maxAttempts', '2');
    await page.fill('#c-gatherTimeoutSeconds', '7');
    await page.fill('#prompt-welcome', 'Thank you, Acme member.');
    await page.locator('#prompt-intro-silent').check();
    await page.getByTestId('prompt-welcome-play').click();
    await page.getByTestId('prompt-welcome-heard').waitFor();
    expect(await page.getByTestId('prompt-welcome-heard').textContent()).toContain('Thank you, Acme member.');

    // Next destination created inline: hand the identified caller to the demo balance module.
    await page.getByTestId('c-nextDestination-new').click();
    await page.fill('#c-nextDestination-inline-code', 'to-panel-balance');
    await page.selectOption('#c-nextDestination-inline-type', 'module');
    await page.selectOption('#c-nextDestination-inline-module', 'balance-en');
    await page.getByTestId('c-nextDestination-inline-save').click();
    await page.getByTestId('c-nextDestination-inline-form').waitFor({ state: 'detached' });
    expect(await page.locator('#c-nextDestination').inputValue()).toBe('to-panel-balance');
    await page.selectOption('#c-errorDestination', 'goodbye');
    await page.screenshot({ path: join(ARTIFACTS, 'club-form-en.png'), fullPage: true });

    await page.getByTestId('save-club').click();
    await page.getByTestId('module-webhook-url').waitFor();
    expect(await page.getByTestId('module-webhook-url').inputValue()).toBe(`${stack.baseUrl}/voice/panel-club`);
    // Saved and reopened: the stored club is what the form showed.
    expect(await page.locator('#c-identification').inputValue()).toBe('customer-number');
    expect(await page.locator('#prompt-intro-silent').isChecked()).toBe(true);

    // John Smith is customer 2001 and owes 1,250,000 rials; he calls from a number the CRM does not know.
    const call = await placeCall({ baseUrl: stack.baseUrl, code: 'panel-club', from: '+15009999999', digits: ['2001'], authToken: AUTH_TOKEN });
    expect(call.modulesVisited).toEqual(['panel-club', 'balance-en']);
    expect(heard(call)).not.toContain('Welcome to the customer club.');
    expect(heard(call)).toContain('Please enter your customer number, then press the pound key.');
    expect(heard(call)).toContain('Thank you, Acme member.');
    expect(heard(call)).toContain('Your account balance is one million two hundred fifty thousand rials due for payment.');
    expect(call.events.find((e) => e.type === 'gather')).toMatchObject({ timeout: 7 });
    expect(call.handedOn).toEqual({ kind: 'dial', target: '+982191000000' });

    await page.getByTestId('nav-calls').click();
    const row = page.getByTestId(`call-${call.callSid}`);
    await row.waitFor();
    expect(await row.getAttribute('data-outcome')).toBe('next');
    expect(await row.textContent()).toContain('balance-en');

    // The source now in use by a module cannot be deleted; the panel says which module.
    await page.goto(`${stack.baseUrl}/admin#/modules/panel-club`);
    await page.getByTestId('club-form').waitFor();
    await page.selectOption('#c-lookupSource', 'acme-crm');
    await page.getByTestId('save-club').click();
    await page.getByTestId('module-saved').waitFor();
    await page.getByTestId('nav-sources').click();
    page.once('dialog', (dialog) => void dialog.accept());
    await page.getByTestId('delete-source-acme-crm').click();
    const refusal = page.getByRole('alert');
    await refusal.waitFor();
    expect(await refusal.textContent()).toBe('This lookup source cannot be deleted: modules use it. (panel-club)');
    await page.close();
  }, 120_000);
});

describe('lookup sources and a customer club in Persian', () => {
  it('shows a source field error in Persian, and a club prompt set to “don’t play” is not heard', async () => {
    const page = await openPage(browser, { viewport: { width: 375, height: 812 }, locale: 'fa-IR' });
    await signIn(page, 'fa');
    await page.getByTestId('nav-sources').click();
    await page.getByTestId('add-source').click();
    await page.fill('#s-name', 'pg-main');
    await page.selectOption('#s-type', 'payamgostar');
    await page.fill('#s-host', 'crm.example.com');
    await page.fill('#s-username', 'ivr');
    await page.getByTestId('save-source').click();
    const hostError = page.locator('[data-error-for="s-host"]');
    await hostError.waitFor();
    expect(await hostError.textContent()).toBe('نشانی CRM را به شکل http(s)://host[/path] و بدون ? یا # وارد کنید.');
    await page.fill('#s-host', 'https://crm.example.com');
    await page.getByTestId('save-source').click();
    await page.getByTestId('source-pg-main').waitFor();
    expect(await page.getByTestId('source-pg-main').textContent()).toContain('پیام‌گستر');
    // No CRM_SECRET_PG_MAIN on this stack: the test says the password is missing and where it goes, in Persian, before any connection.
    await page.getByTestId('test-source-pg-main').click();
    await page.getByTestId('source-pg-main-test-result').waitFor();
    expect(await page.getByTestId('source-pg-main-test-result').textContent()).toBe(
      'گذرواژهٔ این منبع در این نصب تنظیم نشده است؛ آن را این‌جا بگذارید: CRM_SECRET_PG_MAIN',
    );
    // The Activity page in Persian lists the change with Persian labels.
    await page.getByTestId('nav-activity').click();
    await page.locator('[data-target="pg-main"][data-action="create"]').waitFor();
    expect(await page.locator('[data-target="pg-main"][data-action="create"] td').nth(1).textContent()).toBe('منبع استعلام');
    expect(await page.evaluate<number>('document.documentElement.scrollWidth')).toBeLessThanOrEqual(375);
    await page.screenshot({ path: join(ARTIFACTS, 'activity-fa-375.png'), fullPage: true });
    await page.getByTestId('nav-sources').click();
    expect(await page.evaluate<number>('document.documentElement.scrollWidth')).toBeLessThanOrEqual(375);
    await page.screenshot({ path: join(ARTIFACTS, 'lookup-sources-fa-375.png'), fullPage: true });

    // The demo's Persian club: edit it in the panel so the welcome is not played.
    await page.getByTestId('nav-modules').click();
    await page.getByTestId('edit-club-fa').click();
    await page.getByTestId('club-form').waitFor();
    expect(await page.locator('#c-identification').inputValue()).toBe('caller-number');
    expect(await page.locator('h1').textContent()).toContain('ویرایش باشگاه مشتریان');
    await page.locator('#prompt-welcome-silent').check();
    await page.fill('#c-maxAttempts', '۴');
    await page.getByTestId('save-club').click();
    await page.getByTestId('module-saved').waitFor();
    expect(await page.evaluate<number>('document.documentElement.scrollWidth')).toBeLessThanOrEqual(375);
    await page.screenshot({ path: join(ARTIFACTS, 'club-form-fa-375.png'), fullPage: true });

    // Sara (09121111111) is identified by her number and handed to the Persian balance module.
    const call = await placeCall({ baseUrl: stack.baseUrl, code: 'club-fa', from: '09121111111', authToken: AUTH_TOKEN });
    const clips = played(call);
    expect(clips.slice(0, 2)).toEqual(['prompt-clubIntro.wav', 'prompt-intro.wav']);
    expect(clips).not.toContain('prompt-clubWelcome.wav');
    expect(call.modulesVisited).toEqual(['club-fa', 'balance-fa']);

    await page.getByTestId('nav-calls').click();
    const row = page.getByTestId(`call-${call.callSid}`);
    await row.waitFor();
    expect(await row.textContent()).toContain('سپرده به مقصد بعدی');
    await page.close();
  }, 120_000);
});
