/**
 * Lookup sources: the CRMs a module can take its data from, configured by name (like
 * AloVoIP's "search resources" page). `ledger` is built in and always exists.
 *
 *   { name, type: 'payamgostar', host, username, currency?, itemTypeKeys?, paymentTypeKey?, linkExpiryDays? }
 *   { name, type: 'http', host, auth: 'basic' | 'none', username?, currency?, itemTypeKeys? }
 *
 * `currency` (ISO 4217, default IRR) is the currency the CRM's amounts are in; a module using
 * the source must have the same currency.
 *
 * A source never holds a password, nor chooses where it comes from: the password of source
 * `<name>` is always the secret `crm/<name>` (lib/secrets/secret-names.ts), so an admin key can
 * never point a source at another secret (the Twilio auth token, another source's password).
 * Documents written before that named it in `passwordSecret`; the old field is accepted only
 * when it names the source's own secret, and dropped.
 */
import { z } from 'zod';
import { fieldError, INVOICE_TYPES, type FieldError, type Language } from './module-schema';
import { CURRENCY_CODES, type CurrencyCode } from '../domain/money';

export const BUILT_IN_SOURCES = ['ledger'] as const;

const nameSchema = z
  .string({ required_error: 'required' })
  .trim()
  .min(1, 'required')
  .max(64, 'too_long')
  .regex(/^[A-Za-z0-9][A-Za-z0-9_-]*$/, 'code_format')
  .refine((name) => !(BUILT_IN_SOURCES as readonly string[]).includes(name), { message: 'source_name_reserved' });

const hostSchema = z
  .string({ required_error: 'required' })
  .trim()
  .refine((host) => /^https?:\/\/[^\s?#/]+(\/[^\s?#]*)?$/.test(host) && URL.canParse(host), { message: 'source_host' })
  // user:password@host would send a credential the secret store does not hold.
  .refine((host) => !/^[a-z]+:\/\/[^/?#]*@/i.test(host), { message: 'source_host_credentials' });

const sourceCurrencySchema = z.enum(CURRENCY_CODES, { errorMap: () => ({ message: 'currency' }) }).default('IRR');

/** A stored source's currency; sources stored before currencies existed are IRR. */
export function sourceCurrency(source: { readonly currency?: CurrencyCode }): CurrencyCode {
  return source.currency ?? 'IRR';
}

const itemTypeKeysSchema = z
  .record(z.enum(INVOICE_TYPES, { errorMap: () => ({ message: 'invoice_type' }) }), z.string().trim().min(1, 'required').max(100, 'too_long'))
  .default({});

export const lookupSourceSchema = z
  .discriminatedUnion(
    'type',
    [
      z
        .object({
          type: z.literal('payamgostar'),
          name: nameSchema,
          host: hostSchema,
          username: z.string({ required_error: 'required' }).min(1, 'required').max(200, 'too_long'),
          currency: sourceCurrencySchema,
          itemTypeKeys: itemTypeKeysSchema,
          paymentTypeKey: z.string().trim().min(1, 'required').max(100, 'too_long').optional(),
          linkExpiryDays: z.number().int('integer').min(1, 'min_1').max(365, 'invalid').default(7),
        })
        .strict(),
      z
        .object({
          type: z.literal('http'),
          name: nameSchema,
          host: hostSchema,
          auth: z.enum(['basic', 'none'], { errorMap: () => ({ message: 'source_auth' }) }),
          username: z.string().max(200, 'too_long').optional(),
          currency: sourceCurrencySchema,
          itemTypeKeys: itemTypeKeysSchema,
        })
        .strict(),
    ],
    { errorMap: () => ({ message: 'source_type' }) },
  )
  .superRefine((s, ctx) => {
    if (s.type !== 'http' || s.auth !== 'basic') return;
    if (!s.username) ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['username'], message: 'required' });
  });
export type LookupSource = z.output<typeof lookupSourceSchema>;
export type LookupSourceInput = z.input<typeof lookupSourceSchema>;

const MESSAGES: Record<Language, Record<string, string>> = {
  en: {
    source_name_reserved: '"ledger" is the built-in lookup source; choose another name.',
    source_host: 'Enter the CRM address as http(s)://host[/path], without ? or #.',
    source_host_credentials: 'Do not write a username or password in the address; the password is kept in the secret store.',
    password_secret_bound: "A lookup source's password is always the secret crm/<its name>; remove passwordSecret.",
    source_auth: 'Choose basic or none.',
    source_type: 'Choose payamgostar or http (Other).',
  },
  fa: {
    source_name_reserved: '«ledger» نام منبع داخلی است؛ نام دیگری انتخاب کنید.',
    source_host: 'نشانی CRM را به شکل http(s)://host[/path] و بدون ? یا # وارد کنید.',
    source_host_credentials: 'نام کاربری یا گذرواژه را در نشانی ننویسید؛ گذرواژه در انبار رمزها نگه داشته می‌شود.',
    password_secret_bound: 'گذرواژهٔ هر منبع استعلام همیشه در رمز crm/<نام منبع> است؛ passwordSecret را حذف کنید.',
    source_auth: 'basic یا none را انتخاب کنید.',
    source_type: 'پیام‌گستر (payamgostar) یا سایر (http) را انتخاب کنید.',
  },
};

export type ParsedSource = { ok: true; value: LookupSource } | { ok: false; errors: FieldError[] };

/**
 * `passwordSecret` of documents written before the password was bound to the source's name:
 * accepted (and dropped) only when it names the source's own secret, refused otherwise.
 */
function withoutLegacySecret(input: unknown): { input: unknown; refused: boolean } {
  if (typeof input !== 'object' || input === null || Array.isArray(input) || !('passwordSecret' in input)) return { input, refused: false };
  const { passwordSecret, ...rest } = input as Record<string, unknown>;
  const name = typeof rest.name === 'string' ? rest.name.trim() : undefined;
  const own = name !== undefined && (passwordSecret === name || passwordSecret === `crm/${name}`);
  return { input: rest, refused: !own };
}

export function parseLookupSource(input: unknown, language: Language = 'en'): ParsedSource {
  const legacy = withoutLegacySecret(input);
  const result = lookupSourceSchema.safeParse(legacy.input);
  const refusal: FieldError[] = legacy.refused
    ? [{ field: 'passwordSecret', code: 'password_secret_bound', message: MESSAGES[language].password_secret_bound as string }]
    : [];
  if (result.success) return refusal.length > 0 ? { ok: false, errors: refusal } : { ok: true, value: result.data };
  return {
    ok: false,
    errors: [
      ...refusal,
      ...result.error.issues.map((issue) => {
        const field = issue.path.join('.') || '(root)';
        if (issue.code === z.ZodIssueCode.unrecognized_keys) return fieldError(issue.keys.join(','), 'unknown_field', language);
        if (issue.code === z.ZodIssueCode.invalid_type && issue.received === 'undefined') return fieldError(field, 'required', language);
        const own = MESSAGES[language][issue.message];
        return own ? { field, code: issue.message, message: own } : fieldError(field, issue.message, language);
      }),
    ],
  };
}
