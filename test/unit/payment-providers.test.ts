/**
 * Choosing and configuring payment providers, and the protocol details that need no server:
 * Stripe's signature against the reference test vector (computed with stripe-node 23.1.0),
 * the tolerance rule, Zarinpal's units, which provider takes which link.
 */
import { ConfigurationError, loadConfig } from '../../lib/config/app-config';
import type { PaymentLinkClaims } from '../../lib/domain/payment-token';
import { chooseProvider } from '../../lib/payments/payment-page';
import type { PaymentLinkRecord } from '../../lib/payments/payment-store';
import { SandboxPaymentProvider } from '../../lib/payments/sandbox-payment-provider';
import { StripeCheckout } from '../../lib/payments/stripe-checkout';
import { ZarinpalGateway } from '../../lib/payments/zarinpal-gateway';
import { EnvSecretResolver } from '../../lib/secrets/env-secret-resolver';

const DEPLOYED = { AWS_LAMBDA_FUNCTION_NAME: 'pay', PUBLIC_BASE_URL: 'https://pay.example.com', TWILIO_AUTH_TOKEN: 'x' };

describe('PAYMENT_PROVIDER', () => {
  it('is the sandbox locally, and none on a deployed stage unless named (never a sandbox by default)', () => {
    expect(loadConfig({}).payments.providers).toEqual(['sandbox']);
    // serverless.yml passes an unset variable as '': the same as unset.
    expect(loadConfig({ PAYMENT_PROVIDER: '' }).payments.providers).toEqual(['sandbox']);
    expect(loadConfig(DEPLOYED).payments.providers).toEqual([]);
    expect(loadConfig({ ...DEPLOYED, PAYMENT_PROVIDER: 'sandbox' }).payments.providers).toEqual(['sandbox']);
  });

  it('lists providers in order of preference, and a module may have its own', () => {
    const config = loadConfig({ ...DEPLOYED, PAYMENT_PROVIDER: 'zarinpal, Stripe', PAYMENT_PROVIDER_BY_MODULE: 'pay-usd=stripe,pay-test=sandbox' });
    expect(config.payments.providers).toEqual(['zarinpal', 'stripe']);
    expect(config.payments.providerByModule).toEqual({ 'pay-usd': 'stripe', 'pay-test': 'sandbox' });
    expect(config.payments.stripe).toMatchObject({
      apiBaseUrl: 'https://api.stripe.com',
      checkoutOrigin: 'https://checkout.stripe.com',
      webhookToleranceSeconds: 300,
    });
    expect(config.payments.zarinpal).toMatchObject({ apiBaseUrl: 'https://payment.zarinpal.com', currency: 'IRR' });
  });

  it('refuses what it cannot read, at start', () => {
    expect(() => loadConfig({ PAYMENT_PROVIDER: 'paypal' })).toThrow(
      new ConfigurationError('PAYMENT_PROVIDER: payment providers are sandbox, stripe, zarinpal, got "paypal"'),
    );
    expect(() => loadConfig({ PAYMENT_PROVIDER_BY_MODULE: 'pay-en' })).toThrow(ConfigurationError);
    expect(() => loadConfig({ ZARINPAL_CURRENCY: 'toman' })).toThrow(ConfigurationError);
    expect(() => loadConfig({ STRIPE_SESSION_MINUTES: '10' })).toThrow(ConfigurationError);
    expect(() => loadConfig({ STRIPE_API_BASE_URL: 'api.stripe.com' })).toThrow(ConfigurationError);
  });
});

