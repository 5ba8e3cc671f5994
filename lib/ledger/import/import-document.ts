/**
 * The import format (infra/seed/demo.json is one): top-level moneyAccounts, customers,
 * items, destinations and modules. Everything is validated before anything is written, so
 * a document with one bad row changes nothing; each error names its section, row and field.
 *
 * Amounts never guess (lib/domain/money.ts): in a JSON document an amount field (FinalValue,
 * and any module's invoice value field) is a JSON number of whole minor units of the item's
 * currency (rials; cents: 1250 is $12.50); in CSV it is text read by the strict rules
 * (`parseTextAmount`, e.g. "1,250,000" or "12.50"). Either the amount is read exactly or
 * its row is refused. Items are stored with their amounts as minor units and their currency.
 */
import { z } from 'zod';
import {
  checkModuleReferences,
  fieldError,
  parseDestination,
  parseModule,
  type SpeechCapabilities,
  type Destination,
  type FieldError,
  type Language,
  type ModuleConfig,
} from '../../config/module-schema';
import { parseLookupSource, type LookupSource } from '../../config/lookup-source-schema';
import { customerRecord, itemRecord, moneyAccountRecord, type CustomerRecord, type ItemRecord, type MoneyAccountRecord } from '../ledger-records';
import type { LedgerAdmin } from '../ledger-admin';
import type { ModuleStore } from '../../config/module-store';
import type { LookupSourceStore } from '../../crm/lookup-source-store';
import { BALANCE_SIGN } from '../ledger-balance';
import { IMPORT_TEXT, minorDigits, parseJsonAmount, parseTextAmount, type AmountProblem, type CurrencyCode } from '../../domain/money';

export interface ImportDocument {
  readonly moneyAccounts: MoneyAccountRecord[];
  readonly customers: CustomerRecord[];
  readonly items: ItemRecord[];
  readonly destinations: Destination[];
  /** CRM connections by name; they name their password secret, never hold it. */
  readonly lookupSources: LookupSource[];
  readonly modules: ModuleConfig[];
}

export interface RowError extends FieldError {
  readonly section: keyof ImportDocument | '(document)';
  readonly row: number;
}

export type ImportParse = { ok: true; document: ImportDocument } | { ok: false; errors: RowError[] };

const SECTIONS = ['moneyAccounts', 'customers', 'items', 'destinations', 'lookupSources', 'modules'] as const;

/** A valid row and where it stood in the document, so later checks report the operator's row number. */
interface Row<T> {
  readonly row: number;
  readonly value: T;
}

type RowParse<T> = { ok: true; value: T } | { ok: false; errors: FieldError[] };

function parseRows<T>(rows: unknown[], section: RowError['section'], errors: RowError[], parse: (row: unknown) => RowParse<T>): Row<T>[] {
  const out: Row<T>[] = [];
  rows.forEach((raw, row) => {
    const parsed = parse(raw);
    if (parsed.ok) out.push({ row, value: parsed.value });
    else for (const e of parsed.errors) errors.push({ ...e, section, row });
  });
  return out;
}

function withSchema<T>(schema: z.ZodType<T, z.ZodTypeDef, unknown>, language: Language): (row: unknown) => RowParse<T> {
  return (row) => {
    const parsed = schema.safeParse(row);
    return parsed.success ? { ok: true, value: parsed.data } : { ok: false, errors: parsed.error.issues.map((issue) => rowFieldError(issue, language)) };
  };
}

const values = <T>(rows: readonly Row<T>[]): T[] => rows.map((r) => r.value);

/** The schema's own message codes ('required', 'too_long') in the operator's language; anything else is 'invalid'. */
function rowFieldError(issue: z.ZodIssue, language: Language): FieldError {
  const field = issue.path.join('.') || '(row)';
  if (issue.code === z.ZodIssueCode.unrecognized_keys) return fieldError(issue.keys.join(','), 'unknown_field', language);
  if (issue.code === z.ZodIssueCode.invalid_type && issue.received === 'undefined') return fieldError(field, 'required', language);
  return fieldError(field, issue.message, language);
}

