/**
 * The one schema for module and destination configuration. The flow, the seed loader and
 * the admin API all validate through here, so an operator sees the same field-level
 * message wherever a value came from.
 */
import { z } from 'zod';
import {
  CARD_PAYMENT_METHODS,
  CLUB_PROMPTS,
  IDENTIFICATION_METHODS,
  INVOICE_TYPES,
  LANGUAGES,
  PERSIAN_VOICES,
  PROMPT_KEYS,
  type ClubPromptName,
  type Language,
} from './module-constants';
import { CURRENCY_CODES, IRR_UNITS, readModuleCurrency, type CurrencyCode, type ModuleCurrency } from '../domain/money';
import { PERSIAN_SPOKEN_CURRENCIES } from '../domain/amount-words';

// The constants live in a zod-free file so the voice path can use them without bundling zod.
export * from './module-constants';
const CLUB_PROMPT_NAMES = Object.keys(CLUB_PROMPTS) as [ClubPromptName, ...ClubPromptName[]];

const codeSchema = z
  .string({ required_error: 'required' })
  .trim()
  .min(1, 'required')
  .max(64, 'too_long')
  .regex(/^[A-Za-z0-9][A-Za-z0-9_-]*$/, 'code_format');

/** A prompt override: text to synthesize, or an uploaded recording (stored audio key). */
export const promptOverrideSchema = z
  .object({
    text: z.string().trim().min(1, 'required').max(1000, 'too_long').optional(),
    audioKey: z.string().min(1).max(300).optional(),
  })
  .strict()
  .refine((p) => p.text !== undefined || p.audioKey !== undefined, { message: 'prompt_empty' });
export type PromptOverride = z.infer<typeof promptOverrideSchema>;

/** A club prompt: an override as above, or `{ play: false }` to stay silent at that point. */
export const clubPromptSchema = z.union([z.object({ play: z.literal(false) }).strict(), promptOverrideSchema], {
  errorMap: () => ({ message: 'prompt_empty' }),
});
export type ClubPrompt = z.infer<typeof clubPromptSchema>;

/**
 * A module's currency (lib/domain/money.ts): an ISO 4217 code (`"USD"`), `{ code, unit }` to
 * choose rials or tomans for IRR (`{ "code": "IRR", "unit": "toman" }`), or the shape stored
 * before ISO codes, `{ unit: 'rial' | 'toman', divisor? }`, which is IRR (divisor 1 for rial,
 * 10 for toman; other divisors are refused). Absent: IRR in rials. Output: `{ code, unit? }`.
 */
const currencyCodeSchema = z.enum(CURRENCY_CODES, { errorMap: () => ({ message: 'currency' }) });
export const currencySchema = z
  .union(
    [
      currencyCodeSchema,
      z
        .object({ code: currencyCodeSchema, unit: z.enum(IRR_UNITS, { errorMap: () => ({ message: 'currency_unit' }) }).optional() })
        .strict()
        .refine((c) => c.code === 'IRR' || c.unit === undefined, { message: 'currency_unit_irr_only', path: ['unit'] }),
      z
        .object({
          unit: z.enum(IRR_UNITS, { errorMap: () => ({ message: 'currency_unit' }) }),
          divisor: z.number().int('integer').positive('positive').optional(),
        })
        .strict()
        .refine((c) => c.divisor === undefined || c.divisor === (c.unit === 'toman' ? 10 : 1), { message: 'currency_divisor', path: ['divisor'] }),
    ],
    { errorMap: () => ({ message: 'currency' }) },
  )
  .describe(
    'ISO 4217 code ("USD"), or { code: "IRR", unit: "rial" | "toman" }; the pre-ISO shape { unit, divisor } (IRR, divisor 1 or 10) is still read. Default IRR in rials.',
  )
  .transform((c): ModuleCurrency => readModuleCurrency(c) as ModuleCurrency);

/** How a Persian module speaks (absent = recorded clips); English modules ignore it. */
const voiceSchema = z.enum(PERSIAN_VOICES, { errorMap: () => ({ message: 'voice' }) }).optional();

/** What the deployment can speak, for the rules that depend on it. */
export interface SpeechCapabilities {
  /** A Persian synthesizer (Azure AI Speech, or espeak-ng locally) is configured. Default: none. */
  readonly persianSynthesizer?: boolean;
}

