import { checkModuleReferences, parseBalanceModule, parseDestination, parseModule } from '../../lib/config/module-schema';

const base = { code: 'bal-1', name: 'Balance', language: 'fa', nextDestination: 'sales', errorDestination: 'bye' };

describe('module configuration schema', () => {
  it('fills the seed defaults: invoice value FinalValue, search field Number, rial, 3 attempts', () => {
    const parsed = parseModule(base);
    expect(parsed.ok && parsed.value).toMatchObject({
      kind: 'balance',
      enabled: true,
      invoiceType: 'invoice',
      invoiceValueField: 'FinalValue',
      invoiceSearchField: 'Number',
      currency: { code: 'IRR', unit: 'rial' },
      maxAttempts: 3,
      anonymousMode: false,
      forceMobileEntry: false,
      sendPaymentLink: false,
      confirmBeforeNext: false,
      lookupSource: 'ledger',
    });
  });

  it.each<[string, unknown, unknown]>([
    ['an ISO code', 'USD', { code: 'USD' }],
    ['IRR alone (rials)', 'IRR', { code: 'IRR', unit: 'rial' }],
    ['IRR in tomans', { code: 'IRR', unit: 'toman' }, { code: 'IRR', unit: 'toman' }],
    ['an object with a code', { code: 'JPY' }, { code: 'JPY' }],
    ['the old shape, toman', { unit: 'toman' }, { code: 'IRR', unit: 'toman' }],
    ['the old shape, toman with its divisor', { unit: 'toman', divisor: 10 }, { code: 'IRR', unit: 'toman' }],
    ['the old shape, rial with its divisor', { unit: 'rial', divisor: 1 }, { code: 'IRR', unit: 'rial' }],
  ])('reads a currency written as %s', (_how, currency, expected) => {
    const parsed = parseModule({ ...base, language: 'en', currency });
    expect(parsed.ok && parsed.value.kind === 'balance' && parsed.value.currency).toEqual(expected);
  });

  it.each<[string, unknown, string, string]>([
    ['an unknown code', 'XYZ', 'currency', 'currency'],
    ['a unit on a currency other than IRR', { code: 'USD', unit: 'toman' }, 'currency.unit', 'currency_unit_irr_only'],
    ['a custom divisor (no longer supported)', { unit: 'rial', divisor: 10_000 }, 'currency.divisor', 'currency_divisor'],
    ['a unit that is not rial or toman', { unit: 'dollar' }, 'currency', 'currency'],
  ])('refuses %s on its field, in both languages', (_what, currency, field, code) => {
    const en = parseModule({ ...base, language: 'en', currency });
    expect(!en.ok && en.errors).toEqual([expect.objectContaining({ field, code })]);
    const fa = parseModule({ ...base, language: 'en', currency }, 'fa');
    expect(!fa.ok && fa.errors[0]?.message).toMatch(/[\u0600-\u06FF]/);
  });

  it('refuses a Persian module in a currency the Persian clips cannot say, with a field-level message', () => {
    const parsed = parseModule({ ...base, language: 'fa', currency: 'GBP' });
    expect(parsed).toEqual({ ok: false, errors: [{ field: 'currency', code: 'currency_language', message: expect.stringContaining('Persian') }] });
    expect(parseModule({ ...base, language: 'en', currency: 'GBP' }).ok).toBe(true);
  });

  it.each(['USD', 'CAD', 'EUR'])('accepts a Persian module in %s (the clip pack has its words)', (currency) => {
    expect(parseModule({ ...base, language: 'fa', currency }).ok).toBe(true);
  });

  it('refuses send payment link without force mobile entry, on the sendPaymentLink field, in the operator language', () => {
    const en = parseModule({ ...base, sendPaymentLink: true });
    expect(en).toEqual({
      ok: false,
      errors: [{ field: 'sendPaymentLink', code: 'requires_force_mobile_entry', message: expect.stringContaining('Force mobile entry') }],
    });
    const fa = parseModule({ ...base, sendPaymentLink: true }, 'fa');
    expect(!fa.ok && fa.errors[0]?.message).toContain('اجبار ورود موبایل');
    expect(parseModule({ ...base, sendPaymentLink: true, forceMobileEntry: true }).ok).toBe(true);
  });

  it('names each invalid field', () => {
    const parsed = parseModule({ ...base, code: 'bad code!', language: 'de', maxAttempts: 0, invoiceType: 'bill', name: '' });
    expect(parsed.ok).toBe(false);
    const fields = !parsed.ok ? parsed.errors.map((e) => `${e.field}:${e.code}`).sort() : [];
    expect(fields).toEqual(['code:code_format', 'invoiceType:invoice_type', 'language:language', 'maxAttempts:min_1', 'name:required']);
  });

  it('reports missing required fields as required', () => {
    const parsed = parseModule({ name: 'x', language: 'en' });
    expect(!parsed.ok && parsed.errors.map((e) => `${e.field}:${e.code}`).sort()).toEqual([
      'code:required',
      'errorDestination:required',
      'nextDestination:required',
    ]);
  });

  it('refuses unknown fields instead of silently dropping them', () => {
    const parsed = parseModule({ ...base, colour: 'red' });
    expect(!parsed.ok && parsed.errors[0]).toMatchObject({ field: 'colour', code: 'unknown_field' });
  });

  it('accepts prompt overrides only for known prompts and only with text or a recording', () => {
    expect(parseModule({ ...base, language: 'en', prompts: { intro: { text: 'Hello' } } }).ok).toBe(true);
    expect(parseModule({ ...base, prompts: { nope: { text: 'Hello' } } }).ok).toBe(false);
    const empty = parseModule({ ...base, prompts: { intro: {} } });
    expect(!empty.ok && empty.errors[0]).toMatchObject({ field: 'prompts.intro', code: 'prompt_empty' });
  });

  it('requires next and error destinations to exist', () => {
    const parsed = parseModule(base);
    if (!parsed.ok) throw new Error('fixture');
    expect(checkModuleReferences(parsed.value, (code) => code === 'sales')).toEqual([
      { field: 'errorDestination', code: 'unknown_destination', message: 'No destination has this code.' },
    ]);
    expect(checkModuleReferences(parsed.value, () => true)).toEqual([]);
  });
});