/** What already exists in the stores, so a partial import (items only, say) can refer to it. */
export interface KnownRecords {
  readonly customerIds?: ReadonlySet<string>;
  readonly destinationCodes?: ReadonlySet<string>;
  readonly lookupSourceNames?: ReadonlySet<string>;
  /** Stored lookup sources' currencies (a module's currency must match its source's). */
  readonly lookupSourceCurrencies?: ReadonlyMap<string, CurrencyCode>;
  /** Stored money accounts of the ledger and their currencies. */
  readonly moneyAccountCurrencies?: ReadonlyMap<string, CurrencyCode>;
  /** Invoice value fields of stored modules: those fields hold amounts too. */
  readonly amountFields?: ReadonlySet<string>;
  /** The ledger's currency (LEDGER_CURRENCY): of accounts and items that name none. Default IRR. */
  readonly ledgerCurrency?: CurrencyCode;
  /** Whether typed Persian prompt text can be spoken (a Persian synthesizer is configured). */
  readonly speech?: SpeechCapabilities;
}

/**
 * Validates a whole document. `amounts` says how amount fields are written: `json` (a JSON
 * import: numbers of minor units) or `text` (CSV cells, read strictly).
 */
export function parseImportDocument(input: unknown, known: KnownRecords = {}, language: Language = 'en', amounts: 'json' | 'text' = 'json'): ImportParse {
  const errors: RowError[] = [];
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    return {
      ok: false,
      errors: [
        {
          section: '(document)',
          row: -1,
          field: '(root)',
          code: 'invalid',
          message: language === 'fa' ? 'سند باید یک شیء JSON باشد.' : 'The document must be a JSON object.',
        },
      ],
    };
  }
  const doc = input as Record<string, unknown>;
  for (const key of Object.keys(doc)) {
    if (!(SECTIONS as readonly string[]).includes(key))
      errors.push({
        section: '(document)',
        row: -1,
        field: key,
        code: 'unknown_field',
        message: language === 'fa' ? `بخش «${key}» شناخته‌شده نیست.` : `Unknown section "${key}".`,
      });
  }
  const rows = (key: (typeof SECTIONS)[number]): unknown[] => {
    const value = doc[key] ?? [];
    if (Array.isArray(value)) return value;
    errors.push({ section: key, row: -1, field: key, code: 'invalid', message: language === 'fa' ? 'باید یک آرایه باشد.' : 'Must be an array.' });
    return [];
  };
  const moneyAccounts = parseRows(rows('moneyAccounts'), 'moneyAccounts', errors, withSchema(moneyAccountRecord, language));
  const customers = parseRows(rows('customers'), 'customers', errors, withSchema(customerRecord, language));
  const parsedItems = parseRows(rows('items'), 'items', errors, withSchema(itemRecord, language));
  const destinations = parseRows(rows('destinations'), 'destinations', errors, (row) => parseDestination(row, language));
  const lookupSources = parseRows(rows('lookupSources'), 'lookupSources', errors, (row) => parseLookupSource(row, language));
  const modules = parseRows(rows('modules'), 'modules', errors, (row) => parseModule(row, language, known.speech));

  // Currencies and amounts: every amount is read exactly in its item's currency, or refused.
  const ledgerCurrency = known.ledgerCurrency ?? 'IRR';
  const accountCurrencies = new Map(known.moneyAccountCurrencies ?? []);
  for (const { value } of moneyAccounts) accountCurrencies.set(value.key, value.currency ?? ledgerCurrency);
  const sourceCurrencies = new Map(known.lookupSourceCurrencies ?? []);
  for (const { value } of lookupSources) sourceCurrencies.set(value.name, value.currency);
  const amountFields = new Set(['FinalValue', ...(known.amountFields ?? [])]);
  for (const { value } of modules) if (value.kind === 'balance') amountFields.add(value.invoiceValueField);
  const items = withExactAmounts(parsedItems, { accountCurrencies, ledgerCurrency, amountFields, amounts, language }, errors);

  // Cross-record rules.
  const customerIds = new Set([...(known.customerIds ?? []), ...customers.map((c) => c.value.id)]);
  for (const { row, value: item } of parsedItems) {
    if (!customerIds.has(item.customerId))
      errors.push({
        section: 'items',
        row,
        field: 'customerId',
        code: 'unknown_customer',
        message: language === 'fa' ? `مشتری‌ای با شناسه «${item.customerId}» وجود ندارد.` : `No customer has id "${item.customerId}".`,
      });
  }
  const destinationCodes = new Set([...(known.destinationCodes ?? []), ...destinations.map((d) => d.value.code)]);
  const sourceNames = new Set([...(known.lookupSourceNames ?? []), ...lookupSources.map((s) => s.value.name)]);
  const currencies = { lookupSource: (name: string) => sourceCurrencies.get(name), ledgerAccount: (key: string) => accountCurrencies.get(key) };
  for (const { row, value: module } of modules) {
    for (const e of checkModuleReferences(
      module,
      (code) => destinationCodes.has(code),
      language,
      (name) => sourceNames.has(name),
      currencies,
    ))
      errors.push({ ...e, section: 'modules', row });
  }
  duplicates(
    lookupSources.map((s) => ({ row: s.row, key: s.value.name })),
    'lookupSources',
    'name',
    errors,
    language,
  );
  duplicates(
    customers.map((c) => ({ row: c.row, key: c.value.id })),
    'customers',
    'id',
    errors,
    language,
  );
  duplicates(
    modules.map((m) => ({ row: m.row, key: m.value.code })),
    'modules',
    'code',
    errors,
    language,
  );
  duplicates(
    destinations.map((d) => ({ row: d.row, key: d.value.code })),
    'destinations',
    'code',
    errors,
    language,
  );
  duplicates(
    parsedItems.map((i) => ({ row: i.row, key: `${i.value.customerId}/${i.value.type}/${i.value.number}` })),
    'items',
    'number',
    errors,
    language,
  );

  const document = {
    moneyAccounts: values(moneyAccounts),
    customers: values(customers),
    items: values(items),
    destinations: values(destinations),
    lookupSources: values(lookupSources),
    modules: values(modules),
  };
  return errors.length > 0 ? { ok: false, errors } : { ok: true, document };
}