/**
 * Without a Persian synthesizer a Persian text override could only ever be heard as the
 * default clip, which says something else, so it needs a recording (its text is then the
 * transcript), and the neural voice cannot be chosen. With one, any Persian text is spoken.
 */
export function persianSpeechErrors(
  m: { language: Language; voice?: string | undefined; prompts: Record<string, object | undefined> },
  capabilities: SpeechCapabilities = {},
): Array<{ path: string[]; message: string }> {
  if (m.language !== 'fa' || capabilities.persianSynthesizer) return [];
  const errors: Array<{ path: string[]; message: string }> = [];
  if (m.voice === 'neural') errors.push({ path: ['voice'], message: 'voice_needs_synthesizer' });
  for (const [key, prompt] of Object.entries(m.prompts)) {
    if (prompt && 'text' in prompt && prompt.text !== undefined && !('audioKey' in prompt && prompt.audioKey !== undefined)) {
      errors.push({ path: ['prompts', key, 'text'], message: 'fa_text_needs_recording' });
    }
  }
  return errors;
}

/**
 * Card payment inside the call (Twilio <Pay>): after the announcement an owed caller is offered
 * "press 2 to pay now by card"; the card goes from the keypad to Twilio's Pay connector (Stripe,
 * …), never to this product. `connector` is the connector's Unique Name in the Twilio console;
 * the currency is the module's. `maxAttempts` is Twilio's per-field retry limit (1–3).
 */
export const cardPaymentSchema = z
  .object({
    enabled: z.boolean().default(false),
    connector: z
      .string()
      .trim()
      .max(64, 'too_long')
      .regex(/^$|^[A-Za-z0-9][A-Za-z0-9_-]*$/, 'connector_format')
      .default('')
      .describe('Unique Name of the Twilio Pay Connector (Console › Voice › Pay Connectors), e.g. "Stripe_Live".'),
    paymentMethod: z.enum(CARD_PAYMENT_METHODS, { errorMap: () => ({ message: 'payment_method' }) }).default('credit-card'),
    postalCode: z.boolean().default(true).describe('Ask for the billing postal code (Twilio <Pay> postalCode).'),
    securityCode: z.boolean().default(true).describe('Ask for the card security code (Twilio <Pay> securityCode).'),
    maxAttempts: z.number().int('integer').min(1, 'min_1').max(3, 'max_3').default(2).describe('Attempts Twilio gives the caller at each card field (1–3).'),
  })
  .strict();
export type CardPaymentSettings = z.output<typeof cardPaymentSchema>;

export const balanceModuleSchema = z
  .object({
    kind: z.literal('balance').default('balance'),
    code: codeSchema,
    name: z.string({ required_error: 'required' }).trim().min(1, 'required').max(100, 'too_long'),
    enabled: z.boolean().default(true),
    language: z.enum(LANGUAGES, { errorMap: () => ({ message: 'language' }) }),
    currency: currencySchema.default('IRR'),
    anonymousMode: z.boolean().default(false),
    forceMobileEntry: z.boolean().default(false),
    sendPaymentLink: z.boolean().default(false),
    askItemNumber: z.boolean().default(false),
    invoiceType: z.enum(INVOICE_TYPES, { errorMap: () => ({ message: 'invoice_type' }) }).default('invoice'),
    invoiceValueField: z.string().trim().min(1, 'required').max(100, 'too_long').default('FinalValue'),
    invoiceSearchField: z.string().trim().min(1, 'required').max(100, 'too_long').default('Number'),
    financialAccount: z.string().trim().max(100, 'too_long').optional(),
    lookupSource: z.string().trim().min(1).max(64).default('ledger'),
    prompts: z.record(z.enum(PROMPT_KEYS), promptOverrideSchema).default({}),
    nextDestination: codeSchema,
    errorDestination: codeSchema,
    maxAttempts: z.number().int('integer').min(1, 'min_1').max(10, 'max_10').default(3),
    gatherTimeoutSeconds: z.number().int('integer').min(1, 'min_1').max(60, 'max_60').default(6),
    confirmBeforeNext: z.boolean().default(false),
    voice: voiceSchema,
    cardPayment: cardPaymentSchema.optional(),
  })
  .strict()
  .superRefine((m, ctx) => {
    if (m.language === 'fa' && !PERSIAN_SPOKEN_CURRENCIES.includes(m.currency.code)) {
      // The Persian clip pack has words for rials, tomans, dollars, Canadian dollars, euros and cents only.
      ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['currency'], message: 'currency_language' });
    }
    if (m.cardPayment?.enabled) {
      // Pay connectors (Stripe and the others) do not take rials.
      if (m.currency.code === 'IRR') ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['cardPayment', 'enabled'], message: 'card_payment_irr' });
      // A card payment is settled in the built-in ledger; a remote CRM would not hear of it.
      if (m.lookupSource !== 'ledger') ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['cardPayment', 'enabled'], message: 'card_payment_ledger' });
      if (m.cardPayment.connector === '') ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['cardPayment', 'connector'], message: 'required' });
    }
    if (m.sendPaymentLink && !m.forceMobileEntry) {
      ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['sendPaymentLink'], message: 'requires_force_mobile_entry' });
    }
  });