describe('destination schema', () => {
  it.each([
    [{ type: 'module', code: 'd1', moduleCode: 'bal-2' }],
    [{ type: 'dial', code: 'd2', target: '+982191000000' }],
    [{ type: 'dial', code: 'd3', target: 'sip:support@pbx.example.com' }],
    [{ type: 'dial', code: 'd4', target: 'client:alice' }],
    [{ type: 'redirect', code: 'd5', url: 'https://example.com/twiml' }],
    [{ type: 'hangup', code: 'd6' }],
  ])('accepts %j', (input) => {
    expect(parseDestination(input).ok).toBe(true);
  });

  it.each([
    [{ type: 'dial', code: 'x', target: 'call mom' }, 'target'],
    [{ type: 'redirect', code: 'x', url: 'ftp://example.com' }, 'url'],
    [{ type: 'teleport', code: 'x' }, 'type'],
  ])('refuses %j on the %s field', (input, field) => {
    const parsed = parseDestination(input);
    expect(!parsed.ok && parsed.errors.map((e) => e.field)).toContain(field);
  });
});

describe('card payment in the call: module settings', () => {
  const usd = { ...base, language: 'en', currency: 'USD' };

  it('is off when absent, and fills Twilio’s defaults when turned on with a connector', () => {
    const off = parseBalanceModule(usd);
    expect(off.ok && off.value.cardPayment).toBeUndefined();
    const on = parseBalanceModule({ ...usd, cardPayment: { enabled: true, connector: 'Stripe_Live' } });
    expect(on.ok && on.value.cardPayment).toEqual({
      enabled: true,
      connector: 'Stripe_Live',
      paymentMethod: 'credit-card',
      postalCode: true,
      securityCode: true,
      maxAttempts: 2,
    });
  });

  it('refuses it on an IRR module, on the cardPayment.enabled field, in English and Persian', () => {
    const en = parseModule({ ...base, language: 'en', cardPayment: { enabled: true, connector: 'Stripe_Live' } });
    expect(!en.ok && en.errors).toEqual([{ field: 'cardPayment.enabled', code: 'card_payment_irr', message: expect.stringContaining('IRR') }]);
    const fa = parseModule({ ...base, cardPayment: { enabled: true, connector: 'Stripe_Live' } }, 'fa');
    expect(!fa.ok && fa.errors).toEqual([{ field: 'cardPayment.enabled', code: 'card_payment_irr', message: expect.stringMatching(/[\u0600-\u06FF]/) }]);
  });

  it('keeps the settings of a module where it is off, whatever the currency', () => {
    expect(parseModule({ ...base, cardPayment: { enabled: false, connector: 'Stripe_Live' } }).ok).toBe(true);
  });

  it('needs the connector name, in the Twilio Unique Name form', () => {
    const missing = parseModule({ ...usd, cardPayment: { enabled: true } });
    expect(!missing.ok && missing.errors).toEqual([expect.objectContaining({ field: 'cardPayment.connector', code: 'required' })]);
    const wrong = parseModule({ ...usd, cardPayment: { enabled: true, connector: 'Stripe Live!' } });
    expect(!wrong.ok && wrong.errors).toEqual([expect.objectContaining({ field: 'cardPayment.connector', code: 'connector_format' })]);
  });

  it('refuses ACH, attempts outside Twilio’s 1–3, and fields Twilio has no use for', () => {
    const ach = parseModule({ ...usd, cardPayment: { enabled: true, connector: 'S', paymentMethod: 'ach-debit' } });
    expect(!ach.ok && ach.errors).toEqual([expect.objectContaining({ field: 'cardPayment.paymentMethod', code: 'payment_method' })]);
    const four = parseModule({ ...usd, cardPayment: { enabled: true, connector: 'S', maxAttempts: 4 } });
    expect(!four.ok && four.errors).toEqual([expect.objectContaining({ field: 'cardPayment.maxAttempts', code: 'max_3' })]);
    const extra = parseModule({ ...usd, cardPayment: { enabled: true, connector: 'S', chargeAmount: '1.00' } });
    expect(!extra.ok && extra.errors).toEqual([expect.objectContaining({ code: 'unknown_field' })]);
  });

  it('needs the built-in ledger as lookup source (the payment is recorded there)', () => {
    const remote = parseModule({ ...usd, lookupSource: 'pg-main', cardPayment: { enabled: true, connector: 'S' } });
    expect(!remote.ok && remote.errors).toEqual([expect.objectContaining({ field: 'cardPayment.enabled', code: 'card_payment_ledger' })]);
  });

  it('lets a Persian module in Canadian dollars take card payments', () => {
    expect(parseModule({ ...base, currency: 'CAD', cardPayment: { enabled: true, connector: 'Stripe_Live', postalCode: false } }).ok).toBe(true);
  });
});