/**
 * Each item's currency (its own, else its money account's, else the ledger's) and its amount
 * fields read exactly into whole minor units; a posted item (not a proforma) needs a FinalValue.
 */
function withExactAmounts(
  items: readonly Row<ItemRecord>[],
  context: {
    accountCurrencies: ReadonlyMap<string, CurrencyCode>;
    ledgerCurrency: CurrencyCode;
    amountFields: ReadonlySet<string>;
    amounts: 'json' | 'text';
    language: Language;
  },
  errors: RowError[],
): Row<ItemRecord>[] {
  const out: Row<ItemRecord>[] = [];
  for (const { row, value: item } of items) {
    const accountCurrency = item.moneyAccount ? context.accountCurrencies.get(item.moneyAccount) : undefined;
    if (item.currency && accountCurrency && item.currency !== accountCurrency) {
      errors.push({ section: 'items', row, ...fieldError('currency', 'currency_account', context.language) });
      continue;
    }
    const currency = item.currency ?? accountCurrency ?? context.ledgerCurrency;
    const fields: Record<string, string | number> = { ...item.fields };
    let ok = true;
    for (const name of context.amountFields) {
      const raw = item.fields[name];
      if (raw === undefined) {
        if (name === 'FinalValue' && BALANCE_SIGN[item.type] !== 0) {
          errors.push({ section: 'items', row, ...amountError(`fields.${name}`, 'missing', currency, context.amounts, context.language) });
          ok = false;
        }
        continue;
      }
      const read = context.amounts === 'json' ? parseJsonAmount(raw) : parseTextAmount(String(raw), currency, IMPORT_TEXT);
      if (read.ok) fields[name] = read.minor;
      else {
        errors.push({ section: 'items', row, ...amountError(`fields.${name}`, read.problem, currency, context.amounts, context.language) });
        ok = false;
      }
    }
    if (ok) out.push({ row, value: { ...item, fields, currency } });
  }
  return out;
}