export type BalanceModule = z.output<typeof balanceModuleSchema>;
export type BalanceModuleInput = z.input<typeof balanceModuleSchema>;

/** The customer club: identifies the caller and hands them on (typically to a balance module). */
export const clubModuleSchema = z
  .object({
    kind: z.literal('club'),
    code: codeSchema,
    name: z.string({ required_error: 'required' }).trim().min(1, 'required').max(100, 'too_long'),
    enabled: z.boolean().default(true),
    language: z.enum(LANGUAGES, { errorMap: () => ({ message: 'language' }) }),
    identification: z.enum(IDENTIFICATION_METHODS, { errorMap: () => ({ message: 'identification' }) }).default('caller-number'),
    // Typed before the caller's digits, e.g. "CN-" when customer numbers are stored as "CN-1001".
    customerNumberPrefix: z
      .string()
      .trim()
      .max(20, 'too_long')
      .regex(/^[A-Za-z0-9_\-/.]*$/, 'prefix_format')
      .optional(),
    maxAttempts: z.number().int('integer').min(1, 'min_1').max(10, 'max_10').default(3),
    gatherTimeoutSeconds: z.number().int('integer').min(1, 'min_1').max(60, 'max_60').default(6),
    lookupSource: z.string().trim().min(1).max(64).default('ledger'),
    prompts: z.record(z.enum(CLUB_PROMPT_NAMES), clubPromptSchema).default({}),
    nextDestination: codeSchema,
    errorDestination: codeSchema,
    voice: voiceSchema,
  })
  .strict();
export type ClubModule = z.output<typeof clubModuleSchema>;
export type ClubModuleInput = z.input<typeof clubModuleSchema>;

/** Every module kind. A stored module without `kind` is a balance module (data from before kinds existed). */
export type ModuleConfig = BalanceModule | ClubModule;
export type ModuleKind = ModuleConfig['kind'];
export const MODULE_KINDS = ['balance', 'club'] as const satisfies readonly ModuleKind[];