describe('Stripe-Signature', () => {
  const stripe = new StripeCheckout({
    ...loadConfig({}).payments.stripe,
    secrets: new EnvSecretResolver({ SECRET_STRIPE_WEBHOOK_SECRET: 'whsec_test_secret' }),
  });
  const body = '{"id":"evt_test_1","object":"event","type":"checkout.session.completed"}';
  const header = 't=1700000000,v1=ca796b857b81e24d595a4c37abf88d2fafb533a32ede6ce4cfc9b0e892a35b08';
  const at = (seconds: number) => new Date(seconds * 1000);

  it('accepts the reference test vector (then finds no session in it)', async () => {
    expect(await stripe.read(body, header, at(1_700_000_000))).toEqual({ kind: 'refused', reason: 'malformed-event' });
    // Any one of several v1 signatures (a secret being rolled); other schemes ignored.
    expect(
      await stripe.read(
        body,
        `t=1700000000,v0=abc,v1=${'0'.repeat(64)},v1=ca796b857b81e24d595a4c37abf88d2fafb533a32ede6ce4cfc9b0e892a35b08`,
        at(1_700_000_000),
      ),
    ).toEqual({ kind: 'refused', reason: 'malformed-event' });
  });

  it('refuses one changed byte, a missing v1, and a timestamp older than 300 s (the future passes, as stripe-node)', async () => {
    expect(await stripe.read(body.replace('evt_test_1', 'evt_test_2'), header, at(1_700_000_000))).toEqual({ kind: 'refused', reason: 'bad-signature' });
    expect(await stripe.read(body, 't=1700000000', at(1_700_000_000))).toEqual({ kind: 'refused', reason: 'bad-signature' });
    expect(await stripe.read(body, undefined, at(1_700_000_000))).toEqual({ kind: 'refused', reason: 'missing-signature' });
    expect(await stripe.read(body, header, at(1_700_000_301))).toEqual({ kind: 'refused', reason: 'stale-timestamp' });
    expect(await stripe.read(body, header, at(1_700_000_300))).toEqual({ kind: 'refused', reason: 'malformed-event' });
    expect(await stripe.read(body, header, at(1_699_996_400))).toEqual({ kind: 'refused', reason: 'malformed-event' });
  });

  it('takes no IRR, and three-decimal amounts only with a last digit 0', () => {
    expect(stripe.accepts('IRR', 1_000_000)).toBe(false);
    expect(stripe.accepts('USD', 1250)).toBe(true);
    expect(stripe.accepts('KWD', 1250)).toBe(true);
    expect(stripe.accepts('KWD', 1255)).toBe(false);
    expect(stripe.accepts('JPY', 1500)).toBe(true);
  });
});

describe('Zarinpal units', () => {
  const gateway = (currency: 'IRR' | 'IRT') =>
    new ZarinpalGateway({
      apiBaseUrl: 'https://sandbox.zarinpal.com',
      currency,
      timeoutMs: 1000,
      secrets: new EnvSecretResolver({}),
      callbackUrl: 'https://pay.example.com/pay/zarinpal/callback',
    });

  it('sends tomans when configured and exact, rials otherwise; takes only IRR', () => {
    expect(gateway('IRT').sent(1_250_000)).toEqual({ amount: 125_000, currency: 'IRT' });
    expect(gateway('IRT').sent(1_250_005)).toEqual({ amount: 1_250_005, currency: 'IRR' });
    expect(gateway('IRR').sent(1_250_000)).toEqual({ amount: 1_250_000, currency: 'IRR' });
    expect(gateway('IRR').accepts('USD', 1250)).toBe(false);
    expect(gateway('IRR').accepts('IRR', 1250)).toBe(true);
    expect(gateway('IRR').sandbox).toBe(true);
    expect(gateway('IRR').checkoutOrigins).toEqual(['https://sandbox.zarinpal.com']);
  });
});

describe('which provider takes a link', () => {
  const link = (code: 'IRR' | 'USD', moduleCode?: string) =>
    ({ claims: { currency: { code } } as PaymentLinkClaims, status: 'open', createdAt: '', ...(moduleCode ? { moduleCode } : {}) }) as PaymentLinkRecord;
  const stripe = new StripeCheckout({ ...loadConfig({}).payments.stripe, secrets: new EnvSecretResolver({}) });
  const zarinpal = new ZarinpalGateway({
    ...loadConfig({}).payments.zarinpal,
    secrets: new EnvSecretResolver({}),
    callbackUrl: 'https://x/pay/zarinpal/callback',
  });
  const sandbox = new SandboxPaymentProvider();

  it('the first of the stage’s list that takes the currency; a module’s own only, or none', () => {
    const choose = chooseProvider([stripe, zarinpal], { 'pay-test': sandbox, 'pay-eu': stripe });
    expect(choose(link('IRR'), 1000)?.name).toBe('zarinpal');
    expect(choose(link('USD'), 1000)?.name).toBe('stripe');
    expect(choose(link('IRR', 'pay-test'), 1000)?.name).toBe('sandbox');
    // The module's own provider cannot take rials: no other provider takes its place.
    expect(choose(link('IRR', 'pay-eu'), 1000)).toBeUndefined();
    expect(chooseProvider([], {})(link('USD'), 1000)).toBeUndefined();
  });
});