/** A refused amount, said so an operator can correct it: what is wrong and how to write it in this currency. */
export function amountError(field: string, problem: AmountProblem, currency: CurrencyCode, written: 'json' | 'text', language: Language): FieldError {
  const digits = minorDigits(currency);
  const example = digits === 0 ? '1,250,000' : `12.${'5'.padEnd(digits, '0')}`;
  const jsonExample = digits === 0 ? '1250000' : `1250${'0'.repeat(digits - 2)}`;
  const en: Record<AmountProblem, string> = {
    format: `Not an amount: write digits only, e.g. ${example} (no words, units, spaces, exponents, hex or signs).`,
    grouping: "Thousands separators (, ٬ or ') must separate whole groups of three digits, e.g. 1,234,567, one kind per number.",
    decimals:
      digits === 0
        ? `${currency} amounts have no decimals: write whole units, e.g. 1,250,000.`
        : `${currency} amounts have exactly ${digits} decimals after a point, e.g. ${example}.`,
    negative: 'An amount cannot be negative here: the item type says which way it counts.',
    too_large: 'Too large: amounts must stay within 9,007,199,254,740,991 minor units.',
    not_integer: `In a JSON document an amount is a number of whole minor units of ${currency}, e.g. ${jsonExample}${digits === 0 ? '' : ` for ${example}`}; text and fractions are not read.`,
    missing: written === 'json' ? `An amount is required here (a number of minor units of ${currency}).` : 'An amount is required here.',
  };
  const fa: Record<AmountProblem, string> = {
    format: `این مقدار مبلغ نیست: فقط رقم بنویسید، مانند ${example} (بدون واژه، واحد پول، فاصله، نماد علمی، مبنای شانزده یا علامت).`,
    grouping: "جداکننده هزارگان (, ٬ یا ') باید گروه‌های کامل سه‌رقمی را جدا کند، مانند ۱٬۲۳۴٬۵۶۷، و در هر عدد فقط یک نوع باشد.",
    decimals:
      digits === 0
        ? `مبلغ‌های ${currency} اعشار ندارند: عدد صحیح بنویسید، مانند ۱٬۲۵۰٬۰۰۰.`
        : `مبلغ‌های ${currency} دقیقاً ${digits} رقم اعشار پس از ممیز دارند، مانند ${example}.`,
    negative: 'مبلغ این‌جا نمی‌تواند منفی باشد: نوع سند جهت آن را تعیین می‌کند.',
    too_large: 'بیش از حد بزرگ است: مبلغ باید حداکثر ۹٬۰۰۷٬۱۹۹٬۲۵۴٬۷۴۰٬۹۹۱ واحد خرد باشد.',
    not_integer: `در سند JSON مبلغ عددی صحیح به کوچک‌ترین واحد ${currency} است، مانند ${jsonExample}؛ متن و عدد اعشاری خوانده نمی‌شود.`,
    missing: 'وارد کردن مبلغ این‌جا الزامی است.',
  };
  return { field, code: `amount_${problem}`, message: (language === 'fa' ? fa : en)[problem] };
}

function duplicates(keys: { row: number; key: string }[], section: RowError['section'], field: string, errors: RowError[], language: Language): void {
  const seen = new Set<string>();
  keys.forEach(({ key, row }) => {
    if (seen.has(key)) errors.push({ section, row, ...duplicateError(field, key, language) });
    seen.add(key);
  });
}

/** A key that appears twice in one import (bulk jobs check this across the whole file). */
export function duplicateError(field: string, key: string, language: Language): FieldError {
  return { field, code: 'duplicate_code', message: language === 'fa' ? `«${key}» بیش از یک بار آمده است.` : `"${key}" appears more than once.` };
}

export interface ImportCounts {
  readonly moneyAccounts: number;
  readonly customers: number;
  readonly items: number;
  readonly destinations: number;
  readonly lookupSources: number;
  readonly modules: number;
}

/** Writes a validated document. Every write is a keyed put, so importing twice changes nothing. */
export async function applyImport(
  document: ImportDocument,
  stores: { ledger: LedgerAdmin; modules: ModuleStore; lookupSources?: LookupSourceStore },
): Promise<ImportCounts> {
  await stores.ledger.putMoneyAccounts(document.moneyAccounts);
  await stores.ledger.putCustomers(document.customers);
  await stores.ledger.putItems(document.items);
  // Destinations before modules: a module never points at a destination not yet stored.
  for (const destination of document.destinations) await stores.modules.putDestination(destination);
  if (document.lookupSources.length > 0 && !stores.lookupSources) throw new Error('import has lookup sources but no lookup-source store was given');
  // Sources before modules, for the same reason.
  for (const source of document.lookupSources) await stores.lookupSources?.putSource(source);
  for (const module of document.modules) await stores.modules.putModule(module);
  return {
    moneyAccounts: document.moneyAccounts.length,
    customers: document.customers.length,
    items: document.items.length,
    destinations: document.destinations.length,
    lookupSources: document.lookupSources.length,
    modules: document.modules.length,
  };
}