/** Where a call can be handed on. */
export const destinationSchema = z.discriminatedUnion(
  'type',
  [
    z.object({ type: z.literal('module'), code: codeSchema, name: z.string().max(100).optional(), moduleCode: codeSchema }).strict(),
    z
      .object({
        type: z.literal('dial'),
        code: codeSchema,
        name: z.string().max(100).optional(),
        // E.164 number, sip: URI or client: identity
        target: z
          .string({ required_error: 'required' })
          .trim()
          .regex(/^(\+?[0-9]{3,15}|sip:[^\s@]+@[^\s]+|client:[A-Za-z0-9_.-]+)$/, 'dial_target'),
        timeoutSeconds: z.number().int().min(5).max(600).optional(),
      })
      .strict(),
    z
      .object({
        type: z.literal('redirect'),
        code: codeSchema,
        name: z.string().max(100).optional(),
        url: z
          .string({ required_error: 'required' })
          .url('url')
          .regex(/^https?:\/\//, 'url'),
      })
      .strict(),
    z.object({ type: z.literal('hangup'), code: codeSchema, name: z.string().max(100).optional() }).strict(),
  ],
  { errorMap: () => ({ message: 'destination_type' }) },
);
export type Destination = z.output<typeof destinationSchema>;

export interface FieldError {
  readonly field: string;
  readonly code: string;
  readonly message: string;
}

export class ValidationError extends Error {
  override readonly name = 'ValidationError';
  constructor(readonly errors: readonly FieldError[]) {
    super(`invalid configuration: ${errors.map((e) => `${e.field}: ${e.message}`).join('; ')}`);
  }
}

const MESSAGES: Record<Language, Record<string, string>> = {
  en: {
    required: 'This field is required.',
    too_long: 'This value is too long.',
    code_format: 'Use letters, digits, "-" and "_" only, starting with a letter or digit.',
    currency_unit: 'Choose rial or toman.',
    currency: 'Choose a currency: IRR (announced in rials or tomans), USD, EUR, GBP, CAD, JPY or another ISO 4217 code from the list.',
    currency_unit_irr_only: 'Rial and toman apply to IRR only; other currencies are announced in their own units.',
    currency_divisor: 'Only the standard divisors remain: 1 for rial, 10 for toman. Choose rial or toman.',
    currency_language:
      'Persian modules announce IRR (rials or tomans), USD, CAD or EUR only (the Persian recordings have no words for other currencies): choose one of these, or make the module English.',
    card_payment_irr:
      "Card payment in the call is not available in IRR: Twilio's payment connectors (Stripe and the others) do not take rials. Choose another currency, or turn card payment off.",
    card_payment_ledger: 'Card payment in the call is recorded in the built-in ledger: choose the ledger as lookup source, or turn card payment off.',
    connector_format: 'Enter the Pay Connector\'s Unique Name from the Twilio console: letters, digits, "-" and "_".',
    payment_method: 'Choose credit card.',
    max_3: 'Must be at most 3.',
    currency_source: "The module's currency must be the currency of its lookup source.",
    currency_account: "This financial account keeps another currency: choose an account in the module's currency.",
    integer: 'Enter a whole number.',
    positive: 'Enter a number greater than zero.',
    language: 'Choose Persian (fa) or English (en).',
    invoice_type: 'Choose one of: invoice, proforma, receipt, payment, sales return, online payment.',
    requires_force_mobile_entry: 'Send payment link needs Force mobile entry: the link is sent to the mobile number the caller types.',
    min_1: 'Must be at least 1.',
    max_10: 'Must be at most 10.',
    max_60: 'Must be at most 60.',
    dial_target: 'Enter a phone number (+98…), a sip: address or a client: name.',
    url: 'Enter a full http(s) URL.',
    destination_type: 'Choose module, dial, redirect or hangup.',
    prompt_empty: 'Give a text or upload a recording (or choose "don\'t play" where allowed).',
    fa_text_needs_recording:
      'No Persian voice is configured, so Persian text cannot be spoken: upload a recording of this text (the text is kept as its transcript), or remove the text to use the default prompt.',
    voice: 'Choose recorded clips or the neural voice.',
    voice_needs_synthesizer: 'The neural voice needs a Persian synthesizer (Azure AI Speech), and none is configured: choose recorded clips.',
    unknown_destination: 'No destination has this code.',
    unknown_lookup_source: 'No lookup source has this name (use "ledger" or a configured CRM).',
    duplicate_code: 'This code is already used.',
    unknown_field: 'This field is not recognised.',
    invalid: 'This value is not valid.',
    module_kind: 'Choose balance or customer club.',
    identification: 'Choose caller number, customer number, or customer number and telephone password.',
    prefix_format: 'Use letters, digits and - _ / . only.',
  },
  fa: {
    required: 'این فیلد الزامی است.',
    too_long: 'این مقدار بیش از حد طولانی است.',
    code_format: 'فقط حروف لاتین، رقم، «-» و «_» مجاز است و باید با حرف یا رقم شروع شود.',
    currency_unit: 'ریال یا تومان را انتخاب کنید.',
    currency: 'یک واحد پول انتخاب کنید: ریال ایران (IRR، اعلام به ریال یا تومان)، USD، EUR، GBP، CAD، JPY یا کد ISO 4217 دیگری از فهرست.',
    currency_unit_irr_only: 'ریال و تومان فقط برای IRR است؛ واحدهای پول دیگر با نام خودشان اعلام می‌شوند.',
    currency_divisor: 'فقط مقسوم‌علیه‌های استاندارد باقی مانده‌اند: ۱ برای ریال و ۱۰ برای تومان. ریال یا تومان را انتخاب کنید.',
    currency_language:
      'ماژول‌های فارسی فقط IRR (ریال یا تومان)، USD، CAD یا EUR اعلام می‌کنند (فایل‌های صوتی فارسی برای واحدهای پول دیگر واژه ندارند): یکی از این‌ها را انتخاب کنید یا زبان ماژول را انگلیسی کنید.',
    card_payment_irr:
      'پرداخت با کارت در تماس برای ریال (IRR) ممکن نیست: درگاه‌های پرداخت توئیلیو (Stripe و دیگران) ریال نمی‌پذیرند. واحد پول دیگری انتخاب کنید یا پرداخت با کارت را خاموش کنید.',
    card_payment_ledger: 'پرداخت با کارت در تماس در دفتر حساب داخلی ثبت می‌شود: دفتر داخلی (ledger) را منبع استعلام کنید یا پرداخت با کارت را خاموش کنید.',
    connector_format: 'نام یکتای درگاه پرداخت (Pay Connector) را از کنسول توئیلیو وارد کنید: حروف لاتین، رقم، «-» و «_».',
    payment_method: 'کارت اعتباری را انتخاب کنید.',
    max_3: 'حداکثر ۳ باشد.',
    currency_source: 'واحد پول ماژول باید همان واحد پول منبع استعلام آن باشد.',
    currency_account: 'این حساب مالی واحد پول دیگری دارد: حسابی با واحد پول ماژول انتخاب کنید.',
    integer: 'یک عدد صحیح وارد کنید.',
    positive: 'عددی بزرگ‌تر از صفر وارد کنید.',
    language: 'فارسی (fa) یا انگلیسی (en) را انتخاب کنید.',
    invoice_type: 'یکی از این‌ها را انتخاب کنید: فاکتور، پیش‌فاکتور، رسید دریافت، پرداخت، برگشت از فروش، پرداخت آنلاین.',
    requires_force_mobile_entry: 'ارسال لینک پرداخت نیاز به «اجبار ورود موبایل» دارد؛ لینک به شماره موبایلی که تماس‌گیرنده وارد می‌کند فرستاده می‌شود.',
    min_1: 'دست‌کم ۱ باشد.',
    max_10: 'حداکثر ۱۰ باشد.',
    max_60: 'حداکثر ۶۰ باشد.',
    dial_target: 'شماره تلفن (+98…)، نشانی sip: یا نام client: وارد کنید.',
    url: 'یک نشانی کامل http(s) وارد کنید.',
    destination_type: 'ماژول، شماره‌گیری، انتقال به نشانی یا قطع تماس را انتخاب کنید.',
    prompt_empty: 'متنی بنویسید یا فایل صوتی بارگذاری کنید (یا در جای مجاز «پخش نشود» را انتخاب کنید).',
    fa_text_needs_recording:
      'هیچ صدای فارسی‌ای پیکربندی نشده است، پس متن فارسی خوانده نمی‌شود: فایل صوتی همین متن را بارگذاری کنید (متن به‌عنوان متنِ فایل نگه داشته می‌شود) یا متن را پاک کنید تا پیام پیش‌فرض پخش شود.',
    voice: 'صدای ضبط‌شده یا صدای عصبی را انتخاب کنید.',
    voice_needs_synthesizer: 'صدای عصبی به موتور گفتار فارسی (Azure AI Speech) نیاز دارد و هیچ موتوری پیکربندی نشده است: صدای ضبط‌شده را انتخاب کنید.',
    unknown_destination: 'مقصدی با این کد وجود ندارد.',
    unknown_lookup_source: 'منبع جستجویی با این نام وجود ندارد («ledger» یا یکی از CRMهای تعریف‌شده را انتخاب کنید).',
    duplicate_code: 'این کد قبلاً استفاده شده است.',
    unknown_field: 'این فیلد شناخته‌شده نیست.',
    invalid: 'این مقدار معتبر نیست.',
    module_kind: 'اعلام مانده حساب یا باشگاه مشتریان را انتخاب کنید.',
    identification: 'شماره تماس‌گیرنده، شماره مشتری، یا شماره مشتری و رمز تلفنی را انتخاب کنید.',
    prefix_format: 'فقط حروف لاتین، رقم و - _ / . مجاز است.',
  },
};

export function fieldError(field: string, code: string, language: Language = 'en'): FieldError {
  const message = MESSAGES[language][code] ?? MESSAGES[language].invalid ?? code;
  return { field, code: MESSAGES[language][code] ? code : 'invalid', message };
}

function toFieldErrors(error: z.ZodError, language: Language): FieldError[] {
  return error.issues.map((issue) => {
    const field = issue.path.join('.') || '(root)';
    if (issue.code === z.ZodIssueCode.unrecognized_keys) return fieldError(issue.keys.join(','), 'unknown_field', language);
    if (issue.code === z.ZodIssueCode.invalid_type && issue.received === 'undefined') return fieldError(field, 'required', language);
    return fieldError(field, issue.message, language);
  });
}

export type Parsed<T> = { ok: true; value: T } | { ok: false; errors: FieldError[] };

function parseWith<S extends z.ZodTypeAny>(schema: S, input: unknown, language: Language): Parsed<z.output<S>> {
  const result = schema.safeParse(input);
  return result.success ? { ok: true, value: result.data } : { ok: false, errors: toFieldErrors(result.error, language) };
}

/** A parsed module that must also follow the rules of what this deployment can speak. */
function withSpeechRules<M extends ModuleConfig>(parsed: Parsed<M>, language: Language, capabilities: SpeechCapabilities): Parsed<M> {
  if (!parsed.ok) return parsed;
  const errors = persianSpeechErrors(parsed.value as Parameters<typeof persianSpeechErrors>[0], capabilities).map((e) =>
    fieldError(e.path.join('.'), e.message, language),
  );
  return errors.length > 0 ? { ok: false, errors } : parsed;
}

/** Validates a balance module only (`kind` absent or 'balance'). */
export function parseBalanceModule(input: unknown, language: Language = 'en', capabilities: SpeechCapabilities = {}): Parsed<BalanceModule> {
  return withSpeechRules(parseWith(balanceModuleSchema, input, language), language, capabilities);
}

/** Validates any module kind; `kind` absent means a balance module. */
export function parseModule(input: unknown, language: Language = 'en', capabilities: SpeechCapabilities = {}): Parsed<ModuleConfig> {
  const kind = typeof input === 'object' && input !== null ? (input as { kind?: unknown }).kind : undefined;
  if (kind === 'club') return withSpeechRules(parseWith(clubModuleSchema, input, language), language, capabilities);
  if (kind === undefined || kind === 'balance') return parseBalanceModule(input, language, capabilities);
  return { ok: false, errors: [fieldError('kind', 'module_kind', language)] };
}

export function parseDestination(input: unknown, language: Language = 'en'): Parsed<Destination> {
  return parseWith(destinationSchema, input, language);
}

/** Currencies the cross-record rules compare a module's currency with. */
export interface ReferenceCurrencies {
  /** The currency of a stored lookup source (undefined: unknown source, or the built-in ledger). */
  readonly lookupSource?: (name: string) => CurrencyCode | undefined;
  /** The currency of one of the built-in ledger's money accounts (undefined: no such account). */
  readonly ledgerAccount?: (key: string) => CurrencyCode | undefined;
}

/**
 * Cross-record rules: a module may only point at destinations that exist, and (when
 * `lookupSourceExists` is given) at a lookup source that exists; `ledger` always does. With
 * `currencies`, a balance module's currency must be its lookup source's, and on the
 * built-in ledger its financial account (when it names one) must keep that currency.
 */
export function checkModuleReferences(
  module: ModuleConfig,
  destinationExists: (code: string) => boolean,
  language: Language = 'en',
  lookupSourceExists?: (name: string) => boolean,
  currencies?: ReferenceCurrencies,
): FieldError[] {
  const errors: FieldError[] = [];
  for (const field of ['nextDestination', 'errorDestination'] as const) {
    if (!destinationExists(module[field])) errors.push(fieldError(field, 'unknown_destination', language));
  }
  if (lookupSourceExists && module.lookupSource !== 'ledger' && !lookupSourceExists(module.lookupSource)) {
    errors.push(fieldError('lookupSource', 'unknown_lookup_source', language));
  }
  if (module.kind === 'balance' && currencies) {
    if (module.lookupSource !== 'ledger') {
      const sourceCurrency = currencies.lookupSource?.(module.lookupSource);
      if (sourceCurrency !== undefined && sourceCurrency !== module.currency.code) errors.push(fieldError('currency', 'currency_source', language));
    } else if (module.financialAccount) {
      const accountCurrency = currencies.ledgerAccount?.(module.financialAccount);
      if (accountCurrency !== undefined && accountCurrency !== module.currency.code) errors.push(fieldError('financialAccount', 'currency_account', language));
    }
  }
  return errors;
}
